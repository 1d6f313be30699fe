/** Flows, tcptrace-method RTT and retransmission statistics, connection reports. */
export { buildFlows, analyzeFlows, writeFlowsCSV, FLOW_CSV_COLUMNS, type FlowAnalysis } from "./build";
export { FlowTable, type FlowCell, type FlowColumn, type FlowColumnKind } from "./table";
export { tcpStreams } from "./streams";
export { TcptraceConn, Tcb, SampleKind, ttAverage, ttStdev } from "../tcptrace/engine";
export { rttSamples, retransmissions, describeConnection } from "./helpers";
export { tlsVersionText, type TlsLike } from "./build";
