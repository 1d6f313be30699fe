import { StringDict } from "./dict";
import { STORAGE, type StorageColumns, type StorageDef, type StorageKey } from "./schema";


type ArrayCtor = StorageDef["array"];

/**
 * The base constructor that gives the table one field per typed array of the schema (lib/table/schema.ts),
 * in schema order, generated as straight-line named stores (docs/performance.md, "Fast properties").
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const ColumnFields = new Function(STORAGE.map((s) => `this.${s.key} = null;`).join("\n")) as unknown as new () => StorageColumns;

/**
 * The packet table: one row per frame, stored as typed-array columns (struct of arrays).
 * Rows are appended by the capture reader + dissector in one pass; nothing is allocated per packet.
 */
export class PacketTable extends ColumnFields {
  /** Number of rows. */
  length = 0;
  capacity: number;
  readonly strings = new StringDict();
  /** SACK blocks, 2 u32 per block (raw left edge, raw right edge); rows point into it with tcpSackIdx/tcpSackN. */
  sackEdges: Uint32Array = new Uint32Array(64);
  sackLen = 0;

  /**
   * The one hook for sharing the table with another thread (lib/read/ uses it; nothing else does): when
   * set, every column lives on a SharedArrayBuffer, `layout` counts column (re)allocations (another
   * thread's view of the table is stale when it differs) and `beforeGrow` runs before they happen.
   */
  readonly sharing: { layout: number; beforeGrow: (() => void) | null } | null;

  constructor(capacity = 1024, shared = false) {
    super();
    this.capacity = Math.max(16, capacity | 0);
    this.sharing = shared ? { layout: 0, beforeGrow: null } : null;
    if (shared) this.sackEdges = this.alloc(Uint32Array, 64);
    // every column field assigned twice: null by ColumnFields, then its array (docs/performance.md, "Fields stored once")
    for (const spec of STORAGE) if (!spec.lazy) (this as any)[spec.key] = this.alloc(spec.array, this.capacity);
  }

  private alloc<T extends ArrayCtor>(type: T, n: number): InstanceType<T> {
    const C = type as unknown as new (x: number | SharedArrayBuffer) => InstanceType<T>;
    return this.sharing !== null ? new C(new SharedArrayBuffer(n * type.BYTES_PER_ELEMENT)) : new C(n);
  }

  /** Allocate a lazy column (zero-filled) and return it. */
  touch<K extends StorageKey>(name: K): NonNullable<this[K]> {
    let col = (this as any)[name];
    if (col === null) {
      const spec = STORAGE.find((s) => s.key === name)!;
      col = this.alloc(spec.array, this.capacity);
      (this as any)[name] = col;
      if (this.sharing !== null) this.sharing.layout++;
    }
    return col;
  }

  /** Make room for one more row; returns its index. Grows every allocated column by doubling. */
  addRow(): number {
    if (this.length === this.capacity) this.grow(this.capacity * 2);
    return this.length++;
  }

  private grow(newCap: number): void {
    if (this.sharing !== null) {
      this.sharing.beforeGrow?.();
      this.sharing.layout++;
    }
    for (const spec of STORAGE) {
      const old = (this as any)[spec.key];
      if (old === null) continue;
      const next = this.alloc(spec.array, newCap);
      next.set(old.subarray(0, this.length));
      (this as any)[spec.key] = next;
    }
    this.capacity = newCap;
  }

  /** Append one SACK block (raw edges) and return its index in sackEdges (in blocks). */
  addSack(le: number, re: number): number {
    if (this.sackLen * 2 + 2 > this.sackEdges.length) {
      // no beforeGrow: a worker only reads SACK edges, and the old store keeps every edge it can need
      if (this.sharing !== null) this.sharing.layout++;
      const next = this.alloc(Uint32Array, this.sackEdges.length * 2);
      next.set(this.sackEdges);
      this.sackEdges = next;
    }
    const idx = this.sackLen++;
    this.sackEdges[idx * 2] = le;
    this.sackEdges[idx * 2 + 1] = re;
    return idx;
  }

  /** Set anomaly bits on a row. */
  flag(row: number, bits: number): void {
    this.touch("anomaly")[row] |= bits;
  }

  /** Time of a row as float seconds since the epoch (µs-exact for current dates). */
  time(row: number): number {
    return this.tsSec[row] + this.tsNsec[row] / 1e9;
  }

  has(row: number, layer: number): boolean {
    return (this.layers[row] & layer) !== 0;
  }
}
