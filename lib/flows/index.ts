/** Flows, tcptrace-method RTT and retransmission statistics, connection reports. */
export { buildFlows, analyzeFlows, writeFlowsCSV, FLOW_CSV_COLUMNS, type FlowAnalysis } from "./build";
export { FlowTable, type FlowCell, type FlowColumn, type FlowColumnKind } from "./table";
export { tcpStreams } from "./streams";
export { TcptraceConn, Tcb, SampleKind, ttAverage, ttStdev } from "../tcptrace/engine";
export { rttSamples, retransmissions, describeConnection } from "./helpers";
export { FLOW_SCHEMA, flowColumns, type FlowTableSchema, type FlowFrameType, type FlowColumnSpec, type FlowColumnDef, type FlowColumnType, type FlowSource } from "./schema";
