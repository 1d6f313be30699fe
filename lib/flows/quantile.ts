/** Quantiles of float64 ranges without sorting them (quickselect), and the flows' RTT quantiles. */
import type { TraceSamples } from "../tcptrace/stream-trace";
import { SampleKind } from "../tcptrace/engine";

/**
 * The q-quantile of a[lo, hi) with linear interpolation between order statistics (numpy's default):
 * x_k + (x_k+1 − x_k)·frac for k = ⌊(n − 1)q⌋. Reorders the range instead of sorting it: quickselect
 * puts x_k at k with nothing smaller after it, x_k+1 is then the least of the rest. `from` (≤ k) may
 * skip a prefix a previous call left not greater than everything after it.
 */
export function quantileOf(a: Float64Array, lo: number, hi: number, q: number, from = lo): number {
  const pos = (hi - lo - 1) * q;
  const fl = Math.floor(pos);
  const k = lo + fl;
  select(a, from, hi, k);
  const x = a[k];
  if (fl === pos) return x;
  let y = Infinity;
  for (let i = k + 1; i < hi; i++) if (a[i] < y) y = a[i];
  return x + (y - x) * (pos - fl);
}

/** Reorder a[lo, hi) so that a[k] is its k-th smallest, nothing after it smaller, nothing before it greater. */
export function select(a: Float64Array, lo: number, hi: number, k: number): void {
  let l = lo;
  let r = hi - 1;
  while (r - l > 16) {
    const m = (l + r) >>> 1;
    // median of three as the pivot
    if (a[m] < a[l]) swap(a, m, l);
    if (a[r] < a[l]) swap(a, r, l);
    if (a[r] < a[m]) swap(a, r, m);
    const p = a[m];
    let i = l;
    let j = r;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return; // a(j, i) all equal the pivot
  }
  for (let i = l + 1; i <= r; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= l && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** Median and p95 of the Karn-valid RTT samples of each flow direction (seconds). */
export function rttQuantiles(samples: TraceSamples, nFlows: number, med: Float64Array[], p95: Float64Array[]): void {
  const m = samples.flow.n;
  const cnt = new Int32Array(nFlows * 2 + 1);
  const sf = samples.flow.a, sd = samples.dir.a, sk = samples.kind.a, su = samples.us.a;
  for (let i = 0; i < m; i++) if (sk[i] === SampleKind.VALID) cnt[sf[i] * 2 + sd[i] + 1]++;
  for (let k = 0; k < nFlows * 2; k++) cnt[k + 1] += cnt[k];
  const vals = new Float64Array(cnt[nFlows * 2]);
  const pos = cnt.slice(0, nFlows * 2);
  for (let i = 0; i < m; i++) if (sk[i] === SampleKind.VALID) vals[pos[sf[i] * 2 + sd[i]]++] = su[i] / 1e6;
  for (let k = 0; k < nFlows * 2; k++) {
    const lo = cnt[k], hi = cnt[k + 1];
    if (hi === lo) continue;
    med[k & 1][k >> 1] = quantileOf(vals, lo, hi, 0.5);
    // the median's call left everything from its order statistic on not smaller than what precedes it
    p95[k & 1][k >> 1] = quantileOf(vals, lo, hi, 0.95, lo + Math.floor((hi - lo - 1) * 0.5));
  }
}
