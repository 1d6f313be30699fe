/**
 * The tcptrace engine (lib/flows/tcptrace.ts) over a capture's TCP streams, fed packet rows in file
 * order. It runs in the TCP analysis worker while a large capture is read (lib/tcp/worker.ts: between
 * analysis batches, so the analysis keeps priority, and on after the read until every row is traced),
 * or in analyzeFlows when no worker traced the capture. Either way the same rows and the same code.
 *
 * The worker does not know the flow table's orientation (A = sender of the first pure SYN, which may come
 * after other packets), so a connection's direction 0 is its first packet's sender; `orient` relabels
 * directions and connection ids to the flow table's once it is known. The engine is symmetric in its two
 * directions, so relabelling afterwards gives exactly what tracing with the final labels gives.
 */
import { type PacketTable } from "../table/packet-table";
import { Layer, TcpFlag, TcpOpt, hasTcpOption } from "../table/layers";
import { F64, TcbField, TcptraceEngine, type TraceSink } from "./engine";

/** Per-sample outputs (one entry per tcptrace RTT event); `flow` holds connection ids until `orient`. */
export interface TraceSamples {
  flow: F64; dir: F64; ackRow: F64; dataRow: F64; us: F64; kind: F64;
}
/** Per-retransmission outputs, in row order; `flow` holds connection ids until `orient`. */
export interface TraceRexmits {
  flow: F64; dir: F64; row: F64; bytes: F64; origRow: F64; sinceUs: F64;
}

/** What tracing produced: plain numeric arrays, so that it moves between threads as transferred buffers. */
export interface TraceResult {
  /** connections traced */
  n: number;
  /** the engine's per-direction statistics (TcbField.COUNT slots per direction, direction b = conn * 2 + dir) */
  v: Float64Array;
  /** 1 when a window-scale option was seen, per direction */
  wsSeen: Uint8Array;
  /** connection of each TCP stream (-1: none) */
  connOfStream: Int32Array;
  /** source address id and port of each connection's first packet (its direction 0) */
  firstSrc: Float64Array;
  firstPort: Int32Array;
  samples: TraceSamples;
  rexmits: TraceRexmits;
}

const SAMPLE_KEYS = ["flow", "dir", "ackRow", "dataRow", "us", "kind"] as const;
const REXMIT_KEYS = ["flow", "dir", "row", "bytes", "origRow", "sinceUs"] as const;

/** The plain-data form of a TraceResult (what the worker posts): the sample columns as bare arrays. */
export type TraceState = Omit<TraceResult, "samples" | "rexmits"> & {
  /** sample columns (each holding `nSamples` values, possibly followed by unused capacity) */
  samples: Float64Array[];
  nSamples: number;
  rexmits: Float64Array[];
  nRexmits: number;
};

const newSamples = (): TraceSamples => ({ flow: new F64(), dir: new F64(), ackRow: new F64(), dataRow: new F64(), us: new F64(), kind: new F64() });
const newRexmits = (): TraceRexmits => ({ flow: new F64(), dir: new F64(), row: new F64(), bytes: new F64(), origRow: new F64(), sinceUs: new F64() });

export class StreamTrace implements TraceSink {
  private readonly engine: TcptraceEngine;
  private connOfStream: Int32Array;
  private firstSrc: Float64Array;
  private firstPort: Int32Array;
  readonly samples = newSamples();
  readonly rexmits = newRexmits();

  /** `streams`: how many TCP streams to expect (a hint: the arrays grow as needed). */
  constructor(streams = 64) {
    const cap = Math.max(64, streams);
    this.engine = new TcptraceEngine(this, cap);
    // assigned twice (docs/performance.md, "Fields stored once")
    this.connOfStream = new Int32Array(0);
    this.firstSrc = new Float64Array(0);
    this.firstPort = new Int32Array(0);
    this.connOfStream = new Int32Array(cap).fill(-1);
    this.firstSrc = new Float64Array(cap);
    this.firstPort = new Int32Array(cap);
  }

  sample(conn: number, dir: number, ackRow: number, dataRow: number, us: number, kind: number): void {
    const s = this.samples;
    s.flow.push(conn); s.dir.push(dir); s.ackRow.push(ackRow); s.dataRow.push(dataRow); s.us.push(us); s.kind.push(kind);
  }

  rexmit(conn: number, dir: number, row: number, bytes: number, origRow: number, sincePrevUs: number): void {
    const x = this.rexmits;
    x.flow.push(conn); x.dir.push(dir); x.row.push(row); x.bytes.push(bytes); x.origRow.push(origRow); x.sinceUs.push(sincePrevUs);
  }

  /**
   * Trace rows rows[from..to) (or the rows from..to themselves when `rows` is null), in file order: every
   * TCP segment (not quoted in an ICMP error) that has a stream id, as analyzeFlows assigns them to flows.
   */
  feed(t: PacketTable, stream: Int32Array, rows: Int32Array | null, from: number, to: number): void {
    const layers = t.layers, ipSrc = t.ipSrc, srcPort = t.srcPort, tsSec = t.tsSec, tsNsec = t.tsNsec;
    const tcpFlags = t.tcpFlags, tcpSeq = t.tcpSeq, tcpAck = t.tcpAck, tcpLen = t.tcpLen, tcpWin = t.tcpWin, optSeq = t.tcpOptSeq;
    const e = this.engine;
    for (let i = from; i < to; i++) {
      const r = rows === null ? i : rows[i];
      const ly = layers[r];
      if ((ly & (Layer.IPV4 | Layer.IPV6)) === 0 || (ly & Layer.TCP) === 0 || (ly & Layer.ICMP_QUOTED) !== 0) continue;
      const s = stream[r];
      if (s < 0) continue;
      let c = s < this.connOfStream.length ? this.connOfStream[s] : -1;
      if (c < 0) c = this.addConn(s, ipSrc[r], srcPort[r]);
      const d = ipSrc[r] === this.firstSrc[c] && srcPort[r] === this.firstPort[c] ? 0 : 1;
      const fl = tcpFlags[r];
      let wsOpt = -1;
      if ((fl & TcpFlag.SYN) !== 0 && optSeq !== null) {
        if (hasTcpOption(optSeq[r], TcpOpt.WS)) wsOpt = 1;
      }
      const us = tsSec[r] * 1e6 + Math.floor(tsNsec[r] / 1000);
      e.packet(c, d, r, us, fl, tcpSeq[r], tcpAck[r], tcpLen[r], tcpWin[r], wsOpt);
    }
  }

  private addConn(s: number, src: number, port: number): number {
    const c = this.engine.add(this.engine.n);
    if (s >= this.connOfStream.length) {
      const m = new Int32Array(Math.max(s + 1, this.connOfStream.length * 2)).fill(-1);
      m.set(this.connOfStream);
      this.connOfStream = m;
    }
    if (c >= this.firstSrc.length) {
      const a = new Float64Array(this.firstSrc.length * 2);
      a.set(this.firstSrc);
      this.firstSrc = a;
      const p = new Int32Array(this.firstPort.length * 2);
      p.set(this.firstPort);
      this.firstPort = p;
    }
    this.connOfStream[s] = c;
    this.firstSrc[c] = src;
    this.firstPort[c] = port;
    return c;
  }

  /** What was traced so far (the engine's arrays, not copies). */
  result(): TraceResult {
    const e = this.engine;
    return {
      n: e.n, v: e.v, wsSeen: e.wsSeen, connOfStream: this.connOfStream, firstSrc: this.firstSrc, firstPort: this.firstPort,
      samples: this.samples, rexmits: this.rexmits,
    };
  }

  /**
   * The result as plain arrays, and the buffers to transfer with it (the sample columns go as they are,
   * unused capacity included: copying them cost more than moving the spare bytes).
   */
  exportState(): { state: TraceState; transfer: ArrayBuffer[] } {
    const r = this.result();
    const C = TcbField.COUNT;
    const state: TraceState = {
      n: r.n,
      v: r.v.slice(0, r.n * 2 * C),
      wsSeen: r.wsSeen.slice(0, r.n * 2),
      connOfStream: r.connOfStream.slice(),
      firstSrc: r.firstSrc.slice(0, r.n),
      firstPort: r.firstPort.slice(0, r.n),
      samples: SAMPLE_KEYS.map((k) => r.samples[k].a),
      nSamples: r.samples.flow.n,
      rexmits: REXMIT_KEYS.map((k) => r.rexmits[k].a),
      nRexmits: r.rexmits.flow.n,
    };
    const transfer = [state.v, state.wsSeen, state.connOfStream, state.firstSrc, state.firstPort, ...state.samples, ...state.rexmits].map((a) => a.buffer as ArrayBuffer);
    return { state, transfer };
  }

  static fromState(s: TraceState): TraceResult {
    const samples = Object.fromEntries(SAMPLE_KEYS.map((k, i) => [k, F64.of(s.samples[i], s.nSamples)])) as unknown as TraceSamples;
    const rexmits = Object.fromEntries(REXMIT_KEYS.map((k, i) => [k, F64.of(s.rexmits[i], s.nRexmits)])) as unknown as TraceRexmits;
    return { n: s.n, v: s.v, wsSeen: s.wsSeen, connOfStream: s.connOfStream, firstSrc: s.firstSrc, firstPort: s.firstPort, samples, rexmits };
  }
}

/** Trace every row of a table (analyzeFlows, when no worker traced the capture while reading it). */
export function traceAll(t: PacketTable, stream: Int32Array, streams: number): TraceResult {
  const tr = new StreamTrace(streams);
  tr.feed(t, stream, null, 0, t.length);
  return tr.result();
}

/**
 * Relabel a trace to the flow table: connection c becomes flow flowOfConn[c], and where swap[c] is 1
 * (the flow's A is the connection's second sender) its two directions trade places — statistics,
 * window-scale flags, and the direction of its samples and retransmissions. In place.
 */
export function orient(r: TraceResult, flowOfConn: Int32Array, swap: Uint8Array): void {
  const C = TcbField.COUNT;
  const v = r.v, ws = r.wsSeen;
  let same = true; // connection c is flow c, same directions (a capture of TCP only, each opened by its first sender)
  for (let c = 0; c < r.n; c++) {
    if (flowOfConn[c] !== c) same = false;
    if (!swap[c]) continue;
    same = false;
    const a = c * 2 * C;
    for (let k = 0; k < C; k++) {
      const x = v[a + k];
      v[a + k] = v[a + C + k];
      v[a + C + k] = x;
    }
    const w = ws[c * 2];
    ws[c * 2] = ws[c * 2 + 1];
    ws[c * 2 + 1] = w;
  }
  if (same) return;
  relabel(r.samples.flow, r.samples.dir, flowOfConn, swap);
  relabel(r.rexmits.flow, r.rexmits.dir, flowOfConn, swap);
}

function relabel(flow: F64, dir: F64, flowOfConn: Int32Array, swap: Uint8Array): void {
  const f = flow.a, d = dir.a;
  for (let i = 0; i < flow.n; i++) {
    const c = f[i];
    if (swap[c]) d[i] = 1 - d[i];
    f[i] = flowOfConn[c];
  }
}
