/**
 * 32-bit TCP sequence-number arithmetic (RFC 1982 serial numbers): comparisons and differences that stay
 * right across the wrap from 2^32 − 1 to 0. Takes uint32 or int32 values alike.
 */

/** Signed difference a − b of two sequence numbers. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** a after b. */
export function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

/** a before b. */
export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** a before or at b. */
export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}
