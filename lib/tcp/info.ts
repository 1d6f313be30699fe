/** Wireshark's TCP Info column text (4.0): prefixes, ports, flags, Seq/Ack/Win/Urg/Len and options. */
import { type PacketTable } from "../table/packet-table";
import { Layer, TcpOpt, TCP_FLAG_NAMES } from "../table/layers";
import { TA } from "./flags";

/** What info() needs from the analyzer (avoids a circular import). */
export interface InfoSource {
  relSeq(row: number): number;
  relAck(row: number): number;
  winCalc(row: number): number;
  dupAckFrame(row: number): number;
  dupAckNum(row: number): number;
  sackRel(row: number): number[];
}

/** "[SYN, ACK]"-style list, low bit first; "<None>" when no flag is set. */
export function tcpFlagsText(flags: number): string {
  let s = "";
  for (let i = 0; i < TCP_FLAG_NAMES.length; i++) {
    if (flags & (1 << i)) s += (s ? ", " : "") + TCP_FLAG_NAMES[i];
  }
  if (flags & 0xe00) s += (s ? ", " : "") + "Reserved";
  return s || "<None>";
}

/**
 * The analysis prefixes as visible in the Info column. Wireshark prepends each one (with a fence), so the
 * visible order is the reverse of its print order: reused → retransmission class → lost / ACKed unseen →
 * window update / full → keep-alive / keep-alive ACK → dup ACK → ZWP / zero window / ZWP ACK.
 */
export function analysisPrefix(bits: number, dupFrame: number, dupNum: number): string {
  if (!(bits & TA.FLAG_MASK)) return "";
  const printed: string[] = [];
  if (bits & TA.REUSED_PORTS) printed.push("TCP Port numbers reused");
  if (bits & TA.FAST_RETRANSMISSION) printed.push("TCP Fast Retransmission");
  else if (bits & TA.SPURIOUS_RETRANSMISSION) printed.push("TCP Spurious Retransmission");
  else if (bits & TA.RETRANSMISSION) printed.push("TCP Retransmission");
  if (bits & TA.OUT_OF_ORDER) printed.push("TCP Out-Of-Order");
  if (bits & TA.LOST_SEGMENT) printed.push("TCP Previous segment not captured");
  if (bits & TA.ACK_LOST_SEGMENT) printed.push("TCP ACKed unseen segment");
  if (bits & TA.WINDOW_UPDATE) printed.push("TCP Window Update");
  if (bits & TA.WINDOW_FULL) printed.push("TCP Window Full");
  if (bits & TA.KEEP_ALIVE) printed.push("TCP Keep-Alive");
  if (bits & TA.KEEP_ALIVE_ACK) printed.push("TCP Keep-Alive ACK");
  if (bits & TA.DUPLICATE_ACK) printed.push(`TCP Dup ACK ${dupFrame}#${dupNum}`);
  if (bits & TA.ZERO_WINDOW_PROBE) printed.push("TCP ZeroWindowProbe");
  if (bits & TA.ZERO_WINDOW) printed.push("TCP ZeroWindow");
  if (bits & TA.ZERO_WINDOW_PROBE_ACK) printed.push("TCP ZeroWindowProbeAck");
  let s = "";
  for (let i = printed.length - 1; i >= 0; i--) s += `[${printed[i]}] `;
  return s;
}

/** Full TCP Info text of a row. */
export function buildInfo(a: InfoSource, t: PacketTable, row: number): string {
  const flags = t.tcpFlags[row];
  const bits = t.tcpAnalysis[row];
  let s = analysisPrefix(bits, a.dupAckFrame(row), a.dupAckNum(row));
  s += `${t.srcPort[row]} \u2192 ${t.dstPort[row]} [${tcpFlagsText(flags)}] Seq=${a.relSeq(row)}`;
  if (flags & 0x10) s += ` Ack=${a.relAck(row)}`;
  s += ` Win=${a.winCalc(row)}`;
  if (flags & 0x20) s += ` Urg=${t.tcpUrg !== null ? t.tcpUrg[row] : 0}`;
  s += ` Len=${t.tcpLen[row]}`;
  if (t.layers[row] & Layer.TCP_OPTIONS && t.tcpOptSeq !== null) {
    const seq = t.tcpOptSeq[row];
    let sawSack = false;
    let sawTs = false;
    let count = 0;
    // the packed options field (TcpOpt codes, 4 bits each; see tcpOptions in lib/table/layers.ts), walked inline: Info is built per row
    const texts = t.tcpOptText !== null && t.tcpOptText[row] !== 0 ? t.strings.get(t.tcpOptText[row]).split("\u0001") : null;
    let ti = 0;
    for (let o = seq; o !== 0; o >>>= 4) {
      count++;
      switch (o & 15) {
        case TcpOpt.MSS:
          s += ` MSS=${t.tcpMss![row]}`;
          break;
        case TcpOpt.WS:
          s += ` WS=${2 ** Math.min(t.tcpWsShift![row], 14)}`;
          break;
        case TcpOpt.SACK_PERM:
          s += " SACK_PERM";
          break;
        case TcpOpt.TS:
          sawTs = true;
          s += ` TSval=${t.tcpTsVal![row]} TSecr=${t.tcpTsEcr![row]}`;
          break;
        case TcpOpt.SACK:
          sawSack = true;
          s += sackText(a.sackRel(row));
          break;
        case TcpOpt.TFO:
        case TcpOpt.MD5:
        case TcpOpt.UTO:
        case TcpOpt.TEXT:
          // the option's own text (tcpOptText, in option order)
          if (texts !== null && ti < texts.length) s += texts[ti++];
          break;
      }
    }
    // tcpOptSeq holds 8 options at most: blocks of a later SACK option still belong in the text.
    if (count >= 8) {
      if (!sawTs && t.tcpTsVal !== null && (t.tcpTsVal[row] !== 0 || t.tcpTsEcr![row] !== 0)) s += ` TSval=${t.tcpTsVal[row]} TSecr=${t.tcpTsEcr![row]}`;
      if (!sawSack) s += sackText(a.sackRel(row));
    }
  }
  if (t.layers[row] & Layer.PDU_SEGMENT) s += " [TCP segment of a reassembled PDU]";
  return s;
}

function sackText(e: number[]): string {
  let s = "";
  for (let i = 0; i + 1 < e.length; i += 2) s += ` SLE=${e[i]} SRE=${e[i + 1]}`;
  return s;
}
