/** Wireshark's TCP Info column text (4.0): prefixes, ports, flags, Seq/Ack/Win/Urg/Len and options. */
import { type PacketTable } from "../table/packet-table";
import { Layer, TcpOpt, TCP_FLAG_NAMES } from "../table/layers";
import { TA } from "./flags";
import { ByteWriter, textOf } from "../base/byte-writer";

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

/** Bytes of the fixed parts of the Info text. */
const enc = (s: string): Uint8Array => Buffer.from(s, "utf8");
const ARROW = enc(" \u2192 ");
const ACK_ = enc(" Ack=");
const WIN = enc(" Win=");
const URG = enc(" Urg=");
const LEN = enc(" Len=");
const MSS = enc(" MSS=");
const WS = enc(" WS=");
const SACK_PERM = enc(" SACK_PERM");
const TSVAL = enc(" TSval=");
const TSECR = enc(" TSecr=");
const SLE = enc(" SLE=");
const SRE = enc(" SRE=");
const PDU = enc(" [TCP segment of a reassembled PDU]");
/** " [flags] Seq=" per flags value (12 bits), made on first use; whether the flags text holds a comma. */
const FLAGS_SEQ: (Uint8Array | undefined)[] = [];
const FLAGS_COMMA = new Uint8Array(1 << 12);

function flagsSeq(flags: number): Uint8Array {
  const f = flags & 0xfff;
  let b = FLAGS_SEQ[f];
  if (b === undefined) {
    const text = tcpFlagsText(f);
    b = FLAGS_SEQ[f] = enc(` [${text}] Seq=`);
    FLAGS_COMMA[f] = text.includes(",") ? 1 : 0;
  }
  return b;
}

const CSV_SPECIAL = /[",\n\r]/;

/** Full TCP Info text of a row. */
export function buildInfo(a: InfoSource, t: PacketTable, row: number): string {
  return textOf((w) => writeInfo(w, a, t, row, false));
}

/**
 * The TCP Info text of a row written as bytes (the one implementation: buildInfo reads it back as a
 * string): fixed parts from bytes made once, numbers as digits. With `csv` it is one CSV cell, quoted
 * when it holds a comma, quote or line break, exactly as csvCell quotes the string.
 */
export function writeInfo(w: ByteWriter, a: InfoSource, t: PacketTable, row: number, csv: boolean): void {
  const flags = t.tcpFlags[row];
  const bits = t.tcpAnalysis[row];
  const layers = t.layers[row];
  const hasOpts = (layers & Layer.TCP_OPTIONS) !== 0 && t.tcpOptSeq !== null;
  const optText = hasOpts && t.tcpOptText !== null ? t.tcpOptText[row] : 0;
  const flagBytes = flagsSeq(flags);
  let quote = false;
  if (csv) {
    // only the flags text ("[SYN, ACK]") and an option's own text can hold a character CSV quotes
    quote = FLAGS_COMMA[flags & 0xfff] === 1;
    if (optText !== 0) {
      const texts = t.strings.get(optText);
      if (texts.includes('"')) {
        w.csvString(buildInfo(a, t, row));
        return;
      }
      quote ||= CSV_SPECIAL.test(texts);
    }
    if (quote) w.byte(34);
  }
  if (bits & TA.FLAG_MASK) w.str(analysisPrefix(bits, a.dupAckFrame(row), a.dupAckNum(row)));
  w.int(t.srcPort[row]);
  w.bytes(ARROW);
  w.int(t.dstPort[row]);
  w.bytes(flagBytes);
  w.int(a.relSeq(row));
  if (flags & 0x10) {
    w.bytes(ACK_);
    w.int(a.relAck(row));
  }
  w.bytes(WIN);
  w.int(a.winCalc(row));
  if (flags & 0x20) {
    w.bytes(URG);
    w.int(t.tcpUrg !== null ? t.tcpUrg[row] : 0);
  }
  w.bytes(LEN);
  w.int(t.tcpLen[row]);
  if (hasOpts) {
    const seq = t.tcpOptSeq![row];
    let sawSack = false;
    let sawTs = false;
    let count = 0;
    // the packed options field (TcpOpt codes, 4 bits each; see tcpOptions in lib/table/layers.ts), walked inline: Info is built per row
    const texts = optText !== 0 ? t.strings.get(optText).split("\u0001") : null;
    let ti = 0;
    for (let o = seq; o !== 0; o >>>= 4) {
      count++;
      switch (o & 15) {
        case TcpOpt.MSS:
          w.bytes(MSS);
          w.int(t.tcpMss![row]);
          break;
        case TcpOpt.WS:
          w.bytes(WS);
          w.int(2 ** Math.min(t.tcpWsShift![row], 14));
          break;
        case TcpOpt.SACK_PERM:
          w.bytes(SACK_PERM);
          break;
        case TcpOpt.TS:
          sawTs = true;
          writeTs(w, t.tcpTsVal![row], t.tcpTsEcr![row]);
          break;
        case TcpOpt.SACK:
          sawSack = true;
          writeSack(w, a.sackRel(row));
          break;
        case TcpOpt.TFO:
        case TcpOpt.MD5:
        case TcpOpt.UTO:
        case TcpOpt.TEXT:
          // the option's own text (tcpOptText, in option order)
          if (texts !== null && ti < texts.length) w.str(texts[ti++]);
          break;
      }
    }
    // tcpOptSeq holds 8 options at most: blocks of a later SACK option still belong in the text.
    if (count >= 8) {
      if (!sawTs && t.tcpTsVal !== null && (t.tcpTsVal[row] !== 0 || t.tcpTsEcr![row] !== 0)) writeTs(w, t.tcpTsVal[row], t.tcpTsEcr![row]);
      if (!sawSack) writeSack(w, a.sackRel(row));
    }
  }
  if (layers & Layer.PDU_SEGMENT) w.bytes(PDU);
  if (quote) w.byte(34);
}

function writeTs(w: ByteWriter, val: number, ecr: number): void {
  w.bytes(TSVAL);
  w.int(val);
  w.bytes(TSECR);
  w.int(ecr);
}

function writeSack(w: ByteWriter, e: number[]): void {
  for (let i = 0; i + 1 < e.length; i += 2) {
    w.bytes(SLE);
    w.int(e[i]);
    w.bytes(SRE);
    w.int(e[i + 1]);
  }
}
