/**
 * The packet table's schema: every user-visible column, declared once, as data (dpkt/Zeek style), and the
 * typed-array storage behind it. Everything else derives from this list: the PacketTable's columns and
 * their allocation, `Capture.column`/`toDataFrame`/the CSV, `describeColumns()`, `pcapframe columns`,
 * the display filter's field names, and the tshark field list of the golden script.
 *
 * An entry is one column: its name (snake_case, as in the CSV), the Wireshark field(s) it mirrors, its
 * value type, unit and description, when it is present (`when`: a null cell otherwise), and where its
 * value comes from:
 * - `store`: the column owns a typed array (`key` is its PacketTable field name) and its value is that
 *   array's element (a string id for `string` columns);
 * - `from`: it reads the typed array another column or INTERNAL_STORAGE declared;
 * - `derive`: it is computed from several arrays or from the TCP analysis; its function is written
 *   once, in lib/capture/columns.ts, under the column's name (the compiler insists on one per entry).
 * Adding a column: add its entry here (and, for a stored one, write it in the decoder); see the README.
 */
import { hasTcpOption, Layer, TcpOpt } from "./layers";

type ArrayCtor =
  | Float64ArrayConstructor
  | Uint32ArrayConstructor
  | Int32ArrayConstructor
  | Uint16ArrayConstructor
  | Uint8ArrayConstructor;

/** A typed array of the table. `lazy`: allocated (zero-filled) only when first written. */
export interface StorageDef {
  readonly key: string;
  readonly array: ArrayCtor;
  readonly lazy?: boolean;
}

/** Value types, as Wireshark's ftypes name them where they differ only in width. */
export type ColumnType = "uint32" | "int32" | "uint16" | "uint8" | "float64" | "time" | "string" | "boolean";

/**
 * When a column has a value (otherwise its cell is null): always, when the row has one of the layer bits
 * (and none of `not`), or when the TCP header carried the option.
 */
export type Presence = { layers: number; not?: number } | { tcpOption: number };

export interface PacketColumnDef {
  readonly name: string;
  /** The Wireshark field(s) this column mirrors (several: one per protocol, e.g. tcp.srcport and udp.srcport). */
  readonly wireshark: readonly string[];
  readonly type: ColumnType;
  readonly unit?: string;
  readonly description: string;
  readonly when?: Presence;
  readonly store?: StorageDef;
  readonly from?: string;
  readonly derive?: true;
}

const IP: Presence = { layers: Layer.IPV4 | Layer.IPV6 };
const TCP: Presence = { layers: Layer.TCP };
/** The row's own TCP header (not one quoted inside an ICMP error). */
const TCP_OWN: Presence = { layers: Layer.TCP, not: Layer.ICMP_QUOTED };

/** Storage that serves several columns or none directly (bits, string ids, raw halves of a value). */
export const INTERNAL_STORAGE = [
  { key: "tsSec", array: Float64Array },
  { key: "tsNsec", array: Uint32Array },
  { key: "fileOffset", array: Float64Array },
  /** Which input file the row came from, when several files are read as one capture (index into meta.files). */
  { key: "fileIndex", array: Uint32Array, lazy: true },
  /** Layer bits: which per-layer columns are valid in a row (see Layer). */
  { key: "layers", array: Uint32Array },
  /** Anomaly bits (see lib/base/errors.ts Anomaly). */
  { key: "anomaly", array: Uint32Array, lazy: true },
  /** String id of the Protocol column. */
  { key: "proto", array: Uint32Array },
  /** String ids of the Source / Destination columns (IP addresses, else link addresses). */
  { key: "src", array: Uint32Array },
  { key: "dst", array: Uint32Array },
  { key: "ethType", array: Uint16Array },
  /** Interned IP addresses (address interner ids): the TCP analysis's conversation keys. */
  { key: "ipSrc", array: Uint32Array },
  { key: "ipDst", array: Uint32Array },
  { key: "ipHdrLen", array: Uint16Array },
  { key: "ipFlagsFrag", array: Uint16Array },
  { key: "tcpHdrLen", array: Uint8Array },
  { key: "tcpUrg", array: Uint16Array, lazy: true },
  /** TCP option codes (TcpOpt, 4 bits each, in header order, up to 8). */
  { key: "tcpOptSeq", array: Uint32Array, lazy: true },
  /** First SACK block of the row in PacketTable.sackEdges, and the number of blocks. */
  { key: "tcpSackIdx", array: Uint32Array, lazy: true },
  { key: "tcpSackN", array: Uint8Array, lazy: true },
  /** String id of the application layer's Info text (DNS, TLS, HTTP, ARP, ICMP…); 0 = use the transport Info. */
  { key: "appInfo", array: Uint32Array, lazy: true },
  /** TCP analysis flag bits and direction (TA.*). */
  { key: "tcpAnalysis", array: Uint32Array },
  { key: "tcpStream", array: Int32Array },
  { key: "tcpAcksFrame", array: Uint32Array, lazy: true },
  { key: "tcpBif", array: Uint32Array, lazy: true },
  { key: "tcpPushBytes", array: Uint32Array, lazy: true },
  { key: "tcpDupAckNum", array: Uint32Array, lazy: true },
  { key: "tcpDupAckFrame", array: Uint32Array, lazy: true },
  /** String id of the Info texts of the TCP options coded TcpOpt.TFO/MD5/UTO/TEXT in tcpOptSeq ("\u0001"-separated, option order). */
  { key: "tcpOptText", array: Uint32Array, lazy: true },
  // tunnels (lib/decode/tunnel.ts)
  /** String ids of the outermost IP addresses (tunnel endpoints; 0 for PPPoE/MPLS straight on Ethernet). */
  { key: "outerSrc", array: Uint32Array, lazy: true },
  { key: "outerDst", array: Uint32Array, lazy: true },
  /** String id of the MPLS label stack, top first, comma-separated ("16,29"). */
  { key: "mplsLabels", array: Uint32Array, lazy: true },
  /** GRE / GTP-U sequence number. */
  { key: "tunnelSeq", array: Uint32Array, lazy: true },
  /** PPP protocol field (PPPoE session, PPTP GRE). */
  { key: "pppProto", array: Uint16Array, lazy: true },
] as const satisfies readonly StorageDef[];

/** The packet table's columns, in display order. */
export const PACKET_SCHEMA = [
  { name: "no", wireshark: ["frame.number"], type: "uint32", description: "frame number (1-based, file order)", derive: true },
  { name: "time", wireshark: ["frame.time_epoch"], type: "time", unit: "s", description: "epoch seconds", derive: true },
  { name: "time_relative", wireshark: ["frame.time_relative"], type: "float64", unit: "s", description: "seconds since the first frame", derive: true },
  { name: "length", wireshark: ["frame.len"], type: "uint32", unit: "bytes", description: "frame length on the wire", store: { key: "wireLen", array: Uint32Array } },
  { name: "caplen", wireshark: ["frame.cap_len"], type: "uint32", unit: "bytes", description: "captured length", store: { key: "capLen", array: Uint32Array } },
  { name: "interface", wireshark: ["frame.interface_id"], type: "uint16", description: "interface index", store: { key: "ifIndex", array: Uint16Array, lazy: true } },
  { name: "src", wireshark: ["_ws.col.Source"], type: "string", description: "Source column", derive: true },
  { name: "dst", wireshark: ["_ws.col.Destination"], type: "string", description: "Destination column", derive: true },
  { name: "protocol", wireshark: ["_ws.col.Protocol"], type: "string", description: "Protocol column", derive: true },
  { name: "info", wireshark: ["_ws.col.Info"], type: "string", description: "Info column", derive: true },
  { name: "srcport", wireshark: ["tcp.srcport", "udp.srcport"], type: "uint16", description: "source port (TCP/UDP; the innermost, or a UDP tunnel's own when the inner packet has none)", when: { layers: Layer.TCP | Layer.UDP | Layer.TUNNEL_PORTS, not: Layer.ICMP_QUOTED }, store: { key: "srcPort", array: Uint16Array } },
  { name: "dstport", wireshark: ["tcp.dstport", "udp.dstport"], type: "uint16", description: "destination port (TCP/UDP; the innermost, or a UDP tunnel's own when the inner packet has none)", when: { layers: Layer.TCP | Layer.UDP | Layer.TUNNEL_PORTS, not: Layer.ICMP_QUOTED }, store: { key: "dstPort", array: Uint16Array } },
  // TCP analysis
  { name: "stream", wireshark: ["tcp.stream"], type: "uint32", description: "TCP stream index", derive: true },
  { name: "seq", wireshark: ["tcp.seq"], type: "uint32", description: "relative sequence number", when: TCP, derive: true },
  { name: "ack", wireshark: ["tcp.ack"], type: "uint32", description: "relative acknowledgment number", when: TCP_OWN, derive: true },
  { name: "nxtseq", wireshark: ["tcp.nxtseq"], type: "uint32", description: "next relative sequence number", when: TCP_OWN, derive: true },
  { name: "tcp_len", wireshark: ["tcp.len"], type: "uint32", unit: "bytes", description: "TCP payload length (from the IP length)", when: TCP_OWN, store: { key: "tcpLen", array: Uint32Array } },
  { name: "tcp_flags", wireshark: ["tcp.flags"], type: "uint16", description: "TCP flags as an integer", when: TCP_OWN, store: { key: "tcpFlags", array: Uint16Array } },
  { name: "win", wireshark: ["tcp.window_size"], type: "uint32", unit: "bytes", description: "calculated (scaled) window", when: TCP_OWN, derive: true },
  { name: "analysis", wireshark: ["tcp.analysis.flags"], type: "string", description: "TCP analysis flags (tcp.analysis.* names), |-separated", derive: true },
  { name: "dup_ack_num", wireshark: ["tcp.analysis.duplicate_ack_num"], type: "uint32", description: "duplicate ACK number", derive: true },
  { name: "ack_rtt", wireshark: ["tcp.analysis.ack_rtt"], type: "float64", unit: "s", description: "RTT to ACK the segment", derive: true },
  { name: "acks_frame", wireshark: ["tcp.analysis.acks_frame"], type: "uint32", description: "frame this ACK acknowledges", derive: true },
  { name: "bytes_in_flight", wireshark: ["tcp.analysis.bytes_in_flight"], type: "uint32", unit: "bytes", description: "bytes in flight", derive: true },
  { name: "dup_ack_frame", wireshark: ["tcp.analysis.duplicate_ack_frame"], type: "uint32", description: "frame the duplicate ACK repeats", derive: true },
  { name: "push_bytes_sent", wireshark: ["tcp.analysis.push_bytes_sent"], type: "uint32", unit: "bytes", description: "bytes sent since the last PSH", derive: true },
  { name: "irtt", wireshark: ["tcp.analysis.initial_rtt"], type: "float64", unit: "s", description: "initial RTT of the stream", derive: true },
  { name: "seq_raw", wireshark: ["tcp.seq_raw"], type: "uint32", description: "absolute sequence number", when: TCP, store: { key: "tcpSeq", array: Uint32Array } },
  { name: "ack_raw", wireshark: ["tcp.ack_raw"], type: "uint32", description: "absolute acknowledgment number", when: TCP_OWN, store: { key: "tcpAck", array: Uint32Array } },
  { name: "win_raw", wireshark: ["tcp.window_size_value"], type: "uint16", description: "window field as sent", when: TCP_OWN, store: { key: "tcpWin", array: Uint16Array } },
  { name: "win_scale", wireshark: ["tcp.window_size_scalefactor"], type: "int32", description: "window multiplier (-1 unknown, -2 none)", when: TCP_OWN, derive: true },
  { name: "tcp_flags_str", wireshark: [], type: "string", description: "flags as names", when: TCP_OWN, derive: true },
  { name: "mss", wireshark: ["tcp.options.mss_val"], type: "uint16", unit: "bytes", description: "MSS option", when: { tcpOption: TcpOpt.MSS }, store: { key: "tcpMss", array: Uint16Array, lazy: true } },
  { name: "ws_shift", wireshark: ["tcp.options.wscale.shift"], type: "uint8", description: "window scale option (shift)", when: { tcpOption: TcpOpt.WS }, store: { key: "tcpWsShift", array: Uint8Array, lazy: true } },
  { name: "sack_perm", wireshark: ["tcp.options.sack_perm"], type: "boolean", description: "SACK permitted option present", when: TCP_OWN, derive: true },
  { name: "tsval", wireshark: ["tcp.options.timestamp.tsval"], type: "uint32", description: "timestamp value", when: { tcpOption: TcpOpt.TS }, store: { key: "tcpTsVal", array: Uint32Array, lazy: true } },
  { name: "tsecr", wireshark: ["tcp.options.timestamp.tsecr"], type: "uint32", description: "timestamp echo reply", when: { tcpOption: TcpOpt.TS }, store: { key: "tcpTsEcr", array: Uint32Array, lazy: true } },
  { name: "sack", wireshark: ["tcp.options.sack_le", "tcp.options.sack_re"], type: "string", description: "SACK blocks, relative, as le-re;…", derive: true },
  // link / IP
  { name: "eth_src", wireshark: ["eth.src"], type: "string", description: "Ethernet source", when: { layers: Layer.ETH }, store: { key: "ethSrc", array: Uint32Array } },
  { name: "eth_dst", wireshark: ["eth.dst"], type: "string", description: "Ethernet destination", when: { layers: Layer.ETH }, store: { key: "ethDst", array: Uint32Array } },
  { name: "vlan", wireshark: ["vlan.id"], type: "uint16", description: "outer VLAN id", when: { layers: Layer.VLAN }, store: { key: "vlanId", array: Uint16Array, lazy: true } },
  // tunnels: the IP/TCP/UDP columns are the innermost ones, these the outer layers
  { name: "tunnel", wireshark: [], type: "string", description: "tunnels the packet was carried in, outermost first (\"GRE/ERSPAN/VXLAN\", \"PPPoE\", \"GTP-U\", \"IPv6-in-IP\"…)", when: { layers: Layer.TUNNEL }, store: { key: "tunnel", array: Uint32Array, lazy: true } },
  { name: "tunnel_id", wireshark: [], type: "uint32", description: "id of the innermost tunnel that has one: PPPoE session (pppoe.session_id), GTP TEID (gtp.teid), VXLAN/Geneve VNI (vxlan.vni, geneve.vni), GRE key / PPTP call id (gre.key), ERSPAN session (erspan.spanid), top MPLS label (mpls.label)", when: { layers: Layer.TUNNEL }, store: { key: "tunnelId", array: Uint32Array, lazy: true } },
  { name: "outer_src", wireshark: [], type: "string", description: "outermost IP source (tunnel endpoint; the first ip.src occurrence)", when: { layers: Layer.TUNNEL }, derive: true },
  { name: "outer_dst", wireshark: [], type: "string", description: "outermost IP destination (tunnel endpoint; the first ip.dst occurrence)", when: { layers: Layer.TUNNEL }, derive: true },
  { name: "mpls_labels", wireshark: [], type: "string", description: "MPLS label stack (every mpls.label), top first, comma-separated", when: { layers: Layer.TUNNEL }, derive: true },
  { name: "ip_version", wireshark: ["ip.version"], type: "uint8", description: "4 or 6", derive: true },
  { name: "ip_src", wireshark: ["ip.src", "ipv6.src"], type: "string", description: "IP source", when: IP, from: "src" },
  { name: "ip_dst", wireshark: ["ip.dst", "ipv6.dst"], type: "string", description: "IP destination", when: IP, from: "dst" },
  { name: "ip_ttl", wireshark: ["ip.ttl", "ipv6.hlim"], type: "uint8", description: "TTL / hop limit", when: IP, store: { key: "ipTtl", array: Uint8Array } },
  { name: "ip_id", wireshark: ["ip.id"], type: "uint16", description: "IPv4 identification", when: { layers: Layer.IPV4 }, store: { key: "ipId", array: Uint16Array } },
  { name: "ip_proto", wireshark: ["ip.proto", "ipv6.nxt"], type: "uint8", description: "transport protocol number", when: IP, store: { key: "ipProto", array: Uint8Array } },
  { name: "ip_len", wireshark: ["ip.len"], type: "uint32", unit: "bytes", description: "IP total length", when: IP, store: { key: "ipLen", array: Uint32Array } },
  { name: "ip_dsfield", wireshark: ["ip.dsfield", "ipv6.tclass"], type: "uint8", description: "DS field / traffic class", when: IP, store: { key: "ipTos", array: Uint8Array } },
  { name: "ip_fragment", wireshark: [], type: "boolean", description: "part of a fragmented datagram", when: IP, derive: true },
  { name: "udp_len", wireshark: ["udp.length"], type: "uint16", unit: "bytes", description: "UDP length field", when: { layers: Layer.UDP }, store: { key: "udpLen", array: Uint16Array, lazy: true } },
  { name: "icmp_type", wireshark: ["icmp.type", "icmpv6.type"], type: "uint8", description: "ICMP type", when: { layers: Layer.ICMP | Layer.ICMPV6 }, store: { key: "icmpType", array: Uint8Array, lazy: true } },
  { name: "icmp_code", wireshark: ["icmp.code", "icmpv6.code"], type: "uint8", description: "ICMP code", when: { layers: Layer.ICMP | Layer.ICMPV6 }, store: { key: "icmpCode", array: Uint8Array, lazy: true } },
  { name: "truncated", wireshark: [], type: "boolean", description: "frame cut by the snaplen (caplen < length)", derive: true },
  { name: "anomaly", wireshark: [], type: "string", description: "malformed-packet codes, |-separated", derive: true },
] as const satisfies readonly PacketColumnDef[];

type Schema = (typeof PACKET_SCHEMA)[number];

/** A packet column's name. */
export type PacketColumnName = Schema["name"];
/** Names of the columns computed by a function (lib/capture/columns.ts). */
export type DerivedColumnName = Extract<Schema, { derive: true }>["name"];

type OwnedStorage = Extract<Schema, { store: StorageDef }>["store"];
type Storage = OwnedStorage | (typeof INTERNAL_STORAGE)[number];
/** Every typed array of the packet table, by PacketTable field name (lazy ones are null until written). */
export type StorageColumns = {
  -readonly [S in Storage as S["key"]]: S extends { lazy: true } ? InstanceType<S["array"]> | null : InstanceType<S["array"]>;
};
export type StorageKey = keyof StorageColumns;

/** Every storage array: the columns' own, then the internal ones. */
export const STORAGE: readonly StorageDef[] = [
  ...PACKET_SCHEMA.flatMap((c): StorageDef[] => ("store" in c ? [c.store] : [])),
  ...INTERNAL_STORAGE,
];

/** Does `row` have the column's value (its `when`)? */
export function present(when: Presence | undefined, layers: number, optSeq: number): boolean {
  if (when === undefined) return true;
  if ("layers" in when) return (layers & when.layers) !== 0 && (layers & (when.not ?? 0)) === 0;
  if ((layers & (Layer.TCP | Layer.ICMP_QUOTED)) !== Layer.TCP) return false;
  return hasTcpOption(optSeq, when.tcpOption);
}
