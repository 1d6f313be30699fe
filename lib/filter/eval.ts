/**
 * Column-at-a-time evaluation: a field's occurrences in every row, and the kernels that turn them
 * into row masks (one byte per row). No object per row: occurrences are typed-array columns with a
 * presence mask (a fixed number of "slots" per field: tcp.port = srcport, dstport), string-dictionary
 * ids whose conversion and test results are cached per distinct id (addresses, names), or — for
 * fields with a variable number of occurrences (DNS answers, cipher suites, SACK blocks) — a CSR
 * layout: row r's values are vals[off[r] .. off[r+1]).
 */
import type { PacketTable } from "../table/packet-table";
import type { FilterSource } from "./source";
import { PacketBytes } from "./source";
import type { Value } from "./values";

export type Mask = Uint8Array;

/** Packet bytes are needed but cannot be read (capture read from memory without its bytes, file gone). */
export class BytesUnavailable extends Error {}

export interface Slot {
  /** 1 where the slot holds a value. */
  has: Mask;
  /** The value (num) or string-dictionary id (id) of each row. */
  v: ArrayLike<number>;
}

/** id → value conversion, memoized per distinct id. */
export class Conv {
  private readonly cache = new Map<number, Value | null>();
  constructor(private readonly f: (id: number) => Value | null) {}
  get(id: number): Value | null {
    let v = this.cache.get(id);
    if (v === undefined) {
      v = this.f(id);
      this.cache.set(id, v);
    }
    return v;
  }
}

export type Occ =
  | { t: "num"; slots: Slot[] }
  | { t: "id"; slots: Slot[]; conv: Conv; /** ids are below this (string-dictionary size), when known */ space?: number }
  | { t: "gen"; off: Int32Array; vals: Value[] }
  /**
   * At most one value per row, computed when asked (packet bytes): `get(r)` may return a view that is
   * valid until the next call. Tests run row by row on the rows of `has` the context needs; nothing is kept.
   */
  | { t: "lazy"; has: Mask; cand: Mask | null; get: (r: number) => Value | null };

/** Layer masks of each table, shared by the filters evaluated on it (see Ctx.layer). */
const LAYER_MASKS = new WeakMap<PacketTable, { n: number; masks: Map<string, { m: Mask; count: number }> }>();

/** Evaluation state of one filter over one source: cached columns and masks, the packet-bytes reader. */
export class Ctx {
  readonly n: number;
  readonly t: PacketTable;
  /** Rows whose result matters for the node being evaluated (null: all). Row-by-row fields compute only these. */
  cand: Mask | null = null;
  private readonly cache = new Map<string, unknown>();
  /** Number of rows set in masks made by layer() (to skip empty slots). */
  private readonly counts = new WeakMap<Mask, number>();
  private reader: PacketBytes | null = null;

  constructor(readonly src: FilterSource) {
    this.t = src.packets;
    this.n = src.packets.length;
  }

  memo<T>(key: string, f: () => T): T {
    let v = this.cache.get(key) as T | undefined;
    if (v === undefined) {
      v = f();
      this.cache.set(key, v);
    }
    return v;
  }

  /**
   * Rows where (layers & any) ≠ 0, (layers & all) = all and (layers & none) = 0. Kept with the table
   * for later filters (a table does not change once read): most filters start from the same few masks.
   */
  layer(any: number, none = 0, all = 0): Mask {
    const key = `L${any}/${none}/${all}`;
    let shared = LAYER_MASKS.get(this.t);
    if (shared === undefined || shared.n !== this.n) LAYER_MASKS.set(this.t, (shared = { n: this.n, masks: new Map() }));
    const hit = shared.masks.get(key);
    if (hit !== undefined) {
      this.counts.set(hit.m, hit.count);
      return hit.m;
    }
    const m = this.computeLayer(any, none, all);
    shared.masks.set(key, { m, count: this.counts.get(m)! });
    return m;
  }

  private computeLayer(any: number, none: number, all: number): Mask {
    return this.memo(`L${any}/${none}/${all}`, () => {
      const L = this.t.layers;
      const n = this.n;
      const m = new Uint8Array(n);
      let count = 0;
      for (let r = 0; r < n; r++) {
        const l = L[r];
        const x = (any === 0 || (l & any) !== 0) && (l & none) === 0 && (l & all) === all ? 1 : 0;
        m[r] = x;
        count += x;
      }
      this.counts.set(m, count);
      return m;
    });
  }

  /** True when the mask is known (from layer()) to have no row set. */
  isEmpty(m: Mask): boolean {
    return this.counts.get(m) === 0;
  }

  /** The slots whose presence mask is not known to be empty (at least one slot is kept). */
  live(slots: Slot[]): Slot[] {
    const out = slots.filter((s) => this.counts.get(s.has) !== 0);
    return out.length > 0 ? out : slots.slice(0, 1);
  }

  /** `base` rows where pred(row) holds (pred called only on base rows). */
  refine(key: string, base: Mask, pred: (r: number) => boolean): Mask {
    return this.memo(key, () => {
      const m = new Uint8Array(this.n);
      for (let r = 0; r < this.n; r++) if (base[r] && pred(r)) m[r] = 1;
      return m;
    });
  }

  /** The packet-bytes reader (opened on first use); throws BytesUnavailable when the bytes cannot be read. */
  get bytes(): PacketBytes {
    if (this.reader === null) {
      const r = new PacketBytes(this.src);
      const why = r.unavailable();
      if (why !== null) throw new BytesUnavailable(why);
      this.reader = r;
    }
    return this.reader;
  }

  /** Rows of `has` that the current node needs. */
  wanted(has: Mask): Mask {
    const c = this.cand;
    if (c === null) return has;
    const m = new Uint8Array(this.n);
    for (let r = 0; r < this.n; r++) m[r] = has[r] & c[r];
    return m;
  }

  close(): void {
    this.reader?.close();
    this.reader = null;
  }
}

/** A single-slot numeric occurrence. */
export function numOcc(has: Mask, v: ArrayLike<number>): Occ {
  return { t: "num", slots: [{ has, v }] };
}

/**
 * Build a CSR occurrence by calling `f(row, push)` for each row of `has` the context needs; `f` pushes
 * the row's values in order.
 */
export function genOcc(c: Ctx, has: Mask, f: (row: number, push: (v: Value) => void) => void): Occ {
  const need = c.wanted(has);
  const n = c.n;
  const off = new Int32Array(n + 1);
  const vals: Value[] = [];
  const push = (v: Value) => {
    vals.push(v);
  };
  for (let r = 0; r < n; r++) {
    off[r] = vals.length;
    if (need[r]) f(r, push);
  }
  off[n] = vals.length;
  return { t: "gen", off, vals };
}

/** Per-row numbers computed by `f` (NaN = absent) for the wanted rows of `has`. */
export function computedNum(c: Ctx, has: Mask, f: (row: number) => number): Occ {
  const need = c.wanted(has);
  const n = c.n;
  const v = new Float64Array(n);
  const h = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    if (!need[r]) continue;
    const x = f(r);
    if (x === x) {
      v[r] = x;
      h[r] = 1;
    }
  }
  return numOcc(h, v);
}

export function existsMask(o: Occ, n: number): Mask {
  if (o.t === "lazy") {
    const m = new Uint8Array(n);
    for (let r = 0; r < n; r++) if (o.has[r] && (o.cand === null || o.cand[r]) && o.get(r) !== null) m[r] = 1;
    return m;
  }
  if (o.t === "gen") {
    const m = new Uint8Array(n);
    for (let r = 0; r < n; r++) m[r] = o.off[r + 1] > o.off[r] ? 1 : 0;
    return m;
  }
  if (o.slots.length === 1) return o.slots[0].has;
  const m = new Uint8Array(n);
  for (const s of o.slots) orInto(m, s.has);
  return m;
}

export function orInto(dst: Mask, src: Mask): void {
  for (let r = 0; r < dst.length; r++) dst[r] |= src[r];
}
export function andInto(dst: Mask, src: Mask): void {
  for (let r = 0; r < dst.length; r++) dst[r] &= src[r];
}

export type NumOp = 0 | 1 | 2 | 3 | 4 | 5; // == != > < >= <=

/** Per-slot numeric comparison with a constant: hit[r] = has[r] && v[r] op k. */
function numSlotMask(s: Slot, op: NumOp, k: number, n: number): Mask {
  const m = new Uint8Array(n);
  const has = s.has;
  const v = s.v;
  switch (op) {
    case 0:
      for (let r = 0; r < n; r++) m[r] = has[r] & (v[r] === k ? 1 : 0);
      break;
    case 1:
      for (let r = 0; r < n; r++) m[r] = has[r] & (v[r] !== k ? 1 : 0);
      break;
    case 2:
      for (let r = 0; r < n; r++) m[r] = has[r] & (v[r] > k ? 1 : 0);
      break;
    case 3:
      for (let r = 0; r < n; r++) m[r] = has[r] & (v[r] < k ? 1 : 0);
      break;
    case 4:
      for (let r = 0; r < n; r++) m[r] = has[r] & (v[r] >= k ? 1 : 0);
      break;
    case 5:
      for (let r = 0; r < n; r++) m[r] = has[r] & (v[r] <= k ? 1 : 0);
      break;
  }
  return m;
}

/**
 * Rows where any occurrence (mode "any") or every occurrence, with at least one (mode "all"),
 * satisfies `v op k` — numeric fast path.
 */
export function cmpNumConst(o: Occ & { t: "num" }, op: NumOp, k: number, mode: "any" | "all", n: number): Mask {
  if (mode === "any") {
    if (o.slots.length === 1) return numSlotMask(o.slots[0], op, k, n);
    if (o.slots.length === 2 && op === 0) {
      // the common multi-occurrence case (tcp.port == k): one pass
      const m = new Uint8Array(n);
      const h0 = o.slots[0].has;
      const v0 = o.slots[0].v;
      const h1 = o.slots[1].has;
      const v1 = o.slots[1].v;
      for (let r = 0; r < n; r++) m[r] = (h0[r] & (v0[r] === k ? 1 : 0)) | (h1[r] & (v1[r] === k ? 1 : 0));
      return m;
    }
    const m = new Uint8Array(n);
    for (const s of o.slots) orInto(m, numSlotMask(s, op, k, n));
    return m;
  }
  // all: present in some slot, and no present slot fails
  const inv = ([1, 0, 5, 4, 3, 2] as const)[op];
  const any = new Uint8Array(n);
  const fail = new Uint8Array(n);
  for (const s of o.slots) {
    orInto(any, s.has);
    orInto(fail, numSlotMask(s, inv, k, n));
  }
  for (let r = 0; r < n; r++) any[r] &= fail[r] ^ 1;
  return any;
}

/** Rows where any / all occurrences satisfy `pred` (generic path; id occurrences test each distinct id once). */
export function predMask(o: Occ, pred: (v: Value) => boolean, mode: "any" | "all", n: number, cand: Mask | null): Mask {
  const m = new Uint8Array(n);
  if (o.t === "lazy") {
    // one value per row: "any" and "all" agree
    for (let r = 0; r < n; r++) {
      if (!o.has[r] || (cand !== null && !cand[r]) || (o.cand !== null && !o.cand[r])) continue;
      const v = o.get(r);
      if (v !== null && pred(v)) m[r] = 1;
    }
    return m;
  }
  if (o.t === "gen") {
    const { off, vals } = o;
    for (let r = 0; r < n; r++) {
      const a = off[r];
      const b = off[r + 1];
      if (a === b || (cand !== null && !cand[r])) continue;
      let res: boolean;
      if (mode === "any") {
        res = false;
        for (let i = a; i < b; i++) if (pred(vals[i])) {
          res = true;
          break;
        }
      } else {
        res = true;
        for (let i = a; i < b; i++) if (!pred(vals[i])) {
          res = false;
          break;
        }
      }
      m[r] = res ? 1 : 0;
    }
    return m;
  }
  if (o.t === "id") return idMask(o, pred, mode, n, cand);
  return slotsMask(o.slots, (v) => (pred(v) ? 1 : 0), mode, n, cand, o);
}

/** Id occurrences: each distinct id converted and tested once, results cached in a typed array. */
function idMask(o: Occ & { t: "id" }, pred: (v: Value) => boolean, mode: "any" | "all", n: number, cand: Mask | null): Mask {
  let max = o.space !== undefined ? o.space - 1 : 0;
  if (o.space === undefined) {
    for (const s of o.slots) {
      const v = s.v;
      const has = s.has;
      for (let r = 0; r < n; r++) if (has[r] && v[r] > max) max = v[r];
    }
  }
  const cache = new Int8Array(max + 1).fill(-1);
  const conv = o.conv;
  const test = (id: number): number => {
    const x = conv.get(id);
    const res = x !== null && pred(x) ? 1 : 0;
    cache[id] = res;
    return res;
  };
  const m = new Uint8Array(n);
  if (mode === "any") {
    for (const s of o.slots) {
      const has = s.has;
      const v = s.v;
      for (let r = 0; r < n; r++) {
        if (!has[r] || (cand !== null && !cand[r])) continue;
        const id = v[r];
        let x = cache[id];
        if (x < 0) x = test(id);
        m[r] |= x;
      }
    }
    return m;
  }
  const fail = new Uint8Array(n);
  const any = new Uint8Array(n);
  for (const s of o.slots) {
    const has = s.has;
    const v = s.v;
    for (let r = 0; r < n; r++) {
      if (!has[r] || (cand !== null && !cand[r])) continue;
      any[r] = 1;
      const id = v[r];
      let x = cache[id];
      if (x < 0) x = test(id);
      fail[r] |= x ^ 1;
    }
  }
  for (let r = 0; r < n; r++) m[r] = any[r] & (fail[r] ^ 1);
  return m;
}

function slotsMask(slots: Slot[], test: (v: number) => number, mode: "any" | "all", n: number, cand: Mask | null, o: Occ): Mask {
  const m = new Uint8Array(n);
  // a repeated id in a run of rows is tested once
  if (mode === "any") {
    for (const s of slots) {
      const has = s.has;
      const v = s.v;
      let lastV = NaN;
      let lastRes = 0;
      for (let r = 0; r < n; r++) {
        if (!has[r] || m[r] || (cand !== null && !cand[r])) continue;
        const x = v[r];
        if (x !== lastV) {
          lastV = x;
          lastRes = test(x);
        }
        m[r] = lastRes;
      }
    }
    return m;
  }
  const any = existsMask(o, n);
  const fail = new Uint8Array(n);
  for (const s of slots) {
    const has = s.has;
    const v = s.v;
    for (let r = 0; r < n; r++) if (has[r] && !fail[r] && (cand === null || cand[r])) fail[r] = test(v[r]) ^ 1;
  }
  for (let r = 0; r < n; r++) m[r] = any[r] & (fail[r] ^ 1) & (cand === null ? 1 : cand[r]);
  return m;
}

/** Occurrences as CSR values (numbers stay numbers; ids become their converted values). */
export function toGen(o: Occ, n: number, cand: Mask | null): Occ & { t: "gen" } {
  if (o.t === "gen") return o;
  if (o.t === "lazy") {
    const off = new Int32Array(n + 1);
    const vals: Value[] = [];
    for (let r = 0; r < n; r++) {
      off[r] = vals.length;
      if (!o.has[r] || (cand !== null && !cand[r]) || (o.cand !== null && !o.cand[r])) continue;
      const v = o.get(r);
      if (v !== null) vals.push(v instanceof Uint8Array ? v.slice() : v);
    }
    off[n] = vals.length;
    return { t: "gen", off, vals };
  }
  const off = new Int32Array(n + 1);
  const vals: Value[] = [];
  for (let r = 0; r < n; r++) {
    off[r] = vals.length;
    if (cand !== null && !cand[r]) continue;
    for (const s of o.slots) {
      if (!s.has[r]) continue;
      if (o.t === "num") vals.push(s.v[r]);
      else {
        const v = o.conv.get(s.v[r]);
        if (v !== null) vals.push(v);
      }
    }
  }
  off[n] = vals.length;
  return { t: "gen", off, vals };
}

/** Apply `f` to every occurrence (null drops it). Id occurrences keep their ids with a composed conversion. */
export function mapOcc(o: Occ, f: (v: Value) => Value | null, n: number, cand: Mask | null): Occ {
  if (o.t === "lazy") {
    const get = o.get;
    return { t: "lazy", has: o.has, cand: o.cand, get: (r) => {
      const v = get(r);
      return v === null ? null : f(v);
    } };
  }
  if (o.t === "id") {
    const inner = o.conv;
    return { t: "id", slots: o.slots, space: o.space, conv: new Conv((id) => {
      const v = inner.get(id);
      return v === null ? null : f(v);
    }) };
  }
  const g = toGen(o, n, cand);
  const off = new Int32Array(n + 1);
  const vals: Value[] = [];
  for (let r = 0; r < n; r++) {
    off[r] = vals.length;
    for (let i = g.off[r]; i < g.off[r + 1]; i++) {
      const v = f(g.vals[i]);
      if (v !== null) vals.push(v);
    }
  }
  off[n] = vals.length;
  return { t: "gen", off, vals };
}

/** Rows where some pair (any) / every pair, with at least one (all), of occurrences of a and b satisfies pred. */
export function cartesian(a: Occ, b: Occ, pred: (x: Value, y: Value) => boolean, mode: "any" | "all", n: number, cand: Mask | null): Mask {
  const ga = toGen(a, n, cand);
  const gb = toGen(b, n, cand);
  const m = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const a0 = ga.off[r];
    const a1 = ga.off[r + 1];
    const b0 = gb.off[r];
    const b1 = gb.off[r + 1];
    if (a0 === a1 || b0 === b1) continue;
    let res = mode === "all";
    outer: for (let i = a0; i < a1; i++) {
      for (let j = b0; j < b1; j++) {
        const p = pred(ga.vals[i], gb.vals[j]);
        if (mode === "any" && p) {
          res = true;
          break outer;
        }
        if (mode === "all" && !p) {
          res = false;
          break outer;
        }
      }
    }
    m[r] = res ? 1 : 0;
  }
  return m;
}

/** Per-row combination of two operands' occurrences (arithmetic between fields): every pair. */
export function combine(a: Occ, b: Occ, f: (x: Value, y: Value) => Value | null, n: number, cand: Mask | null): Occ {
  const ga = toGen(a, n, cand);
  const gb = toGen(b, n, cand);
  const off = new Int32Array(n + 1);
  const vals: Value[] = [];
  for (let r = 0; r < n; r++) {
    off[r] = vals.length;
    for (let i = ga.off[r]; i < ga.off[r + 1]; i++) {
      for (let j = gb.off[r]; j < gb.off[r + 1]; j++) {
        const v = f(ga.vals[i], gb.vals[j]);
        if (v !== null) vals.push(v);
      }
    }
  }
  off[n] = vals.length;
  return { t: "gen", off, vals };
}

/** Number of occurrences per row (rows with none: absent, as Wireshark's count()). */
export function countOcc(o: Occ, n: number): Occ {
  const v = new Uint32Array(n);
  const has = new Uint8Array(n);
  if (o.t === "lazy") {
    const e = existsMask(o, n);
    for (let r = 0; r < n; r++) v[r] = e[r];
  } else if (o.t === "gen") {
    for (let r = 0; r < n; r++) v[r] = o.off[r + 1] - o.off[r];
  } else {
    for (const s of o.slots) for (let r = 0; r < n; r++) v[r] += s.has[r];
  }
  for (let r = 0; r < n; r++) has[r] = v[r] > 0 ? 1 : 0;
  return numOcc(has, v);
}

/** Rows where some occurrence of a numeric field lies in one of the closed intervals [lo[i], hi[i]] (`in {…}`). */
export function inNumSet(o: Occ & { t: "num" }, lo: Float64Array, hi: Float64Array, n: number): Mask {
  const m = new Uint8Array(n);
  const k = lo.length;
  for (const s of o.slots) {
    const has = s.has;
    const v = s.v;
    for (let r = 0; r < n; r++) {
      if (!has[r] || m[r]) continue;
      const x = v[r];
      for (let i = 0; i < k; i++) {
        if (x >= lo[i] && x <= hi[i]) {
          m[r] = 1;
          break;
        }
      }
    }
  }
  return m;
}

/** A lazy occurrence over the rows of `has` the context needs (see Occ "lazy"). */
export function lazyOcc(c: Ctx, has: Mask, get: (r: number) => Value | null): Occ {
  return { t: "lazy", has, cand: c.cand, get };
}
