/**
 * Column storage of a {@link Table}: one typed array per column, plus a null mask.
 *
 * - numbers: the typed array of their declared type (`float64` → Float64Array, `uint16` → Uint16Array…);
 *   in float columns NaN also reads as null (so a Float64Array with NaN for "absent" can be wrapped as is);
 * - strings: dictionary-encoded: `values` holds ids into `dict` (`nullId`, if set, is the id of "absent":
 *   the packet table's StringDict uses 0);
 * - booleans: a Uint8Array of 0/1.
 *
 * A null mask (`nulls[i] = 1`) marks absent values of any type. Readers never see NaN, 0 or "" in place of
 * an absent value: they get null.
 */

export type NumericType = "float64" | "float32" | "int8" | "int16" | "int32" | "uint8" | "uint16" | "uint32";
export type ColumnType = NumericType | "string" | "bool";

/** Column name → column type: the declared schema of a table. */
export type Schema = Record<string, ColumnType>;

/** The JavaScript value of one cell of a column type (null = absent). */
export type CellOf<T extends ColumnType> = T extends "string" ? string : T extends "bool" ? boolean : number;
export type Cell = number | string | boolean | null;

/** The column type a column's data gives (typed arrays: their type; arrays: by their element type). */
export type TypeOfData<A> = A extends Float64Array ? "float64"
  : A extends Float32Array ? "float32"
  : A extends Int8Array ? "int8"
  : A extends Int16Array ? "int16"
  : A extends Int32Array ? "int32"
  : A extends Uint8Array ? "uint8"
  : A extends Uint16Array ? "uint16"
  : A extends Uint32Array ? "uint32"
  : A extends ArrayLike<infer E> ? ([NonNullable<E>] extends [never] ? "string"
    : [NonNullable<E>] extends [string] ? "string"
    : [NonNullable<E>] extends [boolean] ? "bool"
    : [NonNullable<E>] extends [number] ? "float64"
    : ColumnType)
  : ColumnType;

/** The schema of `Table.from(data, types)`: declared types, else the types the data gives. */
export type SchemaOf<D, T> = {
  [K in keyof D & string]: K extends keyof T ? (T[K] extends ColumnType ? T[K] : TypeOfData<D[K]>) : TypeOfData<D[K]>;
};

/** One typed record of a schema. */
export type RowOf<S extends Schema> = { [K in keyof S]: CellOf<S[K]> | null };

export type NumericArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array;

export interface Vector {
  readonly type: ColumnType;
  /** Numbers; dictionary ids for strings; 0/1 for booleans. */
  readonly values: NumericArray;
  /** Strings: the dictionary the ids point into. */
  readonly dict?: readonly string[];
  /** Strings: the id that means null (e.g. 0 in the packet table's StringDict). */
  readonly nullId?: number;
  /** 1 = null. Absent: no nulls (besides NaN in float columns and `nullId`). */
  readonly nulls?: Uint8Array;
}

/** A column whose storage is built on first use (e.g. the packet table's Info text), then cached. */
export interface LazyVector {
  readonly type: ColumnType;
  make(): Vector;
}

export type ColumnSource = Vector | LazyVector;

const ARRAY_OF: Record<NumericType, new (n: number) => NumericArray> = {
  float64: Float64Array,
  float32: Float32Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
};

export const COLUMN_TYPES: readonly ColumnType[] = [...(Object.keys(ARRAY_OF) as NumericType[]), "string", "bool"];

export function isNumericType(t: ColumnType): t is NumericType {
  return t !== "string" && t !== "bool";
}

export function isFloatType(t: ColumnType): boolean {
  return t === "float64" || t === "float32";
}

export function isIntegerType(t: ColumnType): boolean {
  return isNumericType(t) && !isFloatType(t);
}

/** A new zeroed typed array for a column type (strings: ids, booleans: 0/1). */
export function newArray(type: ColumnType, n: number): NumericArray {
  if (type === "string") return new Uint32Array(n);
  if (type === "bool") return new Uint8Array(n);
  return new ARRAY_OF[type](n);
}

/** The typed array class a numeric column type is stored in. */
export function arrayTypeOf(values: NumericArray): NumericType {
  if (values instanceof Float64Array) return "float64";
  if (values instanceof Float32Array) return "float32";
  if (values instanceof Int8Array) return "int8";
  if (values instanceof Int16Array) return "int16";
  if (values instanceof Int32Array) return "int32";
  if (values instanceof Uint8Array) return "uint8";
  if (values instanceof Uint16Array) return "uint16";
  return "uint32";
}

/** True when row `r` of `v` is null. */
export function isNull(v: Vector, r: number): boolean {
  if (v.nulls !== undefined && v.nulls[r] !== 0) return true;
  if (v.type === "string") return v.values[r] === v.nullId;
  if (v.type === "float64" || v.type === "float32") return v.values[r] !== v.values[r];
  return false;
}

/** The value of row `r` (null when absent). */
export function cellOf(v: Vector, r: number): Cell {
  if (isNull(v, r)) return null;
  const x = v.values[r];
  if (v.type === "string") return v.dict![x] ?? null;
  if (v.type === "bool") return x !== 0;
  return x;
}

/** A null mask for a vector over all its rows (1 = null), or undefined when nothing is null. */
export function nullMaskOf(v: Vector): Uint8Array | undefined {
  const n = v.values.length;
  if (v.type === "string" ? v.nullId === undefined : !isFloatType(v.type)) return v.nulls;
  let out: Uint8Array | undefined;
  for (let r = 0; r < n; r++) {
    if (isNull(v, r)) {
      if (!out) out = v.nulls ? v.nulls.slice() : new Uint8Array(n);
      out[r] = 1;
    }
  }
  return out ?? v.nulls;
}

/** The rows `rows` of `v` as a new dense vector (same type; strings keep the dictionary). */
export function takeVector(v: Vector, rows: ArrayLike<number>): Vector {
  const n = rows.length;
  const values = newArray(v.type, n);
  const src = v.values;
  for (let i = 0; i < n; i++) values[i] = src[rows[i]];
  let nulls: Uint8Array | undefined;
  if (v.nulls) {
    const m = v.nulls;
    nulls = new Uint8Array(n);
    let any = 0;
    for (let i = 0; i < n; i++) any |= nulls[i] = m[rows[i]];
    if (!any) nulls = undefined;
  }
  return { type: v.type, values, dict: v.dict, nullId: v.nullId, nulls };
}

/** A string dictionary builder: string → id. */
export class DictBuilder {
  readonly dict: string[] = [];
  private readonly ids = new Map<string, number>();
  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.dict.length;
      this.dict.push(s);
      this.ids.set(s, id);
    }
    return id;
  }
}

/**
 * A vector of `type` from plain values (null/undefined = absent). Numbers are checked against the
 * type's range (a value the typed array would wrap or truncate is a TypeError); strings are
 * dictionary-encoded.
 */
export function vectorFromValues(type: ColumnType, data: ArrayLike<unknown>, name = "column"): Vector {
  const n = data.length;
  const values = newArray(type, n);
  let nulls: Uint8Array | undefined;
  const setNull = (i: number) => {
    if (!nulls) nulls = new Uint8Array(n);
    nulls[i] = 1;
  };
  if (type === "string") {
    const b = new DictBuilder();
    for (let i = 0; i < n; i++) {
      const x = data[i];
      if (x === null || x === undefined) setNull(i);
      else values[i] = b.id(typeof x === "string" ? x : String(x));
    }
    return { type, values, dict: b.dict, nulls };
  }
  if (type === "bool") {
    for (let i = 0; i < n; i++) {
      const x = data[i];
      if (x === null || x === undefined) setNull(i);
      else if (typeof x === "boolean") values[i] = x ? 1 : 0;
      else throw new TypeError(`column "${name}" is bool but row ${i} holds ${typeof x} ${String(x)}`);
    }
    return { type, values, nulls };
  }
  const float = isFloatType(type);
  for (let i = 0; i < n; i++) {
    const x = data[i];
    if (x === null || x === undefined || (typeof x === "number" && x !== x)) {
      setNull(i);
      continue;
    }
    if (typeof x !== "number") throw new TypeError(`column "${name}" is ${type} but row ${i} holds ${typeof x} ${String(x)}`);
    values[i] = x;
    if (!float && values[i] !== x) throw new TypeError(`column "${name}" is ${type}: row ${i} holds ${x}, which ${type} cannot store`);
  }
  return { type, values, nulls };
}

/** The column type a plain array's values suggest (numbers: float64; all-null: string). */
export function inferType(data: ArrayLike<unknown>): ColumnType {
  if (ArrayBuffer.isView(data)) return arrayTypeOf(data as unknown as NumericArray);
  let t: ColumnType | undefined;
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (x === null || x === undefined) continue;
    const k: ColumnType = typeof x === "number" ? "float64" : typeof x === "boolean" ? "bool" : "string";
    if (t === undefined) t = k;
    else if (t !== k) return "string";
  }
  return t ?? "string";
}
