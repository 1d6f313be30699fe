/**
 * The results of the TCP analysis (Wireshark 4.0 semantics, tshark -2 -n, default preferences): per-row
 * accessors for every tcp.* field the analysis computes, why() explanations and stream summaries.
 *
 * Storage: flags/direction in `tcpAnalysis`, stream in `tcpStream`, and the lazy columns tcpAcksFrame,
 * tcpBif, tcpPushBytes, tcpDupAckNum, tcpDupAckFrame (written by the analyzer, analyzer.ts). Relative
 * numbers, the calculated window, ack_rtt and rto are derived on demand (ack_rtt = time(row) −
 * time(acks_frame), rto = time(row) − time(rto_frame), relative = raw − final per-stream base, which is what
 * the second pass of tshark -2 prints).
 */
import { type PacketTable } from "../table/packet-table";
import { TcpFlag } from "../table/layers";
import { TA } from "./flags";
import { StreamState, type TcpStreamInfo } from "./stream";
import { buildInfo, analysisPrefix as prefixOf, type InfoSource } from "./info";
import { explain, type WhyItem } from "./why";
import { WhyStore, type WhyStoreState } from "./why-store";

export type { TcpStreamInfo } from "./stream";
export type { WhyItem } from "./why";

const SYN = TcpFlag.SYN;
const ACK = TcpFlag.ACK;
const FIN = TcpFlag.FIN;

/** Builds stream `index`'s state on first access (an analysis moved from another thread, lib/read/). */
export type StreamLoader = (index: number) => StreamState;

export class TcpAnalysis implements InfoSource {
  /** Number of tcp.stream indices allocated. */
  streamCount = 0;
  protected readonly list: StreamState[] = [];
  /** RTO reference frame of Retransmission rows (sparse). */
  protected readonly rtoFrames = new Map<number, number>();
  /** Explanations of flagged rows (sparse). */
  protected readonly whyStore = new WhyStore();
  protected infoCache: TcpStreamInfo[] | null = null;
  private loader: StreamLoader | null = null;
  /** Keep why() records (small cost on flagged rows only). */
  explain = true;

  constructor(readonly t: PacketTable) {}

  /**
   * The analysis of table `t` from its parts, made elsewhere (the analysis worker): `streamCount` streams,
   * each built by `loader` on first access (rebuilding thousands of streams up front cost tens of ms at
   * the end of a read that may never ask for them), the RTO frames and the why() records.
   */
  static restore(t: PacketTable, parts: { streamCount: number; loader: StreamLoader; rtoFrames: Iterable<[number, number]>; why: WhyStoreState; explain: boolean }): TcpAnalysis {
    const a = new TcpAnalysis(t);
    a.streamCount = parts.streamCount;
    a.loader = parts.loader;
    for (const [k, v] of parts.rtoFrames) a.rtoFrames.set(k, v);
    a.whyStore.importState(parts.why);
    a.explain = parts.explain;
    return a;
  }

  /** The parts `restore` takes: every stream's state (in index order), the RTO frames and the why() records. */
  parts(): { streams: StreamState[]; rtoFrames: Map<number, number>; why: WhyStoreState; explain: boolean } {
    const streams: StreamState[] = [];
    for (let i = 0; i < this.streamCount; i++) streams.push(this.streamAt(i)!);
    return { streams, rtoFrames: this.rtoFrames, why: this.whyStore.exportState(), explain: this.explain };
  }

  // ------------------------------------------------------------------ per-row accessors

  private stream(row: number): StreamState | null {
    const s = this.t.tcpStream[row];
    return s >= 0 ? this.streamAt(s) ?? null : null;
  }

  /** Stream s (loaded on first access when the analysis came from elsewhere, see StreamLoader). */
  protected streamAt(s: number): StreamState | undefined {
    const x = this.list[s];
    return x !== undefined || this.loader === null || s >= this.streamCount ? x : (this.list[s] = this.loader(s));
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

  /**
   * The per-row numbers of a finished analysis for output over many rows (CSV, text): the same values
   * as relSeq/relAck/nxtSeq/winCalc, from two small per-stream tables instead of a walk to the
   * stream's state per call.
   */
  rowNumbers(): RowNumbers {
    const n = this.streamCount;
    const base = new Float64Array(2 * n).fill(NaN);
    const winMul = new Float64Array(2 * n).fill(1);
    const known = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const s = this.streamAt(i);
      if (s === undefined) continue;
      known[i] = 1;
      for (let d = 0; d < 2; d++) {
        const f = s.flow(d);
        if (f.baseSet) base[2 * i + d] = f.baseSeq;
        if (f.winScale > 0) winMul[2 * i + d] = 2 ** f.winScale;
      }
    }
    return new RowNumbers(this, base, winMul, known);
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
    for (let i = 0; i < this.streamCount; i++) out.push(streamInfo(this.streamAt(i)!));
    this.infoCache = out;
    return out;
  }

  /** Summary of one stream. */
  streamInfo(index: number): TcpStreamInfo | undefined {
    const s = index >= 0 && index < this.streamCount ? this.streamAt(index) : undefined;
    return s ? streamInfo(s) : undefined;
  }
}

/** See TcpAnalysis.rowNumbers(). */
export class RowNumbers implements InfoSource {
  private readonly t: PacketTable;
  constructor(
    private readonly a: TcpAnalysis,
    /** per stream and direction (2 × stream + dir): the base sequence number, NaN when unset */
    private readonly base: Float64Array,
    /** per stream and direction: the window multiplier (2^shift when the window is scaled, else 1) */
    private readonly winMul: Float64Array,
    /** per stream: 1 when its state exists */
    private readonly known: Uint8Array,
  ) {
    this.t = a.t;
  }

  /** 2 × stream + direction of the row; -1 when the row has no stream. */
  private slot(row: number): number {
    const s = this.t.tcpStream[row];
    if (s < 0 || this.known[s] !== 1) return -1;
    return 2 * s + (this.t.tcpAnalysis[row] & TA.DIR_REVERSE ? 1 : 0);
  }

  relSeq(row: number): number {
    const seq = this.t.tcpSeq[row];
    const k = this.slot(row);
    if (k < 0 || this.t.tcpAnalysis[row] & TA.NO_REL) return seq;
    const b = this.base[k];
    return b === b ? (seq - b) >>> 0 : seq;
  }

  relAck(row: number): number {
    const ack = this.t.tcpAck[row];
    const k = this.slot(row);
    if (k < 0 || this.t.tcpAnalysis[row] & TA.NO_REL || !(this.t.tcpFlags[row] & ACK)) return ack;
    const b = this.base[k ^ 1];
    return b === b ? (ack - b) >>> 0 : ack;
  }

  nxtSeq(row: number): number {
    const fl = this.t.tcpFlags[row];
    return (this.relSeq(row) + this.t.tcpLen[row] + (fl & (SYN | FIN) ? 1 : 0)) >>> 0;
  }

  winCalc(row: number): number {
    const raw = this.t.tcpWin[row];
    const k = this.slot(row);
    if (k < 0 || this.t.tcpFlags[row] & SYN) return raw;
    return raw * this.winMul[k];
  }

  dupAckFrame(row: number): number {
    return this.t.tcpDupAckFrame !== null ? this.t.tcpDupAckFrame[row] : 0;
  }

  dupAckNum(row: number): number {
    return this.t.tcpDupAckNum !== null ? this.t.tcpDupAckNum[row] : 0;
  }

  sackRel(row: number): number[] {
    return this.a.sackRel(row);
  }
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
