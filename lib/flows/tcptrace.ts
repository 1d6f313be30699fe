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
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  view(): Float64Array {
    return this.a.subarray(0, this.n);
  }
}

/** Segment list of one quadrant: parallel arrays sorted by first byte. */
const EMPTY_F = new Float64Array(0);
const EMPTY_U = new Uint32Array(0);

class Quad {
  n = 0;
  cap = 0;
  first = EMPTY_F;
  last = EMPTY_F;
  time = EMPTY_F;
  /** row of the last transmission */
  row = EMPTY_F;
  /** row of the first transmission */
  orow = EMPTY_F;
  retrans = EMPTY_U;
  acked = EMPTY_U;
  next = -1;
  prev = -1;

  private grow(): void {
    const c = this.cap ? this.cap * 2 : 4;
    const g = <T extends Float64Array | Uint32Array>(x: T): T => {
      const y = new (x.constructor as any)(c);
      y.set(x);
      return y;
    };
    this.first = g(this.first);
    this.last = g(this.last);
    this.time = g(this.time);
    this.row = g(this.row);
    this.orow = g(this.orow);
    this.retrans = g(this.retrans);
    this.acked = g(this.acked);
    this.cap = c;
  }

  insert(at: number, first: number, last: number, time: number, row: number): void {
    if (this.n === this.cap) this.grow();
    if (at < this.n) {
      const m = this.n;
      this.first.copyWithin(at + 1, at, m);
      this.last.copyWithin(at + 1, at, m);
      this.time.copyWithin(at + 1, at, m);
      this.row.copyWithin(at + 1, at, m);
      this.orow.copyWithin(at + 1, at, m);
      this.retrans.copyWithin(at + 1, at, m);
      this.acked.copyWithin(at + 1, at, m);
    }
    this.first[at] = first;
    this.last[at] = last;
    this.time[at] = time;
    this.row[at] = row;
    this.orow[at] = row;
    this.retrans[at] = 0;
    this.acked[at] = 0;
    this.n++;
  }

  remove(at: number): void {
    const m = this.n;
    this.first.copyWithin(at, at + 1, m);
    this.last.copyWithin(at, at + 1, m);
    this.time.copyWithin(at, at + 1, m);
    this.row.copyWithin(at, at + 1, m);
    this.orow.copyWithin(at, at + 1, m);
    this.retrans.copyWithin(at, at + 1, m);
    this.acked.copyWithin(at, at + 1, m);
    this.n--;
  }

  /** tcptrace's collapse_quad: merge adjacent ACKed ranges from the head (one compaction pass). */
  collapse(): void {
    const n = this.n;
    if (n < 2 || !this.acked[0]) return;
    const { first, last, time, row, orow, retrans, acked } = this;
    let w = 0;
    let j = 1;
    for (; j < n; j++) {
      if (!acked[w]) break;
      if (acked[j] && last[w] + 1 === first[j]) {
        last[w] = last[j];
        acked[w] = acked[j];
        if (time[j] > time[w]) {
          time[w] = time[j];
          row[w] = row[j];
        }
      } else {
        w++;
        if (w !== j) {
          first[w] = first[j]; last[w] = last[j]; time[w] = time[j]; row[w] = row[j];
          orow[w] = orow[j]; retrans[w] = retrans[j]; acked[w] = acked[j];
        }
      }
    }
    // copy the untouched tail
    if (j < n) {
      const shift = j - (w + 1);
      if (shift > 0) {
        first.copyWithin(w + 1, j, n); last.copyWithin(w + 1, j, n); time.copyWithin(w + 1, j, n);
        row.copyWithin(w + 1, j, n); orow.copyWithin(w + 1, j, n); retrans.copyWithin(w + 1, j, n); acked.copyWithin(w + 1, j, n);
      }
      this.n = n - shift;
    } else this.n = w + 1;
  }
}

/** Statistics + state of one direction (tcptrace's tcb). */
export class Tcb {
  quads: (Quad | null)[] = [null, null, null, null];
  // state
  syn = 0;
  synCount = 0;
  finCount = 0;
  resetCount = 0;
  winLast = 0;
  packets = 0;
  ws = false;
  // rexmt
  rexmitPkts = 0;
  rexmitBytes = 0;
  outOrderPkts = 0;
  zwndProbes = 0;
  zwndProbeBytes = 0;
  uniqueBytes = 0;
  dataPkts = 0;
  dataBytes = 0;
  retrMax = 0;
  retrMinTm = 0;
  retrMaxTm = 0;
  retrTmSum = 0;
  retrTmSum2 = 0;
  retrTmCount = 0;
  // rtt
  rttMin = 0;
  rttMax = 0;
  rttSum = 0;
  rttSum2 = 0;
  rttCount = 0;
  rttMinLast = 0;
  rttMaxLast = 0;
  rttSumLast = 0;
  rttSum2Last = 0;
  rttCountLast = 0;
  rttAmback = 0;
  rttNosample = 0;
  rttCumack = 0;
  /** tcptrace's "duplicate acks" (BSD rule) counted against this direction's data, and the 3rd-in-a-row count. */
  rttDupack = 0;
  rttTriple = 0;
  dupRun = 0;
  /** Last ack number this side sent (-1: none yet). */
  lastAck = -1;
  rttLast = 0;
  rtt3whs = 0;
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

/** Engine over one direction pair. Call `packet` in file order. */
export class TcptraceConn {
  readonly t: [Tcb, Tcb] = [new Tcb(), new Tcb()];
  // scratch outputs of the last addseg call
  private outOrder = false;
  private firstOverlapRow = -1;
  private firstOverlapPrevTime = -1;

  constructor(readonly id: number, private sink: TraceSink | null) {}

  private whichquad(tcb: Tcb, seq: number): Quad {
    const qix = Math.floor(seq / QUADSIZE);
    const q = tcb.quads[qix];
    if (q && q.next >= 0 && q.prev >= 0) return q;
    const nx = (qix + 1) % 4;
    const op = (qix + 2) % 4;
    const pv = (qix + 3) % 4;
    const Q = tcb.quads;
    if (!Q[qix]) Q[qix] = new Quad();
    if (!Q[nx]) Q[nx] = new Quad();
    if (!Q[pv]) Q[pv] = new Quad();
    Q[op] = null;
    Q[qix]!.prev = pv;
    Q[qix]!.next = nx;
    Q[nx]!.prev = qix;
    Q[pv]!.next = qix;
    Q[nx]!.next = -1;
    Q[pv]!.prev = -1;
    return Q[qix]!;
  }

  private rttRetrans(tcb: Tcb, q: Quad, i: number, now: number, row: number): void {
    if (!q.acked[i]) {
      const et = now > q.time[i] ? now - q.time[i] : 0;
      if (q.retrans[i] > tcb.retrMax) tcb.retrMax = q.retrans[i];
      if (et > tcb.retrMaxTm) tcb.retrMaxTm = et;
      if (tcb.retrMinTm === 0 || et < tcb.retrMinTm) tcb.retrMinTm = et;
      tcb.retrTmSum += et;
      tcb.retrTmSum2 += et * et;
      tcb.retrTmCount++;
    }
    if (this.firstOverlapRow < 0) {
      this.firstOverlapRow = q.orow[i];
      this.firstOverlapPrevTime = q.time[i];
    }
    q.time[i] = now;
    q.row[i] = row;
  }

  private addseg(tcb: Tcb, q: Quad, first: number, len: number, now: number, row: number): number {
    let lastb = first + len - 1;
    let rexlen = 0;
    let split = false;
    let i = 0;
    if (q.n > 0 && first > q.last[q.n - 1]) i = q.n;
    for (; i < q.n; i++) {
      if (first > q.last[i]) continue;
      if (first < q.first[i]) {
        if (lastb < q.last[i]) this.outOrder = true;
        q.insert(i, first, lastb, now, row);
        if (lastb < q.first[i + 1]) return rexlen;
        q.last[i] = q.first[i + 1] - 1;
        i++; // the recorded range we overlap is now at i
        first = q.first[i];
        len = lastb - first + 1;
      }
      if (first >= q.first[i]) {
        q.retrans[i]++;
        if (!split) this.rttRetrans(tcb, q, i, now, row);
        if (lastb <= q.last[i]) {
          rexlen += len;
          return rexlen;
        }
        split = true;
        rexlen += q.last[i] - first + 1;
        first = q.last[i] + 1;
        len = lastb - first + 1;
      }
    }
    q.insert(q.n, first, lastb, now, row);
    void lastb;
    return rexlen;
  }

  private rexmit(tcb: Tcb, seq: number, len: number, now: number, row: number): number {
    this.outOrder = false;
    this.firstOverlapRow = -1;
    const q = this.whichquad(tcb, seq);
    const seqLast = (seq + len - 1) % 4294967296;
    if (Math.floor(seq / QUADSIZE) !== Math.floor(seqLast / QUADSIZE)) {
      const qn = Math.floor(seq / QUADSIZE);
      const len1 = (qn + 1) * QUADSIZE - seq;
      let r = this.addseg(tcb, q, seq, len1, now, row);
      const seq2 = Math.floor(seqLast / QUADSIZE) * QUADSIZE;
      const qnext = tcb.quads[q.next]!;
      r += this.addseg(tcb, qnext, seq2, len - len1, now, row);
      return r;
    }
    return this.addseg(tcb, q, seq, len, now, row);
  }

  private ackin(dir: number, tcb: Tcb, ack: number, dataLen: number, now: number, row: number, bsdDup: boolean): void {
    if (!bsdDup) tcb.dupRun = 0;
    const q = this.whichquad(tcb, ack);
    const qp = tcb.quads[q.prev]!;
    let changed = false;
    let lastXmit = 0;
    for (let i = 0; i < qp.n; i++) {
      if (!qp.acked[i]) {
        qp.acked[i]++;
        changed = true;
        tcb.rttCumack++;
        if (qp.time[i] > lastXmit) lastXmit = qp.time[i];
      }
    }
    if (changed) qp.collapse();
    changed = false;
    for (let i = 0; i < q.n; i++) {
      if (ack <= q.first[i]) break;
      if (q.time[i] > lastXmit) lastXmit = q.time[i];
      if (q.acked[i]) {
        q.acked[i]++;
        // tcptrace's "duplicate acks": a pure ACK (no data, no SYN/RST) repeating the sender's previous ack
        // with an unchanged window, landing exactly on the end of an already-ACKed segment. (96% of the
        // corpus's connection-directions agree exactly; see docs/flows-differences.md.)
        if (ack === q.last[i] + 1 && bsdDup) {
          tcb.rttDupack++;
          if (++tcb.dupRun === 3) tcb.rttTriple++;
        }
        continue;
      }
      q.acked[i]++;
      changed = true;
      if (ack === q.last[i] + 1) {
        const intervening = lastXmit > q.time[i];
        this.rttAckin(dir, tcb, q, i, intervening, now, row);
      } else tcb.rttCumack++;
    }
    if (changed) q.collapse();
  }

  private rttAckin(dir: number, tcb: Tcb, q: Quad, i: number, intervening: boolean, now: number, row: number): void {
    let et = now > q.time[i] ? now - q.time[i] : 0;
    if (intervening) {
      tcb.rttLast = 0;
      tcb.rttNosample++;
      if (this.sink) this.sink.sample(this.id, dir, row, q.row[i], NaN, SampleKind.POST_LOSS);
    } else if (q.retrans[i] === 0) {
      tcb.rttLast = et;
      if (tcb.rttMin === 0 || tcb.rttMin > et) tcb.rttMin = et;
      if (tcb.rttMax < et) tcb.rttMax = et;
      tcb.rttSum += et;
      tcb.rttSum2 += et * et;
      tcb.rttCount++;
      if (this.sink) this.sink.sample(this.id, dir, row, q.row[i], et, SampleKind.VALID);
    } else {
      if (tcb.rttMinLast === 0 || tcb.rttMinLast > et) tcb.rttMinLast = et;
      if (tcb.rttMaxLast < et) tcb.rttMaxLast = et;
      tcb.rttSumLast += et;
      tcb.rttSum2Last += et * et;
      tcb.rttCountLast++;
      tcb.rttAmback++;
      tcb.rttLast = 0;
      if (this.sink) this.sink.sample(this.id, dir, row, q.row[i], et, SampleKind.AMBIGUOUS);
      et = 0;
    }
  }

  /**
   * One TCP packet. dir 0 = sent by A, 1 = sent by B. `win` is the raw window field; `wsOpt` the
   * window-scale shift in this packet's options (-1 if none).
   */
  packet(dir: number, row: number, now: number, flags: number, seq: number, ack: number, dataLen: number, win: number, wsOpt: number): void {
    const me = this.t[dir];
    const other = this.t[1 - dir];
    const SYN = (flags & 2) !== 0;
    const FIN = (flags & 1) !== 0;
    const RST = (flags & 4) !== 0;
    const ACK = (flags & 16) !== 0;
    if (SYN) me.synCount++;
    if (RST) me.resetCount++;
    if (FIN) me.finCount++;
    if (wsOpt >= 0) me.ws = true;
    let effWin = 0;
    if (ACK || SYN) {
      effWin = win;
      // scaled only when both SYNs asked for it; zero stays zero either way
    }
    if (SYN) me.syn = seq;
    if (dataLen > 0) {
      me.dataPkts++;
      me.dataBytes += dataLen;
    }
    me.packets++;
    if (SYN || FIN || dataLen > 0) {
      let len = dataLen;
      if (SYN) len++;
      if (FIN) len++;
      let rexBytes = 0;
      let probe = false;
      if (other.winLast === 0 && other.packets > 0) {
        probe = true;
        me.zwndProbes++;
        me.zwndProbeBytes += dataLen;
      } else rexBytes = this.rexmit(me, seq, len, now, row);
      if (this.outOrder && !probe) me.outOrderPkts++;
      let cnt = rexBytes;
      if (SYN) {
        len--;
        if (me.synCount > 1) cnt--;
      }
      if (FIN) {
        len--;
        if (me.finCount > 1) cnt--;
      }
      if (!probe && cnt < len) me.uniqueBytes += len - cnt;
      if (rexBytes > 0) {
        me.rexmitPkts++;
        me.rexmitBytes += rexBytes;
        if (this.sink) this.sink.rexmit(this.id, dir, row, rexBytes, this.firstOverlapRow, this.firstOverlapPrevTime >= 0 ? now - this.firstOverlapPrevTime : NaN);
      }
    }
    if (ACK) {
      const bsdDup = dataLen === 0 && !SYN && !RST && ack === me.lastAck && effWin === me.winLast;
      this.ackin(1 - dir, other, ack, dataLen, now, row, bsdDup);
      me.lastAck = ack;
      if (ack === (other.syn + 1) % 4294967296 && other.synCount === 1) other.rtt3whs = other.rttLast;
    }
    if (RST) return;
    me.winLast = effWin;
  }
}
