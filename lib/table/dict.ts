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
