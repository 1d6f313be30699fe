/**
 * String interning: every string-valued cell (addresses, protocol names, SNI, Info text of
 * application layers…) is stored as a u32 id into one StringDict per table. Id 0 is "absent".
 */
export class StringDict {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [""];

  /** Id of `s`, adding it if new. The empty string maps to 0 (absent). */
  intern(s: string): number {
    if (s === "") return 0;
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  get(id: number): string {
    return this.values[id] ?? "";
  }

  get size(): number {
    return this.values.length;
  }
}

/**
 * Interns binary addresses (IPv4: 1 word, MAC: 2 words, IPv6: 4 words) to string ids: an
 * open-addressing hash table in one typed array, each slot holding the key words and the id side by
 * side (a lookup touches one cache line), so a lookup allocates nothing and builds no string;
 * `format` runs once per distinct address. One instance holds one address kind and is used through
 * the matching method only (id1, id2 or id4). Key words may be given as uint32 or int32; callers on
 * hot paths pass int32 (docs/performance.md, "Boxed uint32"). The lookups are small enough for the JIT to inline into the
 * dissector; inserting and growing are kept out of line.
 */
export class AddressInterner {
  /** Slots of `stride` words: key words, then the id (0 = empty slot). */
  // slots / shift / mask (re)assigned by resize(), in the constructor too (docs/performance.md, "Fields stored once")
  private slots = new Int32Array(0);
  private readonly stride: number;
  /** Slot index = high bits of the hash: 32 − log2(number of slots). */
  private shift = 32;
  private mask = 0;
  private count = 0;

  /** `width`: words per key (1, 2 or 4), i.e. which of id1 / id2 / id4 this instance serves. */
  constructor(
    private readonly dict: StringDict,
    private readonly width: 1 | 2 | 4,
    private readonly format: (a: number, b: number, c: number, d: number) => string,
  ) {
    this.stride = width === 1 ? 2 : width === 2 ? 4 : 8;
    this.resize(1024);
  }

  /** Empty table of `n` slots (a power of two). */
  private resize(n: number): void {
    this.slots = new Int32Array(n * this.stride);
    this.mask = n - 1;
    this.shift = 32 - Math.log2(n);
  }

  /** Id of a 1-word key (IPv4). */
  id1(a: number): number {
    const t = this.slots;
    let s = hash1(a) >>> this.shift;
    for (;;) {
      const i = s << 1;
      const id = t[i + 1];
      if (id === 0) return this.insert(s, a, 0, 0, 0);
      if (t[i] === (a | 0)) return id;
      s = (s + 1) & this.mask;
    }
  }

  /** Id of a 2-word key (MAC: high 16 bits, low 32 bits). */
  id2(a: number, b: number): number {
    const t = this.slots;
    let s = hash2(a, b) >>> this.shift;
    for (;;) {
      const i = s << 2;
      const id = t[i + 2];
      if (id === 0) return this.insert(s, a, b, 0, 0);
      if (t[i + 1] === (b | 0) && t[i] === (a | 0)) return id;
      s = (s + 1) & this.mask;
    }
  }

  /** Id of a 4-word key (IPv6, big-endian words). */
  id4(a: number, b: number, c: number, d: number): number {
    const t = this.slots;
    let s = hash4(a, b, c, d) >>> this.shift;
    for (;;) {
      const i = s << 3;
      const id = t[i + 4];
      if (id === 0) return this.insert(s, a, b, c, d);
      if (t[i + 3] === (d | 0) && t[i + 2] === (c | 0) && t[i + 1] === (b | 0) && t[i] === (a | 0)) return id;
      s = (s + 1) & this.mask;
    }
  }

  private insert(s: number, a: number, b: number, c: number, d: number): number {
    const id = this.dict.intern(this.format(a >>> 0, b >>> 0, c >>> 0, d >>> 0));
    if (id === 0) return 0;
    this.put(s, a, b, c, d, id);
    if (++this.count * 2 > this.mask) this.grow();
    return id;
  }

  private put(s: number, a: number, b: number, c: number, d: number, id: number): void {
    const t = this.slots;
    const i = s * this.stride;
    t[i] = a;
    if (this.width > 1) t[i + 1] = b;
    if (this.width > 2) {
      t[i + 2] = c;
      t[i + 3] = d;
    }
    t[i + this.width] = id;
  }

  private grow(): void {
    const old = this.slots;
    const w = this.width;
    const st = this.stride;
    this.resize((old.length / st) * 2);
    for (let i = 0; i < old.length; i += st) {
      const id = old[i + w];
      if (id === 0) continue;
      const a = old[i];
      const b = w > 1 ? old[i + 1] : 0;
      const c = w > 2 ? old[i + 2] : 0;
      const d = w > 2 ? old[i + 3] : 0;
      const h = w === 1 ? hash1(a) : w === 2 ? hash2(a, b) : hash4(a, b, c, d);
      let s = h >>> this.shift;
      while (this.slots[s * st + w] !== 0) s = (s + 1) & this.mask;
      this.put(s, a, b, c, d, id);
    }
  }
}

function hash1(a: number): number {
  return Math.imul(a, 0x9e3779b1);
}

function hash2(a: number, b: number): number {
  return Math.imul(Math.imul(b, 0x85ebca6b) ^ a, 0x9e3779b1);
}

function hash4(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a, 0x85ebca6b) ^ b;
  h = Math.imul(h, 0xc2b2ae35) ^ c;
  h = Math.imul(h, 0x27d4eb2f) ^ d;
  return Math.imul(h ^ (h >>> 15), 0x9e3779b1);
}
