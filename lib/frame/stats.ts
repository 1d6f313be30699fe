/** Order statistics on Float64Array scratch buffers (no allocation per call, O(n) selection). */

/**
 * Rearrange `a[lo..hi]` so that `a[k]` holds the value it would have after sorting, smaller or equal
 * values before it, greater or equal after it (Floyd–Rivest selection; NaN-free input).
 */
export function selectKth(a: Float64Array, k: number, lo = 0, hi = a.length - 1): void {
  while (hi > lo) {
    if (hi - lo > 600) {
      const n = hi - lo + 1;
      const m = k - lo + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLo = Math.max(lo, Math.floor(k - (m * s) / n + sd));
      const newHi = Math.min(hi, Math.floor(k + ((n - m) * s) / n + sd));
      selectKth(a, k, newLo, newHi);
    }
    const t = a[k];
    let i = lo;
    let j = hi;
    swap(a, lo, k);
    if (a[hi] > t) swap(a, lo, hi);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while (a[i] < t) i++;
      while (a[j] > t) j--;
    }
    if (a[lo] === t) swap(a, lo, j);
    else {
      j++;
      swap(a, j, hi);
    }
    if (j <= k) lo = j + 1;
    if (k <= j) hi = j - 1;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/**
 * Quantiles of `a[0..n-1]` with pandas' default linear interpolation (position q·(n−1)), for ascending
 * `qs`. Reorders `a`. Returns null for n = 0.
 */
export function quantiles(a: Float64Array, n: number, qs: readonly number[]): (number | null)[] {
  if (n === 0) return qs.map(() => null);
  const out: number[] = [];
  let lo = 0;
  for (const q of qs) {
    const pos = q * (n - 1);
    const k = Math.floor(pos);
    selectKth(a, k, lo, n - 1);
    const v = a[k];
    const frac = pos - k;
    if (frac > 0 && k + 1 < n) {
      // the next order statistic: the smallest value right of k
      let next = a[k + 1];
      for (let i = k + 2; i < n; i++) if (a[i] < next) next = a[i];
      out.push(v + (next - v) * frac);
    } else out.push(v);
    lo = k;
  }
  return out;
}

/** Median of a[0..n-1] (reorders a), null for n = 0. */
export function median(a: Float64Array, n: number): number | null {
  return quantiles(a, n, [0.5])[0];
}

/**
 * Quantiles of integer data from a histogram (counts[v - min]) — O(range), for small-range integer
 * columns; same interpolation as {@link quantiles}.
 */
export function histogramQuantiles(counts: Float64Array | Uint32Array, min: number, n: number, qs: readonly number[]): (number | null)[] {
  if (n === 0) return qs.map(() => null);
  const kth = (k: number): number => {
    let acc = 0;
    for (let i = 0; i < counts.length; i++) {
      acc += counts[i];
      if (acc > k) return min + i;
    }
    return min + counts.length - 1;
  };
  return qs.map((q) => {
    const pos = q * (n - 1);
    const k = Math.floor(pos);
    const v = kth(k);
    const frac = pos - k;
    return frac > 0 && k + 1 < n ? v + (kth(k + 1) - v) * frac : v;
  });
}
