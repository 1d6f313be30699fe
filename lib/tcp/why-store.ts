import type { WhyRecord } from "./why";

/** Numeric fields of a WhyRecord kept per flagged row (NaN = absent). */
const FIELDS = [
  "bits", "next", "seq", "len", "orig", "gapNs", "peerLastRow", "thrNs", "irttKnown", "nextFrame",
  "peerAck", "peerWin", "peerShift", "rtoFrame", "peerMax", "ack", "prevWin", "dupFrame",
] as const;
type Field = (typeof FIELDS)[number];
const NF = FIELDS.length;
const IDX = Object.fromEntries(FIELDS.map((f, i) => [f, i])) as Record<Field, number>;

/** Plain-data form of a WhyStore (structured-cloneable), see TcpAnalysis.parts / restore. */
export interface WhyStoreState {
  rows: Uint32Array<ArrayBuffer>;
  vals: Float64Array<ArrayBuffer>;
  dupStart: Int32Array<ArrayBuffer>;
  dupCount: Uint16Array<ArrayBuffer>;
  dupList: number[];
  n: number;
}

/**
 * The "why" facts of flagged rows, stored columnar (one Float64Array, NF slots per record) instead of an
 * object per row: flagged rows can be a few percent of a large capture, and objects in a Map there cost
 * more than the analysis itself. Rows arrive in increasing order, so lookup is a binary search.
 */
export class WhyStore {
  // (re)assigned by resize(), in the constructor too (docs/performance.md, "Fields stored once")
  private rows = new Uint32Array(0);
  private vals = new Float64Array(0);
  /** dup-ACK rows of fast retransmissions: [start, count) into dupList, per record (start = -1: none). */
  private dupStart = new Int32Array(0);
  private dupCount = new Uint16Array(0);
  private dupList: number[] = [];
  n = 0;

  constructor() {
    this.resize(256);
  }

  exportState(): WhyStoreState {
    return { rows: this.rows, vals: this.vals, dupStart: this.dupStart, dupCount: this.dupCount, dupList: this.dupList, n: this.n };
  }

  importState(st: WhyStoreState): void {
    this.rows = st.rows;
    this.vals = st.vals;
    this.dupStart = st.dupStart;
    this.dupCount = st.dupCount;
    this.dupList = st.dupList;
    this.n = st.n;
  }

  /** Start a record for `row`; returns its slot. All fields absent except the four given. */
  add(row: number, bits: number, next: number, seq: number, len: number): number {
    if (this.n === this.rows.length) this.grow();
    const k = this.n++;
    this.rows[k] = row;
    const v = this.vals;
    const o = k * NF;
    v.fill(NaN, o, o + NF);
    v[o] = bits;
    v[o + 1] = next;
    v[o + 2] = seq;
    v[o + 3] = len;
    this.dupStart[k] = -1;
    return k;
  }

  set(slot: number, field: Field, value: number | boolean): void {
    this.vals[slot * NF + IDX[field]] = typeof value === "boolean" ? (value ? 1 : 0) : value;
  }

  /** The first `n` entries of `rows` are the dup-ACK rows of the record in `slot`. */
  setDupRows(slot: number, rows: readonly number[], n: number): void {
    this.dupStart[slot] = this.dupList.length;
    this.dupCount[slot] = Math.min(n, 65535);
    for (let i = 0; i < n; i++) this.dupList.push(rows[i]);
  }

  private grow(): void {
    this.resize(this.rows.length * 2);
  }

  /** Capacity `cap` records, keeping the first n. */
  private resize(cap: number): void {
    const rows = new Uint32Array(cap);
    rows.set(this.rows.subarray(0, this.n));
    const vals = new Float64Array(cap * NF);
    vals.set(this.vals.subarray(0, this.n * NF));
    const ds = new Int32Array(cap);
    ds.set(this.dupStart.subarray(0, this.n));
    const dc = new Uint16Array(cap);
    dc.set(this.dupCount.subarray(0, this.n));
    this.rows = rows;
    this.vals = vals;
    this.dupStart = ds;
    this.dupCount = dc;
  }

  /** The record of `row` as a WhyRecord object, or undefined. */
  get(row: number): WhyRecord | undefined {
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.rows[mid];
      if (r === row) return this.materialize(mid);
      if (r < row) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  private materialize(k: number): WhyRecord {
    const o = k * NF;
    const v = this.vals;
    const rec: Record<string, unknown> = {};
    for (let i = 0; i < NF; i++) if (!Number.isNaN(v[o + i])) rec[FIELDS[i]] = v[o + i];
    if (rec.irttKnown !== undefined) rec.irttKnown = rec.irttKnown === 1;
    if (this.dupStart[k] >= 0) rec.dupRows = this.dupList.slice(this.dupStart[k], this.dupStart[k] + this.dupCount[k]);
    return rec as unknown as WhyRecord;
  }
}
