import type { Capture } from "./capture";
import { Layer, TcpFlag } from "../table/packet-table";
import { analysisNames, TA } from "../tcp/flags";
import { epochString } from "../base/format";
import { anomalyCodes } from "../base/errors";

export type CellValue = number | string | boolean | null;

export interface ColumnDef {
  name: string;
  kind: "number" | "string" | "boolean";
  /** The Wireshark field this column mirrors, if any. */
  wireshark?: string;
  description: string;
  get(cap: Capture, row: number): CellValue;
}

const isTcp = (c: Capture, r: number) => (c.packets.layers[r] & Layer.TCP) !== 0;
const isTcpFull = (c: Capture, r: number) => (c.packets.layers[r] & (Layer.TCP | Layer.ICMP_QUOTED)) === Layer.TCP;
const isPorts = (c: Capture, r: number) => (c.packets.layers[r] & (Layer.TCP | Layer.UDP)) !== 0 && (c.packets.layers[r] & Layer.ICMP_QUOTED) === 0;
const isIp = (c: Capture, r: number) => (c.packets.layers[r] & (Layer.IPV4 | Layer.IPV6)) !== 0;
const nz = (v: number | undefined) => (v === undefined || v === 0 ? null : v);
const nanNull = (v: number) => (Number.isNaN(v) ? null : v);

/** The packet table's columns, in display order. Names are snake_case, as in the CLI's CSV. */
export const PACKET_COLUMNS: ColumnDef[] = [
  { name: "no", kind: "number", wireshark: "frame.number", description: "frame number (1-based, file order)", get: (_c, r) => r + 1 },
  { name: "time", kind: "number", wireshark: "frame.time_epoch", description: "epoch seconds", get: (c, r) => (c.hasTime(r) ? c.packets.time(r) : null) },
  { name: "time_relative", kind: "number", wireshark: "frame.time_relative", description: "seconds since the first frame", get: (c, r) => nanNull(c.relativeTime(r)) },
  { name: "length", kind: "number", wireshark: "frame.len", description: "frame length on the wire", get: (c, r) => c.packets.wireLen[r] },
  { name: "caplen", kind: "number", wireshark: "frame.cap_len", description: "captured length", get: (c, r) => c.packets.capLen[r] },
  { name: "interface", kind: "number", wireshark: "frame.interface_id", description: "interface index", get: (c, r) => c.packets.ifIndex?.[r] ?? 0 },
  { name: "src", kind: "string", wireshark: "_ws.col.Source", description: "Source column", get: (c, r) => c.packets.strings.get(c.packets.src[r]) || null },
  { name: "dst", kind: "string", wireshark: "_ws.col.Destination", description: "Destination column", get: (c, r) => c.packets.strings.get(c.packets.dst[r]) || null },
  { name: "protocol", kind: "string", wireshark: "_ws.col.Protocol", description: "Protocol column", get: (c, r) => c.protocol(r) },
  { name: "info", kind: "string", wireshark: "_ws.col.Info", description: "Info column", get: (c, r) => c.info(r) },
  { name: "srcport", kind: "number", wireshark: "tcp.srcport/udp.srcport", description: "source port (TCP/UDP)", get: (c, r) => (isPorts(c, r) ? c.packets.srcPort[r] : null) },
  { name: "dstport", kind: "number", wireshark: "tcp.dstport/udp.dstport", description: "destination port (TCP/UDP)", get: (c, r) => (isPorts(c, r) ? c.packets.dstPort[r] : null) },
  // TCP analysis (issue 3 columns)
  { name: "stream", kind: "number", wireshark: "tcp.stream", description: "TCP stream index", get: (c, r) => (c.packets.tcpStream[r] >= 0 ? c.packets.tcpStream[r] : null) },
  { name: "seq", kind: "number", wireshark: "tcp.seq", description: "relative sequence number", get: (c, r) => (isTcp(c, r) ? c.tcp.relSeq(r) : null) },
  { name: "ack", kind: "number", wireshark: "tcp.ack", description: "relative acknowledgment number", get: (c, r) => (isTcpFull(c, r) ? c.tcp.relAck(r) : null) },
  { name: "nxtseq", kind: "number", wireshark: "tcp.nxtseq", description: "next relative sequence number", get: (c, r) => (isTcpFull(c, r) ? c.tcp.nxtSeq(r) : null) },
  { name: "tcp_len", kind: "number", wireshark: "tcp.len", description: "TCP payload length (from the IP length)", get: (c, r) => (isTcpFull(c, r) ? c.packets.tcpLen[r] : null) },
  { name: "tcp_flags", kind: "number", wireshark: "tcp.flags", description: "TCP flags as an integer", get: (c, r) => (isTcpFull(c, r) ? c.packets.tcpFlags[r] : null) },
  { name: "win", kind: "number", wireshark: "tcp.window_size", description: "calculated (scaled) window", get: (c, r) => (isTcpFull(c, r) ? c.tcp.winCalc(r) : null) },
  { name: "analysis", kind: "string", wireshark: "tcp.analysis.*", description: "TCP analysis flags, |-separated", get: (c, r) => analysisNames(c.packets.tcpAnalysis[r] & TA.FLAG_MASK) || null },
  { name: "dup_ack_num", kind: "number", wireshark: "tcp.analysis.duplicate_ack_num", description: "duplicate ACK number", get: (c, r) => nz(c.tcp.dupAckNum(r)) },
  { name: "ack_rtt", kind: "number", wireshark: "tcp.analysis.ack_rtt", description: "RTT to ACK the segment (s)", get: (c, r) => nanNull(c.tcp.ackRtt(r)) },
  { name: "acks_frame", kind: "number", wireshark: "tcp.analysis.acks_frame", description: "frame this ACK acknowledges", get: (c, r) => nz(c.tcp.acksFrame(r)) },
  { name: "bytes_in_flight", kind: "number", wireshark: "tcp.analysis.bytes_in_flight", description: "bytes in flight", get: (c, r) => nz(c.tcp.bytesInFlight(r)) },
  // more TCP
  { name: "dup_ack_frame", kind: "number", wireshark: "tcp.analysis.duplicate_ack_frame", description: "frame the duplicate ACK repeats", get: (c, r) => nz(c.tcp.dupAckFrame(r)) },
  { name: "push_bytes_sent", kind: "number", wireshark: "tcp.analysis.push_bytes_sent", description: "bytes sent since the last PSH", get: (c, r) => nz(c.tcp.pushBytes(r)) },
  { name: "irtt", kind: "number", wireshark: "tcp.analysis.initial_rtt", description: "initial RTT of the stream (s)", get: (c, r) => nanNull(c.tcp.irtt(r)) },
  { name: "seq_raw", kind: "number", wireshark: "tcp.seq_raw", description: "absolute sequence number", get: (c, r) => (isTcp(c, r) ? c.packets.tcpSeq[r] : null) },
  { name: "ack_raw", kind: "number", wireshark: "tcp.ack_raw", description: "absolute acknowledgment number", get: (c, r) => (isTcpFull(c, r) ? c.packets.tcpAck[r] : null) },
  { name: "win_raw", kind: "number", wireshark: "tcp.window_size_value", description: "window field as sent", get: (c, r) => (isTcpFull(c, r) ? c.packets.tcpWin[r] : null) },
  { name: "win_scale", kind: "number", wireshark: "tcp.window_size_scalefactor", description: "window multiplier (-1 unknown, -2 none)", get: (c, r) => (isTcpFull(c, r) ? nanNull(c.tcp.winScale(r)) : null) },
  { name: "tcp_flags_str", kind: "string", wireshark: "tcp.flags", description: "flags as names", get: (c, r) => (isTcpFull(c, r) ? flagsText(c.packets.tcpFlags[r]) : null) },
  { name: "mss", kind: "number", wireshark: "tcp.options.mss_val", description: "MSS option", get: (c, r) => (optHas(c, r, 1) ? c.packets.tcpMss![r] : null) },
  { name: "ws_shift", kind: "number", wireshark: "tcp.options.wscale.shift", description: "window scale option (shift)", get: (c, r) => (optHas(c, r, 2) ? c.packets.tcpWsShift![r] : null) },
  { name: "sack_perm", kind: "boolean", wireshark: "tcp.options.sack_perm", description: "SACK permitted option present", get: (c, r) => (isTcpFull(c, r) ? optHas(c, r, 3) : null) },
  { name: "tsval", kind: "number", wireshark: "tcp.options.timestamp.tsval", description: "timestamp value", get: (c, r) => (optHas(c, r, 4) ? c.packets.tcpTsVal![r] : null) },
  { name: "tsecr", kind: "number", wireshark: "tcp.options.timestamp.tsecr", description: "timestamp echo reply", get: (c, r) => (optHas(c, r, 4) ? c.packets.tcpTsEcr![r] : null) },
  { name: "sack", kind: "string", wireshark: "tcp.options.sack_le/sack_re", description: "SACK blocks, relative, as le-re;…", get: (c, r) => sackText(c, r) },
  // link / IP
  { name: "eth_src", kind: "string", wireshark: "eth.src", description: "Ethernet source", get: (c, r) => (c.packets.layers[r] & Layer.ETH ? c.packets.strings.get(c.packets.ethSrc[r]) : null) },
  { name: "eth_dst", kind: "string", wireshark: "eth.dst", description: "Ethernet destination", get: (c, r) => (c.packets.layers[r] & Layer.ETH ? c.packets.strings.get(c.packets.ethDst[r]) : null) },
  { name: "vlan", kind: "number", wireshark: "vlan.id", description: "outer VLAN id", get: (c, r) => (c.packets.layers[r] & Layer.VLAN ? c.packets.vlanId![r] : null) },
  { name: "ip_version", kind: "number", wireshark: "ip.version", description: "4 or 6", get: (c, r) => (c.packets.layers[r] & Layer.IPV4 ? 4 : c.packets.layers[r] & Layer.IPV6 ? 6 : null) },
  { name: "ip_src", kind: "string", wireshark: "ip.src/ipv6.src", description: "IP source", get: (c, r) => (isIp(c, r) ? c.packets.strings.get(c.packets.src[r]) : null) },
  { name: "ip_dst", kind: "string", wireshark: "ip.dst/ipv6.dst", description: "IP destination", get: (c, r) => (isIp(c, r) ? c.packets.strings.get(c.packets.dst[r]) : null) },
  { name: "ip_ttl", kind: "number", wireshark: "ip.ttl/ipv6.hlim", description: "TTL / hop limit", get: (c, r) => (isIp(c, r) ? c.packets.ipTtl[r] : null) },
  { name: "ip_id", kind: "number", wireshark: "ip.id", description: "IPv4 identification", get: (c, r) => (c.packets.layers[r] & Layer.IPV4 ? c.packets.ipId[r] : null) },
  { name: "ip_proto", kind: "number", wireshark: "ip.proto/ipv6.nxt", description: "transport protocol number", get: (c, r) => (isIp(c, r) ? c.packets.ipProto[r] : null) },
  { name: "ip_len", kind: "number", wireshark: "ip.len", description: "IP total length", get: (c, r) => (isIp(c, r) ? c.packets.ipLen[r] : null) },
  { name: "ip_dsfield", kind: "number", wireshark: "ip.dsfield", description: "DS field / traffic class", get: (c, r) => (isIp(c, r) ? c.packets.ipTos[r] : null) },
  { name: "ip_fragment", kind: "boolean", description: "part of a fragmented datagram", get: (c, r) => (isIp(c, r) ? (c.packets.layers[r] & Layer.IP_FRAGMENT) !== 0 : null) },
  { name: "udp_len", kind: "number", wireshark: "udp.length", description: "UDP length field", get: (c, r) => (c.packets.layers[r] & Layer.UDP ? c.packets.udpLen![r] : null) },
  { name: "icmp_type", kind: "number", wireshark: "icmp.type", description: "ICMP type", get: (c, r) => (c.packets.layers[r] & (Layer.ICMP | Layer.ICMPV6) ? c.packets.icmpType![r] : null) },
  { name: "icmp_code", kind: "number", wireshark: "icmp.code", description: "ICMP code", get: (c, r) => (c.packets.layers[r] & (Layer.ICMP | Layer.ICMPV6) ? c.packets.icmpCode![r] : null) },
  { name: "truncated", kind: "boolean", description: "frame cut by the snaplen (caplen < length)", get: (c, r) => (c.packets.layers[r] & Layer.TRUNCATED) !== 0 },
  { name: "anomaly", kind: "string", description: "malformed-packet codes, |-separated", get: (c, r) => (c.packets.anomaly && c.packets.anomaly[r] ? anomalyCodes(c.packets.anomaly[r]).join("|") : null) },
];

function optHas(c: Capture, r: number, code: number): boolean {
  const seq = c.packets.tcpOptSeq;
  if (!seq || !isTcpFull(c, r)) return false;
  let s = seq[r];
  while (s) {
    if ((s & 15) === code) return true;
    s >>>= 4;
  }
  return false;
}

function sackText(c: Capture, r: number): string | null {
  const n = c.packets.tcpSackN?.[r] ?? 0;
  if (!n || !isTcpFull(c, r)) return null;
  const rel = c.tcp.sackRel(r);
  const parts: string[] = [];
  for (let i = 0; i + 1 < rel.length; i += 2) parts.push(`${rel[i]}-${rel[i + 1]}`);
  return parts.join(";");
}

const FLAG_TEXT: [number, string][] = [
  [TcpFlag.FIN, "FIN"],
  [TcpFlag.SYN, "SYN"],
  [TcpFlag.RST, "RST"],
  [TcpFlag.PSH, "PSH"],
  [TcpFlag.ACK, "ACK"],
  [TcpFlag.URG, "URG"],
  [TcpFlag.ECE, "ECE"],
  [TcpFlag.CWR, "CWR"],
  [TcpFlag.AE, "AE"],
];

export function flagsText(f: number): string {
  const out: string[] = [];
  for (const [b, n] of FLAG_TEXT) if (f & b) out.push(n);
  return out.join(",");
}

export function findColumn(name: string): ColumnDef | undefined {
  return PACKET_COLUMNS.find((c) => c.name === name);
}

export { epochString };
