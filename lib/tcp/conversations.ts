/**
 * The conversation table of the TCP analysis: canonical (unordered) 4-tuple → the latest tcp.stream index
 * using it, as Wireshark's conversation lookup (a reused 4-tuple maps to its newest stream). Open addressing
 * in one Int32Array, 4 slots per entry [addrA, addrB, packed ports, stream or -1], so that a probe touches
 * one cache line; the last hit is remembered (consecutive packets mostly belong to one connection).
 */

function hash3(a: number, b: number, p: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ p, 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

export class Conversations {
  private cap = 0;
  private used = 0;
  private h = new Int32Array(0);
  // canonical key of the last canon() call
  private kA = 0;
  private kB = 0;
  private kP = 0;
  // the last key found or added, and its stream
  private lastA = -1;
  private lastB = -1;
  private lastP = -1;
  private lastStream = -1;

  constructor() {
    // h and cap assigned a second time (docs/performance.md, "fields stored once")
    this.rehash(1024);
  }

  /** Canonical key of an unordered 4-tuple: lower endpoint first, ports packed into one u32. */
  private canon(src: number, sp: number, dst: number, dp: number): void {
    if (src < dst || (src === dst && sp <= dp)) {
      this.kA = src;
      this.kB = dst;
      this.kP = (sp << 16) | dp;
    } else {
      this.kA = dst;
      this.kB = src;
      this.kP = (dp << 16) | sp;
    }
  }

  /** The latest stream of the 4-tuple (either direction), or -1. No allocation. */
  find(src: number, sp: number, dst: number, dp: number): number {
    this.canon(src, sp, dst, dp);
    const a = this.kA;
    const b = this.kB;
    const p = this.kP;
    if (a === this.lastA && b === this.lastB && p === this.lastP) return this.lastStream;
    const mask = this.cap - 1;
    const h = this.h;
    let i = hash3(a, b, p) & mask;
    for (;;) {
      const o = i << 2;
      const v = h[o + 3];
      if (v < 0) return -1;
      if (h[o] === a && h[o + 1] === b && h[o + 2] === p) {
        this.remember(a, b, p, v);
        return v;
      }
      i = (i + 1) & mask;
    }
  }

  /** Map the 4-tuple to `stream` (a reused 4-tuple: the latest stream wins). */
  add(src: number, sp: number, dst: number, dp: number, stream: number): void {
    this.canon(src, sp, dst, dp);
    const a = this.kA;
    const b = this.kB;
    const p = this.kP;
    if ((this.used + 1) * 2 > this.cap) this.rehash(this.cap * 2);
    const mask = this.cap - 1;
    const h = this.h;
    let i = hash3(a, b, p) & mask;
    for (;;) {
      const o = i << 2;
      if (h[o + 3] < 0) {
        this.used++;
        break;
      }
      if (h[o] === a && h[o + 1] === b && h[o + 2] === p) break;
      i = (i + 1) & mask;
    }
    const o = i << 2;
    h[o] = a;
    h[o + 1] = b;
    h[o + 2] = p;
    h[o + 3] = stream;
    this.remember(a, b, p, stream);
  }

  private remember(a: number, b: number, p: number, stream: number): void {
    this.lastA = a;
    this.lastB = b;
    this.lastP = p;
    this.lastStream = stream;
  }

  /** Resize to `cap` entries (a power of two), re-inserting every entry. */
  private rehash(cap: number): void {
    const old = this.h;
    const h = new Int32Array(cap * 4).fill(-1);
    const mask = cap - 1;
    for (let o = 0; o < old.length; o += 4) {
      if (old[o + 3] < 0) continue;
      let i = hash3(old[o], old[o + 1], old[o + 2]) & mask;
      while (h[(i << 2) + 3] >= 0) i = (i + 1) & mask;
      h.set(old.subarray(o, o + 4), i << 2);
    }
    this.h = h;
    this.cap = cap;
  }
}
