/**
 * TCP desegmentation model, close to Wireshark 4.0's `desegment_tcp` + `tcp_dissect_pdus` with the
 * default preferences (desegment on, reassemble out-of-order off):
 *
 * * Per direction, "multi-segment PDUs" (MSPs) record a pending application PDU [start, end) whose
 *   first bytes were seen. A later segment that falls inside a pending MSP is added to it (whatever
 *   its analysis flags, except a plain/spurious retransmission — those are never handed to the
 *   subdissectors); when the MSP is complete the PDU is dissected in *that* frame.
 * * Data that is not inside an MSP and lies before the highest sequence number already seen is old
 *   data (out-of-order / retransmitted) and is not dissected.
 * * New data (at or after the highest seq seen — a hole is simply skipped) is dissected from the start
 *   of the segment; an incomplete PDU at the end opens a new MSP.
 * * A frame whose data was consumed but in which no PDU completed is a "[TCP segment of a reassembled PDU]".
 */
import { seqDiff } from "../base/seq";

/** `need` value meaning "whatever the next segment brings" (Wireshark's DESEGMENT_ONE_MORE_SEGMENT). */
export const ONE_MORE = -1;

/** Result of parsing application bytes: `consumed` bytes formed complete PDUs; if `need` ≠ 0 an incomplete PDU starts at `consumed` and needs `need` bytes in total (or ONE_MORE). */
export interface ParseResult {
  consumed: number;
  need: number;
}

export interface Msp {
  start: number; // absolute seq (u32)
  end: number; // absolute seq of nxtpdu (u32)
  oneMore: boolean;
  data: Uint8Array;
  have: number; // contiguous bytes from start
  /** Out-of-order pieces not yet contiguous: [offset, bytes]. */
  pieces: [number, Uint8Array][] | null;
}

export class DirReasm {
  /** Highest seq + len seen with data, or null before the first data segment. */
  maxNext: number | null = null;
  msps: Msp[] = [];
  /** Ranges [start, end) of completed multi-segment PDUs (most recent last, capped). */
  done: number[] = [];
}

function markDone(d: DirReasm, m: Msp): void {
  d.done.push(m.start, m.oneMore ? (m.start + m.have) >>> 0 : m.end);
  if (d.done.length > 64) d.done.splice(0, 2);
}

/** Is `seq` inside an already reassembled PDU? (Wireshark then reports a reassembly overlap error, no dissection.) */
export function inDonePdu(d: DirReasm, seq: number): boolean {
  for (let i = 0; i < d.done.length; i += 2) if (seqDiff(seq, d.done[i]) >= 0 && seqDiff(seq, d.done[i + 1]) < 0) return true;
  return false;
}

export interface SegmentSink {
  /** Parse bytes (new data or a reassembled PDU); `atSeq` = absolute seq of bytes[0]. */
  parse(bytes: Uint8Array, atSeq: number): ParseResult;
}

/** Application PDUs above this size are not buffered (their bytes are dissected as they come). */
export const MAX_MSP = 4 << 20;

/**
 * Feed one segment. Returns 0 = not handed to the application (old data), 1 = consumed (the caller
 * decides PDU_SEGMENT vs. dissected by whether `sink.parse` emitted a PDU).
 */
/**
 * `dissect` = false for out-of-order segments: they only join a pending PDU; if they complete it, the
 * PDU is not dissected (Wireshark reassembles but does not call the subdissector) and 2 is returned.
 */
export function feedSegment(d: DirReasm, seq: number, bytes: Uint8Array, sink: SegmentSink, dissect = true): number {
  const len = bytes.length;
  if (len === 0) return 0;
  const segEnd = (seq + len) >>> 0;
  // 1. Inside a pending MSP?
  for (let i = 0; i < d.msps.length; i++) {
    const m = d.msps[i];
    if (seqDiff(seq, m.start) >= 0 && seqDiff(seq, m.end) < 0) {
      if (m.oneMore) {
        // Whole segment is appended to the MSP and the lot re-dissected.
        addPiece(m, seqDiff(seq, m.start), bytes);
        bump(d, segEnd);
        if (m.pieces && m.pieces.length) return 1;
        d.msps.splice(i, 1);
        markDone(d, m);
        if (!dissect) return 2;
        const full = m.data.subarray(0, m.have);
        runParse(d, full, m.start, sink);
        return 1;
      }
      const take = Math.min(len, seqDiff(m.end, seq));
      addPiece(m, seqDiff(seq, m.start), bytes.subarray(0, take));
      bump(d, segEnd);
      if (m.have < seqDiff(m.end, m.start)) {
        // PDU still incomplete (hole); bytes past its end are new data, dissected now: Wireshark then
        // shows "[TCP segment of a reassembled PDU], Application Data" with Protocol TCP.
        if (take < len && dissect) {
          runParse(d, bytes.subarray(take), m.end, sink);
          return 3;
        }
        return 1;
      }
      d.msps.splice(i, 1);
      markDone(d, m);
      if (!dissect) return 2;
      runParse(d, m.data.subarray(0, m.have), m.start, sink);
      if (take < len) runParse(d, bytes.subarray(take), m.end, sink);
      return 1;
    }
  }
  // 2. Not inside a pending PDU: dissected from the segment start (even if it is older data, e.g. a
  //    fast retransmission — Wireshark hands those to the subdissector too).
  if (!dissect) return 0;
  if (d.done.length && inDonePdu(d, seq)) return 2;
  bump(d, segEnd);
  runParse(d, bytes, seq, sink);
  return 1;
}

function bump(d: DirReasm, segEnd: number): void {
  if (d.maxNext === null || seqDiff(segEnd, d.maxNext) > 0) d.maxNext = segEnd;
}

function runParse(d: DirReasm, bytes: Uint8Array, atSeq: number, sink: SegmentSink): void {
  const r = sink.parse(bytes, atSeq);
  if (r.need === 0 || r.consumed >= bytes.length && r.need === ONE_MORE && bytes.length === 0) return;
  const tail = bytes.subarray(r.consumed);
  const start = (atSeq + r.consumed) >>> 0;
  if (r.need !== ONE_MORE && r.need > MAX_MSP) return;
  const oneMore = r.need === ONE_MORE || r.need <= tail.length;
  const total = oneMore ? tail.length + 1 : r.need;
  const data = new Uint8Array(Math.max(oneMore ? tail.length + 4096 : total, 16));
  data.set(tail);
  const m: Msp = { start, end: (start + total) >>> 0, oneMore, data, have: tail.length, pieces: null };
  d.msps.push(m);
  if (d.msps.length > 8) d.msps.shift();
}

function addPiece(m: Msp, off: number, bytes: Uint8Array): void {
  if (off > m.have) {
    (m.pieces ??= []).push([off, bytes.slice()]);
    return;
  }
  const endOff = off + bytes.length;
  if (endOff > m.have) {
    ensure(m, endOff);
    m.data.set(bytes.subarray(m.have - off), m.have);
    m.have = endOff;
    if (m.oneMore) m.end = (m.start + m.have + 1) >>> 0;
  }
  if (m.pieces) {
    let progressed = true;
    while (progressed && m.pieces.length) {
      progressed = false;
      for (let i = 0; i < m.pieces.length; i++) {
        const [po, pb] = m.pieces[i];
        if (po <= m.have) {
          m.pieces.splice(i, 1);
          const pe = po + pb.length;
          if (pe > m.have) {
            ensure(m, pe);
            m.data.set(pb.subarray(m.have - po), m.have);
            m.have = pe;
          }
          progressed = true;
          break;
        }
      }
    }
  }
}

function ensure(m: Msp, n: number): void {
  if (n <= m.data.length) return;
  const next = new Uint8Array(Math.max(n, m.data.length * 2));
  next.set(m.data.subarray(0, m.have));
  m.data = next;
}
