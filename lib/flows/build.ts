/**
 * buildFlows: one row per TCP stream (Wireshark's tcp.stream), per UDP 5-tuple, and per address pair
 * for other IP protocols, computed from the packet columns in one pass, plus the tcptrace engine's
 * pass for TCP (lib/flows/stream-trace.ts: usually run by the analysis worker while the capture is
 * read). See docs/flows-differences.md for how the numbers relate to tshark and tcptrace.
 */
import type { Capture } from "../capture/capture";
import { Layer, TcpFlag, TcpOpt, type PacketTable } from "../table/packet-table";
import { TA } from "../tcp/flags";
import { tcpStreams } from "./streams";
import { orient, traceAll, type TraceResult, type TraceSamples, type TraceRexmits } from "../tcptrace/stream-trace";
import { SampleKind, TcbField, ttAverage, ttStdev } from "../tcptrace/engine";
import { FlowTable, type FlowColumn, type FlowColumnKind } from "./table";

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

const PORT_APPS: Record<number, string> = {
  20: "ftp-data", 21: "ftp", 22: "ssh", 23: "telnet", 25: "smtp", 53: "dns", 67: "dhcp", 68: "dhcp", 80: "http",
  110: "pop3", 123: "ntp", 137: "netbios-ns", 138: "netbios-dgm", 139: "netbios-ssn", 143: "imap", 161: "snmp",
  389: "ldap", 443: "https", 445: "smb", 465: "smtps", 502: "modbus", 554: "rtsp", 587: "submission", 636: "ldaps",
  853: "dns-over-tls", 993: "imaps", 995: "pop3s", 1723: "pptp", 1883: "mqtt", 3306: "mysql", 3389: "rdp",
  5060: "sip", 5353: "mdns", 5432: "postgresql", 6379: "redis", 8080: "http-alt", 8443: "https-alt",
};

/** The fields used from the TLS dissector's per-stream summary (guarded: any may be missing). */
export interface TlsLike {
  sni?: string | null; version?: number | string | null; versionName?: string | null;
  cipherName?: string | null; cipher?: string | number | null; alpn?: string | string[] | null;
  clientHelloFrame?: number | null; serverHelloFrame?: number | null;
}

/** TLS version text of a summary. */
export function tlsVersionText(x: TlsLike | null | undefined): string | null {
  if (!x) return null;
  if (x.versionName) return x.versionName;
  if (typeof x.version === "string") return x.version || null;
  if (typeof x.version === "number" && x.version > 0) return "0x" + x.version.toString(16).padStart(4, "0");
  return null;
}

/** Options of the TCP handshake (per side). */
interface Side {
  mss: number; ws: number; sackPerm: boolean; ts: boolean; seen: boolean;
}

function optsOf(t: PacketTable, r: number, side: Side): void {
  side.seen = true;
  const seq = t.tcpOptSeq ? t.tcpOptSeq[r] : 0;
  let s = seq;
  while (s) {
    const code = s & 15;
    if (code === TcpOpt.MSS && t.tcpMss) side.mss = t.tcpMss[r];
    else if (code === TcpOpt.WS && t.tcpWsShift) side.ws = t.tcpWsShift[r];
    else if (code === TcpOpt.SACK_PERM) side.sackPerm = true;
    else if (code === TcpOpt.TS) side.ts = true;
    s >>>= 4;
  }
}

/** Zeek-style logarithmic letter: record on the 1st, 10th, 100th… event. */
function logCount(n: number): boolean {
  return n === 1 || n === 10 || n === 100 || n === 1000 || n === 10000 || n === 100000;
}

/**
 * The q-quantile of a[lo, hi) with linear interpolation between order statistics (numpy's default):
 * x_k + (x_k+1 − x_k)·frac for k = ⌊(n − 1)q⌋. Reorders the range instead of sorting it: quickselect
 * puts x_k at k with nothing smaller after it, x_k+1 is then the least of the rest. `from` (≤ k) may
 * skip a prefix a previous call left not greater than everything after it.
 */
function quantileOf(a: Float64Array, lo: number, hi: number, q: number, from = lo): number {
  const pos = (hi - lo - 1) * q;
  const fl = Math.floor(pos);
  const k = lo + fl;
  select(a, from, hi, k);
  const x = a[k];
  if (fl === pos) return x;
  let y = Infinity;
  for (let i = k + 1; i < hi; i++) if (a[i] < y) y = a[i];
  return x + (y - x) * (pos - fl);
}

/** Reorder a[lo, hi) so that a[k] is its k-th smallest, nothing after it smaller, nothing before it greater. */
function select(a: Float64Array, lo: number, hi: number, k: number): void {
  let l = lo;
  let r = hi - 1;
  while (r - l > 16) {
    const m = (l + r) >>> 1;
    // median of three as the pivot
    if (a[m] < a[l]) swap(a, m, l);
    if (a[r] < a[l]) swap(a, r, l);
    if (a[r] < a[m]) swap(a, r, m);
    const p = a[m];
    let i = l;
    let j = r;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return; // a(j, i) all equal the pivot
  }
  for (let i = l + 1; i <= r; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= l && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

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
  const anyAnalysis = identityPass(t, n, stream, flowOfRow, flowOfStream, ids);
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
  const lastSynT = new Float64Array(nFlows).fill(NaN);
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
    irtt, lastSynT, firstFin, firstRst, finFrame, rstFrame, finEnd, finAcked, synFlags, finFlags, finBeforeRst, hist,
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

  // ---- columns
  const cols: FlowColumn[] = [];
  const num = (name: string, description: string, f: (i: number) => number) => {
    const a = new Float64Array(nFlows);
    for (let i = 0; i < nFlows; i++) a[i] = f(i);
    cols.push({ name, kind: "number", description, data: a });
  };
  const str = (name: string, description: string, f: (i: number) => string | null) => {
    const a: (string | null)[] = new Array(nFlows);
    for (let i = 0; i < nFlows; i++) a[i] = f(i);
    cols.push({ name, kind: "string", description, data: a });
  };
  const bool = (name: string, description: string, f: (i: number) => boolean | null) => {
    const a: (boolean | null)[] = new Array(nFlows);
    for (let i = 0; i < nFlows; i++) a[i] = f(i);
    cols.push({ name, kind: "boolean", description, data: a });
  };
  const numA = (name: string, description: string, data: Float64Array) => {
    cols.push({ name, kind: "number", description, data });
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
  const app = cap.app as unknown as {
    streamTls?: (s: number) => TlsLike | null | undefined;
    streamHttp?: (s: number) => { host?: string | null } | null | undefined;
  };
  const tls = new Array<TlsLike | null>(nFlows).fill(null);
  const http = new Array<ReturnType<NonNullable<typeof app.streamHttp>> | null>(nFlows).fill(null);
  for (let i = 0; i < nFlows; i++) {
    if (!isTcp(i)) continue;
    try {
      tls[i] = typeof app.streamTls === "function" ? app.streamTls(flowStream[i]) ?? null : null;
    } catch {
      tls[i] = null;
    }
    try {
      http[i] = typeof app.streamHttp === "function" ? app.streamHttp(flowStream[i]) ?? null : null;
    } catch {
      http[i] = null;
    }
  }
  const dirName = ["a2b", "b2a"];
  const sideName = ["a", "b"];

  num("stream", "Wireshark tcp.stream (TCP rows only)", (i) => (isTcp(i) ? flowStream[i] : NaN));
  str("proto", "tcp / udp / icmp / icmpv6 / ip-N", (i) => protoName(flowProto[i]));
  str("addr_a", "address of A (originator: first SYN sender, else first packet's sender)", (i) => S.get(flowA[i]));
  num("port_a", "port of A", (i) => (flowPA[i] >= 0 ? flowPA[i] : NaN));
  str("addr_b", "address of B (responder)", (i) => S.get(flowB[i]));
  num("port_b", "port of B", (i) => (flowPB[i] >= 0 ? flowPB[i] : NaN));
  numA("start", "epoch seconds of the first packet (file order)", startT);
  numA("end", "epoch seconds of the last packet (file order)", endT);
  num("duration", "last − first packet time (s), like tshark's Conversations", (i) => endT[i] - startT[i]);
  num("first_frame", "frame number of the first packet", (i) => flowFirst[i] + 1);
  for (let d = 0; d < 2; d++) {
    const dn = dirName[d];
    numA(`pkts_${dn}`, `frames sent by ${d ? "B" : "A"}`, pkts[d]);
    numA(`bytes_${dn}`, `frame bytes sent by ${d ? "B" : "A"} (frame.len, as Wireshark's Conversations)`, bytes[d]);
    numA(`payload_${dn}`, `TCP/UDP payload bytes sent by ${d ? "B" : "A"} (retransmissions included)`, payload[d]);
    num(`data_pkts_${dn}`, `TCP segments with payload sent by ${d ? "B" : "A"}`, (i) => tcpNum(i, () => dataSegs[d][i]));
    numA(`unique_bytes_${dn}`, "tcptrace 'unique bytes sent': payload not retransmitted (probes excluded)", ttStat(d, TcbField.uniqueBytes));
    num(`throughput_${dn}`, "unique bytes / flow duration (B/s; tcptrace's throughput); UDP: payload / duration", (i) => {
      const dur = endT[i] - startT[i];
      if (!(dur > 0)) return NaN;
      return (isTcp(i) ? (connOf[i] < 0 ? 0 : tt(i, d, TcbField.uniqueBytes)) : payload[d][i]) / dur;
    });
  }
  // handshake
  for (let d = 0; d < 2; d++) {
    const sn = sideName[d];
    num(`mss_${sn}`, `MSS option in ${sn.toUpperCase()}'s SYN`, (i) => side[d][i]?.mss ?? NaN);
    num(`ws_${sn}`, `window-scale shift in ${sn.toUpperCase()}'s SYN`, (i) => side[d][i]?.ws ?? NaN);
    bool(`sack_perm_${sn}`, `SACK permitted in ${sn.toUpperCase()}'s SYN`, (i) => (side[d][i] ? side[d][i].sackPerm : null));
    bool(`ts_${sn}`, `timestamps in ${sn.toUpperCase()}'s SYN`, (i) => (side[d][i] ? side[d][i].ts : null));
  }
  numA("irtt", "Wireshark iRTT: first non-SYN ACK after the latest pure SYN − that SYN (s)", irtt);
  num("syn_frame", "frame number of the first SYN", (i) => hsFrame.syn[i] + 1);
  num("synack_frame", "frame number of the first SYN/ACK", (i) => hsFrame.synack[i] + 1);
  num("ack_frame", "frame number of the handshake-completing ACK", (i) => hsFrame.ack3[i] + 1);
  for (let d = 0; d < 2; d++) numA(`rtt_3whs_${dirName[d]}`, "tcptrace 'RTT from 3WHS' (s): a2b SYN→SYN/ACK, b2a SYN/ACK→ACK; 0 when the SYN was retransmitted", ttStat(d, TcbField.rtt3whs, 1e6));
  // teardown
  str("first_fin", "who sent the first FIN (A/B)", (i) => (firstFin[i] < 0 ? null : firstFin[i] ? "B" : "A"));
  str("first_rst", "who sent the first RST (A/B)", (i) => (firstRst[i] < 0 ? null : firstRst[i] ? "B" : "A"));
  num("fin_frame_a", "frame number of A's first FIN", (i) => finFrame[0][i] + 1);
  num("fin_frame_b", "frame number of B's first FIN", (i) => finFrame[1][i] + 1);
  num("rst_frame", "frame number of the first RST", (i) => rstFrame[i] + 1);
  bool("fin_close", "four-way close completed: both FINs seen and each ACKed by the peer", (i) => (isTcp(i) ? finAcked[0][i] === 1 && finAcked[1][i] === 1 : null));
  // Zeek
  str("state", "Zeek conn_state (S0 S1 SF REJ S2 S3 RSTO RSTR RSTOS0 RSTRH SH SHR OTH)", (i) => connState(flowProto[i], synFlags[i], finFlags[i], firstRst[i], finBeforeRst[i], pkts[0][i], pkts[1][i]));
  str("history", "Zeek-style history letters (upper case = A)", (i) => history[i]);
  // TLS / HTTP / app
  str("sni", "TLS server name", (i) => tls[i]?.sni ?? null);
  str("tls_version", "negotiated TLS version", (i) => tlsVersionText(tls[i]));
  str("tls_cipher", "negotiated cipher suite", (i) => (tls[i]?.cipherName ?? (tls[i]?.cipher != null ? String(tls[i]!.cipher) : null)) ?? null);
  str("alpn", "ALPN protocol(s)", (i) => {
    const a = tls[i]?.alpn;
    return a == null ? null : Array.isArray(a) ? a.join(",") : String(a);
  });
  str("http_host", "HTTP Host header", (i) => http[i]?.host ?? null);
  str("app", "application guess: tls/http from the dissectors, else by port", (i) => {
    if (tls[i] && (tls[i]!.sni || tlsVersionText(tls[i]))) return "tls";
    if (http[i] && http[i]!.host) return "http";
    if (flowProto[i] !== 6 && flowProto[i] !== 17) return null;
    const pa = flowPA[i], pb = flowPB[i];
    const g = PORT_APPS[pb] ?? PORT_APPS[pa];
    if (flowProto[i] === 17 && (pb === 443 || pa === 443)) return "quic";
    return g ?? null;
  });
  // RTT (tcptrace method)
  for (let d = 0; d < 2; d++) {
    const dn = dirName[d];
    const who = d ? "B" : "A";
    numA(`rtt_samples_${dn}`, `tcptrace RTT samples for data sent by ${who} (Karn-valid)`, ttStat(d, TcbField.rttCount));
    numA(`rtt_min_${dn}`, "min RTT (s)", ttRtt(d, 0));
    numA(`rtt_avg_${dn}`, "mean RTT (s), tcptrace: sum/(n+0.0001)", ttRtt(d, 2));
    numA(`rtt_max_${dn}`, "max RTT (s)", ttRtt(d, 1));
    numA(`rtt_stdev_${dn}`, "RTT stdev (s), n−1, 0 when n ≤ 2", ttRtt(d, 3));
    numA(`rtt_median_${dn}`, "median RTT (s)", med[d]);
    numA(`rtt_p95_${dn}`, "95th percentile RTT (s, linear interpolation)", p95[d]);
    numA(`rtt_ambiguous_${dn}`, "ACKs of retransmitted segments (no sample, Karn)", ttStat(d, TcbField.rttAmback));
    numA(`rtt_post_loss_${dn}`, "exact ACKs after an earlier segment was resent later (no sample)", ttStat(d, TcbField.rttNosample));
  }
  // retransmissions
  for (let d = 0; d < 2; d++) {
    const dn = dirName[d];
    numA(`retrans_pkts_${dn}`, "tcptrace 'rexmt data pkts' (packets overlapping already-seen bytes; SYN/FIN count)", ttStat(d, TcbField.rexmitPkts));
    numA(`retrans_bytes_${dn}`, "tcptrace 'rexmt data bytes'", ttStat(d, TcbField.rexmitBytes));
    numA(`out_of_order_${dn}`, "tcptrace 'outoforder pkts' (filled a hole)", ttStat(d, TcbField.outOrderPkts));
    numA(`zwnd_probes_${dn}`, "tcptrace 'zwnd probe pkts'", ttStat(d, TcbField.zwndProbes));
    numA(`dup_acks_tt_${dn}`, "tcptrace 'duplicate acks' sent by the other side for this direction's data", ttStat(d, TcbField.rttDupack));
    const wsv = (arr: Float64Array[]) => (i: number) => (isTcp(i) && anyAnalysis ? arr[d][i] : NaN);
    num(`ws_retrans_${dn}`, "Wireshark Retransmission (plain; fast/spurious counted apart)", wsv(ws.retrans));
    num(`ws_fast_retrans_${dn}`, "Wireshark Fast Retransmission", wsv(ws.fast));
    num(`ws_spurious_${dn}`, "Wireshark Spurious Retransmission", wsv(ws.spurious));
    num(`ws_out_of_order_${dn}`, "Wireshark Out-Of-Order", wsv(ws.ooo));
    num(`ws_dup_acks_${dn}`, "Wireshark Dup ACKs sent in this direction", wsv(ws.dupack));
    num(`ws_zero_window_probes_${dn}`, "Wireshark ZeroWindowProbe", wsv(ws.zwp));
    num(`ws_lost_segments_${dn}`, "Wireshark 'Previous segment not captured'", wsv(ws.lost));
    num(`loss_rate_${dn}`, "retransmitted data packets / data packets (tcptrace rexmt ÷ actual data pkts)", (i) => {
      const dataPkts = tt(i, d, TcbField.dataPkts);
      return dataPkts ? tt(i, d, TcbField.rexmitPkts) / dataPkts : NaN;
    });
  }
  const table = new FlowTable(nFlows, cols);
  const res: FlowAnalysis = {
    table, flowOfRow, dirOfRow, stream, flowOfStream, tcptrace, connOf, samples, rexmits, rowsStart, rowsList,
    wiresharkFlags: anyAnalysis, streamsComputed: computed,
  };
  cache.set(cap, res);
  return res;
}

function connState(proto: number, syn: number, fin: number, firstRst: number, finBeforeRst: number, pa: number, pb: number): string | null {
  if (proto !== 6) {
    if (proto === 17 || proto === 1 || proto === 58) return pa > 0 && pb > 0 ? "SF" : "S0";
    return "OTH";
  }
  const origSyn = (syn & 1) !== 0;
  const respSynAck = (syn & 2) !== 0;
  const origFin = (fin & 1) !== 0, respFin = (fin & 2) !== 0;
  const origRst = (fin & 4) !== 0, respRst = (fin & 8) !== 0;
  if (origSyn && !respSynAck) {
    if (respRst) return "REJ";
    if (origRst) return "RSTOS0";
    if (origFin) return "SH";
    return "S0";
  }
  if (!origSyn && respSynAck) {
    if (respRst) return "RSTRH";
    if (respFin) return "SHR";
    return "OTH";
  }
  if (origSyn && respSynAck) {
    if (firstRst >= 0 && !finBeforeRst) return firstRst === 0 ? "RSTO" : "RSTR";
    if (origFin && respFin) return "SF";
    if (origFin) return "S2";
    if (respFin) return "S3";
    return "S1";
  }
  return "OTH";
}

// Each per-row pass below is a function of its own that ends with its loop: inside the long analyzeFlows,
// V8's on-the-fly compiled (OSR) code of one loop was thrown away at the not-yet-run code after it, and the
// next loop started again in the interpreter (measured: five such deoptimizations per build).

/** Identity of each flow, in order of first appearance. */
interface FlowIds {
  stream: number[];
  /** 6 tcp, 17 udp, else the IP protocol */
  proto: number[];
  a: number[];
  b: number[];
  pa: number[];
  pb: number[];
  first: number[];
}

/** Pass 1: the flow of every row (TCP by stream, UDP by 5-tuple, other IP by address pair). Returns whether any Wireshark flag is set. */
function identityPass(t: PacketTable, n: number, stream: Int32Array, flowOfRow: Int32Array, flowOfStream: Int32Array, ids: FlowIds): boolean {
  const udpMap = new Map<number, Map<number, number>>();
  const otherMap = new Map<string, number>();
  const layers = t.layers, tcpAnalysis = t.tcpAnalysis, ipSrc = t.ipSrc, ipDst = t.ipDst, srcPort = t.srcPort, dstPort = t.dstPort;
  let anyAnalysis = false;
  const newFlow = (proto: number, s: number, a: number, pa: number, b: number, pb: number, r: number): number => {
    const f = ids.stream.length;
    ids.stream.push(s);
    ids.proto.push(proto);
    ids.a.push(a);
    ids.pa.push(pa);
    ids.b.push(b);
    ids.pb.push(pb);
    ids.first.push(r);
    return f;
  };
  for (let r = 0; r < n; r++) {
    const ly = layers[r];
    if ((ly & (Layer.IPV4 | Layer.IPV6)) === 0) continue;
    if ((ly & Layer.TCP) !== 0 && (ly & Layer.ICMP_QUOTED) === 0) {
      const s = stream[r];
      if (s < 0) continue;
      if (tcpAnalysis[r] & TA.FLAG_MASK) anyAnalysis = true;
      let f = flowOfStream[s];
      if (f < 0) f = flowOfStream[s] = newFlow(6, s, ipSrc[r], srcPort[r], ipDst[r], dstPort[r], r);
      flowOfRow[r] = f;
      continue;
    }
    if ((ly & Layer.UDP) !== 0 && (ly & Layer.ICMP_QUOTED) === 0) {
      const eS = ipSrc[r] * 65536 + srcPort[r];
      const eD = ipDst[r] * 65536 + dstPort[r];
      const lo = eS <= eD ? eS : eD;
      const hi = eS <= eD ? eD : eS;
      let inner = udpMap.get(lo);
      if (!inner) udpMap.set(lo, (inner = new Map()));
      let f = inner.get(hi);
      if (f === undefined) {
        f = newFlow(17, -1, ipSrc[r], srcPort[r], ipDst[r], dstPort[r], r);
        inner.set(hi, f);
      }
      flowOfRow[r] = f;
      continue;
    }
    // other IP protocols (ICMP incl. errors quoting TCP/UDP): outer addresses
    const sa = t.src[r];
    const da = t.dst[r];
    const p = t.ipProto[r];
    const key = sa < da ? `${p}:${sa}:${da}` : `${p}:${da}:${sa}`;
    let f = otherMap.get(key);
    if (f === undefined) {
      f = newFlow(p, -1, sa, -1, da, -1, r);
      otherMap.set(key, f);
    }
    flowOfRow[r] = f;
  }
  return anyAnalysis;
}

/** TCP: A = sender of the first pure SYN, else of the first packet (swaps A and B where needed). */
function orientTcp(t: PacketTable, n: number, flowOfRow: Int32Array, ids: FlowIds): void {
  const { proto, a: flowA, b: flowB, pa: flowPA, pb: flowPB } = ids;
  const synSeen = new Uint8Array(proto.length);
  const tcpFlags = t.tcpFlags, ipSrc = t.ipSrc, srcPort = t.srcPort;
  for (let r = 0; r < n; r++) {
    const f = flowOfRow[r];
    if (f < 0 || proto[f] !== 6 || synSeen[f]) continue;
    if ((tcpFlags[r] & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN) {
      synSeen[f] = 1;
      if (!(ipSrc[r] === flowA[f] && srcPort[r] === flowPA[f])) {
        const a = flowA[f], pa = flowPA[f];
        flowA[f] = flowB[f];
        flowPA[f] = flowPB[f];
        flowB[f] = a;
        flowPB[f] = pa;
      }
    }
  }
}

/** Epoch seconds of each flow's first and last packet. */
function flowTimes(t: PacketTable, flowFirst: number[], lastRow: Int32Array, startT: Float64Array, endT: Float64Array): void {
  const tsSec = t.tsSec, tsNsec = t.tsNsec;
  for (let f = 0; f < flowFirst.length; f++) {
    const a = flowFirst[f], b = lastRow[f];
    startT[f] = tsSec[a] + tsNsec[a] / 1e9;
    endT[f] = tsSec[b] + tsNsec[b] / 1e9;
  }
}

/** Rows of each flow in file order (CSR): `start` holds per-flow counts at [f + 1] on entry, offsets on return. */
function rowsByFlow(flowOfRow: Int32Array, n: number, start: Int32Array, nFlows: number): Int32Array {
  for (let f = 0; f < nFlows; f++) start[f + 1] += start[f];
  const list = new Int32Array(start[nFlows]);
  const fill = start.slice(0, nFlows);
  for (let r = 0; r < n; r++) {
    const f = flowOfRow[r];
    if (f >= 0) list[fill[f]++] = r;
  }
  return list;
}

/** Median and p95 of the Karn-valid RTT samples of each flow direction (seconds). */
function rttQuantiles(samples: FlowAnalysis["samples"], nFlows: number, med: Float64Array[], p95: Float64Array[]): void {
  const m = samples.flow.n;
  const cnt = new Int32Array(nFlows * 2 + 1);
  const sf = samples.flow.a, sd = samples.dir.a, sk = samples.kind.a, su = samples.us.a;
  for (let i = 0; i < m; i++) if (sk[i] === SampleKind.VALID) cnt[sf[i] * 2 + sd[i] + 1]++;
  for (let k = 0; k < nFlows * 2; k++) cnt[k + 1] += cnt[k];
  const vals = new Float64Array(cnt[nFlows * 2]);
  const pos = cnt.slice(0, nFlows * 2);
  for (let i = 0; i < m; i++) if (sk[i] === SampleKind.VALID) vals[pos[sf[i] * 2 + sd[i]]++] = su[i] / 1e6;
  for (let k = 0; k < nFlows * 2; k++) {
    const lo = cnt[k], hi = cnt[k + 1];
    if (hi === lo) continue;
    med[k & 1][k >> 1] = quantileOf(vals, lo, hi, 0.5);
    // the median's call left everything from its order statistic on not smaller than what precedes it
    p95[k & 1][k >> 1] = quantileOf(vals, lo, hi, 0.95, lo + Math.floor((hi - lo - 1) * 0.5));
  }
}

type F64s = Float64Array[];

/**
 * Zeek-style history letters, logged in file order by the per-packet pass (flow, row, letter) and
 * spelled out once tcptrace's retransmissions, which add T/t, are known.
 */
class HistoryLog {
  flow: Int32Array;
  row: Int32Array;
  code: Uint8Array;
  n = 0;

  constructor(capacity: number) {
    // each assigned twice on purpose: a field stored only once is a constant to V8, and the per-packet
    // pass optimized on it would be thrown away at the first grow
    this.flow = new Int32Array(0);
    this.row = new Int32Array(0);
    this.code = new Uint8Array(0);
    this.flow = new Int32Array(capacity);
    this.row = new Int32Array(capacity);
    this.code = new Uint8Array(capacity);
  }

  /** Letter `upper` for A's packet (d = 0), its lower case for B's. */
  add(f: number, r: number, upper: string, d: number): void {
    if (this.n === this.flow.length) {
      const m = this.n * 2 + 1024;
      const fl = new Int32Array(m), ro = new Int32Array(m), co = new Uint8Array(m);
      fl.set(this.flow);
      ro.set(this.row);
      co.set(this.code);
      this.flow = fl;
      this.row = ro;
      this.code = co;
    }
    this.flow[this.n] = f;
    this.row[this.n] = r;
    this.code[this.n] = upper.charCodeAt(0) + (d ? 32 : 0);
    this.n++;
  }

  /**
   * Each flow's history: the logged letters, with T/t (tcptrace's retransmissions of A's / B's data:
   * the 1st, 10th, 100th, … of the direction) after the other letters of their row.
   */
  spell(nFlows: number, rx: TraceRexmits): string[] {
    const hist: string[] = new Array(nFlows).fill("");
    const count = [new Uint32Array(nFlows), new Uint32Array(nFlows)];
    const rf = rx.flow.a, rd = rx.dir.a, rr = rx.row.a, m = rx.row.n;
    let j = 0;
    for (let i = 0; i <= this.n; i++) {
      const r = i < this.n ? this.row[i] : Infinity;
      // T/t of rows before this letter's row (a row's T/t follows its other letters)
      for (; j < m && rr[j] < r; j++) {
        const f = rf[j], d = rd[j];
        if (f >= 0 && logCount(++count[d][f])) hist[f] += d ? "t" : "T";
      }
      if (i < this.n) hist[this.flow[i]] += String.fromCharCode(this.code[i]);
    }
    return hist;
  }
}

/** Everything the per-packet pass of analyzeFlows reads and fills (arrays indexed by flow, [d] by direction). */
interface MainPassState {
  n: number;
  t: PacketTable;
  flowOfRow: Int32Array;
  dirOfRow: Uint8Array;
  rowCount: Int32Array;
  lastRow: Int32Array;
  fProto: Int32Array;
  fA: Float64Array;
  fPA: Int32Array;
  pk0: Float64Array;
  pk1: Float64Array;
  by0: Float64Array;
  by1: Float64Array;
  payload: F64s;
  dataSegs: F64s;
  side: Side[][];
  hsFrame: { syn: Float64Array; synack: Float64Array; ack3: Float64Array };
  irtt: Float64Array;
  lastSynT: Float64Array;
  firstFin: Int8Array;
  firstRst: Int8Array;
  finFrame: F64s;
  rstFrame: Float64Array;
  finEnd: F64s;
  finAcked: Uint8Array[];
  synFlags: Uint8Array;
  finFlags: Uint8Array;
  finBeforeRst: Uint8Array;
  hist: HistoryLog;
  histOnce: Uint16Array;
  lastFinSeq: F64s;
  lastRstSeq: F64s;
  lastSynSeq: F64s;
  zwCount: Uint32Array[];
  ws: Record<"retrans" | "fast" | "spurious" | "ooo" | "dupack" | "zwp" | "lost", F64s>;
}

/**
 * Pass 2 of analyzeFlows: per-flow counters, handshake/teardown facts and Zeek history letters, one
 * packet at a time (the tcptrace engine's pass is separate: see StreamTrace). A function of its own
 * that ends with its loop: inside the long analyzeFlows, V8's on-the-fly compiled loop was thrown away
 * again at the untaken code after it.
 */
function mainPass(P: MainPassState): void {
  const {
    n, t, flowOfRow, dirOfRow, rowCount, lastRow, fProto, fA, fPA, pk0, pk1, by0, by1, payload, dataSegs, side, hsFrame,
    irtt, lastSynT, firstFin, firstRst, finFrame, rstFrame, finEnd, finAcked, synFlags, finFlags, finBeforeRst, hist,
    histOnce, lastFinSeq, lastRstSeq, lastSynSeq, zwCount, ws,
  } = P;
  const tcpFlags = t.tcpFlags, ipSrc = t.ipSrc, srcPort = t.srcPort, wireLen = t.wireLen, tsSec = t.tsSec, tsNsec = t.tsNsec;
  const tcpLen = t.tcpLen, tcpSeq = t.tcpSeq, tcpAck = t.tcpAck, tcpWin = t.tcpWin, tcpAnalysis = t.tcpAnalysis;
  for (let r = 0; r < n; r++) {
    const f = flowOfRow[r];
    if (f < 0) continue;
    rowCount[f + 1]++;
    lastRow[f] = r;
    const proto = fProto[f];
    let d: number;
    if (proto === 6 || proto === 17) d = ipSrc[r] === fA[f] && srcPort[r] === fPA[f] ? 0 : 1;
    else d = t.src[r] === fA[f] ? 0 : 1;
    dirOfRow[r] = d;
    if (d) { pk1[f]++; by1[f] += wireLen[r]; } else { pk0[f]++; by0[f] += wireLen[r]; }
    if (proto === 17) {
      const ul = t.udpLen ? t.udpLen[r] : 0;
      const pl = ul > 8 ? ul - 8 : 0;
      payload[d][f] += pl;
      if (pl > 0 && !(histOnce[f] & (d ? 8 : 4))) {
        histOnce[f] |= d ? 8 : 4;
        hist.add(f, r, "D", d);
      }
      continue;
    }
    if (proto !== 6) continue;
    const fl = tcpFlags[r];
    const len = tcpLen[r];
    const seq = tcpSeq[r];
    if (len > 0) {
      payload[d][f] += len;
      dataSegs[d][f]++;
    }
    // Wireshark analysis kinds
    const ta = tcpAnalysis[r];
    if (ta & TA.FLAG_MASK) {
      if (ta & TA.SPURIOUS_RETRANSMISSION) ws.spurious[d][f]++;
      else if (ta & TA.FAST_RETRANSMISSION) ws.fast[d][f]++;
      else if (ta & TA.RETRANSMISSION) ws.retrans[d][f]++;
      if (ta & TA.OUT_OF_ORDER) ws.ooo[d][f]++;
      if (ta & TA.DUPLICATE_ACK) ws.dupack[d][f]++;
      if (ta & TA.ZERO_WINDOW_PROBE) ws.zwp[d][f]++;
      if (ta & TA.LOST_SEGMENT) ws.lost[d][f]++;
    }
    // handshake
    const SYN = (fl & TcpFlag.SYN) !== 0;
    const ACK = (fl & TcpFlag.ACK) !== 0;
    const FIN = (fl & TcpFlag.FIN) !== 0;
    const RST = (fl & TcpFlag.RST) !== 0;
    if (SYN) {
      if (!side[d][f]) side[d][f] = { mss: NaN, ws: NaN, sackPerm: false, ts: false, seen: false };
      if (!side[d][f].seen) optsOf(t, r, side[d][f]);
      if (!ACK) {
        if (Number.isNaN(hsFrame.syn[f])) hsFrame.syn[f] = r;
        lastSynT[f] = tsSec[r] + tsNsec[r] / 1e9;
        synFlags[f] |= d ? 8 : 1;
      } else {
        if (Number.isNaN(hsFrame.synack[f])) hsFrame.synack[f] = r;
        synFlags[f] |= d ? 2 : 4;
      }
      if (lastSynSeq[d][f] !== seq) {
        lastSynSeq[d][f] = seq;
        hist.add(f, r, ACK ? "H" : "S", d);
      }
      if (FIN || RST) hist.add(f, r, "Q", d);
    } else if (ACK && !Number.isNaN(lastSynT[f]) && Number.isNaN(irtt[f])) {
      irtt[f] = tsSec[r] + tsNsec[r] / 1e9 - lastSynT[f];
      hsFrame.ack3[f] = r;
    }
    if (!SYN && !FIN && !RST && ACK && len === 0 && !(histOnce[f] & (d ? 2 : 1))) {
      histOnce[f] |= d ? 2 : 1;
      hist.add(f, r, "A", d);
    }
    if (len > 0 && !(histOnce[f] & (d ? 8 : 4))) {
      histOnce[f] |= d ? 8 : 4;
      hist.add(f, r, "D", d);
    }
    if (FIN) {
      if (firstFin[f] < 0) firstFin[f] = d;
      if (Number.isNaN(finFrame[d][f])) finFrame[d][f] = r;
      finEnd[d][f] = (seq + len + (SYN ? 2 : 1)) % 4294967296;
      finFlags[f] |= d ? 2 : 1;
      if (lastFinSeq[d][f] !== seq) {
        lastFinSeq[d][f] = seq;
        hist.add(f, r, "F", d);
      }
    }
    if (RST) {
      if (firstRst[f] < 0) {
        firstRst[f] = d;
        rstFrame[f] = r;
        if ((finFlags[f] & 3) === 3) finBeforeRst[f] = 1;
      }
      finFlags[f] |= d ? 8 : 4;
      if (lastRstSeq[d][f] !== seq) {
        lastRstSeq[d][f] = seq;
        hist.add(f, r, "R", d);
      }
    }
    if (ACK && tcpAck[r] === finEnd[1 - d][f]) finAcked[1 - d][f] = 1;
    if (tcpWin[r] === 0 && !SYN && !FIN && !RST) {
      zwCount[d][f]++;
      if (logCount(zwCount[d][f])) hist.add(f, r, "W", d);
    }
  }
}

/**
 * The engine's connection of each flow (-1: none), with the trace relabelled to flow rows and A→B
 * directions (the trace's direction 0 is a connection's first sender, A may be the other side).
 */
function tcptraceConnections(tr: TraceResult, ids: FlowIds): Int32Array {
  const nFlows = ids.proto.length;
  const connOf = new Int32Array(nFlows).fill(-1);
  const flowOfConn = new Int32Array(tr.n).fill(-1);
  const swap = new Uint8Array(tr.n);
  for (let f = 0; f < nFlows; f++) {
    const s = ids.stream[f];
    if (ids.proto[f] !== 6 || s < 0 || s >= tr.connOfStream.length) continue;
    const c = tr.connOfStream[s];
    if (c < 0) continue;
    connOf[f] = c;
    flowOfConn[c] = f;
    swap[c] = tr.firstSrc[c] === ids.a[f] && tr.firstPort[c] === ids.pa[f] ? 0 : 1;
  }
  orient(tr, flowOfConn, swap);
  return connOf;
}

/** The flow table of a capture (cached per Capture). */
export function buildFlows(cap: Capture): FlowTable {
  return analyzeFlows(cap).table;
}

/** Write the CLI's flow CSV (`FLOW_CSV_COLUMNS`) to `write`. */
export function writeFlowsCSV(cap: Capture, write: (chunk: string) => void): void {
  buildFlows(cap).writeCSV([...FLOW_CSV_COLUMNS], write);
}

export type { FlowColumnKind };
