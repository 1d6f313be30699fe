/** Explanations "beyond Wireshark": which rule set each analysis flag and which frames it depends on. */
import type { PacketTable } from "../table/packet-table";
import { TA } from "./flags";

/** Sparse per-row record captured at analysis time (flagged rows only). Numbers are raw/absolute. */
export interface WhyRecord {
  bits: number;
  /** Expected next seq of this direction before the packet (raw, 0 = unknown). */
  next: number;
  seq: number;
  len: number;
  /** Row of the transmission this segment repeats (-1 = not in the unACKed list). */
  orig?: number;
  dupRows?: number[];
  gapNs?: number;
  peerLastRow?: number;
  thrNs?: number;
  irttKnown?: boolean;
  nextFrame?: number;
  peerAck?: number;
  peerWin?: number;
  peerShift?: number;
  rtoFrame?: number;
  peerMax?: number;
  ack?: number;
  prevWin?: number;
  dupFrame?: number;
}

export interface WhyItem {
  /** tcp.analysis.<flag> name. */
  flag: string;
  /** The rule that fired, with the values it compared. */
  rule: string;
  /** 1-based frame numbers the decision depends on (this frame included). */
  frames: number[];
}

interface Rel {
  relSeq(row: number): number;
  dupAckNum(row: number): number;
  t: PacketTable;
}

const ms = (ns: number) => `${(ns / 1e6).toFixed(3).replace(/\.?0+$/, "")} ms`;

export function explain(a: Rel, t: PacketTable, row: number, r: WhyRecord | undefined): WhyItem[] {
  const bits = t.tcpAnalysis[row] & TA.FLAG_MASK;
  if (!bits) return [];
  const frame = row + 1;
  const out: WhyItem[] = [];
  const seq = t.tcpSeq[row];
  const rel = (raw: number) => (raw - seq + a.relSeq(row)) >>> 0; // raw → relative in this direction
  const push = (flag: string, rule: string, frames: number[]) => out.push({ flag, rule, frames: [...new Set([...frames, frame])].sort((x, y) => x - y) });
  const orig = r && r.orig !== undefined && r.orig >= 0 ? [r.orig + 1] : [];
  const origTxt = orig.length ? ` (repeats frame ${orig[0]})` : "";
  if (bits & TA.REUSED_PORTS) push("reused_ports", "SYN on an existing 4-tuple with a different initial sequence number: new conversation", []);
  if (bits & TA.FAST_RETRANSMISSION) {
    const d = (r?.dupRows ?? []).map((x) => x + 1);
    push(
      "fast_retransmission",
      `seq < next expected and ≥2 dup ACKs from the peer${d.length ? ` (frames ${d.join(", ")})` : ""} acking this seq, and ${ms(r?.gapNs ?? 0)} since the peer's last packet (< 20 ms)${origTxt}`,
      [...d, ...orig],
    );
  } else if (bits & TA.SPURIOUS_RETRANSMISSION) {
    const end = r ? (r.seq + r.len) >>> 0 : 0;
    push("spurious_retransmission", `all bytes already ACKed by the peer: seq+len ${r ? rel(end) : "?"} ≤ peer's last ack ${r && r.peerAck !== undefined ? rel(r.peerAck) : "?"}${origTxt}`, orig);
  } else if (bits & TA.OUT_OF_ORDER) {
    const thr = r?.thrNs ?? 3e6;
    push(
      "out_of_order",
      `seq ${a.relSeq(row)} < next expected ${r ? rel(r.next) : "?"}, ${ms(r?.gapNs ?? 0)} after frame ${r?.nextFrame ?? "?"} advanced next (< threshold ${ms(thr)} = ${r?.irttKnown ? "iRTT" : "3 ms default, iRTT unknown"})`,
      r?.nextFrame ? [r.nextFrame, ...orig] : orig,
    );
  } else if (bits & TA.RETRANSMISSION) {
    push(
      "retransmission",
      `seq ${a.relSeq(row)} < next expected ${r ? rel(r.next) : "?"} (not fast: < 2 dup ACKs or ≥ 20 ms; not out-of-order: beyond the OOO threshold)${origTxt}${r?.rtoFrame ? `; RTO measured from frame ${r.rtoFrame}` : ""}`,
      [...orig, ...(r?.rtoFrame ? [r.rtoFrame] : [])],
    );
  }
  if (bits & TA.RETRANSMISSION && bits & (TA.FAST_RETRANSMISSION | TA.SPURIOUS_RETRANSMISSION)) {
    push("retransmission", "set with every fast/spurious retransmission (tcp.analysis.retransmission covers them)", orig);
  }
  if (bits & TA.LOST_SEGMENT) push("lost_segment", `seq ${a.relSeq(row)} > next expected ${r ? rel(r.next) : "?"}: ${r ? (seq - r.next) >>> 0 : "?"} bytes never captured`, []);
  if (bits & TA.ACK_LOST_SEGMENT) push("ack_lost_segment", `ack is beyond the highest contiguous seq seen from the peer (raw ${r?.peerMax ?? "?"} < ack ${r?.ack ?? "?"})`, []);
  if (bits & TA.WINDOW_UPDATE) push("window_update", `pure ACK, same seq/ack as before, window changed ${r?.prevWin ?? "?"} → ${t.tcpWin[row]} (raw)`, []);
  if (bits & TA.WINDOW_FULL && r) {
    const w = (r.peerWin ?? 0) * 2 ** (r.peerShift ?? 0);
    push("window_full", `seq+len reaches exactly the peer's ack + window: ${rel((r.seq + r.len) >>> 0)} = peer ack ${rel(r.peerAck ?? 0)} + window ${w}`, []);
  }
  if (bits & TA.KEEP_ALIVE) push("keep_alive", "0/1-byte segment at next expected − 1, no SYN/FIN/RST", []);
  if (bits & TA.KEEP_ALIVE_ACK) push("keep_alive_ack", "pure ACK repeating the previous ACK/window after a peer keep-alive", []);
  if (bits & TA.DUPLICATE_ACK) {
    const dupFrame = r?.dupFrame ?? t.tcpDupAckFrame?.[row] ?? 0;
    push("duplicate_ack", `pure ACK, same seq/ack/window as before; #${a.dupAckNum(row)} repeating frame ${dupFrame || "?"} (where the ack last changed)`, dupFrame ? [dupFrame] : []);
  }
  if (bits & TA.ZERO_WINDOW_PROBE) push("zero_window_probe", "1-byte segment at next expected seq while the peer advertises a zero window", []);
  if (bits & TA.ZERO_WINDOW) push("zero_window", "window field is 0 (no SYN/FIN/RST)", []);
  if (bits & TA.ZERO_WINDOW_PROBE_ACK) push("zero_window_probe_ack", "pure ACK with an unchanged zero window answering a peer zero-window probe", []);
  return out;
}
