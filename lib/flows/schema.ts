/**
 * The flow table's schema: every column, declared once, as data — its name, value type, unit, which tool
 * it mirrors and its definition. The flow build (build.ts) fills one array per column and the table is
 * assembled in this order; `FlowTable.describeColumns()`, the CSV and `pcapframe columns --flows` derive
 * from it. A block of per-direction columns (`per: "dir"`) expands to `<name>_a2b` and `<name>_b2a` (data
 * sent by A, by B), a per-side block (`per: "side"`) to `<name>_a` and `<name>_b`: all of A's columns of
 * the block, then all of B's. `{who}` in a definition is A or B.
 */

export type FlowColumnType = "uint32" | "float64" | "time" | "string" | "boolean";

/** Which tool's number a column reproduces (docs/flows-differences.md says how close each one is). */
export type FlowSource =
  | "wireshark-conversations"
  | "wireshark-tcp-analysis"
  | "tcptrace"
  | "zeek"
  | "dissector"
  | "pcapframe";

export interface FlowColumnSpec {
  readonly name: string;
  readonly type: FlowColumnType;
  readonly unit?: string;
  readonly mirrors: FlowSource;
  readonly description: string;
}

/** Columns repeated per direction (`<name>_a2b`, `<name>_b2a`) or per side (`<name>_a`, `<name>_b`): all of A's, then all of B's. */
export interface FlowColumnBlock {
  readonly per: "dir" | "side";
  readonly columns: readonly FlowColumnSpec[];
}

export const FLOW_SCHEMA = [
  { name: "stream", type: "uint32", mirrors: "wireshark-tcp-analysis", description: "Wireshark tcp.stream (TCP rows only)" },
  { name: "proto", type: "string", mirrors: "wireshark-conversations", description: "tcp / udp / icmp / icmpv6 / ip-N" },
  { name: "addr_a", type: "string", mirrors: "zeek", description: "address of A (originator: first SYN sender, else first packet's sender)" },
  { name: "port_a", type: "uint32", mirrors: "zeek", description: "port of A" },
  { name: "addr_b", type: "string", mirrors: "zeek", description: "address of B (responder)" },
  { name: "port_b", type: "uint32", mirrors: "zeek", description: "port of B" },
  { name: "start", type: "time", unit: "s", mirrors: "wireshark-conversations", description: "epoch seconds of the first packet (file order)" },
  { name: "end", type: "time", unit: "s", mirrors: "wireshark-conversations", description: "epoch seconds of the last packet (file order)" },
  { name: "duration", type: "float64", unit: "s", mirrors: "wireshark-conversations", description: "last − first packet time, like tshark's Conversations" },
  { name: "first_frame", type: "uint32", mirrors: "pcapframe", description: "frame number of the first packet" },
  // volume, per direction
  { per: "dir", columns: [
    { name: "pkts", type: "uint32", mirrors: "wireshark-conversations", description: "frames sent by {who}" },
    { name: "bytes", type: "uint32", unit: "bytes", mirrors: "wireshark-conversations", description: "frame bytes sent by {who} (frame.len, as Wireshark's Conversations)" },
    { name: "payload", type: "uint32", unit: "bytes", mirrors: "pcapframe", description: "TCP/UDP payload bytes sent by {who} (retransmissions included)" },
    { name: "data_pkts", type: "uint32", mirrors: "pcapframe", description: "TCP segments with payload sent by {who}" },
    { name: "unique_bytes", type: "uint32", unit: "bytes", mirrors: "tcptrace", description: "tcptrace 'unique bytes sent': payload not retransmitted (probes excluded)" },
    { name: "throughput", type: "float64", unit: "B/s", mirrors: "tcptrace", description: "unique bytes / flow duration (tcptrace's throughput); UDP: payload / duration" },
  ] },
  // handshake
  { per: "side", columns: [
    { name: "mss", type: "uint32", unit: "bytes", mirrors: "pcapframe", description: "MSS option in {who}'s SYN" },
    { name: "ws", type: "uint32", mirrors: "pcapframe", description: "window-scale shift in {who}'s SYN" },
    { name: "sack_perm", type: "boolean", mirrors: "pcapframe", description: "SACK permitted in {who}'s SYN" },
    { name: "ts", type: "boolean", mirrors: "pcapframe", description: "timestamps in {who}'s SYN" },
  ] },
  { name: "irtt", type: "float64", unit: "s", mirrors: "wireshark-tcp-analysis", description: "Wireshark iRTT: first non-SYN ACK after the latest pure SYN − that SYN" },
  { name: "syn_frame", type: "uint32", mirrors: "pcapframe", description: "frame number of the first SYN" },
  { name: "synack_frame", type: "uint32", mirrors: "pcapframe", description: "frame number of the first SYN/ACK" },
  { name: "ack_frame", type: "uint32", mirrors: "pcapframe", description: "frame number of the handshake-completing ACK" },
  { per: "dir", columns: [
    { name: "rtt_3whs", type: "float64", unit: "s", mirrors: "tcptrace", description: "tcptrace 'RTT from 3WHS': a2b SYN→SYN/ACK, b2a SYN/ACK→ACK; 0 when the SYN was retransmitted" },
  ] },
  // teardown
  { name: "first_fin", type: "string", mirrors: "pcapframe", description: "who sent the first FIN (A/B)" },
  { name: "first_rst", type: "string", mirrors: "pcapframe", description: "who sent the first RST (A/B)" },
  { per: "side", columns: [
    { name: "fin_frame", type: "uint32", mirrors: "pcapframe", description: "frame number of {who}'s first FIN" },
  ] },
  { name: "rst_frame", type: "uint32", mirrors: "pcapframe", description: "frame number of the first RST" },
  { name: "fin_close", type: "boolean", mirrors: "pcapframe", description: "four-way close completed: both FINs seen and each ACKed by the peer" },
  // Zeek
  { name: "state", type: "string", mirrors: "zeek", description: "Zeek conn_state (S0 S1 SF REJ S2 S3 RSTO RSTR RSTOS0 RSTRH SH SHR OTH)" },
  { name: "history", type: "string", mirrors: "zeek", description: "Zeek-style history letters (upper case = A)" },
  // application
  { name: "sni", type: "string", mirrors: "dissector", description: "TLS server name" },
  { name: "tls_version", type: "string", mirrors: "dissector", description: "negotiated TLS version" },
  { name: "tls_cipher", type: "string", mirrors: "dissector", description: "negotiated cipher suite" },
  { name: "alpn", type: "string", mirrors: "dissector", description: "ALPN protocol(s)" },
  { name: "http_host", type: "string", mirrors: "dissector", description: "HTTP Host header" },
  { name: "http_requests", type: "uint32", mirrors: "dissector", description: "HTTP requests on the connection (HTTP/1.x, and HTTP/2 of decrypted TLS); null when no HTTP was seen" },
  { name: "http_responses", type: "uint32", mirrors: "dissector", description: "HTTP responses on the connection (interim 1xx ones too, as tshark counts http.response); null when no HTTP was seen" },
  { name: "http_hosts", type: "string", mirrors: "dissector", description: "every distinct host the requests named (Host, HTTP/2 :authority), in order, comma-separated" },
  { name: "app", type: "string", mirrors: "zeek", description: "application (Zeek's service): tls/http from the dissectors, else the port's service name" },
  // RTT, tcptrace's method
  { per: "dir", columns: [
    { name: "rtt_samples", type: "uint32", mirrors: "tcptrace", description: "tcptrace RTT samples for data sent by {who} (Karn-valid)" },
    { name: "rtt_min", type: "float64", unit: "s", mirrors: "tcptrace", description: "min RTT" },
    { name: "rtt_avg", type: "float64", unit: "s", mirrors: "tcptrace", description: "mean RTT, tcptrace: sum/(n+0.0001)" },
    { name: "rtt_max", type: "float64", unit: "s", mirrors: "tcptrace", description: "max RTT" },
    { name: "rtt_stdev", type: "float64", unit: "s", mirrors: "tcptrace", description: "RTT stdev, n−1, 0 when n ≤ 2" },
    { name: "rtt_median", type: "float64", unit: "s", mirrors: "pcapframe", description: "median RTT" },
    { name: "rtt_p95", type: "float64", unit: "s", mirrors: "pcapframe", description: "95th percentile RTT (linear interpolation)" },
    { name: "rtt_ambiguous", type: "uint32", mirrors: "tcptrace", description: "ACKs of retransmitted segments (no sample, Karn)" },
    { name: "rtt_post_loss", type: "uint32", mirrors: "tcptrace", description: "exact ACKs after an earlier segment was resent later (no sample)" },
  ] },
  // retransmissions and other events, per direction
  { per: "dir", columns: [
    { name: "retrans_pkts", type: "uint32", mirrors: "tcptrace", description: "tcptrace 'rexmt data pkts': segments sent by {who} with any sequence byte (payload, SYN or FIN = 1 byte each) already recorded in {who}'s direction, zero-window probes excluded, hardware duplicates included" },
    { name: "retrans_bytes", type: "uint32", unit: "bytes", mirrors: "tcptrace", description: "tcptrace 'rexmt data bytes': the overlapping byte counts of those segments (a retransmitted SYN or FIN counts 1)" },
    { name: "out_of_order", type: "uint32", mirrors: "tcptrace", description: "tcptrace 'outoforder pkts': segments sent by {who} that start and end before an already recorded range (filled a hole; no time threshold, so upstream-lost retransmissions count here)" },
    { name: "zwnd_probes", type: "uint32", mirrors: "tcptrace", description: "tcptrace 'zwnd probe pkts'" },
    { name: "dup_acks_tt", type: "uint32", mirrors: "tcptrace", description: "tcptrace 'duplicate acks' for {who}'s data (sent by the other side, counted in {who}'s column as tcptrace does): an ACK that repeats the other side's latest ACK number exactly at the end of an already ACKed segment of {who}'s, with no payload, no SYN/FIN/RST, the same window, while {who} has unACKed data" },
    { name: "ws_retrans_all", type: "uint32", mirrors: "wireshark-tcp-analysis", description: "segments sent by {who} that tshark marks tcp.analysis.retransmission: every kind (plain + fast + spurious), the count `tshark -Y tcp.analysis.retransmission` gives = ws_retrans + ws_fast_retrans + ws_spurious" },
    { name: "ws_retrans", type: "uint32", mirrors: "wireshark-tcp-analysis", description: "segments sent by {who} that Wireshark calls plain Retransmission (tcp.analysis.retransmission without fast_retransmission or spurious_retransmission)" },
    { name: "ws_fast_retrans", type: "uint32", mirrors: "wireshark-tcp-analysis", description: "segments sent by {who} marked tcp.analysis.fast_retransmission (not spurious): resent at the ACK number of ≥ 2 duplicate ACKs within 20 ms of the last one" },
    { name: "ws_spurious", type: "uint32", mirrors: "wireshark-tcp-analysis", description: "segments sent by {who} marked tcp.analysis.spurious_retransmission: payload the other side had already ACKed (checked first: a segment is counted in one of the three split columns only)" },
    { name: "ws_out_of_order", type: "uint32", mirrors: "wireshark-tcp-analysis", description: "Wireshark Out-Of-Order" },
    { name: "ws_dup_acks", type: "uint32", mirrors: "wireshark-tcp-analysis", description: "ACKs sent by {who} that tshark marks tcp.analysis.duplicate_ack (Wireshark 4.0's rule: no payload, no SYN/FIN/RST, seq = {who}'s next expected seq, same ACK number and same non-zero window as {who}'s previous segment, not a keep-alive or zero-window-probe ACK); not the same set as dup_acks_tt" },
    { name: "ws_zero_window_probes", type: "uint32", mirrors: "wireshark-tcp-analysis", description: "Wireshark ZeroWindowProbe" },
    { name: "ws_lost_segments", type: "uint32", mirrors: "wireshark-tcp-analysis", description: "Wireshark 'Previous segment not captured'" },
    { name: "loss_rate", type: "float64", mirrors: "tcptrace", description: "retransmitted data packets / data packets (tcptrace rexmt ÷ actual data pkts)" },
  ] },
] as const satisfies readonly (FlowColumnSpec | FlowColumnBlock)[];

/** The frame column type of a flow column type. */
export type FlowFrameType<T extends FlowColumnType> = T extends "string" ? "string" : T extends "boolean" ? "bool" : T extends "uint32" ? "uint32" : "float64";

type FlowEntrySchema<E> = E extends { readonly per: infer P; readonly columns: readonly (infer C)[] }
  ? { [K in C as K extends { readonly name: infer N extends string } ? `${N}_${P extends "dir" ? "a2b" | "b2a" : "a" | "b"}` : never]: K extends { readonly type: infer T extends FlowColumnType } ? FlowFrameType<T> : never }
  : E extends { readonly name: infer N extends string; readonly type: infer T extends FlowColumnType }
    ? { [K in N]: FlowFrameType<T> }
    : never;
type Merge<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? { [K in keyof I]: I[K] } : never;

/**
 * The flow table's schema as a type (column name → frame column type), derived from FLOW_SCHEMA: what
 * `buildFlows(cap).table()` and its verbs are typed with, so `flows.get(0, "stream")` is a number.
 */
export type FlowTableSchema = Merge<FlowEntrySchema<(typeof FLOW_SCHEMA)[number]>>;

/** A column of the flow table as built: its name, its value kind and its definition. */
export interface FlowColumnDef {
  readonly name: string;
  readonly type: FlowColumnType;
  readonly kind: "number" | "string" | "boolean";
  readonly unit?: string;
  readonly mirrors: FlowSource;
  readonly description: string;
}

const SUFFIX = { dir: ["a2b", "b2a"], side: ["a", "b"] } as const;

/** FLOW_SCHEMA with the per-direction and per-side blocks expanded, in table order. */
export function flowColumns(): FlowColumnDef[] {
  const def = (c: FlowColumnSpec, name: string, who: string): FlowColumnDef => ({
    name,
    type: c.type,
    kind: c.type === "string" ? "string" : c.type === "boolean" ? "boolean" : "number",
    ...(c.unit ? { unit: c.unit } : {}),
    mirrors: c.mirrors,
    description: c.description.replace(/\{who\}/g, who),
  });
  const out: FlowColumnDef[] = [];
  for (const e of FLOW_SCHEMA) {
    if (!("per" in e)) out.push(def(e, e.name, ""));
    else for (let d = 0; d < 2; d++) for (const c of e.columns) out.push(def(c, `${c.name}_${SUFFIX[e.per][d]}`, d ? "B" : "A"));
  }
  return out;
}
