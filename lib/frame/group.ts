/** Grouping and ordering of table rows by key columns, on typed arrays (no object per row). */
import { isNull, type Vector } from "./vector";

/**
 * Dense group codes for n positions: codes[i] ∈ 0..count-1, or -1 for a dropped row (a null key
 * when nulls are dropped). Codes are numbered in order of first appearance; first[g] is the first
 * position of group g.
 */
export interface Grouping {
  codes: Int32Array;
  count: number;
  first: Int32Array;
}

/** Base row of position i: `rows ? rows[i] : i`. */
export type Rows = Uint32Array | null;

/** Group the positions 0..n-1 by one column. */
export function groupOne(v: Vector, rows: Rows, n: number, keepNull: boolean): Grouping {
  const codes = new Int32Array(n);
  const first: number[] = [];
  const vals = v.values;
  let nullCode = -1;
  const onNull = (i: number): number => {
    if (!keepNull) return -1;
    if (nullCode < 0) {
      nullCode = first.length;
      first.push(i);
    }
    return nullCode;
  };
  let slots: Int32Array | undefined;
  let offset = 0;
  if (v.type === "string") slots = new Int32Array(v.dict!.length);
  else if (v.type === "bool") slots = new Int32Array(2);
  else if (v.type !== "float64" && v.type !== "float32") {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const r = rows ? rows[i] : i;
      const x = vals[r];
      if (x < min) min = x;
      if (x > max) max = x;
    }
    if (max - min < Math.max(1 << 16, 2 * n)) {
      slots = new Int32Array(Math.max(0, max - min + 1));
      offset = min;
    }
  }
  if (slots) {
    slots.fill(-1);
    for (let i = 0; i < n; i++) {
      const r = rows ? rows[i] : i;
      if (isNull(v, r)) {
        codes[i] = onNull(i);
        continue;
      }
      const s = vals[r] - offset;
      let c = slots[s];
      if (c < 0) {
        c = slots[s] = first.length;
        first.push(i);
      }
      codes[i] = c;
    }
  } else {
    const map = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const r = rows ? rows[i] : i;
      if (isNull(v, r)) {
        codes[i] = onNull(i);
        continue;
      }
      const x = vals[r] + 0; // -0 → 0
      let c = map.get(x);
      if (c === undefined) {
        c = first.length;
        map.set(x, c);
        first.push(i);
      }
      codes[i] = c;
    }
  }
  return { codes, count: first.length, first: Int32Array.from(first) };
}

/** Combine two groupings of the same positions into one (groups = distinct pairs). */
export function combine(a: Grouping, b: Grouping): Grouping {
  const n = a.codes.length;
  const codes = new Int32Array(n);
  const first: number[] = [];
  const nb = b.count;
  const dense = a.count * nb <= Math.max(1 << 20, 4 * n);
  const slots = dense ? new Int32Array(a.count * nb).fill(-1) : undefined;
  const map = dense ? undefined : new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const ca = a.codes[i];
    const cb = b.codes[i];
    if (ca < 0 || cb < 0) {
      codes[i] = -1;
      continue;
    }
    const key = ca * nb + cb;
    let c = slots ? slots[key] : (map!.get(key) ?? -1);
    if (c < 0) {
      c = first.length;
      if (slots) slots[key] = c;
      else map!.set(key, c);
      first.push(i);
    }
    codes[i] = c;
  }
  return { codes, count: first.length, first: Int32Array.from(first) };
}

/**
 * A numeric sort key per position for one column: the value (numbers, booleans) or the rank of the
 * string in code-unit order; NaN for null.
 */
export function sortKey(v: Vector, rows: Rows, n: number): Float64Array {
  const key = new Float64Array(n);
  const vals = v.values;
  let rank: Int32Array | undefined;
  if (v.type === "string") rank = dictRanks(v.dict!);
  for (let i = 0; i < n; i++) {
    const r = rows ? rows[i] : i;
    if (isNull(v, r)) key[i] = NaN;
    else key[i] = rank ? rank[vals[r]] : vals[r];
  }
  return key;
}

const rankCache = new WeakMap<readonly string[], Int32Array>();

/** rank[id] = position of dict[id] in code-unit order (equal strings: equal rank). */
export function dictRanks(dict: readonly string[]): Int32Array {
  let rank = rankCache.get(dict);
  if (rank) return rank;
  const ids = Array.from(dict.keys()).sort((a, b) => (dict[a] < dict[b] ? -1 : dict[a] > dict[b] ? 1 : 0));
  rank = new Int32Array(dict.length);
  let k = 0;
  for (let i = 0; i < ids.length; i++) {
    if (i > 0 && dict[ids[i]] !== dict[ids[i - 1]]) k++;
    rank[ids[i]] = k;
  }
  rankCache.set(dict, rank);
  return rank;
}

/**
 * Positions 0..n-1 ordered by the keys (first key first), stable, nulls (NaN keys) last in either
 * direction.
 */
export function orderBy(keys: Float64Array[], descending: boolean[], n: number): Uint32Array {
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (keys.length === 1) {
    const k = keys[0];
    const counted = countingOrder(k, descending[0], n);
    if (counted) return counted;
    const dir = descending[0] ? -1 : 1;
    return idx.sort((a, b) => {
      const x = k[a];
      const y = k[b];
      if (x === y) return a - b;
      if (x !== x) return y !== y ? a - b : 1;
      if (y !== y) return -1;
      return (x < y ? -1 : 1) * dir;
    });
  }
  return idx.sort((a, b) => {
    for (let j = 0; j < keys.length; j++) {
      const x = keys[j][a];
      const y = keys[j][b];
      if (x === y || (x !== x && y !== y)) continue;
      if (x !== x) return 1;
      if (y !== y) return -1;
      return (x < y ? -1 : 1) * (descending[j] ? -1 : 1);
    }
    return a - b;
  });
}

/**
 * Stable counting sort of positions by an integer key with a small range (ports, lengths, stream
 * numbers, string ranks…): O(n + range). Undefined when the key is not such an integer key.
 */
function countingOrder(k: Float64Array, descending: boolean, n: number): Uint32Array | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = k[i];
    if (x !== x) continue;
    if (x !== Math.floor(x)) return undefined;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (min === Infinity) min = max = 0;
  const range = max - min + 1;
  if (range > Math.max(1 << 20, n)) return undefined;
  const starts = new Uint32Array(range + 1);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const x = k[i];
    if (x !== x) nulls++;
    else starts[(descending ? max - x : x - min) + 1]++;
  }
  for (let b = 0; b < range; b++) starts[b + 1] += starts[b];
  const out = new Uint32Array(n);
  let nullAt = n - nulls;
  for (let i = 0; i < n; i++) {
    const x = k[i];
    if (x !== x) out[nullAt++] = i;
    else out[starts[descending ? max - x : x - min]++] = i;
  }
  return out;
}

/** Positions grouped by code (counting sort, stable): group g is order[offsets[g] .. offsets[g+1]). */
export function bucket(g: Grouping): { order: Uint32Array; offsets: Int32Array } {
  const offsets = new Int32Array(g.count + 1);
  const codes = g.codes;
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) offsets[codes[i] + 1]++;
  for (let c = 0; c < g.count; c++) offsets[c + 1] += offsets[c];
  const order = new Uint32Array(offsets[g.count]);
  const fill = offsets.slice(0, g.count);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c >= 0) order[fill[c]++] = i;
  }
  return { order, offsets };
}
