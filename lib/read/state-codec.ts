/**
 * Moving a finished TCP analysis from the worker thread to the reading thread. The streams' scalar fields
 * are packed into one Float64Array (stream by stream, in the field order of a fresh StreamState and Flow):
 * structured cloning thousands of stream objects cost more than the analysis of the last batches. The
 * per-direction working lists (unACKed segments, dup-ACK rows) are only needed while packets arrive and are
 * left out; the conversation table too (no row is analyzed after the read). The reading thread unpacks a
 * stream when it is first asked for (TcpAnalysis.restore's loader).
 */
import type { PacketTable } from "../table/packet-table";
import { TcpAnalysis } from "../tcp/analysis";
import { Flow, StreamState } from "../tcp/stream";
import type { WhyStoreState } from "../tcp/why-store";

/** A finished analysis as structured-cloneable data. */
export interface AnalysisState {
  streamCount: number;
  /** every stream's scalar fields (its own, then f0's and f1's), stream after stream */
  streams: Float64Array<ArrayBuffer>;
  rtoFrames: Map<number, number>;
  why: WhyStoreState;
  explain: boolean;
}

/** Pack a finished analysis (in the worker). */
export function packAnalysis(a: TcpAnalysis): AnalysisState {
  const c = codec();
  const { streams, rtoFrames, why, explain } = a.parts();
  const packed = new Float64Array(streams.length * c.per);
  let o = 0;
  for (const st of streams) {
    c.packS(st, packed, o);
    c.packF(st.f0, packed, o + c.ns);
    c.packF(st.f1, packed, o + c.ns + c.nf);
    o += c.per;
  }
  return { streamCount: streams.length, streams: packed, rtoFrames, why, explain };
}

/** The analysis of table `t` (in the reading thread) from what packAnalysis made; streams unpacked on first access. */
export function unpackAnalysis(t: PacketTable, st: AnalysisState): TcpAnalysis {
  const c = codec();
  const p = st.streams;
  const loader = (i: number): StreamState => {
    const o = i * c.per;
    // the constructor's parameters are the first six fields (index, firstRow, addrA, portA, addrB, portB)
    const s = new StreamState(p[o], p[o + 1], p[o + 2], p[o + 3], p[o + 4], p[o + 5]);
    c.unpackS(s, p, o);
    c.unpackF(s.f0, p, o + c.ns);
    c.unpackF(s.f1, p, o + c.ns + c.nf);
    return s;
  };
  return TcpAnalysis.restore(t, { streamCount: st.streamCount, loader, rtoFrames: st.rtoFrames, why: st.why, explain: st.explain });
}

// The scalar (number or boolean) own fields of a fresh StreamState and Flow, in their order, read and written
// by functions generated once from those field lists, so that a field added to either class is carried along
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
