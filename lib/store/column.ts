/**
 * The column interface the export stage (Arrow, Parquet, SQL results) works on: a name, a storage type,
 * typed values, a null mask and, for strings, an optional dictionary. Any table (the packet table, the
 * flow table, the generic typed Table) adapts to it without a copy where its storage already fits.
 */

/** Storage types. Integers keep their width and signedness (Parquet/Arrow/DuckDB have them all). */
export type StoreType =
  | "bool"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "float64"
  | "string";

export type StoreTypedValues =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | Float64Array;

export interface StoreColumn {
  name: string;
  type: StoreType;
  /**
   * bool: Uint8Array of 0/1; integers: the typed array of that width (int64: BigInt64Array);
   * float64: Float64Array; string: codes (Int32Array / Uint32Array) into `dictionary`, or plain strings.
   */
  values: StoreTypedValues | (string | null)[];
  /** Byte per row, 1 = null. Absent: no nulls. (Values under a null are ignored.) */
  nulls?: Uint8Array;
  /** For string columns stored as codes: the code → text table (a code ≥ its length is null). */
  dictionary?: readonly string[];
  description?: string;
}

/** A table as the export stage sees it: columns of equal length. */
export interface StoreTable {
  length: number;
  columns: StoreColumn[];
}

/** Allocate a typed array for a storage type. */
export function allocValues(type: Exclude<StoreType, "string">, n: number): StoreTypedValues {
  switch (type) {
    case "bool":
    case "uint8":
      return new Uint8Array(n);
    case "int8":
      return new Int8Array(n);
    case "int16":
      return new Int16Array(n);
    case "uint16":
      return new Uint16Array(n);
    case "int32":
      return new Int32Array(n);
    case "uint32":
      return new Uint32Array(n);
    case "int64":
      return new BigInt64Array(n);
    case "float64":
      return new Float64Array(n);
  }
}

/** The value of row `i` as a plain JS value (null when null); int64 as a number when it is safe. */
export function cellOf(c: StoreColumn, i: number): number | string | boolean | bigint | null {
  if (c.nulls && c.nulls[i]) return null;
  if (c.type === "string") {
    const v = c.values[i];
    if (c.dictionary && typeof v === "number") return v < c.dictionary.length ? c.dictionary[v] : null;
    return (v as string | null) ?? null;
  }
  const v = (c.values as StoreTypedValues)[i];
  if (c.type === "bool") return v !== 0;
  if (typeof v === "bigint") return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  return v;
}

/** Check the columns are a well-formed table (equal lengths, dictionary codes only with a dictionary). */
export function checkTable(t: StoreTable): void {
  const seen = new Set<string>();
  for (const c of t.columns) {
    if (seen.has(c.name)) throw new TypeError(`duplicate column name "${c.name}"`);
    seen.add(c.name);
    if (c.values.length !== t.length) throw new TypeError(`column "${c.name}" has ${c.values.length} values, the table ${t.length} rows`);
    if (c.nulls && c.nulls.length !== t.length) throw new TypeError(`column "${c.name}": null mask of ${c.nulls.length} for ${t.length} rows`);
    if (c.type === "string" && !Array.isArray(c.values) && !c.dictionary) throw new TypeError(`string column "${c.name}" has codes but no dictionary`);
  }
}

/** Rows [start, end) of a table, as views (no copy) where the storage allows. */
export function sliceTable(t: StoreTable, start: number, end: number): StoreTable {
  return {
    length: end - start,
    columns: t.columns.map((c) => ({
      ...c,
      values: Array.isArray(c.values) ? c.values.slice(start, end) : (c.values as StoreTypedValues).subarray(start, end),
      nulls: c.nulls?.subarray(start, end),
    })),
  };
}
