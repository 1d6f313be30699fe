/**
 * Error model.
 *
 * Only `CaptureError` ever escapes `readCapture`: it is raised when the container (pcap / pcapng
 * framing) cannot be walked any further. In the default (lax) mode it is not thrown but recorded
 * as a warning, and every packet before the fault is kept — except when the input is not a capture
 * at all (empty, unknown magic number, no complete file or section header, unsupported version, a
 * directory, gzip data that decompresses to nothing): there are no packets to keep, so it throws in
 * both modes. Problems inside one packet never throw:
 * they set bits in the packet table's `anomaly` column (see ANOMALY_INFO).
 */

export type CaptureErrorCode =
  | "bad_magic"
  | "empty_file"
  | "truncated_file_header"
  | "truncated_record"
  | "truncated_block"
  | "bad_block_length"
  | "block_length_mismatch"
  | "unsupported_version"
  | "bad_caplen"
  | "no_section_header"
  | "unknown_interface"
  | "gzip_error"
  | "io_error"
  /** a malformed key-log line (the message names its line), not a framing fault */
  | "keylog"
  /** a TLS stream that could not be decrypted (no key, unsupported cipher, failed authentication) */
  | "decryption";

/** A fatal framing problem, with the absolute byte offset in the (decompressed) file where it was found. */
export class CaptureError extends Error {
  readonly code: CaptureErrorCode;
  readonly byteOffset: number;
  /** Number of records (packets) successfully framed before the fault. */
  readonly recordIndex: number;
  constructor(code: CaptureErrorCode, byteOffset: number, recordIndex: number, detail: string) {
    super(`${detail} (at byte offset ${byteOffset}, after ${recordIndex} packet${recordIndex === 1 ? "" : "s"})`);
    this.name = "CaptureError";
    this.code = code;
    this.byteOffset = byteOffset;
    this.recordIndex = recordIndex;
  }
}

/** Per-packet anomaly bits (column `anomaly`). */
export const Anomaly = {
  LINK_TRUNCATED: 1 << 0,
  VLAN_TRUNCATED: 1 << 1,
  ARP_TRUNCATED: 1 << 2,
  IPV4_TRUNCATED: 1 << 3,
  IPV4_BAD_VERSION: 1 << 4,
  IPV4_BAD_IHL: 1 << 5,
  IPV4_BAD_TOTAL_LEN: 1 << 6,
  IPV6_TRUNCATED: 1 << 7,
  IPV6_BAD_EXT_HEADER: 1 << 8,
  TCP_TRUNCATED: 1 << 9,
  TCP_BAD_DATA_OFFSET: 1 << 10,
  TCP_OPTION_OVERRUN: 1 << 11,
  UDP_TRUNCATED: 1 << 12,
  UDP_BAD_LEN: 1 << 13,
  ICMP_TRUNCATED: 1 << 14,
  DNS_MALFORMED: 1 << 15,
  TLS_MALFORMED: 1 << 16,
  HTTP_MALFORMED: 1 << 17,
  UNKNOWN_LINK_TYPE: 1 << 18,
  CAPLEN_EXCEEDS_LEN: 1 << 19,
  TUNNEL_TRUNCATED: 1 << 20,
  TUNNEL_TOO_DEEP: 1 << 21,
} as const;

/** Anomalies that only mean "the frame ends early": not malformations when the snaplen cut the frame. */
export const TRUNCATION_ANOMALIES =
  Anomaly.LINK_TRUNCATED | Anomaly.VLAN_TRUNCATED | Anomaly.ARP_TRUNCATED | Anomaly.IPV4_TRUNCATED | Anomaly.IPV6_TRUNCATED |
  Anomaly.IPV6_BAD_EXT_HEADER | Anomaly.TCP_TRUNCATED | Anomaly.UDP_TRUNCATED | Anomaly.ICMP_TRUNCATED | Anomaly.TUNNEL_TRUNCATED;

export const ANOMALY_INFO: Record<number, { code: string; layer: string; message: string }> = {
  [Anomaly.LINK_TRUNCATED]: { code: "link_truncated", layer: "link", message: "frame shorter than its link-layer header" },
  [Anomaly.VLAN_TRUNCATED]: { code: "vlan_truncated", layer: "vlan", message: "frame ends inside a VLAN tag" },
  [Anomaly.ARP_TRUNCATED]: { code: "arp_truncated", layer: "arp", message: "frame ends inside the ARP message" },
  [Anomaly.IPV4_TRUNCATED]: { code: "ipv4_truncated", layer: "ipv4", message: "frame ends inside the IPv4 header" },
  [Anomaly.IPV4_BAD_VERSION]: { code: "ip_bad_version", layer: "ipv4", message: "IP version is neither 4 nor 6" },
  [Anomaly.IPV4_BAD_IHL]: { code: "ipv4_bad_ihl", layer: "ipv4", message: "IPv4 header length < 20 or beyond the frame" },
  [Anomaly.IPV4_BAD_TOTAL_LEN]: { code: "ipv4_bad_total_len", layer: "ipv4", message: "IPv4 total length smaller than its header" },
  [Anomaly.IPV6_TRUNCATED]: { code: "ipv6_truncated", layer: "ipv6", message: "frame ends inside the IPv6 header" },
  [Anomaly.IPV6_BAD_EXT_HEADER]: { code: "ipv6_bad_ext_header", layer: "ipv6", message: "IPv6 extension header runs past the frame" },
  [Anomaly.TCP_TRUNCATED]: { code: "tcp_truncated", layer: "tcp", message: "frame ends inside the TCP header" },
  [Anomaly.TCP_BAD_DATA_OFFSET]: { code: "tcp_bad_data_offset", layer: "tcp", message: "TCP data offset < 5 or beyond the segment" },
  [Anomaly.TCP_OPTION_OVERRUN]: { code: "tcp_option_overrun", layer: "tcp", message: "a TCP option's length runs past the header" },
  [Anomaly.UDP_TRUNCATED]: { code: "udp_truncated", layer: "udp", message: "frame ends inside the UDP header" },
  [Anomaly.UDP_BAD_LEN]: { code: "udp_bad_len", layer: "udp", message: "UDP length field disagrees with the IP payload length" },
  [Anomaly.ICMP_TRUNCATED]: { code: "icmp_truncated", layer: "icmp", message: "frame ends inside the ICMP header" },
  [Anomaly.DNS_MALFORMED]: { code: "dns_malformed", layer: "dns", message: "DNS message could not be parsed" },
  [Anomaly.TLS_MALFORMED]: { code: "tls_malformed", layer: "tls", message: "TLS record or handshake message could not be parsed" },
  [Anomaly.HTTP_MALFORMED]: { code: "http_malformed", layer: "http", message: "HTTP start line could not be parsed" },
  [Anomaly.UNKNOWN_LINK_TYPE]: { code: "unknown_link_type", layer: "link", message: "link type not decoded" },
  [Anomaly.CAPLEN_EXCEEDS_LEN]: { code: "caplen_exceeds_len", layer: "frame", message: "captured length larger than the original length" },
  [Anomaly.TUNNEL_TRUNCATED]: { code: "tunnel_truncated", layer: "tunnel", message: "frame ends inside a tunnel or encapsulation header (PPPoE, MPLS, GRE, GTP-U, VXLAN, Geneve)" },
  [Anomaly.TUNNEL_TOO_DEEP]: { code: "tunnel_too_deep", layer: "tunnel", message: "more than 32 nested tunnels: the rest of the frame is not decoded" },
};

/** Expand an anomaly bitmask into its codes. */
export function anomalyCodes(mask: number): string[] {
  const out: string[] = [];
  for (let b = 0; b < 31; b++) {
    const bit = 1 << b;
    if (mask & bit && ANOMALY_INFO[bit]) out.push(ANOMALY_INFO[bit].code);
  }
  return out;
}
