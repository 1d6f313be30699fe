/**
 * tcptrace 6.6.7's per-direction retransmission and RTT bookkeeping (rexmit.c / trace.c), re-implemented
 * from its documented behaviour (see /work/shared/docs/tcptrace-rtt.md and docs/flows-differences.md):
 *
 *  - every segment carrying data or SYN/FIN (each 1 sequence byte) is added to its direction's list of
 *    byte ranges, kept per sequence-space quadrant (2^30 bytes) so wrap-around works; bytes that
 *    overlap an already recorded range are retransmitted bytes (rexmt data pkts/bytes); a segment
 *    that starts before a recorded range and ends before its end is "out of order";
 *  - if the other side's last advertised window (non-RST packets; 0 when the packet had neither ACK
 *    nor SYN) is 0, the segment is a zero-window probe and is not checked for retransmission;
 *  - each ACK is applied to the other direction's list: ranges fully below the ACK become ACKed;
 *    the range whose last byte + 1 equals the ACK gives an RTT sample if it was sent once and no
 *    earlier range was (re)sent later than it (else "post-loss" — no sample), or an ambiguous ACK
 *    (timed from the last transmission) if it was retransmitted (Karn's rule).
 *
 * Times are integer microseconds (libpcap's timeval, nanoseconds truncated), like tcptrace.
 * State lives in numeric arrays; nothing is allocated per packet.
 */

export const QUADSIZE = 0x40000000;

/** Sample kinds recorded by the engine. */
export const SampleKind = { VALID: 0, AMBIGUOUS: 1, POST_LOSS: 2 } as const;

/** Growable numeric column. */
export class F64 {
  a: Float64Array;
  n = 0;
  constructor(cap = 64) {
    this.a = new Float64Array(cap);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(Math.max(64, this.a.length * 2));
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  view(): Float64Array {
    return this.a.subarray(0, this.n);
  }
  /** A column over `a`, whose first `n` values are in use. */
  static of(a: Float64Array, n: number): F64 {
    const c = new F64(0);
    c.a = a;
    c.n = n;
    return c;
  }
}

/**
 * Segment list of one quadrant, sorted by first byte: one strided Float64Array, STRIDE slots per segment
 * ([first, last, time, row, orow, retrans, acked]), so that a segment is one cache line and an insert,
 * a removal or a compaction moves one block instead of seven parallel arrays.
 */
const STRIDE = 8;
const F = 0; // first byte
const L = 1; // last byte
const T = 2; // time (µs) of the last transmission
const R = 3; // row of the last transmission
const O = 4; // row of the first transmission
const X = 5; // times retransmitted
const K = 6; // times ACKed

const NO_SEGMENTS = new Float64Array(0);

class Quad {
  n = 0;
  s: Float64Array;
  next = -1;
  prev = -1;

  constructor() {
    // no segment storage until the first insert: most quadrants never hold a segment (whichquad sets up
    // a quadrant's two neighbours too), and each typed array costs an allocation the GC tracks.
    this.s = NO_SEGMENTS;
  }

  private grow(): void {
    // room for one segment first: 64 bytes (docs/performance.md, "Small typed arrays"; ~1.5 µs saved per connection of a port scan)
    const b = new Float64Array(Math.max(STRIDE, this.s.length * 2));
    b.set(this.s);
    this.s = b;
  }

  insert(at: number, first: number, last: number, time: number, row: number): void {
    if ((this.n + 1) * STRIDE > this.s.length) this.grow();
    const s = this.s;
    if (at < this.n) s.copyWithin((at + 1) * STRIDE, at * STRIDE, this.n * STRIDE);
    const o = at * STRIDE;
    s[o + F] = first;
    s[o + L] = last;
    s[o + T] = time;
    s[o + R] = row;
    s[o + O] = row;
    s[o + X] = 0;
    s[o + K] = 0;
    this.n++;
  }

  /** tcptrace's collapse_quad: merge adjacent ACKed ranges from the head (one compaction pass). */
  collapse(): void {
    const n = this.n;
    const s = this.s;
    if (n < 2 || !s[K]) return;
    let w = 0;
    let j = 1;
    for (; j < n; j++) {
      const ow = w * STRIDE;
      if (!s[ow + K]) break;
      const oj = j * STRIDE;
      if (s[oj + K] && s[ow + L] + 1 === s[oj + F]) {
        s[ow + L] = s[oj + L];
        s[ow + K] = s[oj + K];
        if (s[oj + T] > s[ow + T]) {
          s[ow + T] = s[oj + T];
          s[ow + R] = s[oj + R];
        }
      } else {
        w++;
        if (w !== j) s.copyWithin(w * STRIDE, oj, oj + STRIDE);
      }
    }
    // move the untouched tail
    if (j < n) {
      const shift = j - (w + 1);
      if (shift > 0) s.copyWithin((w + 1) * STRIDE, j * STRIDE, n * STRIDE);
      this.n = n - shift;
    } else this.n = w + 1;
  }
}

/**
 * Slots of a direction's numeric state in TcptraceEngine.v (direction b = conn * 2 + dir at
 * b * TcbField.COUNT). One Float64Array instead of object fields (docs/performance.md, "Boxed uint32"): the
 * whole state of a direction is a few cache lines.
 */
export const enum TcbField {
  syn,
  synCount,
  finCount,
  resetCount,
  winLast,
  packets,
  rexmitPkts,
  rexmitBytes,
  outOrderPkts,
  zwndProbes,
  zwndProbeBytes,
  uniqueBytes,
  dataPkts,
  dataBytes,
  retrMax,
  retrMinTm,
  retrMaxTm,
  retrTmSum,
  retrTmSum2,
  retrTmCount,
  rttMin,
  rttMax,
  rttSum,
  rttSum2,
  rttCount,
  rttMinLast,
  rttMaxLast,
  rttSumLast,
  rttSum2Last,
  rttCountLast,
  rttAmback,
  rttNosample,
  rttCumack,
  rttDupack,
  rttTriple,
  dupRun,
  lastAck,
  rttLast,
  rtt3whs,
  /** 1 once this direction sent a packet with a non-zero "outstanding window" (tcptrace's owin_tot > 0). */
  owinPos,
  COUNT,
}

/** Statistics + state of one direction (tcptrace's tcb): a read-only view of the engine's numbers. */
export class Tcb {
  /** offset of this direction's slots in `e.v` */
  private readonly o: number;
  constructor(private readonly e: TcptraceEngine, readonly conn: number, readonly dir: number) {
    this.o = (conn * 2 + dir) * TcbField.COUNT;
  }
  /** a window-scale option was seen in this direction */
  get ws(): boolean {
    return this.e.wsSeen[this.conn * 2 + this.dir] === 1;
  }
  get syn(): number {
    return this.e.v[this.o + TcbField.syn];
  }
  get synCount(): number {
    return this.e.v[this.o + TcbField.synCount];
  }
  get finCount(): number {
    return this.e.v[this.o + TcbField.finCount];
  }
  get resetCount(): number {
    return this.e.v[this.o + TcbField.resetCount];
  }
  get winLast(): number {
    return this.e.v[this.o + TcbField.winLast];
  }
  get packets(): number {
    return this.e.v[this.o + TcbField.packets];
  }
  get rexmitPkts(): number {
    return this.e.v[this.o + TcbField.rexmitPkts];
  }
  get rexmitBytes(): number {
    return this.e.v[this.o + TcbField.rexmitBytes];
  }
  get outOrderPkts(): number {
    return this.e.v[this.o + TcbField.outOrderPkts];
  }
  get zwndProbes(): number {
    return this.e.v[this.o + TcbField.zwndProbes];
  }
  get zwndProbeBytes(): number {
    return this.e.v[this.o + TcbField.zwndProbeBytes];
  }
  get uniqueBytes(): number {
    return this.e.v[this.o + TcbField.uniqueBytes];
  }
  get dataPkts(): number {
    return this.e.v[this.o + TcbField.dataPkts];
  }
  get dataBytes(): number {
    return this.e.v[this.o + TcbField.dataBytes];
  }
  get retrMax(): number {
    return this.e.v[this.o + TcbField.retrMax];
  }
  get retrMinTm(): number {
    return this.e.v[this.o + TcbField.retrMinTm];
  }
  get retrMaxTm(): number {
    return this.e.v[this.o + TcbField.retrMaxTm];
  }
  get retrTmSum(): number {
    return this.e.v[this.o + TcbField.retrTmSum];
  }
  get retrTmSum2(): number {
    return this.e.v[this.o + TcbField.retrTmSum2];
  }
  get retrTmCount(): number {
    return this.e.v[this.o + TcbField.retrTmCount];
  }
  get rttMin(): number {
    return this.e.v[this.o + TcbField.rttMin];
  }
  get rttMax(): number {
    return this.e.v[this.o + TcbField.rttMax];
  }
  get rttSum(): number {
    return this.e.v[this.o + TcbField.rttSum];
  }
  get rttSum2(): number {
    return this.e.v[this.o + TcbField.rttSum2];
  }
  get rttCount(): number {
    return this.e.v[this.o + TcbField.rttCount];
  }
  get rttMinLast(): number {
    return this.e.v[this.o + TcbField.rttMinLast];
  }
  get rttMaxLast(): number {
    return this.e.v[this.o + TcbField.rttMaxLast];
  }
  get rttSumLast(): number {
    return this.e.v[this.o + TcbField.rttSumLast];
  }
  get rttSum2Last(): number {
    return this.e.v[this.o + TcbField.rttSum2Last];
  }
  get rttCountLast(): number {
    return this.e.v[this.o + TcbField.rttCountLast];
  }
  get rttAmback(): number {
    return this.e.v[this.o + TcbField.rttAmback];
  }
  get rttNosample(): number {
    return this.e.v[this.o + TcbField.rttNosample];
  }
  get rttCumack(): number {
    return this.e.v[this.o + TcbField.rttCumack];
  }
  get rttDupack(): number {
    return this.e.v[this.o + TcbField.rttDupack];
  }
  get rttTriple(): number {
    return this.e.v[this.o + TcbField.rttTriple];
  }
  get dupRun(): number {
    return this.e.v[this.o + TcbField.dupRun];
  }
  get lastAck(): number {
    return this.e.v[this.o + TcbField.lastAck];
  }
  get rttLast(): number {
    return this.e.v[this.o + TcbField.rttLast];
  }
  get rtt3whs(): number {
    return this.e.v[this.o + TcbField.rtt3whs];
  }
}

/** tcptrace's Average: sum / (n + 0.0001). */
export function ttAverage(sum: number, n: number): number {
  return sum / (n + 0.0001);
}

/** tcptrace's Stdev: sample stdev (n − 1), 0 when n ≤ 2. */
export function ttStdev(sum: number, sum2: number, n: number): number {
  if (n <= 2) return 0;
  const term = (sum2 - (sum * sum) / n) / (n - 1);
  return term > 0 ? Math.sqrt(term) : 0;
}

/** Per-sample and per-retransmission outputs, filled while tracing (optional). */
export interface TraceSink {
  /** rtt sample: conn, dir (0 = a2b data), ack row, data row, µs (NaN for post-loss), kind */
  sample(conn: number, dir: number, ackRow: number, dataRow: number, us: number, kind: number): void;
  /** retransmitted packet: conn, dir, row, rexmt bytes, original row, µs since the previous transmission */
  rexmit(conn: number, dir: number, row: number, bytes: number, origRow: number, sincePrevUs: number): void;
}

/**
 * The engine over every connection of a capture. Call `add` once per connection and `packet` in file
 * order. All numeric state lives in one Float64Array (TcbField.COUNT slots per direction, a connection's two
 * directions side by side) and the segment lists in one array of quadrants: a packet's state is one
 * array offset away, not a chain of objects (each hop a likely cache miss with thousands of connections).
 */
export class TcptraceEngine {
  /** Numeric state: direction b = conn * 2 + dir has its slots at b * TcbField.COUNT. */
  v: Float64Array;
  /** 1 when a window-scale option was seen, per direction */
  wsSeen: Uint8Array;
  /** Segment lists: direction b's four sequence-space quadrants at b * 4. */
  private readonly quads: (Quad | null)[] = [];
  /** Id passed to the sink, per connection. */
  private ids: Int32Array;
  /** Connections added. */
  n = 0;
  // scratch outputs of the last addseg call
  private outOrder = false;
  /** [row of the first transmission of the first overlapped range, time of its last transmission] */
  private readonly overlap = new Float64Array([-1, -1]);

  constructor(private readonly sink: TraceSink | null, capacity = 64) {
    const c = Math.max(1, capacity);
    // each assigned twice (docs/performance.md, "Fields stored once")
    this.v = new Float64Array(0);
    this.wsSeen = new Uint8Array(0);
    this.ids = new Int32Array(0);
    this.v = new Float64Array(c * 2 * TcbField.COUNT);
    this.wsSeen = new Uint8Array(c * 2);
    this.ids = new Int32Array(c);
  }

  /** Start a connection; `id` is what the sink receives for it. Returns the connection index. */
  add(id: number): number {
    const c = this.n;
    if (c === this.ids.length) this.grow();
    this.ids[c] = id;
    const o = c * 2 * TcbField.COUNT;
    this.v[o + TcbField.lastAck] = -1;
    this.v[o + TcbField.COUNT + TcbField.lastAck] = -1;
    for (let k = 0; k < 8; k++) this.quads.push(null);
    this.n = c + 1;
    return c;
  }

  private grow(): void {
    const c = this.ids.length * 2;
    const v = new Float64Array(c * 2 * TcbField.COUNT);
    v.set(this.v);
    this.v = v;
    const w = new Uint8Array(c * 2);
    w.set(this.wsSeen);
    this.wsSeen = w;
    const ids = new Int32Array(c);
    ids.set(this.ids);
    this.ids = ids;
  }

  /** The statistics of one direction of connection `conn` (0 = sent by A). */
  tcb(conn: number, dir: number): Tcb {
    return new Tcb(this, conn, dir);
  }

  /** The quadrant of direction b holding `seq` (an unsigned 32-bit number), with its neighbours set up. */
  private whichquad(b: number, seq: number): Quad {
    const Q = this.quads;
    const base = b * 4;
    const qix = seq >>> 30; // seq / QUADSIZE
    const q = Q[base + qix];
    if (q && q.next >= 0 && q.prev >= 0) return q;
    const nx = (qix + 1) & 3;
    const op = (qix + 2) & 3;
    const pv = (qix + 3) & 3;
    if (!Q[base + qix]) Q[base + qix] = new Quad();
    if (!Q[base + nx]) Q[base + nx] = new Quad();
    if (!Q[base + pv]) Q[base + pv] = new Quad();
    Q[base + op] = null;
    Q[base + qix]!.prev = pv;
    Q[base + qix]!.next = nx;
    Q[base + nx]!.prev = qix;
    Q[base + pv]!.next = qix;
    Q[base + nx]!.next = -1;
    Q[base + pv]!.prev = -1;
    return Q[base + qix]!;
  }

  private rttRetrans(tb: number, q: Quad, i: number, now: number, row: number): void {
    const v = this.v;
    const s = q.s;
    const o = i * STRIDE;
    if (!s[o + K]) {
      const et = now > s[o + T] ? now - s[o + T] : 0;
      if (s[o + X] > v[tb + TcbField.retrMax]) v[tb + TcbField.retrMax] = s[o + X];
      if (et > v[tb + TcbField.retrMaxTm]) v[tb + TcbField.retrMaxTm] = et;
      if (v[tb + TcbField.retrMinTm] === 0 || et < v[tb + TcbField.retrMinTm]) v[tb + TcbField.retrMinTm] = et;
      v[tb + TcbField.retrTmSum] += et;
      v[tb + TcbField.retrTmSum2] += et * et;
      v[tb + TcbField.retrTmCount]++;
    }
    if (this.overlap[0] < 0) {
      this.overlap[0] = s[o + O];
      this.overlap[1] = s[o + T];
    }
    s[o + T] = now;
    s[o + R] = row;
  }

  private addseg(tb: number, q: Quad, first: number, len: number, now: number, row: number): number {
    const lastb = first + len - 1;
    let rexlen = 0;
    let split = false;
    let i = 0;
    if (q.n > 0 && first > q.s[(q.n - 1) * STRIDE + L]) i = q.n;
    for (; i < q.n; i++) {
      let s = q.s;
      if (first > s[i * STRIDE + L]) continue;
      if (first < s[i * STRIDE + F]) {
        if (lastb < s[i * STRIDE + L]) this.outOrder = true;
        q.insert(i, first, lastb, now, row);
        s = q.s; // insert may have grown the array
        const nextFirst = s[(i + 1) * STRIDE + F];
        if (lastb < nextFirst) return rexlen;
        s[i * STRIDE + L] = nextFirst - 1;
        i++; // the recorded range we overlap is now at i
        first = nextFirst;
        len = lastb - first + 1;
      }
      const o = i * STRIDE;
      if (first >= s[o + F]) {
        s[o + X]++;
        if (!split) this.rttRetrans(tb, q, i, now, row);
        if (lastb <= s[o + L]) {
          rexlen += len;
          return rexlen;
        }
        split = true;
        rexlen += s[o + L] - first + 1;
        first = s[o + L] + 1;
        len = lastb - first + 1;
      }
    }
    q.insert(q.n, first, lastb, now, row);
    return rexlen;
  }

  /** Record a segment of direction b; returns its retransmitted bytes. */
  private rexmit(b: number, seq: number, len: number, now: number, row: number): number {
    const tb = b * TcbField.COUNT;
    this.outOrder = false;
    this.overlap[0] = -1;
    const q = this.whichquad(b, seq);
    const seqLast = (seq + len - 1) >>> 0; // mod 2^32 (len ≥ 1)
    if (seq >>> 30 !== seqLast >>> 30) {
      const qn = seq >>> 30;
      const len1 = (qn + 1) * QUADSIZE - seq;
      let r = this.addseg(tb, q, seq, len1, now, row);
      const seq2 = (seqLast >>> 30) * QUADSIZE;
      const qnext = this.quads[b * 4 + q.next]!;
      r += this.addseg(tb, qnext, seq2, len - len1, now, row);
      return r;
    }
    return this.addseg(tb, q, seq, len, now, row);
  }

  /** An ACK for the data of connection c's direction `dir` (b = c * 2 + dir). */
  private ackin(c: number, dir: number, b: number, ack: number, now: number, row: number, bsdDup: boolean): void {
    const v = this.v;
    const tb = b * TcbField.COUNT;
    if (!bsdDup) v[tb + TcbField.dupRun] = 0;
    const q = this.whichquad(b, ack);
    const qp = this.quads[b * 4 + q.prev]!;
    let changed = false;
    let lastXmit = 0;
    const sp = qp.s;
    for (let i = 0, o = 0; i < qp.n; i++, o += STRIDE) {
      if (!sp[o + K]) {
        sp[o + K]++;
        changed = true;
        v[tb + TcbField.rttCumack]++;
        if (sp[o + T] > lastXmit) lastXmit = sp[o + T];
      }
    }
    if (changed) qp.collapse();
    changed = false;
    const s = q.s;
    for (let i = 0, o = 0; i < q.n; i++, o += STRIDE) {
      if (ack <= s[o + F]) break;
      if (s[o + T] > lastXmit) lastXmit = s[o + T];
      if (s[o + K]) {
        s[o + K]++;
        // tcptrace's "duplicate acks": a pure ACK (no data, no SYN/RST) repeating the sender's previous ack
        // with an unchanged window, landing exactly on the end of an already-ACKed segment. (96% of the
        // corpus's connection-directions agree exactly; see docs/flows-differences.md.)
        if (ack === s[o + L] + 1 && bsdDup) {
          v[tb + TcbField.rttDupack]++;
          if (++v[tb + TcbField.dupRun] === 3) v[tb + TcbField.rttTriple]++;
        }
        continue;
      }
      s[o + K]++;
      changed = true;
      if (ack === s[o + L] + 1) {
        const intervening = lastXmit > s[o + T];
        this.rttAckin(c, dir, tb, q, i, intervening, now, row);
      } else v[tb + TcbField.rttCumack]++;
    }
    if (changed) q.collapse();
  }

  private rttAckin(c: number, dir: number, tb: number, q: Quad, i: number, intervening: boolean, now: number, row: number): void {
    const v = this.v;
    const id = this.ids[c];
    const o = i * STRIDE;
    const sent = q.s[o + T];
    const dataRow = q.s[o + R];
    let et = now > sent ? now - sent : 0;
    if (intervening) {
      v[tb + TcbField.rttLast] = 0;
      v[tb + TcbField.rttNosample]++;
      if (this.sink) this.sink.sample(id, dir, row, dataRow, NaN, SampleKind.POST_LOSS);
    } else if (q.s[o + X] === 0) {
      v[tb + TcbField.rttLast] = et;
      if (v[tb + TcbField.rttMin] === 0 || v[tb + TcbField.rttMin] > et) v[tb + TcbField.rttMin] = et;
      if (v[tb + TcbField.rttMax] < et) v[tb + TcbField.rttMax] = et;
      v[tb + TcbField.rttSum] += et;
      v[tb + TcbField.rttSum2] += et * et;
      v[tb + TcbField.rttCount]++;
      if (this.sink) this.sink.sample(id, dir, row, dataRow, et, SampleKind.VALID);
    } else {
      if (v[tb + TcbField.rttMinLast] === 0 || v[tb + TcbField.rttMinLast] > et) v[tb + TcbField.rttMinLast] = et;
      if (v[tb + TcbField.rttMaxLast] < et) v[tb + TcbField.rttMaxLast] = et;
      v[tb + TcbField.rttSumLast] += et;
      v[tb + TcbField.rttSum2Last] += et * et;
      v[tb + TcbField.rttCountLast]++;
      v[tb + TcbField.rttAmback]++;
      v[tb + TcbField.rttLast] = 0;
      if (this.sink) this.sink.sample(id, dir, row, dataRow, et, SampleKind.AMBIGUOUS);
      et = 0;
    }
  }

  /**
   * One TCP packet of connection c. dir 0 = sent by A, 1 = sent by B; `seq` and `ack` are the raw
   * unsigned 32-bit fields, `win` the raw window field; `wsOpt` the window-scale shift in this packet's
   * options (-1 if none).
   */
  packet(c: number, dir: number, row: number, now: number, flags: number, seq: number, ack: number, dataLen: number, win: number, wsOpt: number): void {
    const v = this.v;
    const mb = c * 2 + dir; // this direction
    const ob = mb ^ 1; // the other one
    const me = mb * TcbField.COUNT;
    const other = ob * TcbField.COUNT;
    const SYN = (flags & 2) !== 0;
    const FIN = (flags & 1) !== 0;
    const RST = (flags & 4) !== 0;
    const ACK = (flags & 16) !== 0;
    if (SYN) v[me + TcbField.synCount]++;
    if (RST) v[me + TcbField.resetCount]++;
    if (FIN) v[me + TcbField.finCount]++;
    if (wsOpt >= 0) this.wsSeen[mb] = 1;
    let effWin = 0;
    if (ACK || SYN) {
      effWin = win;
      // scaled only when both SYNs asked for it; zero stays zero either way
    }
    if (SYN) {
      v[me + TcbField.syn] = seq;
      // tcptrace sets the other side's "last ACK sent" to this SYN's seq (trace.c, "record sequence
      // limits"), so the first ACK after a SYN is never a duplicate of an earlier one
      v[other + TcbField.lastAck] = seq;
    }
    if (dataLen > 0) {
      v[me + TcbField.dataPkts]++;
      v[me + TcbField.dataBytes] += dataLen;
    }
    v[me + TcbField.packets]++;
    let outOrder = false;
    let retrans = false;
    if (SYN || FIN || dataLen > 0) {
      let len = dataLen;
      if (SYN) len++;
      if (FIN) len++;
      let rexBytes = 0;
      let probe = false;
      if (v[other + TcbField.winLast] === 0 && v[other + TcbField.packets] > 0) {
        probe = true;
        v[me + TcbField.zwndProbes]++;
        v[me + TcbField.zwndProbeBytes] += dataLen;
      } else rexBytes = this.rexmit(mb, seq, len, now, row);
      outOrder = this.outOrder && !probe;
      if (outOrder) v[me + TcbField.outOrderPkts]++;
      let cnt = rexBytes;
      if (SYN) {
        len--;
        if (v[me + TcbField.synCount] > 1) cnt--;
      }
      if (FIN) {
        len--;
        if (v[me + TcbField.finCount] > 1) cnt--;
      }
      if (!probe && cnt < len) v[me + TcbField.uniqueBytes] += len - cnt;
      if (rexBytes > 0) {
        retrans = true;
        v[me + TcbField.rexmitPkts]++;
        v[me + TcbField.rexmitBytes] += rexBytes;
        if (this.sink) this.sink.rexmit(this.ids[c], dir, row, rexBytes, this.overlap[0], this.overlap[1] >= 0 ? now - this.overlap[1] : NaN);
      }
    }
    if (ACK) {
      // tcptrace's BSD duplicate-ACK test (rexmit.c ack_in, the default): no payload, the same ACK number
      // as this side's last ACK and the same window as its last packet, and the data sender has had data
      // outstanding at some point (owin_tot > 0). SYN, FIN and RST segments qualify (a retransmitted
      // SYN/ACK is a duplicate ACK once the client has sent a non-SYN packet); an RST updates neither the
      // last ACK nor the last window (tcptrace returns before recording them).
      const bsdDup = dataLen === 0 && ack === v[me + TcbField.lastAck] && effWin === v[me + TcbField.winLast] && v[other + TcbField.owinPos] !== 0;
      this.ackin(c, 1 - dir, ob, ack, now, row, bsdDup);
      if (!RST) v[me + TcbField.lastAck] = ack;
      if (ack === (v[other + TcbField.syn] + 1) >>> 0 && v[other + TcbField.synCount] === 1) v[other + TcbField.rtt3whs] = v[other + TcbField.rttLast];
    }
    if (RST) return;
    v[me + TcbField.winLast] = effWin;
    // tcptrace's outstanding window (trace.c, "estimated congestion window"): for a segment that is not a
    // SYN, not out of order and not retransmitted, end − (peer's last ACK − 1), or its length before the
    // peer has ACKed anything; only whether the sum ever became positive matters here.
    if (!SYN && !outOrder && !retrans && v[me + TcbField.owinPos] === 0) {
      const end = (seq + dataLen) >>> 0;
      const peerAck = v[other + TcbField.lastAck];
      const owin = peerAck <= 0 ? end - seq : (end - ((peerAck - 1) >>> 0)) >>> 0;
      if (owin !== 0) v[me + TcbField.owinPos] = 1;
    }
  }
}

/** The engine over one connection (a convenience around TcptraceEngine). Call `packet` in file order. */
export class TcptraceConn {
  private readonly e: TcptraceEngine;
  readonly t: [Tcb, Tcb];
  constructor(readonly id: number, sink: TraceSink | null) {
    this.e = new TcptraceEngine(sink, 1);
    this.e.add(id);
    this.t = [this.e.tcb(0, 0), this.e.tcb(0, 1)];
  }
  /** One TCP packet of this connection (see TcptraceEngine.packet). */
  packet(dir: number, row: number, now: number, flags: number, seq: number, ack: number, dataLen: number, win: number, wsOpt: number): void {
    this.e.packet(0, dir, row, now, flags, seq, ack, dataLen, win, wsOpt);
  }
}
