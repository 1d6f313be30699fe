/**
 * buildFlows: one row per TCP stream (Wireshark's tcp.stream), per UDP 5-tuple, and per address pair
 * for other IP protocols, computed from the packet columns (identity.ts, counters.ts), plus the tcptrace
 * engine's pass for TCP (lib/tcptrace/stream-trace.ts: usually run by the analysis worker while the capture
 * is read). The columns are declared in schema.ts. See docs/flows-differences.md for how the numbers
 * relate to tshark and tcptrace.
 */
import type { Capture, PacketSelection } from "../capture/capture";
import type { HttpStreamSummary } from "../app/http";
import type { TlsStreamSummary } from "../app/tls";
import { serviceName } from "../app/ports";
import { tlsVersionText } from "../app/tls";
import { tcpStreams } from "./streams";
import { traceAll, type TraceResult, type TraceSamples, type TraceRexmits } from "../tcptrace/stream-trace";
import { TcbField, ttAverage, ttStdev } from "../tcptrace/engine";
import { FlowTable, type FlowColumn } from "./table";
import { flowColumns } from "./schema";
import { flowTimes, identityPass, orientTcp, rowsByFlow, tcptraceConnections, type FlowIds } from "./identity";
import { mainPass, type Side } from "./counters";
import { connState, HistoryLog } from "./zeek";
import { rttQuantiles } from "./quantile";

/** Everything the flow build produced; kept on the Capture (WeakMap) so helpers reuse it. */
export interface FlowAnalysis {
  table: FlowTable;
  /** flow row per packet row (-1: not part of a flow) */
  flowOfRow: Int32Array;
  /** 1 when the packet travels B→A */
  dirOfRow: Uint8Array;
  /** stream id per row (-1 non-TCP) */
  stream: Int32Array;
  /** flow row of each TCP stream */
  flowOfStream: Int32Array;
  /** the tcptrace engine's results over the TCP flows, and its connection index per flow (-1: no TCP packets) */
  tcptrace: TraceResult;
  connOf: Int32Array;
  /** tcptrace's RTT events and retransmissions, with flow rows and A→B directions */
  samples: TraceSamples;
  rexmits: TraceRexmits;
  /** packets per flow in file order: rows listed flow by flow (CSR) */
  rowsStart: Int32Array;
  rowsList: Int32Array;
  /** Wireshark analysis available (tcpAnalysis filled by the analyzer) */
  wiresharkFlags: boolean;
  streamsComputed: boolean;
}

const cache = new WeakMap<Capture, FlowAnalysis>();

/** `pcapframe flows FILE --csv` columns (times and RTTs in seconds; a2b = data sent by A). */
export const FLOW_CSV_COLUMNS = [
  "stream", "proto", "addr_a", "port_a", "addr_b", "port_b", "start", "duration",
  "pkts_a2b", "bytes_a2b", "pkts_b2a", "bytes_b2a", "irtt",
  "rtt_samples_a2b", "rtt_min_a2b", "rtt_avg_a2b", "rtt_max_a2b", "rtt_stdev_a2b",
  "rtt_samples_b2a", "rtt_min_b2a", "rtt_avg_b2a", "rtt_max_b2a", "rtt_stdev_b2a",
  "retrans_pkts_a2b", "retrans_bytes_a2b", "retrans_pkts_b2a", "retrans_bytes_b2a",
  "state", "history", "sni", "tls_version", "tls_cipher",
] as const;


/**
 * Build (or return the cached) flow analysis of a capture. `buildFlows(cap)` returns its table.
 */
export function analyzeFlows(cap: Capture): FlowAnalysis {
  const hit = cache.get(cap);
  if (hit) return hit;
  const t = cap.packets;
  const n = t.length;
  const { stream, count: nStreams, computed } = tcpStreams(t, cap.tcp);
  const flowOfRow = new Int32Array(n).fill(-1);
  const dirOfRow = new Uint8Array(n);

  // ---- pass 1: flow identity (TCP by stream; UDP by 5-tuple; other IP by address pair + protocol)
  const flowOfStream = new Int32Array(nStreams).fill(-1);
  const ids: FlowIds = { stream: [], proto: [], a: [], b: [], pa: [], pb: [], first: [] };
  // Wireshark's analysis ran when TCP packets got stream numbers (readCapture's tcpAnalysis); a capture without
  // a single analysis flag then has 0 retransmissions and dup ACKs, not unknown ones
  const anyAnalysis = identityPass(t, n, stream, flowOfRow, flowOfStream, ids) || cap.tcp.streamCount > 0;
  const { stream: flowStream, proto: flowProto, a: flowA, b: flowB, pa: flowPA, pb: flowPB, first: flowFirst } = ids;
  const nFlows = flowStream.length;
  orientTcp(t, n, flowOfRow, ids);

  // ---- pass 2: per-flow counters (the tcptrace engine's results are taken after it)
  const pkts = [new Float64Array(nFlows), new Float64Array(nFlows)];
  const bytes = [new Float64Array(nFlows), new Float64Array(nFlows)];
  const payload = [new Float64Array(nFlows), new Float64Array(nFlows)];
  const startT = new Float64Array(nFlows).fill(NaN);
  const endT = new Float64Array(nFlows).fill(NaN);
  const side: Side[][] = [[], []];
  const hsFrame = { syn: new Float64Array(nFlows).fill(NaN), synack: new Float64Array(nFlows).fill(NaN), ack3: new Float64Array(nFlows).fill(NaN) };
  const irtt = new Float64Array(nFlows).fill(NaN);
  const lastSynRow = new Float64Array(nFlows).fill(NaN);
  const firstFin = new Int8Array(nFlows).fill(-1);
  const firstRst = new Int8Array(nFlows).fill(-1);
  const finFrame = [new Float64Array(nFlows).fill(NaN), new Float64Array(nFlows).fill(NaN)];
  const rstFrame = new Float64Array(nFlows).fill(NaN);
  const finEnd = [new Float64Array(nFlows).fill(NaN), new Float64Array(nFlows).fill(NaN)];
  const finAcked = [new Uint8Array(nFlows), new Uint8Array(nFlows)];
  const synFlags = new Uint8Array(nFlows); // 1 orig SYN, 2 resp SYN/ACK, 4 orig SYN/ACK, 8 resp SYN
  const finFlags = new Uint8Array(nFlows); // 1 orig FIN, 2 resp FIN, 4 orig RST, 8 resp RST
  const finBeforeRst = new Uint8Array(nFlows);
  const hist = new HistoryLog(nFlows * 8 + 1024);
  const histOnce = new Uint16Array(nFlows); // bits: A a D d
  const lastFinSeq = [new Float64Array(nFlows).fill(NaN), new Float64Array(nFlows).fill(NaN)];
  const lastRstSeq = [new Float64Array(nFlows).fill(NaN), new Float64Array(nFlows).fill(NaN)];
  const lastSynSeq = [new Float64Array(nFlows).fill(NaN), new Float64Array(nFlows).fill(NaN)];
  const zwCount = [new Uint32Array(nFlows), new Uint32Array(nFlows)];
  const rtCount = [new Uint32Array(nFlows), new Uint32Array(nFlows)];
  const ws = {
    all: [new Float64Array(nFlows), new Float64Array(nFlows)],
    retrans: [new Float64Array(nFlows), new Float64Array(nFlows)],
    fast: [new Float64Array(nFlows), new Float64Array(nFlows)],
    spurious: [new Float64Array(nFlows), new Float64Array(nFlows)],
    ooo: [new Float64Array(nFlows), new Float64Array(nFlows)],
    dupack: [new Float64Array(nFlows), new Float64Array(nFlows)],
    zwp: [new Float64Array(nFlows), new Float64Array(nFlows)],
    lost: [new Float64Array(nFlows), new Float64Array(nFlows)],
  };
  const dataSegs = [new Float64Array(nFlows), new Float64Array(nFlows)];
  const rowCount = new Int32Array(nFlows + 1);
  const lastRow = new Int32Array(nFlows);
  const fProto = Int32Array.from(flowProto), fA = Float64Array.from(flowA), fPA = Int32Array.from(flowPA);
  const pk0 = pkts[0], pk1 = pkts[1], by0 = bytes[0], by1 = bytes[1];
  mainPass({
    n, t, flowOfRow, dirOfRow, rowCount, lastRow, fProto, fA, fPA, pk0, pk1, by0, by1, payload, dataSegs, side, hsFrame,
    irtt, lastSynRow, firstFin, firstRst, finFrame, rstFrame, finEnd, finAcked, synFlags, finFlags, finBeforeRst, hist,
    histOnce, lastFinSeq, lastRstSeq, lastSynSeq, zwCount, ws,
  });
  flowTimes(t, flowFirst, lastRow, startT, endT);
  const rowsStart = rowCount;
  const rowsList = rowsByFlow(flowOfRow, n, rowsStart, nFlows);

  // ---- the tcptrace engine's pass: run by the analysis worker while the capture was read (it may be
  // finishing while the passes above ran), else now
  const tcptrace = cap.takeTrace() ?? traceAll(t, stream, nStreams);
  const connOf = tcptraceConnections(tcptrace, ids);
  const { samples, rexmits } = tcptrace;
  const history = hist.spell(nFlows, rexmits);

  // ---- per-direction RTT quantiles from the valid samples
  const med = [new Float64Array(nFlows).fill(NaN), new Float64Array(nFlows).fill(NaN)];
  const p95 = [new Float64Array(nFlows).fill(NaN), new Float64Array(nFlows).fill(NaN)];
  rttQuantiles(samples, nFlows, med, p95);

  // ---- columns: one array per FLOW_SCHEMA column (numbers: Float64Array, NaN = absent)
  const values = new Map<string, FlowColumn["data"]>();
  const num = (name: string, f: (i: number) => number) => {
    const a = new Float64Array(nFlows);
    for (let i = 0; i < nFlows; i++) a[i] = f(i);
    values.set(name, a);
  };
  const str = (name: string, f: (i: number) => string | null) => {
    const a: (string | null)[] = new Array(nFlows);
    for (let i = 0; i < nFlows; i++) a[i] = f(i);
    values.set(name, a);
  };
  const bool = (name: string, f: (i: number) => boolean | null) => {
    const a: (boolean | null)[] = new Array(nFlows);
    for (let i = 0; i < nFlows; i++) a[i] = f(i);
    values.set(name, a);
  };
  const numA = (name: string, data: Float64Array) => {
    values.set(name, data);
  };
  // tcptrace statistics, straight from the engine's state: NaN for non-TCP flows
  const ttv = tcptrace.v;
  /** One statistic of flow i's direction d (NaN when the engine saw no packet of the flow). */
  const tt = (i: number, d: number, field: TcbField): number => {
    const c = connOf[i];
    return c < 0 ? NaN : ttv[(c * 2 + d) * TcbField.COUNT + field];
  };
  const ttStat = (d: number, field: TcbField, scale = 1): Float64Array => {
    const a = new Float64Array(nFlows);
    for (let i = 0; i < nFlows; i++) {
      const c = connOf[i];
      a[i] = flowProto[i] !== 6 ? NaN : c < 0 ? 0 : ttv[(c * 2 + d) * TcbField.COUNT + field] / scale;
    }
    return a;
  };
  /** RTT statistic in seconds (NaN without samples): kind 0 min, 1 max, 2 avg, 3 stdev. */
  const ttRtt = (d: number, kind: number): Float64Array => {
    const a = new Float64Array(nFlows);
    for (let i = 0; i < nFlows; i++) {
      const c = connOf[i];
      const o = (c * 2 + d) * TcbField.COUNT;
      const cnt = c < 0 ? 0 : ttv[o + TcbField.rttCount];
      if (!cnt) a[i] = NaN;
      else if (kind === 0) a[i] = ttv[o + TcbField.rttMin] / 1e6;
      else if (kind === 1) a[i] = ttv[o + TcbField.rttMax] / 1e6;
      else if (kind === 2) a[i] = ttAverage(ttv[o + TcbField.rttSum], cnt) / 1e6;
      else a[i] = ttStdev(ttv[o + TcbField.rttSum], ttv[o + TcbField.rttSum2], cnt) / 1e6;
    }
    return a;
  };
  const S = t.strings;
  const isTcp = (i: number) => flowProto[i] === 6;
  const tcpNum = (i: number, v: () => number) => (isTcp(i) ? v() : NaN);
  const protoName = (p: number) => (p === 6 ? "tcp" : p === 17 ? "udp" : p === 1 ? "icmp" : p === 58 ? "icmpv6" : `ip-${p}`);
  const tls = new Array<TlsStreamSummary | null>(nFlows).fill(null);
  const http = new Array<HttpStreamSummary | null>(nFlows).fill(null);
  for (let i = 0; i < nFlows; i++) {
    if (!isTcp(i)) continue;
    tls[i] = cap.app.streamTls(flowStream[i]) ?? null;
    http[i] = cap.app.streamHttp(flowStream[i]) ?? null;
  }
  const dirName = ["a2b", "b2a"];
  const sideName = ["a", "b"];

  num("stream", (i) => (isTcp(i) ? flowStream[i] : NaN));
  str("proto", (i) => protoName(flowProto[i]));
  str("addr_a", (i) => S.get(flowA[i]));
  num("port_a", (i) => (flowPA[i] >= 0 ? flowPA[i] : NaN));
  str("addr_b", (i) => S.get(flowB[i]));
  num("port_b", (i) => (flowPB[i] >= 0 ? flowPB[i] : NaN));
  numA("start", startT);
  numA("end", endT);
  num("duration", (i) => endT[i] - startT[i]);
  num("first_frame", (i) => flowFirst[i] + 1);
  for (let d = 0; d < 2; d++) {
    const dn = dirName[d];
    numA(`pkts_${dn}`, pkts[d]);
    numA(`bytes_${dn}`, bytes[d]);
    numA(`payload_${dn}`, payload[d]);
    num(`data_pkts_${dn}`, (i) => tcpNum(i, () => dataSegs[d][i]));
    numA(`unique_bytes_${dn}`, ttStat(d, TcbField.uniqueBytes));
    num(`throughput_${dn}`, (i) => {
      const dur = endT[i] - startT[i];
      if (!(dur > 0)) return NaN;
      return (isTcp(i) ? (connOf[i] < 0 ? 0 : tt(i, d, TcbField.uniqueBytes)) : payload[d][i]) / dur;
    });
  }
  // handshake
  for (let d = 0; d < 2; d++) {
    const sn = sideName[d];
    num(`mss_${sn}`, (i) => side[d][i]?.mss ?? NaN);
    num(`ws_${sn}`, (i) => side[d][i]?.ws ?? NaN);
    bool(`sack_perm_${sn}`, (i) => (side[d][i] ? side[d][i].sackPerm : null));
    bool(`ts_${sn}`, (i) => (side[d][i] ? side[d][i].ts : null));
  }
  numA("irtt", irtt);
  num("syn_frame", (i) => hsFrame.syn[i] + 1);
  num("synack_frame", (i) => hsFrame.synack[i] + 1);
  num("ack_frame", (i) => hsFrame.ack3[i] + 1);
  for (let d = 0; d < 2; d++) numA(`rtt_3whs_${dirName[d]}`, ttStat(d, TcbField.rtt3whs, 1e6));
  // teardown
  str("first_fin", (i) => (firstFin[i] < 0 ? null : firstFin[i] ? "B" : "A"));
  str("first_rst", (i) => (firstRst[i] < 0 ? null : firstRst[i] ? "B" : "A"));
  num("fin_frame_a", (i) => finFrame[0][i] + 1);
  num("fin_frame_b", (i) => finFrame[1][i] + 1);
  num("rst_frame", (i) => rstFrame[i] + 1);
  bool("fin_close", (i) => (isTcp(i) ? finAcked[0][i] === 1 && finAcked[1][i] === 1 : null));
  // Zeek
  str("state", (i) => connState(flowProto[i], synFlags[i], finFlags[i], firstRst[i], finBeforeRst[i], pkts[0][i], pkts[1][i]));
  str("history", (i) => history[i]);
  // TLS / HTTP / app
  str("sni", (i) => tls[i]?.sni ?? null);
  str("tls_version", (i) => tlsVersionText(tls[i]));
  str("tls_cipher", (i) => tls[i]?.cipherName ?? (tls[i]?.cipher != null ? String(tls[i]!.cipher) : null));
  str("alpn", (i) => tls[i]?.alpn ?? null);
  str("http_host", (i) => http[i]?.host ?? null);
  num("http_requests", (i) => (http[i] ? http[i]!.requests : NaN));
  num("http_responses", (i) => (http[i] ? http[i]!.responses : NaN));
  str("http_hosts", (i) => (http[i] && http[i]!.hosts.length ? http[i]!.hosts.join(",") : null));
  str("app", (i) => {
    if (tls[i] && (tls[i]!.sni || tlsVersionText(tls[i]))) return "tls";
    if (http[i] && http[i]!.host) return "http";
    return serviceName(flowProto[i], flowPA[i], flowPB[i]);
  });
  // RTT (tcptrace method)
  for (let d = 0; d < 2; d++) {
    const dn = dirName[d];
    const who = d ? "B" : "A";
    numA(`rtt_samples_${dn}`, ttStat(d, TcbField.rttCount));
    numA(`rtt_min_${dn}`, ttRtt(d, 0));
    numA(`rtt_avg_${dn}`, ttRtt(d, 2));
    numA(`rtt_max_${dn}`, ttRtt(d, 1));
    numA(`rtt_stdev_${dn}`, ttRtt(d, 3));
    numA(`rtt_median_${dn}`, med[d]);
    numA(`rtt_p95_${dn}`, p95[d]);
    numA(`rtt_ambiguous_${dn}`, ttStat(d, TcbField.rttAmback));
    numA(`rtt_post_loss_${dn}`, ttStat(d, TcbField.rttNosample));
  }
  // retransmissions
  for (let d = 0; d < 2; d++) {
    const dn = dirName[d];
    numA(`retrans_pkts_${dn}`, ttStat(d, TcbField.rexmitPkts));
    numA(`retrans_bytes_${dn}`, ttStat(d, TcbField.rexmitBytes));
    numA(`out_of_order_${dn}`, ttStat(d, TcbField.outOrderPkts));
    numA(`zwnd_probes_${dn}`, ttStat(d, TcbField.zwndProbes));
    numA(`dup_acks_tt_${dn}`, ttStat(d, TcbField.rttDupack));
    const wsv = (arr: Float64Array[]) => (i: number) => (isTcp(i) && anyAnalysis ? arr[d][i] : NaN);
    num(`ws_retrans_all_${dn}`, wsv(ws.all));
    num(`ws_retrans_${dn}`, wsv(ws.retrans));
    num(`ws_fast_retrans_${dn}`, wsv(ws.fast));
    num(`ws_spurious_${dn}`, wsv(ws.spurious));
    num(`ws_out_of_order_${dn}`, wsv(ws.ooo));
    num(`ws_dup_acks_${dn}`, wsv(ws.dupack));
    num(`ws_zero_window_probes_${dn}`, wsv(ws.zwp));
    num(`ws_lost_segments_${dn}`, wsv(ws.lost));
    num(`loss_rate_${dn}`, (i) => {
      const dataPkts = tt(i, d, TcbField.dataPkts);
      return dataPkts ? tt(i, d, TcbField.rexmitPkts) / dataPkts : NaN;
    });
  }
  const table = new FlowTable(nFlows, flowColumns().map((def) => {
    const data = values.get(def.name);
    if (data === undefined) throw new Error(`flow column ${def.name}: declared in FLOW_SCHEMA but not built`);
    values.delete(def.name);
    return { ...def, data };
  }));
  if (values.size) throw new Error(`flow columns built but not declared in FLOW_SCHEMA: ${[...values.keys()].join(", ")}`);
  const res: FlowAnalysis = {
    table, flowOfRow, dirOfRow, stream, flowOfStream, tcptrace, connOf, samples, rexmits, rowsStart, rowsList,
    wiresharkFlags: anyAnalysis, streamsComputed: computed,
  };
  cache.set(cap, res);
  return res;
}

/**
 * The flow table of a capture (cached per Capture). With `filter` (a display filter or a table of packets,
 * as `pcapframe flows -Y`): only the flows that have a selected packet, each with the statistics of all its
 * packets.
 */
export function buildFlows(cap: Capture, options: { filter?: PacketSelection } = {}): FlowTable {
  if (options === null || typeof options !== "object") throw new TypeError("buildFlows: options must be an object ({ filter })");
  for (const k of Object.keys(options)) if (k !== "filter") throw new TypeError(`buildFlows: unknown option "${k}" (known: filter)`);
  const fa = analyzeFlows(cap);
  if (options.filter === undefined) return fa.table;
  return fa.table.take(flowsOfRows(fa.flowOfRow, cap.rowsOf(options.filter, 'buildFlows: option "filter"')));
}

/** Positions (ascending, distinct) of the flows that the given packet rows belong to. */
export function flowsOfRows(flowOfRow: Int32Array, rows: ArrayLike<number>): number[] {
  const seen = new Set<number>();
  for (let k = 0; k < rows.length; k++) {
    const f = flowOfRow[rows[k]];
    if (f >= 0) seen.add(f);
  }
  return [...seen].sort((a, b) => a - b);
}

/** Write the CLI's flow CSV (`FLOW_CSV_COLUMNS`) to `write`. */
export function writeFlowsCSV(cap: Capture, write: (chunk: string) => void): void {
  buildFlows(cap).writeCSV(write, { columns: FLOW_CSV_COLUMNS });
}

