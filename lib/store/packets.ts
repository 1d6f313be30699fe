/**
 * The packet table as store columns: every column of `PACKET_COLUMNS` (the names and values of
 * `pcapframe packets F --csv --columns <all>`), plus `time_ns` (the exact epoch time in nanoseconds,
 * which the CSV prints as text and a double cannot hold), `pcap_file` and `file_offset`.
 */
import type { Capture } from "../capture/capture";
import { PACKET_COLUMNS, findColumn, type ColumnDef } from "../capture/columns";
import { present, type ColumnType } from "../table/schema";
import { allocValues, type StoreColumn, type StoreTable, type StoreType, type StoreTypedValues } from "./column";

/** Storage type of a packet column from its schema type (lib/table/schema.ts): `time` is float64 epoch seconds. */
export function packetStoreType(type: ColumnType): StoreType {
  return type === "time" ? "float64" : type === "boolean" ? "bool" : type;
}

/** Derived string columns that are ids of the capture's string dictionary (stored ones say so in the schema). */
const DERIVED_DICT: Record<string, "src" | "dst" | "proto"> = { src: "src", dst: "dst", protocol: "proto" };

/** The packet-table array holding a string column's dictionary ids, if any. */
function dictIds(cap: Capture, def: ColumnDef): Uint32Array | null {
  const key = DERIVED_DICT[def.name] ?? def.store?.key ?? def.from;
  const col = key ? (cap.packets as unknown as Record<string, unknown>)[key] : null;
  return col instanceof Uint32Array ? col : null;
}
/** String columns with (nearly) one value per row: no dictionary. */
const PLAIN_STRINGS = new Set(["info", "sack"]);

/** The extra columns a stored packet row carries beside the CSV's. */
export const PACKET_EXTRA_COLUMNS = ["time_ns", "pcap_file", "file_offset"] as const;

export interface PacketStoreOptions {
  /** Rows [start, end) (default: all). */
  start?: number;
  end?: number;
  /** Only these rows (0-based, ascending), instead of a range. */
  rows?: Uint32Array | number[];
  /** Column names (default: every packet column, then the extras). */
  columns?: string[];
  /** Text of the `pcap_file` column (default: the file each row came from, `meta.files`). */
  pcapFile?: string;
}

/** Every column name a stored packet table has, in order. */
export function packetStoreColumnNames(): string[] {
  return [...PACKET_COLUMNS.map((c) => c.name), ...PACKET_EXTRA_COLUMNS];
}

/**
 * Materialise packet columns for a range of rows. Values are what `Capture.column` returns (so equal to the
 * CSV's cells); a value that does not fit its declared storage (it never should) becomes null and is counted
 * in `overflow`.
 */
export function packetStore(cap: Capture, options: PacketStoreOptions = {}): StoreTable & { overflow: Record<string, number> } {
  const rows = options.rows;
  const start = rows ? 0 : Math.max(0, options.start ?? 0);
  const end = rows ? rows.length : Math.min(cap.length, options.end ?? cap.length);
  const n = Math.max(0, end - start);
  const rowAt = rows ? (k: number) => rows[k] : (k: number) => start + k;
  const names = options.columns ?? packetStoreColumnNames();
  const overflow: Record<string, number> = {};
  const columns: StoreColumn[] = [];
  for (const name of names) {
    if (name === "time_ns") columns.push(timeNs(cap, n, rowAt));
    else if (name === "pcap_file") {
      const fileIndex = cap.packets.fileIndex;
      const codes = new Uint32Array(n);
      if (fileIndex && options.pcapFile === undefined) for (let k = 0; k < n; k++) codes[k] = fileIndex[rowAt(k)];
      const dictionary = options.pcapFile !== undefined ? [options.pcapFile] : cap.meta.files.map((f) => f.source);
      columns.push({ name, type: "string", values: codes, dictionary, description: "capture file the packet was read from" });
    } else if (name === "file_offset") {
      const out = int64FromDoubles(cap.packets.fileOffset, n, rowAt);
      columns.push({ name, type: "int64", values: out, description: "byte offset of the packet's data in its file" });
    } else {
      const def = findColumn(name);
      if (!def) throw new TypeError(`unknown packet column "${name}"; available: ${packetStoreColumnNames().join(", ")}`);
      const c = materialise(cap, def, n, rowAt, overflow);
      columns.push(c);
    }
  }
  return { length: n, columns, overflow };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const TWO32 = 4294967296;

/**
 * words[2k], words[2k+1] (the int64 at k) = sec·10^9 + nsec for 0 ≤ sec < 2^34, in doubles without a BigInt
 * per row: sec = hi·2^16 + lo, so sec·10^9 + nsec = (hi·10^9)·2^16 + (lo·10^9 + nsec), each part exact (< 2^53).
 */
function setNs(words: Uint32Array, k: number, sec: number, nsec: number): void {
  const lo = sec % 65536;
  const y = ((sec - lo) / 65536) * 1e9; // < 2^48
  const yLo = y % 65536;
  const low = yLo * 65536 + lo * 1e9 + nsec; // < 2^48
  const lo32 = low % TWO32;
  const hi32 = (y - yLo) / 65536 + (low - lo32) / TWO32;
  words[2 * k + (LITTLE_ENDIAN ? 0 : 1)] = lo32;
  words[2 * k + (LITTLE_ENDIAN ? 1 : 0)] = hi32;
}

/** An int64 column of non-negative safe integers (as doubles) without a BigInt per row. */
export function int64FromDoubles(src: ArrayLike<number>, n: number, at: (k: number) => number): BigInt64Array {
  const out = new BigInt64Array(n);
  const words = new Uint32Array(out.buffer);
  for (let k = 0; k < n; k++) {
    const v = src[at(k)];
    if (v >= 0 && v <= Number.MAX_SAFE_INTEGER) {
      const lo32 = v % TWO32;
      words[2 * k + (LITTLE_ENDIAN ? 0 : 1)] = lo32;
      words[2 * k + (LITTLE_ENDIAN ? 1 : 0)] = (v - lo32) / TWO32;
    } else out[k] = BigInt(Math.trunc(v) || 0);
  }
  return out;
}

function timeNs(cap: Capture, n: number, rowAt: (k: number) => number): StoreColumn {
  const out = new BigInt64Array(n);
  const words = new Uint32Array(out.buffer);
  const nulls = new Uint8Array(n);
  let anyNull = false;
  const { tsSec, tsNsec } = cap.packets;
  for (let k = 0; k < n; k++) {
    const r = rowAt(k);
    // beyond ±2^63 ns (years before 1678 or after 2262: corrupt timestamps) the exact value is not kept
    if (!cap.hasTime(r) || !(Math.abs(tsSec[r]) < 9.2e9)) {
      nulls[k] = 1;
      anyNull = true;
    } else if (tsSec[r] >= 0) setNs(words, k, tsSec[r], tsNsec[r]);
    else out[k] = BigInt(tsSec[r]) * 1_000_000_000n + BigInt(tsNsec[r]);
  }
  return { name: "time_ns", type: "int64", values: out, nulls: anyNull ? nulls : undefined, description: "epoch time in nanoseconds (exact; null outside 1678..2262)" };
}

function materialise(cap: Capture, def: ColumnDef, n: number, rowAt: (k: number) => number, overflow: Record<string, number>): StoreColumn {
  const type = packetStoreType(def.type);
  const nulls = new Uint8Array(n);
  let anyNull = false;
  const base = { name: def.name, type, description: def.description };
  if (type === "string") {
    const col = dictIds(cap, def);
    if (col) {
      const codes = new Uint32Array(n);
      for (let k = 0; k < n; k++) {
        const r = rowAt(k);
        if (def.get(cap, r) === null) {
          nulls[k] = 1;
          anyNull = true;
        } else codes[k] = col[r];
      }
      return { ...base, values: codes, nulls: anyNull ? nulls : undefined, dictionary: cap.packets.strings.values };
    }
    if (PLAIN_STRINGS.has(def.name)) {
      const vals: (string | null)[] = new Array(n);
      for (let k = 0; k < n; k++) {
        const v = def.get(cap, rowAt(k));
        vals[k] = v === null ? null : String(v);
      }
      return { ...base, values: vals };
    }
    const dict: string[] = [];
    const ids = new Map<string, number>();
    const codes = new Uint32Array(n);
    for (let k = 0; k < n; k++) {
      const v = def.get(cap, rowAt(k));
      if (v === null) {
        nulls[k] = 1;
        anyNull = true;
        continue;
      }
      const s = String(v);
      let id = ids.get(s);
      if (id === undefined) {
        id = dict.length;
        dict.push(s);
        ids.set(s, id);
      }
      codes[k] = id;
    }
    return { ...base, values: codes, nulls: anyNull ? nulls : undefined, dictionary: dict };
  }
  const values = allocValues(type, n) as Exclude<StoreTypedValues, BigInt64Array>;
  if (def.store && !def.derive && type !== "bool") {
    // stored column: its array's elements (a lazy array never written is all zeros) where the schema says present
    const col = (cap.packets as unknown as Record<string, ArrayLike<number> | null>)[def.store.key];
    const layers = cap.packets.layers;
    const optSeq = cap.packets.tcpOptSeq;
    const when = def.when;
    for (let k = 0; k < n; k++) {
      const r = rowAt(k);
      if (when && !present(when, layers[r], optSeq ? optSeq[r] : 0)) {
        nulls[k] = 1;
        anyNull = true;
      } else if (col) values[k] = col[r];
    }
    return { ...base, values, nulls: anyNull ? nulls : undefined };
  }
  let bad = 0;
  for (let k = 0; k < n; k++) {
    const v = def.get(cap, rowAt(k));
    if (v === null) {
      nulls[k] = 1;
      anyNull = true;
    } else if (typeof v === "boolean") values[k] = v ? 1 : 0;
    else {
      values[k] = v as number;
      if (values[k] !== v) {
        nulls[k] = 1;
        anyNull = true;
        bad++;
      }
    }
  }
  if (bad) overflow[def.name] = bad;
  return { ...base, values, nulls: anyNull ? nulls : undefined };
}
