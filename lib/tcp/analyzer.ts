/**
 * The TCP analysis itself (Wireshark 4.0 semantics, tshark -2 -n, default preferences): tcp.stream,
 * window scaling, every tcp.analysis.* flag, dup-ACK numbering, ACKed frames, bytes in flight, push bytes,
 * RTO, iRTT. Streaming: analyze(row) is called once per TCP row in file order; results are frozen per frame
 * (no look-ahead), as in Wireshark's first pass. The results are read through TcpAnalysis (analysis.ts).
 */
import type { PacketTable } from "../table/packet-table";
import { hasTcpOption, Layer, TcpFlag, TcpOpt, tcpOptions } from "../table/layers";
import { Anomaly } from "../base/errors";
import { seqGt as gt, seqLe as le, seqLt as lt } from "../base/seq";
import { TA } from "./flags";
import { Flow, MAX_UNACKED, StreamState } from "./stream";
import { TcpAnalysis } from "./analysis";
import { Conversations } from "./conversations";

const SYN = TcpFlag.SYN;
const ACK = TcpFlag.ACK;
const FIN = TcpFlag.FIN;
const RST = TcpFlag.RST;
const PSH = TcpFlag.PSH;
const SFR = SYN | FIN | RST;

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

export class TcpAnalyzer extends TcpAnalysis {
  private readonly conversations = new Conversations();

  constructor(t: PacketTable) {
    super(t);
  }

  /** The stream the 4-tuple belongs to now, or undefined. */
  private lookup(src: number, sp: number, dst: number, dp: number): StreamState | undefined {
    const i = this.conversations.find(src, sp, dst, dp);
    return i >= 0 ? this.list[i] : undefined;
  }

  private newStream(row: number, src: number, sp: number, dst: number, dp: number): StreamState {
    const s = new StreamState(this.streamCount++, row, src, sp, dst, dp);
    this.list.push(s);
    this.conversations.add(src, sp, dst, dp, s.index);
    this.infoCache = null;
    return s;
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
    if (t.anomaly !== null && t.anomaly[row] & Anomaly.TCP_BAD_DATA_OFFSET && !(layers & Layer.ICMP_QUOTED)) {
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
    // stored on every packet, not only on the first FIN / RST (docs/performance.md, "Fields stored once")
    const finRow = fwd.finRow;
    fwd.finRow = finRow < 0 && flags & FIN ? row : finRow;
    const rstRow = fwd.rstRow;
    fwd.rstRow = rstRow < 0 && flags & RST ? row : rstRow;
    if (!fwd.ts && optSeq !== 0 && t.tcpTsVal !== null && hasTcpOption(optSeq, TcpOpt.TS)) fwd.ts = true;
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
    for (const c of tcpOptions(optSeq)) {
      if (c === TcpOpt.WS) fwd.winScale = Math.min(t.tcpWsShift![row], 14);
      else if (c === TcpOpt.MSS) fwd.mss = t.tcpMss![row];
      else if (c === TcpOpt.SACK_PERM) fwd.sackPerm = true;
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
}
