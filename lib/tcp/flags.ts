/**
 * Bits of the `tcpAnalysis` column. The low bits mirror Wireshark's `tcp.analysis.*` flag fields;
 * the high bits carry per-packet facts the analysis needs to keep (direction, has-analysis).
 */
export const TA = {
  RETRANSMISSION: 1 << 0,
  FAST_RETRANSMISSION: 1 << 1,
  SPURIOUS_RETRANSMISSION: 1 << 2,
  OUT_OF_ORDER: 1 << 3,
  DUPLICATE_ACK: 1 << 4,
  LOST_SEGMENT: 1 << 5,
  ACK_LOST_SEGMENT: 1 << 6,
  ZERO_WINDOW: 1 << 7,
  ZERO_WINDOW_PROBE: 1 << 8,
  ZERO_WINDOW_PROBE_ACK: 1 << 9,
  WINDOW_FULL: 1 << 10,
  WINDOW_UPDATE: 1 << 11,
  KEEP_ALIVE: 1 << 12,
  KEEP_ALIVE_ACK: 1 << 13,
  REUSED_PORTS: 1 << 14,
  /** All flag bits above. */
  FLAG_MASK: (1 << 15) - 1,
  /** Packet travels in the stream's second direction (not the direction of its first packet). */
  DIR_REVERSE: 1 << 24,
  /** Relative numbers are unavailable for this packet (e.g. ICMP-quoted header). */
  NO_REL: 1 << 25,
  /** Wireshark would show a SEQ/ACK analysis subtree for this packet (so iRTT is printed on it). */
  HAS_SEQ_ANALYSIS: 1 << 26,
} as const;

/** Flag names exactly as the `tcp.analysis.<name>` fields, in the order we print them in the `analysis` column. */
export const TA_NAMES: readonly [number, string][] = [
  [TA.RETRANSMISSION, "retransmission"],
  [TA.FAST_RETRANSMISSION, "fast_retransmission"],
  [TA.SPURIOUS_RETRANSMISSION, "spurious_retransmission"],
  [TA.OUT_OF_ORDER, "out_of_order"],
  [TA.DUPLICATE_ACK, "duplicate_ack"],
  [TA.LOST_SEGMENT, "lost_segment"],
  [TA.ACK_LOST_SEGMENT, "ack_lost_segment"],
  [TA.ZERO_WINDOW, "zero_window"],
  [TA.ZERO_WINDOW_PROBE, "zero_window_probe"],
  [TA.ZERO_WINDOW_PROBE_ACK, "zero_window_probe_ack"],
  [TA.WINDOW_FULL, "window_full"],
  [TA.WINDOW_UPDATE, "window_update"],
  [TA.KEEP_ALIVE, "keep_alive"],
  [TA.KEEP_ALIVE_ACK, "keep_alive_ack"],
  [TA.REUSED_PORTS, "reused_ports"],
];

/** `a|b|c` names of the flags set in `bits`. */
export function analysisNames(bits: number): string {
  let s = "";
  for (const [bit, name] of TA_NAMES) if (bits & bit) s += (s ? "|" : "") + name;
  return s;
}
