/** Bit and code constants of the packet table: layer presence, TCP option codes, TCP flags. */

/** Layer-presence bits (column `layers`): which per-layer columns are valid in a row. */
export const Layer = {
  ETH: 1 << 0,
  VLAN: 1 << 1,
  SLL: 1 << 2,
  NULL: 1 << 3,
  RAW: 1 << 4,
  ARP: 1 << 5,
  IPV4: 1 << 6,
  IPV6: 1 << 7,
  TCP: 1 << 8,
  UDP: 1 << 9,
  ICMP: 1 << 10,
  ICMPV6: 1 << 11,
  IP_FRAGMENT: 1 << 12,
  /** Frame was cut by the snaplen (caplen < len). Not an error. */
  TRUNCATED: 1 << 13,
  DNS: 1 << 14,
  TLS: 1 << 15,
  HTTP: 1 << 16,
  /** The TCP/UDP header sits inside an ICMP error message (quoted packet). */
  ICMP_QUOTED: 1 << 17,
  /** Payload of this TCP segment is cut by the snaplen (tcp.len counts bytes not captured). */
  PAYLOAD_TRUNCATED: 1 << 18,
  SLL2: 1 << 19,
  LLC: 1 << 20,
  /** TCP options were present and parsed (columns tcpOptSeq…). */
  TCP_OPTIONS: 1 << 21,
  /** Not the first fragment of a fragmented IP datagram: no transport header. */
  IP_LATER_FRAGMENT: 1 << 22,
  /** The TCP payload only feeds an application PDU that completes later: Info ends with "[TCP segment of a reassembled PDU]". */
  PDU_SEGMENT: 1 << 23,
  /** The record has no timestamp (pcapng Simple Packet Block, custom block): time columns are null; analysis uses 0 as tshark does. */
  NO_TIMESTAMP: 1 << 24,
  /** The packet was carried in a tunnel or encapsulation (columns tunnel, tunnel_id, outer_src/outer_dst…); the IP/TCP/UDP columns are the innermost ones. */
  TUNNEL: 1 << 25,
  /** srcPort/dstPort hold the ports of a UDP tunnel (GTP-U, VXLAN, Geneve) whose inner packet has no TCP/UDP of its own (tshark's udp.srcport). */
  TUNNEL_PORTS: 1 << 26,
} as const;

/** TCP option codes stored (4 bits each, in header order, up to 8) in `tcpOptSeq`. */
export const TcpOpt = { MSS: 1, WS: 2, SACK_PERM: 3, TS: 4, SACK: 5, NOP: 6, EOL: 7, OTHER: 8, TFO: 9, MPTCP: 10, ECHO: 11, ECHO_REPLY: 12, MD5: 13, UTO: 14, TEXT: 15 } as const;

export const TcpFlag = { FIN: 0x001, SYN: 0x002, RST: 0x004, PSH: 0x008, ACK: 0x010, URG: 0x020, ECE: 0x040, CWR: 0x080, AE: 0x100 } as const;

/** The names of TcpFlag's bits, lowest bit first (as Wireshark lists them). */
export const TCP_FLAG_NAMES = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"] as const;

/** Names of the flags set in `flags` (only those in `mask`), lowest bit first. */
export function tcpFlagNames(flags: number, mask = 0x1ff): string[] {
  const out: string[] = [];
  for (let i = 0; i < TCP_FLAG_NAMES.length; i++) if (flags & mask & (1 << i)) out.push(TCP_FLAG_NAMES[i]);
  return out;
}

/**
 * The TCP option codes of a row's `tcpOptSeq` value, in header order (TcpOpt codes, 4 bits each, up to 8):
 * the one walk of the packed options field.
 */
export function* tcpOptions(optSeq: number): Generator<number> {
  for (let s = optSeq >>> 0; s !== 0; s >>>= 4) yield s & 15;
}

/** Does the packed options field `optSeq` hold option `code`? (Allocation-free, for per-row use.) */
export function hasTcpOption(optSeq: number, code: number): boolean {
  for (let s = optSeq >>> 0; s !== 0; s >>>= 4) if ((s & 15) === code) return true;
  return false;
}
