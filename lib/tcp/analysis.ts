/**
 * TCP analysis with Wireshark 4.0 semantics (tshark -2 -n, default preferences): tcp.stream, relative
 * sequence numbers, window scaling, every tcp.analysis.* flag, dup-ACK numbering, ack RTT, iRTT, bytes in
 * flight, push bytes, RTO. Streaming: analyze(row) is called once per TCP row in file order; results are
 * frozen per frame (no look-ahead), as Wireshark's first pass.
 *
 * Storage: flags/direction in `tcpAnalysis`, stream in `tcpStream`, and the lazy columns tcpAcksFrame,
 * tcpBif, tcpPushBytes, tcpDupAckNum, tcpDupAckFrame. Relative numbers, the calculated window, ack_rtt
 * and rto are derived on demand (ack_rtt = time(row) − time(acks_frame), rto = time(row) − time(rto_frame),
 * relative = raw − final per-stream base, which is what the second pass of tshark -2 prints).
 */
import { Layer, PacketTable, TcpFlag, TcpOpt } from "../table/packet-table";
import { TA } from "./flags";
import { Flow, MAX_UNACKED, StreamState, type TcpStreamInfo } from "./stream";
import { buildInfo, analysisPrefix as prefixOf } from "./info";
import { explain, type WhyItem } from "./why";
import { WhyStore, type WhyStoreState } from "./why-store";

export type { TcpStreamInfo } from "./stream";
export type { WhyItem } from "./why";

const SYN = TcpFlag.SYN;
const ACK = TcpFlag.ACK;
const FIN = TcpFlag.FIN;
const RST = TcpFlag.RST;
const PSH = TcpFlag.PSH;
const SFR = SYN | FIN | RST;

/** Bad TCP header (data offset) anomaly bit, see lib/errors.ts (Anomaly.TCP_BAD_DATA_OFFSET). */
const ANOMALY_TCP_BAD_DATA_OFFSET = 1 << 10;

function hash3(a: number, b: number, p: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ p, 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

/** a > b in 32-bit sequence space. */
function gt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}
function lt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
function le(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}
/** a < b as Wireshark's guint64 comparisons of (possibly negative) nanosecond deltas. */
function ltU64(a: number, b: number): boolean {
  if (a < 0) return b < 0 ? a < b : false;
  return b < 0 ? true : a < b;
}

const NEEDS_RECORD =
  TA.RETRANSMISSION | TA.FAST_RETRANSMISSION | TA.SPURIOUS_RETRANSMISSION | TA.OUT_OF_ORDER | TA.LOST_SEGMENT |
  TA.ACK_LOST_SEGMENT | TA.WINDOW_UPDATE | TA.WINDOW_FULL;

/** Wireshark's ordering of the Sequence-analysis tests. Exposed for tests. */
export const FAST_RETRANS_WINDOW_NS = 20_000_000;
export const OOO_DEFAULT_THRESHOLD_NS = 3_000_000;

/** Plain-data form of a finished analysis (TcpAnalyzer.exportState / fromState). */
export interface AnalyzerState {
  streamCount: number;
  /** every stream's scalar fields (its own, then f0's and f1's; see codec()), stream after stream */
  streams: Float64Array<ArrayBuffer>;
  hCap: number;
  hUsed: number;
  h: Int32Array<ArrayBuffer>;
  rtoFrames: Map<number, number>;
  why: WhyStoreState;
  explain: boolean;
}

export class TcpAnalyzer {
  /** Number of tcp.stream indices allocated. */
  streamCount = 0;
  private readonly list: StreamState[] = [];
  /**
   * Streams received packed from the worker thread (fromState), each turned into objects on first
   * access: rebuilding every stream up front cost 10–20 µs a stream, tens of ms at the end of a read
   * that may never need them (a flow table reads columns only).
   */
  private packed: Float64Array | null = null;
  /**
   * Conversation lookup (canonical 4-tuple → latest stream index): open addressing in one Int32Array, 4 slots
   * per entry [addrA, addrB, packed ports, stream or -1], so that a probe touches one cache line.
   */
  private hCap = 0;
  private hUsed = 0;
  private h = new Int32Array(0);
  private last: StreamState | null = null;
  private lastKeyA = -1;
  private lastKeyB = -1;
  private lastKeyP = -1;
  /** RTO reference frame of Retransmission rows (sparse). */
  private readonly rtoFrames = new Map<number, number>();
  /** Explanations of flagged rows (sparse). */
  private readonly whyStore = new WhyStore();
  private infoCache: TcpStreamInfo[] | null = null;
  /** Keep why() records (small cost on flagged rows only). */
  explain = true;

  constructor(readonly t: PacketTable) {
    // h / hCap are assigned here a second time on purpose: V8 treats a field stored only once as a constant,
    // and optimized code built on that constant would be thrown away at the first rehash.
    this.rehash(1024);
  }

  // ------------------------------------------------------------------ lookup

  // canonical (unordered) 4-tuple key of the last canon() call
  private kA = 0;
  private kB = 0;
  private kP = 0;

  /** Canonical key of an unordered 4-tuple: lower endpoint first, ports packed into one u32. */
  private canon(src: number, sp: number, dst: number, dp: number): void {
    if (src < dst || (src === dst && sp <= dp)) {
      this.kA = src;
      this.kB = dst;
      this.kP = (sp << 16) | dp;
    } else {
      this.kA = dst;
      this.kB = src;
      this.kP = (dp << 16) | sp;
    }
  }

  /** Latest stream of a 4-tuple (canonical order), or undefined. Open addressing over typed arrays: no allocation. */
  private lookup(src: number, sp: number, dst: number, dp: number): StreamState | undefined {
    this.canon(src, sp, dst, dp);
    const a = this.kA;
    const b = this.kB;
    const p = this.kP;
    if (a === this.lastKeyA && b === this.lastKeyB && p === this.lastKeyP) return this.last ?? undefined;
    const mask = this.hCap - 1;
    const h = this.h;
    let i = hash3(a, b, p) & mask;
    for (;;) {
      const o = i << 2;
      const v = h[o + 3];
      if (v < 0) return undefined;
      if (h[o] === a && h[o + 1] === b && h[o + 2] === p) {
        const s = this.list[v];
        this.lastKeyA = a;
        this.lastKeyB = b;
        this.lastKeyP = p;
        this.last = s;
        return s;
      }
      i = (i + 1) & mask;
    }
  }

  private newStream(row: number, src: number, sp: number, dst: number, dp: number): StreamState {
    const s = new StreamState(this.streamCount++, row, src, sp, dst, dp);
    this.list.push(s);
    this.canon(src, sp, dst, dp);
    const a = this.kA;
    const b = this.kB;
    const p = this.kP;
    if ((this.hUsed + 1) * 2 > this.hCap) this.rehash(this.hCap * 2);
    const mask = this.hCap - 1;
    const h = this.h;
    let i = hash3(a, b, p) & mask;
    for (;;) {
      const o = i << 2;
      if (h[o + 3] < 0) {
        this.hUsed++;
        break;
      }
      if (h[o] === a && h[o + 1] === b && h[o + 2] === p) break; // port reuse: latest stream wins
      i = (i + 1) & mask;
    }
    const o = i << 2;
    h[o] = a;
    h[o + 1] = b;
    h[o + 2] = p;
    h[o + 3] = s.index;
    this.lastKeyA = a;
    this.lastKeyB = b;
    this.lastKeyP = p;
    this.last = s;
    this.infoCache = null;
    return s;
  }

  /** Resize the conversation table to `cap` entries (a power of two), re-inserting every entry. */
  private rehash(cap: number): void {
    const old = this.h;
    const h = new Int32Array(cap * 4).fill(-1);
    const mask = cap - 1;
    for (let o = 0; o < old.length; o += 4) {
      if (old[o + 3] < 0) continue;
      let i = hash3(old[o], old[o + 1], old[o + 2]) & mask;
      while (h[(i << 2) + 3] >= 0) i = (i + 1) & mask;
      h.set(old.subarray(o, o + 4), i << 2);
    }
    this.h = h;
    this.hCap = cap;
  }

  // ------------------------------------------------------------------ analysis

  /** Analyze the TCP rows among rows[0..n) (in file order). */
  analyzeRows(rows: Int32Array, n: number): void {
    const layers = this.t.layers;
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      if (layers[row] & Layer.TCP) this.analyze(row);
    }
  }

  /** Analyze row `row` (called in file order, right after it was dissected). */
  analyze(row: number): void {
    const t = this.t;
    const layers = t.layers[row];
    if (t.anomaly !== null && t.anomaly[row] & ANOMALY_TCP_BAD_DATA_OFFSET && !(layers & Layer.ICMP_QUOTED)) {
      t.tcpStream[row] = -1;
      return;
    }
    const src = t.ipSrc[row];
    const dst = t.ipDst[row];
    const sp = t.srcPort[row];
    const dp = t.dstPort[row];
    let s = this.lookup(src, sp, dst, dp);
    if (layers & Layer.ICMP_QUOTED) {
      // A TCP header quoted in an ICMP error: finds or creates the conversation (consumes an index), no analysis.
      if (!s) s = this.newStream(row, src, sp, dst, dp);
      t.tcpStream[row] = s.index;
      const rdir = s.addrA === src && s.portA === sp ? 0 : 1;
      t.tcpAnalysis[row] = (rdir ? TA.DIR_REVERSE : 0) | TA.NO_REL;
      return;
    }
    if (!s) s = this.newStream(row, src, sp, dst, dp);
    const flags = t.tcpFlags[row];
    // Sequence state is int32 throughout (see Flow); results leave the analyzer as >>> 0.
    const seq = t.tcpSeq[row] | 0;
    const ack = t.tcpAck[row] | 0;
    let dir = s.addrA === src && s.portA === sp ? 0 : 1;
    let fwd = dir === 0 ? s.f0 : s.f1;
    let ta = 0;
    const synAck = flags & (SYN | ACK);
    if (synAck === SYN && fwd.baseSet && seq !== fwd.baseSeq) {
      // Port reuse: a new SYN with a different ISN opens a new conversation (new stream index).
      s = this.newStream(row, src, sp, dst, dp);
      s.reused = true;
      dir = 0;
      fwd = s.f0;
      ta |= TA.REUSED_PORTS;
    } else if (synAck === (SYN | ACK) && fwd.baseSet && seq !== fwd.baseSeq) {
      ta |= TA.REUSED_PORTS;
      fwd.baseSeq = seq;
    }
    const rev = dir === 0 ? s.f1 : s.f0;
    s.lastRow = row;
    t.tcpStream[row] = s.index;

    const len = t.tcpLen[row];
    const win = t.tcpWin[row];
    const sec = t.tsSec[row];
    const nsec = t.tsNsec[row];
    const frame = row + 1;
    fwd.packets++;
    fwd.bytes += len;

    // relative bases
    if (!fwd.baseSet) {
      fwd.baseSeq = flags & SYN ? seq : (seq - 1) | 0;
      fwd.baseSet = true;
    }
    if (!rev.baseSet && flags & ACK) {
      rev.baseSeq = (ack - 1) | 0;
      rev.baseSet = true;
    }
    if (flags & ACK) rev.validBif = true;

    // A pure SYN repeating the stored ISN (SYN retransmission, possibly after RST): Wireshark restarts
    // nextseq from maxseqtobeacked, so data after the new handshake is not a retransmission.
    if (synAck === SYN && fwd.nextseq !== 0 && seq === fwd.baseSeq && fwd.maxseqtobeacked !== 0) fwd.nextseq = fwd.maxseqtobeacked;
    const next = fwd.nextseq;
    const sfr = flags & SFR;
    let dupNum = 0;
    let dupFrame = 0;
    fwdTests: {
      // Zero window probe
      if (len === 1 && seq === next && rev.window === 0) {
        ta |= TA.ZERO_WINDOW_PROBE;
        break fwdTests;
      }
      if (win === 0 && sfr === 0) ta |= TA.ZERO_WINDOW;
      if (next !== 0 && gt(seq, next) && !(flags & RST)) {
        ta |= TA.LOST_SEGMENT;
        fwd.validBif = false;
      }
      if (len <= 1 && seq === ((next - 1) | 0) && sfr === 0) ta |= TA.KEEP_ALIVE;
      if (len === 0 && win !== 0 && win !== fwd.window && seq === next && ack === fwd.lastack && sfr === 0) ta |= TA.WINDOW_UPDATE;
      if (len > 0 && rev.winScale !== -1 && sfr === 0) {
        const sh = rev.isFirstAck || rev.winScale === -2 ? 0 : rev.winScale;
        const rw = rev.window === -1 ? 0xffffffff : rev.window;
        if (((seq + len) | 0) === ((rev.lastack + (rw << sh)) | 0)) ta |= TA.WINDOW_FULL;
      }
      if (len === 0 && seq === next && ack === fwd.lastack && win === fwd.window && sfr === 0) {
        if (win !== 0 && rev.lastsegmentflags & TA.KEEP_ALIVE) {
          ta |= TA.KEEP_ALIVE_ACK;
          break fwdTests;
        }
        if (win === 0 && rev.lastsegmentflags & TA.ZERO_WINDOW_PROBE) {
          ta |= TA.ZERO_WINDOW_PROBE_ACK;
          break fwdTests;
        }
        if (win !== 0) {
          fwd.dupacknum = fwd.dupacknum === -1 ? 1 : fwd.dupacknum + 1;
          ta |= TA.DUPLICATE_ACK;
          dupNum = fwd.dupacknum;
          dupFrame = fwd.lastnondupack;
          if (fwd.dupRowsN < 64) fwd.dupRows[fwd.dupRowsN++] = row;
        }
      }
    }
    if (ack !== fwd.lastack) {
      fwd.lastnondupack = frame;
      fwd.dupacknum = 0;
      fwd.dupRowsN = 0;
    }

    // ACKed unseen segment
    let ackLostFrom = 0;
    let hasTa = false;
    if (rev.maxseqtobeacked !== 0 && flags & ACK && gt(ack, rev.maxseqtobeacked)) {
      hasTa = true; // Wireshark creates the analysis record here even when the throttle suppresses the flag
      ackLostFrom = rev.maxseqtobeacked;
      if (lt(rev.maxseqtobeacked, rev.nextseq)) {
        rev.maxseqtobeacked = rev.nextseq;
        ta |= TA.ACK_LOST_SEGMENT;
      } else if (rev.dupacknum === 0) {
        rev.dupacknum = -1;
        ta |= TA.ACK_LOST_SEGMENT;
      }
    }

    // Retransmission family (rare: only for segments that do not advance, or spurious ones)
    if ((len > 0 || flags & (SYN | FIN)) && !(ta & TA.KEEP_ALIVE) && ((next !== 0 && lt(seq, next)) || (len > 0 && rev.lastack !== 0 && le((seq + len) | 0, rev.lastack)))) {
      ta |= this.retransClass(row, s, fwd, rev, seq, len, flags, next, sec, nsec);
    }

    // Only flags whose explanation needs transient state get a record; dup ACKs (the bulk) are explained from columns.
    if (this.explain && ta & NEEDS_RECORD) this.record(row, s, fwd, rev, ta, next, seq, len, ack, ackLostFrom, dupFrame, sec, nsec);

    // Bookkeeping
    let nextseq = (seq + len) | 0;
    const segment = len > 0 || (flags & (SYN | FIN)) !== 0;
    if (segment && fwd.n < MAX_UNACKED) {
      if (flags & (SYN | FIN)) nextseq = (nextseq + 1) | 0;
      fwd.pushSegment(seq, nextseq, row);
    }
    if (!(ta & TA.ZERO_WINDOW_PROBE)) {
      if (gt(nextseq, fwd.nextseq) || fwd.nextseq === 0) {
        fwd.nextseq = nextseq;
        fwd.nextseqSec = sec;
        fwd.nextseqNsec = nsec;
        fwd.nextseqFrame = frame;
      }
      if (seq === fwd.maxseqtobeacked || fwd.maxseqtobeacked === 0) fwd.maxseqtobeacked = fwd.nextseq;
    }
    fwd.window = win;
    fwd.lastack = ack;
    fwd.lastackSec = sec;
    fwd.lastackNsec = nsec;
    fwd.lastsegmentflags = ta;

    const acked = rev.n > 0 ? this.ackMatch(rev, ack) : 0;
    if (acked !== 0) (t.tcpAcksFrame ?? t.touch("tcpAcksFrame"))[row] = acked;

    // Bytes in flight / push bytes
    let hasBif = false;
    if (len > 0 && fwd.validBif && fwd.n > 0) {
      hasTa = true; // the analysis record exists even when the BiF value is out of range (iRTT is printed)
      hasBif = this.bif(row, fwd, rev, len, flags);
    }
    if (ta & TA.DUPLICATE_ACK) {
      (t.tcpDupAckNum ?? t.touch("tcpDupAckNum"))[row] = dupNum;
      (t.tcpDupAckFrame ?? t.touch("tcpDupAckFrame"))[row] = dupFrame;
    }

    // iRTT (after the packet's own analysis)
    if (synAck === SYN) {
      s.mruSynSec = sec;
      s.mruSynNsec = nsec;
    } else if (synAck === ACK && s.irttNs === 0 && (s.mruSynSec !== 0 || s.mruSynNsec !== 0)) {
      s.irttNs = (sec - s.mruSynSec) * 1e9 + (nsec - s.mruSynNsec);
    }

    // Options (dissected after the analysis in Wireshark): window scale, MSS, SACK blocks.
    const optSeq = layers & Layer.TCP_OPTIONS && t.tcpOptSeq !== null ? t.tcpOptSeq[row] : 0;
    if (flags & SYN) this.synOptions(row, s, fwd, rev, synAck, optSeq);
    if (synAck === ACK) fwd.isFirstAck = false;
    // Stored on every packet, not only on the first FIN / RST: a store first reached long after V8 optimized
    // this function would throw the optimized code away (no type feedback for it yet).
    const finRow = fwd.finRow;
    fwd.finRow = finRow < 0 && flags & FIN ? row : finRow;
    const rstRow = fwd.rstRow;
    fwd.rstRow = rstRow < 0 && flags & RST ? row : rstRow;
    if (!fwd.ts && optSeq !== 0 && t.tcpTsVal !== null && hasOpt(optSeq, TcpOpt.TS)) fwd.ts = true;
    fwd.sackN = 0;
    if (t.tcpSackN !== null && t.tcpSackN[row] > 0) this.storeSack(row, fwd);

    let bits = ta;
    if (dir) bits |= TA.DIR_REVERSE;
    if (ta !== 0 || acked !== 0 || hasBif || hasTa) bits |= TA.HAS_SEQ_ANALYSIS;
    t.tcpAnalysis[row] = bits;
  }

  // scratch values of the last retransClass() call, for record()
  private scrGap = 0;
  private scrThr = 0;
  private scrRto = 0;

  /** Retransmission / fast / spurious / out-of-order classification (Wireshark 4.0 order). Returns TA bits. */
  private retransClass(row: number, s: StreamState, fwd: Flow, rev: Flow, seq: number, len: number, flags: number, next: number, sec: number, nsec: number): number {
    const t = this.t;
    let ta = 0;
    this.scrGap = 0;
    this.scrThr = 0;
    this.scrRto = 0;
    let notAdvanced = next !== 0 && lt(seq, next);
    if (len > 1 && seq === ((next - 1) | 0)) notAdvanced = false;
    if (len > 0 && rev.lastack !== 0 && le((seq + len) | 0, rev.lastack)) {
      ta |= TA.SPURIOUS_RETRANSMISSION | TA.RETRANSMISSION;
    } else if (notAdvanced) {
      const dRev = (sec - rev.lastackSec) * 1e9 + (nsec - rev.lastackNsec);
      this.scrGap = dRev;
      if (rev.dupacknum >= 2 && rev.lastack === seq && ltU64(dRev, FAST_RETRANS_WINDOW_NS)) {
        ta |= TA.FAST_RETRANSMISSION | TA.RETRANSMISSION;
      } else {
        this.scrThr = s.irttNs !== 0 ? s.irttNs : OOO_DEFAULT_THRESHOLD_NS;
        const dNext = (sec - fwd.nextseqSec) * 1e9 + (nsec - fwd.nextseqNsec);
        const end = (seq + len + (flags & (SYN | FIN) ? 1 : 0)) | 0;
        if (ltU64(dNext, this.scrThr) && next !== end) {
          ta |= TA.OUT_OF_ORDER;
        } else {
          ta |= TA.RETRANSMISSION;
          this.scrRto = fwd.n > 0 ? fwd.u[2] + 1 : fwd.nextseqFrame;
          // tshark prints rto/rto_frame only when the delta is non-zero.
          const rf = this.scrRto;
          if (rf > 0 && (t.tsSec[rf - 1] !== sec || t.tsNsec[rf - 1] !== nsec)) this.rtoFrames.set(row, rf);
        }
      }
    }
    return ta;
  }

  private record(row: number, s: StreamState, fwd: Flow, rev: Flow, ta: number, next: number, seq: number, len: number, ack: number, ackLostFrom: number, dupFrame: number, sec: number, nsec: number): void {
    const fastGapNs = this.scrGap;
    const oooThr = this.scrThr;
    const rtoFrame = this.scrRto;
    const w = this.whyStore;
    const k = w.add(row, ta & TA.FLAG_MASK, next >>> 0, seq >>> 0, len);
    if (ta & (TA.RETRANSMISSION | TA.OUT_OF_ORDER)) w.set(k, "orig", this.findOriginal(fwd, seq));
    if (ta & TA.FAST_RETRANSMISSION) {
      w.setDupRows(k, rev.dupRows, rev.dupRowsN);
      w.set(k, "gapNs", fastGapNs);
      w.set(k, "peerLastRow", rev.nextseqFrame);
    }
    if (ta & TA.OUT_OF_ORDER) {
      w.set(k, "thrNs", oooThr);
      w.set(k, "irttKnown", s.irttNs !== 0);
      w.set(k, "nextFrame", fwd.nextseqFrame);
      w.set(k, "gapNs", (sec - fwd.nextseqSec) * 1e9 + (nsec - fwd.nextseqNsec));
    }
    if (ta & TA.SPURIOUS_RETRANSMISSION) w.set(k, "peerAck", rev.lastack >>> 0);
    if (ta & TA.RETRANSMISSION && rtoFrame) w.set(k, "rtoFrame", rtoFrame);
    if (ta & TA.ACK_LOST_SEGMENT) {
      w.set(k, "peerMax", ackLostFrom >>> 0);
      w.set(k, "ack", ack >>> 0);
    }
    if (ta & TA.WINDOW_FULL) {
      w.set(k, "peerAck", rev.lastack >>> 0);
      w.set(k, "peerWin", rev.window);
      w.set(k, "peerShift", rev.isFirstAck || rev.winScale === -2 ? 0 : rev.winScale);
    }
    if (ta & TA.WINDOW_UPDATE) w.set(k, "prevWin", fwd.window);
    if (ta & TA.DUPLICATE_ACK) w.set(k, "dupFrame", dupFrame);
  }

  /** SYN / SYN-ACK: options (window scale, MSS, SACK_PERM) and Wireshark's window-scaling verification. */
  private synOptions(row: number, s: StreamState, fwd: Flow, rev: Flow, synAck: number, optSeq: number): void {
    const t = this.t;
    if (synAck === SYN) {
      if (s.synRow < 0) s.synRow = row;
    } else if (s.synAckRow < 0) s.synAckRow = row;
    if (optSeq !== 0) {
      for (let o = optSeq; o !== 0; o >>>= 4) {
        const c = o & 15;
        if (c === TcpOpt.WS) fwd.winScale = Math.min(t.tcpWsShift![row], 14);
        else if (c === TcpOpt.MSS) fwd.mss = t.tcpMss![row];
        else if (c === TcpOpt.SACK_PERM) fwd.sackPerm = true;
      }
    }
    if (fwd.winScale === -1) {
      fwd.winScale = -2;
      rev.winScale = -2;
    } else if (synAck === (SYN | ACK) && rev.winScale === -2) fwd.winScale = -2;
  }

  private storeSack(row: number, fwd: Flow): void {
    const t = this.t;
    const sackN = t.tcpSackN![row];
    const idx = t.tcpSackIdx![row];
    const edges = t.sackEdges;
    // Wireshark 4.0 keeps at most 3 blocks of the last packet for bytes in flight.
    fwd.sackLe0 = edges[idx * 2] | 0;
    fwd.sackRe0 = edges[idx * 2 + 1] | 0;
    if (sackN > 1) {
      fwd.sackLe1 = edges[idx * 2 + 2] | 0;
      fwd.sackRe1 = edges[idx * 2 + 3] | 0;
    }
    if (sackN > 2) {
      fwd.sackLe2 = edges[idx * 2 + 4] | 0;
      fwd.sackRe2 = edges[idx * 2 + 5] | 0;
    }
    fwd.sackN = Math.min(sackN, 3);
  }

  /** Match `ack` against the reverse unACKed list: exact end ⇒ acks_frame (oldest copy wins); covered entries are dropped, partially covered ones trimmed. */
  private ackMatch(rev: Flow, ack: number): number {
    let acked = 0;
    const end = rev.n * 3;
    const u = rev.u;
    let w = 0;
    for (let i = 0; i < end; i += 3) {
      const e = u[i + 1];
      let keep: boolean;
      if (ack === e) {
        if (acked === 0) acked = u[i + 2] + 1;
        keep = false;
      } else if (gt(ack, u[i]) && le(ack, e)) {
        u[i] = ack;
        keep = true;
      } else keep = gt(e, ack);
      if (keep) {
        if (w !== i) {
          u[w] = u[i];
          u[w + 1] = e;
          u[w + 2] = u[i + 2];
        }
        w += 3;
      }
    }
    rev.n = w / 3;
    return acked;
  }

  /** Bytes in flight (span of this direction's unACKed list minus the peer's last SACKed bytes) and push bytes. */
  private bif(row: number, fwd: Flow, rev: Flow, len: number, flags: number): boolean {
    const t = this.t;
    // Push bytes count every segment that gets this far, even when the BiF value is out of range.
    if (fwd.pushSetLast) fwd.pushBytes = len;
    else fwd.pushBytes += len;
    fwd.pushSetLast = (flags & PSH) !== 0;
    const base = fwd.baseSeq;
    const u = fwd.u;
    const k = (fwd.n - 1) * 3;
    let first = (u[k] - base) >>> 0;
    let lastS = (u[k + 1] - base) >>> 0;
    for (let i = k - 3; i >= 0; i -= 3) {
      const f = (u[i] - base) >>> 0;
      if (gt(first, f)) first = f;
      const l = (u[i + 1] - base) >>> 0;
      if (gt(l, lastS)) lastS = l;
    }
    let inFlight = (lastS - first) >>> 0;
    if (rev.sackN > 0) {
      let delivered = (rev.sackRe0 - rev.sackLe0) >>> 0;
      if (rev.sackN > 1) delivered += (rev.sackRe1 - rev.sackLe1) >>> 0;
      if (rev.sackN > 2) delivered += (rev.sackRe2 - rev.sackLe2) >>> 0;
      inFlight = (inFlight - delivered) >>> 0;
    }
    if (flags & (SYN | FIN)) inFlight = (inFlight - 1) >>> 0;
    if (inFlight > 0 && inFlight < 2000000000) {
      (t.tcpBif ?? t.touch("tcpBif"))[row] = inFlight;
      (t.tcpPushBytes ?? t.touch("tcpPushBytes"))[row] = fwd.pushBytes;
      return true;
    }
    return false;
  }

  /** Row of the oldest unACKed segment of `f` that contains `seq` (the transmission this one repeats), or -1. */
  private findOriginal(f: Flow, seq: number): number {
    const u = f.u;
    const end = f.n * 3;
    for (let i = 0; i < end; i += 3) {
      if (!lt(seq, u[i]) && lt(seq, u[i + 1])) return u[i + 2];
    }
    for (let i = 0; i < end; i += 3) if (u[i] === seq) return u[i + 2];
    return -1;
  }

  /** Called once after the last packet. */
  finish(): void {
    this.infoCache = null;
  }

  /**
   * The finished analysis as plain data, for moving it from the worker thread that ran it
   * (lib/tcp/parallel.ts) to the thread that owns the Capture. The streams' scalar fields are packed
   * into one Float64Array (stream by stream, in the field order of a fresh StreamState and Flow):
   * structured cloning thousands of objects cost more than the analysis of the last batches. The
   * per-direction working lists (unACKed segments, dup-ACK rows) are only needed while packets arrive
   * and are left out. `transfer` lists the buffers that can be moved rather than copied.
   */
  exportState(): { state: AnalyzerState; transfer: ArrayBuffer[] } {
    const c = codec();
    const packed = new Float64Array(this.list.length * c.per);
    let o = 0;
    for (let i = 0; i < this.list.length; i++) {
      const st = this.streamAt(i)!;
      c.packS(st, packed, o);
      c.packF(st.f0, packed, o + c.ns);
      c.packF(st.f1, packed, o + c.ns + c.nf);
      o += c.per;
    }
    const why = this.whyStore.exportState();
    const state: AnalyzerState = {
      streamCount: this.streamCount, streams: packed, hCap: this.hCap, hUsed: this.hUsed, h: this.h,
      rtoFrames: this.rtoFrames, why, explain: this.explain,
    };
    return { state, transfer: [packed.buffer, this.h.buffer, why.rows.buffer, why.vals.buffer, why.dupStart.buffer, why.dupCount.buffer] };
  }

  /**
   * An analyzer over table `t` holding a state made by exportState() (possibly in another thread). It
   * answers questions about the analysis; it does not analyze further rows.
   */
  static fromState(t: PacketTable, st: AnalyzerState): TcpAnalyzer {
    const a = new TcpAnalyzer(t);
    a.packed = st.streams;
    a.list.length = st.streams.length / codec().per;
    a.streamCount = st.streamCount;
    a.hCap = st.hCap;
    a.hUsed = st.hUsed;
    a.h = st.h;
    for (const [k, v] of st.rtoFrames) a.rtoFrames.set(k, v);
    a.whyStore.importState(st.why);
    a.explain = st.explain;
    return a;
  }

  // ------------------------------------------------------------------ per-row accessors

  private stream(row: number): StreamState | null {
    const s = this.t.tcpStream[row];
    return s >= 0 ? this.streamAt(s) ?? null : null;
  }

  /** Stream s (unpacked on first access after fromState). */
  private streamAt(s: number): StreamState | undefined {
    const x = this.list[s];
    return x !== undefined || this.packed === null ? x : this.unpack(s);
  }

  private unpack(i: number): StreamState | undefined {
    const c = codec();
    const p = this.packed!;
    const o = i * c.per;
    if (o >= p.length) return undefined;
    // the constructor's parameters are the first six fields (index, firstRow, addrA, portA, addrB, portB)
    const s = new StreamState(p[o], p[o + 1], p[o + 2], p[o + 3], p[o + 4], p[o + 5]);
    c.unpackS(s, p, o);
    c.unpackF(s.f0, p, o + c.ns);
    c.unpackF(s.f1, p, o + c.ns + c.nf);
    this.list[i] = s;
    return s;
  }

  /** 0 = direction of the stream's first packet, 1 = reverse; -1 when the row has no stream. */
  dir(row: number): number {
    if (this.t.tcpStream[row] < 0) return -1;
    return this.t.tcpAnalysis[row] & TA.DIR_REVERSE ? 1 : 0;
  }

  /** tcp.seq (relative). */
  relSeq(row: number): number {
    const s = this.stream(row);
    const seq = this.t.tcpSeq[row];
    if (!s || this.t.tcpAnalysis[row] & TA.NO_REL) return seq;
    const f = s.flow(this.dir(row));
    return f.baseSet ? (seq - f.baseSeq) >>> 0 : seq;
  }

  /** tcp.ack (relative when the ACK flag is set; raw otherwise, as tshark). */
  relAck(row: number): number {
    const s = this.stream(row);
    const ack = this.t.tcpAck[row];
    if (!s || this.t.tcpAnalysis[row] & TA.NO_REL || !(this.t.tcpFlags[row] & ACK)) return ack;
    const f = s.flow(this.dir(row) ^ 1);
    return f.baseSet ? (ack - f.baseSeq) >>> 0 : ack;
  }

  /** tcp.nxtseq (relative): seq + len, +1 for SYN/FIN. */
  nxtSeq(row: number): number {
    const fl = this.t.tcpFlags[row];
    return (this.relSeq(row) + this.t.tcpLen[row] + (fl & (SYN | FIN) ? 1 : 0)) >>> 0;
  }

  /** tcp.window_size_scalefactor: multiplier, -1 unknown, -2 no scaling; NaN on SYN (absent in tshark). */
  winScale(row: number): number {
    const s = this.stream(row);
    if (!s || this.t.tcpFlags[row] & SYN || this.t.tcpAnalysis[row] & TA.NO_REL) return NaN;
    const ws = s.flow(this.dir(row)).winScale;
    return ws >= 0 ? 2 ** ws : ws;
  }

  /** tcp.window_size (calculated window). */
  winCalc(row: number): number {
    const raw = this.t.tcpWin[row];
    const s = this.stream(row);
    if (!s || this.t.tcpFlags[row] & SYN) return raw;
    const ws = s.flow(this.dir(row)).winScale;
    return ws > 0 ? raw * 2 ** ws : raw;
  }

  /** tcp.analysis.acks_frame (1-based) or 0. */
  acksFrame(row: number): number {
    return this.t.tcpAcksFrame !== null ? this.t.tcpAcksFrame[row] : 0;
  }

  /** tcp.analysis.ack_rtt in seconds, NaN when absent (tshark omits a zero RTT, e.g. capture duplicates). */
  ackRtt(row: number): number {
    const f = this.acksFrame(row);
    if (!f) return NaN;
    const d = timeDiff(this.t, row, f - 1);
    return d === 0 ? NaN : d;
  }

  /** tcp.analysis.initial_rtt as tshark -2 prints it on this row (only rows with a SEQ/ACK analysis), NaN otherwise. */
  irtt(row: number): number {
    const s = this.stream(row);
    if (!s || !(this.t.tcpAnalysis[row] & TA.HAS_SEQ_ANALYSIS) || s.irttNs === 0) return NaN;
    return s.irttNs / 1e9;
  }

  /** tcp.analysis.bytes_in_flight (0 = absent). */
  bytesInFlight(row: number): number {
    return this.t.tcpBif !== null ? this.t.tcpBif[row] : 0;
  }

  /** tcp.analysis.push_bytes_sent (0 = absent). */
  pushBytes(row: number): number {
    return this.t.tcpPushBytes !== null ? this.t.tcpPushBytes[row] : 0;
  }

  /** tcp.analysis.duplicate_ack_num (0 = not a dup ACK). */
  dupAckNum(row: number): number {
    return this.t.tcpDupAckNum !== null ? this.t.tcpDupAckNum[row] : 0;
  }

  /** tcp.analysis.duplicate_ack_frame (1-based, 0 = none). */
  dupAckFrame(row: number): number {
    return this.t.tcpDupAckFrame !== null ? this.t.tcpDupAckFrame[row] : 0;
  }

  /** tcp.analysis.rto_frame (1-based, 0 = none): only on (plain) Retransmission rows. */
  rtoFrame(row: number): number {
    return this.rtoFrames.get(row) ?? 0;
  }

  /** tcp.analysis.rto in seconds, NaN when absent. */
  rto(row: number): number {
    const f = this.rtoFrames.get(row);
    return f ? timeDiff(this.t, row, f - 1) : NaN;
  }

  /** The tcp.analysis.* flag bits (TA.*) of a row. */
  flags(row: number): number {
    return this.t.tcpAnalysis[row] & TA.FLAG_MASK;
  }

  /** SACK blocks of a row, relative to the reverse base: [le0, re0, le1, re1, …]. */
  sackRel(row: number): number[] {
    const t = this.t;
    const n = t.tcpSackN !== null ? t.tcpSackN[row] : 0;
    if (!n) return [];
    const idx = t.tcpSackIdx![row];
    const s = this.stream(row);
    const f = s && !(t.tcpAnalysis[row] & TA.NO_REL) ? s.flow(this.dir(row) ^ 1) : null;
    const base = f && f.baseSet ? f.baseSeq : 0;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      out.push((t.sackEdges[(idx + i) * 2] - base) >>> 0, (t.sackEdges[(idx + i) * 2 + 1] - base) >>> 0);
    }
    return out;
  }

  /** The Info-column prefixes Wireshark prepends for this row's analysis flags (e.g. "[TCP Dup ACK 8#1] "). */
  analysisPrefix(row: number): string {
    return prefixOf(this.t.tcpAnalysis[row], this.dupAckFrame(row), this.dupAckNum(row));
  }

  /** The full TCP Info text as tshark prints it when no application dissector takes over. */
  info(row: number): string {
    return buildInfo(this, this.t, row);
  }

  /** Why each analysis flag of the row was set: the rule and the frames it depends on. */
  why(row: number): WhyItem[] {
    return explain(this, this.t, row, this.whyStore.get(row));
  }

  // ------------------------------------------------------------------ streams

  /** Stream summaries, index = tcp.stream. */
  streams(): TcpStreamInfo[] {
    if (this.infoCache) return this.infoCache;
    const out: TcpStreamInfo[] = [];
    for (let i = 0; i < this.list.length; i++) out.push(streamInfo(this.streamAt(i)!));
    this.infoCache = out;
    return out;
  }

  /** Summary of one stream. */
  streamInfo(index: number): TcpStreamInfo | undefined {
    const s = index >= 0 && index < this.list.length ? this.streamAt(index) : undefined;
    return s ? streamInfo(s) : undefined;
  }
}

function hasOpt(seq: number, code: number): boolean {
  for (let o = seq; o !== 0; o >>>= 4) if ((o & 15) === code) return true;
  return false;
}

/** time(a) − time(b) in seconds, computed from integer parts (ns exact). */
export function timeDiff(t: PacketTable, a: number, b: number): number {
  return t.tsSec[a] - t.tsSec[b] + (t.tsNsec[a] - t.tsNsec[b]) / 1e9;
}

function streamInfo(s: StreamState): TcpStreamInfo {
  const a = s.f0;
  const b = s.f1;
  return {
    index: s.index,
    firstRow: s.firstRow,
    lastRow: s.lastRow,
    addrA: s.addrA,
    portA: s.portA,
    addrB: s.addrB,
    portB: s.portB,
    packets: [a.packets, b.packets],
    bytes: [a.bytes, b.bytes],
    baseSeq: [a.baseSet ? a.baseSeq >>> 0 : NaN, b.baseSet ? b.baseSeq >>> 0 : NaN],
    irtt: s.irttNs !== 0 ? s.irttNs / 1e9 : NaN,
    winScale: [a.winScale, b.winScale],
    mss: [a.mss, b.mss],
    sackPerm: [a.sackPerm, b.sackPerm],
    timestamps: [a.ts, b.ts],
    synRow: s.synRow,
    synAckRow: s.synAckRow,
    finRow: [a.finRow, b.finRow],
    rstRow: a.rstRow >= 0 && b.rstRow >= 0 ? Math.min(a.rstRow, b.rstRow) : Math.max(a.rstRow, b.rstRow),
    reusedPorts: s.reused,
  };
}

// Packing stream states into numbers (TcpAnalyzer.exportState / fromState): the scalar (number or
// boolean) own fields of a fresh StreamState and Flow, in their order, read and written by functions
// generated once from those field lists, so that a field added to either class is carried along
// without a second list to maintain, and each function is a straight run of named property accesses.
type Pack = (o: object, p: Float64Array, at: number) => void;
interface Codec {
  ns: number;
  nf: number;
  per: number;
  packS: Pack;
  packF: Pack;
  unpackS: Pack;
  unpackF: Pack;
}
let theCodec: Codec | null = null;
function scalarKeys(o: object): { keys: string[]; bools: boolean[] } {
  const r = o as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => typeof r[k] === "number" || typeof r[k] === "boolean");
  return { keys, bools: keys.map((k) => typeof r[k] === "boolean") };
}
function packer(keys: string[]): Pack {
  return new Function("o", "p", "at", keys.map((k, i) => `p[at + ${i}] = +o.${k};`).join("\n")) as Pack;
}
function unpacker(keys: string[], bools: boolean[]): Pack {
  return new Function("o", "p", "at", keys.map((k, i) => (bools[i] ? `o.${k} = p[at + ${i}] !== 0;` : `o.${k} = p[at + ${i}];`)).join("\n")) as Pack;
}
function codec(): Codec {
  if (theCodec) return theCodec;
  const s = scalarKeys(new StreamState(0, 0, 0, 0, 0, 0));
  const f = scalarKeys(new Flow());
  theCodec = {
    ns: s.keys.length, nf: f.keys.length, per: s.keys.length + 2 * f.keys.length,
    packS: packer(s.keys), packF: packer(f.keys), unpackS: unpacker(s.keys, s.bools), unpackF: unpacker(f.keys, f.bools),
  };
  return theCodec;
}
