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

/** Interns numeric keys (IPv4 addresses, 48-bit MACs) to string ids without building the string each time. */
export class NumberKeyCache {
  private readonly map = new Map<number, number>();
  constructor(private readonly dict: StringDict, private readonly format: (key: number) => string) {}
  id(key: number): number {
    let id = this.map.get(key);
    if (id === undefined) {
      id = this.dict.intern(this.format(key));
      this.map.set(key, id);
    }
    return id;
  }
}

/**
 * Interns fixed-size binary keys (1 word: IPv4; 2 words: MAC; 4 words: IPv6) to string ids with an
 * open-addressing hash table in typed arrays: no allocation and no string building per packet.
 * `format` is called once per distinct key.
 */
export class WordKeyInterner {
  private keys: Uint32Array;
  private ids: Int32Array;
  private cap: number;
  private count = 0;
  /** Scratch key the caller fills before calling `lookup()`. */
  readonly k: Uint32Array;

  constructor(private readonly dict: StringDict, private readonly words: number, private readonly format: (k: Uint32Array) => string) {
    this.cap = 1024;
    this.keys = new Uint32Array(this.cap * words);
    this.ids = new Int32Array(this.cap);
    this.k = new Uint32Array(words);
  }

  private slot(k: Uint32Array, cap: number): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < this.words; i++) h = Math.imul(h ^ k[i], 0x01000193);
    return (h ^ (h >>> 15)) & (cap - 1);
  }

  /** Id of the key in `this.k`. */
  lookup(): number {
    const k = this.k;
    const w = this.words;
    let s = this.slot(k, this.cap);
    for (;;) {
      const id = this.ids[s];
      if (id === 0) break;
      let eq = true;
      for (let i = 0; i < w; i++) if (this.keys[s * w + i] !== k[i]) { eq = false; break; }
      if (eq) return id;
      s = (s + 1) & (this.cap - 1);
    }
    const id = this.dict.intern(this.format(k));
    if (id === 0) return 0;
    this.ids[s] = id;
    for (let i = 0; i < w; i++) this.keys[s * w + i] = k[i];
    if (++this.count * 2 > this.cap) this.rehash();
    return id;
  }

  /** Shortcut for 1-word keys. */
  id1(a: number): number {
    this.k[0] = a;
    return this.lookup();
  }

  /** Shortcut for 2-word keys. */
  id2(a: number, b: number): number {
    this.k[0] = a;
    this.k[1] = b;
    return this.lookup();
  }

  private rehash(): void {
    const w = this.words;
    const oldKeys = this.keys;
    const oldIds = this.ids;
    const oldCap = this.cap;
    this.cap *= 2;
    this.keys = new Uint32Array(this.cap * w);
    this.ids = new Int32Array(this.cap);
    const tmp = new Uint32Array(w);
    for (let s = 0; s < oldCap; s++) {
      const id = oldIds[s];
      if (id === 0) continue;
      for (let i = 0; i < w; i++) tmp[i] = oldKeys[s * w + i];
      let t = this.slot(tmp, this.cap);
      while (this.ids[t] !== 0) t = (t + 1) & (this.cap - 1);
      this.ids[t] = id;
      for (let i = 0; i < w; i++) this.keys[t * w + i] = tmp[i];
    }
  }
}
