/**
 * Table: an immutable, columnar, typed table with pandas-like verbs (head, tail, select, filter, sortBy,
 * valueCounts, groupBy/agg, describe, unique…), computed on the typed arrays without an object per row.
 *
 * A table is a set of shared column vectors (see ./vector) plus an optional selection (base row of each
 * position). `select`, `head`, `tail`, `filter`, `sortBy` and `take` never copy column data: they share
 * the columns and carry a new selection. Derived tables (`valueCounts`, `groupBy().agg()`, `describe`,
 * `unique`) are new tables. Positions (0-based, the table's own rows) are what `take`, `toRecords({rows})`
 * and masks refer to; out-of-range positions are a RangeError.
 */
import * as util from "node:util";
import { bucket, combine, dictRanks, groupOne, orderBy, sortKey, type Grouping, type Rows } from "./group";
import { histogramQuantiles, median, quantiles } from "./stats";
import {
  cellOf,
  COLUMN_TYPES,
  inferType,
  isFloatType,
  isIntegerType,
  isNull,
  isNumericType,
  takeVector,
  vectorFromValues,
  type Cell,
  type CellOf,
  type ColumnSource,
  type ColumnType,
  type LazyVector,
  type NumericArray,
  type RowOf,
  type Schema,
  type SchemaOf,
  type Vector,
} from "./vector";
import { tableToHtml, tableToText, type TableDisplayOptions } from "./render";
import { displayBundle } from "../base/tslab";
import { danfoDtype, makeDataFrame } from "./dataframe";
import type { DataFrame } from "danfojs-node";

/**
 * Compiles a display-filter expression into a test on the table's base rows (a mask over all base
 * rows, or a predicate). The packet table plugs the display-filter engine in here; `filter("…")` on a
 * table without one is a TypeError.
 */
export type FilterCompiler = (expression: string) => Uint8Array | ((baseRow: number) => boolean);

export type AggOp = "count" | "sum" | "mean" | "min" | "max" | "median" | "nunique" | "first" | "last";
export const AGG_OPS: readonly AggOp[] = ["count", "sum", "mean", "min", "max", "median", "nunique", "first", "last"];

/** The type of the column `<col>_<op>` that `agg` makes from a column of type T. */
export type AggResultType<T extends ColumnType, O extends AggOp> = O extends "count" | "nunique" ? "int32" : O extends "sum" | "mean" | "median" ? "float64" : T;

/** What `agg` takes: column → operation(s). */
export type AggSpec<S extends Schema> = { [C in keyof S & string]?: AggOp | readonly AggOp[] };

type OpsOf<V> = V extends readonly (infer O)[] ? O : V;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The columns `agg(spec)` adds: `<col>_<op>` with its type. */
export type AggColumns<S extends Schema, Spec> = Simplify<
  UnionToIntersection<
    {
      [C in keyof Spec & keyof S & string]: { [O in OpsOf<Spec[C]> & AggOp as `${C}_${O}`]: AggResultType<S[C], O> };
    }[keyof Spec & keyof S & string]
  >
>;

/** Predicate of `filter`: gets a row view (read its fields inside the call only: it is reused) and the position. */
export type RowTest<S extends Schema> = (row: RowOf<S>, i: number) => boolean;

/**
 * A column name as a parameter: a literal must be a column of the schema (a typo is a compile error), a name
 * built at run time (type `string`) is accepted and checked when the call runs.
 */
export type ColumnName<S extends Schema, N extends string> = string extends N ? N : N & keyof S;

export interface TableOptions {
  /** Number of rows; required when every column is lazy or there are no columns. */
  length?: number;
  /** Display-filter compiler over the base rows (see {@link FilterCompiler}). */
  filterCompiler?: FilterCompiler;
}

export interface RowsOption {
  /** Columns to include (default: all, in table order). */
  columns?: readonly string[];
  /** Positions to include (default: all). Out of range: RangeError. */
  rows?: ArrayLike<number>;
}

export interface CsvOptions {
  columns?: readonly string[];
  /** Write the header line (default true). */
  header?: boolean;
}

/** The schema of `describe()`: one row per described column (pandas' `describe(include="all").T`). */
export type DescribeSchema = {
  column: "string";
  type: "string";
  count: "int32";
  unique: "int32";
  top: "string";
  freq: "int32";
  mean: "float64";
  std: "float64";
  min: "float64";
  "25%": "float64";
  "50%": "float64";
  "75%": "float64";
  max: "float64";
};

/** Shared column storage: a lazy column is built once for every table sharing it. */
class Slot {
  private v: Vector | undefined;
  constructor(
    readonly type: ColumnType,
    private readonly src: ColumnSource,
  ) {
    if ("values" in src) this.v = src;
  }
  get vector(): Vector {
    if (!this.v) {
      const v = (this.src as LazyVector).make();
      if (v.type !== this.type) throw new TypeError(`lazy column built as ${v.type}, declared ${this.type}`);
      this.v = v;
    }
    return this.v;
  }
}

interface Base {
  readonly length: number;
  readonly filterCompiler?: FilterCompiler;
}

function checkType(t: unknown, name: string): ColumnType {
  if (!COLUMN_TYPES.includes(t as ColumnType)) {
    throw new TypeError(`column "${name}": unknown type ${JSON.stringify(t)}; one of ${COLUMN_TYPES.join(", ")}`);
  }
  return t as ColumnType;
}

export class Table<S extends Schema = Schema> {
  /** Number of rows. */
  readonly length: number;
  private readonly names: string[];
  private readonly slots: Map<string, Slot>;
  /** Base row of each position, or null for the identity. */
  private readonly rows: Rows;
  private readonly base: Base;

  /**
   * A table over column vectors (shared, not copied). Prefer {@link Table.from} for plain data.
   * Every vector must have the same length (the base length).
   */
  constructor(columns: Record<string, ColumnSource> | ReadonlyArray<readonly [string, ColumnSource]>, options: TableOptions = {}) {
    const entries = Array.isArray(columns) ? (columns as ReadonlyArray<readonly [string, ColumnSource]>) : Object.entries(columns);
    const slots = new Map<string, Slot>();
    let length = options.length;
    for (const [name, src] of entries) {
      if (slots.has(name)) throw new TypeError(`duplicate column "${name}"`);
      const slot = new Slot(checkType(src.type, name), src);
      if ("values" in src) {
        if (length === undefined) length = src.values.length;
        else if (src.values.length !== length) {
          throw new RangeError(`column "${name}" has ${src.values.length} rows, the table ${length}`);
        }
        if (src.type === "string" && !src.dict) throw new TypeError(`string column "${name}" has no dictionary`);
        if (src.nulls && src.nulls.length !== length) throw new RangeError(`column "${name}": null mask length ${src.nulls.length} ≠ ${length}`);
      }
      slots.set(name, slot);
    }
    if (length === undefined) {
      if (entries.length) throw new TypeError("a table of lazy columns needs options.length");
      length = 0;
    }
    this.names = entries.map(([n]) => n);
    this.slots = slots;
    this.rows = null;
    this.length = length;
    this.base = { length, filterCompiler: options.filterCompiler };
  }

  /**
   * A table from plain columns: typed arrays are wrapped as they are (Float64Array: NaN reads as null),
   * other arrays are converted (null/undefined = absent; strings dictionary-encoded). `types` declares
   * column types (e.g. `{ port: "uint16" }`); without it they are inferred (numbers: float64).
   */
  static from<D extends Record<string, ArrayLike<unknown>>, T extends { [K in keyof D]?: ColumnType } = {}>(
    data: D,
    types?: T,
  ): Table<SchemaOf<D, T>> {
    const cols: [string, Vector][] = [];
    for (const [name, values] of Object.entries(data)) {
      const declared = (types as Record<string, ColumnType | undefined> | undefined)?.[name];
      const t = declared ? checkType(declared, name) : inferType(values);
      if (ArrayBuffer.isView(values) && isNumericType(t) && inferType(values) === t) {
        cols.push([name, { type: t, values: values as unknown as NumericArray }]);
      } else cols.push([name, vectorFromValues(t, values, name)]);
    }
    return new Table<SchemaOf<D, T>>(cols, { length: cols.length ? undefined : 0 });
  }

  /** A table from records, with declared column types (a column missing from a record is null). */
  static fromRecords<T extends Schema>(records: ReadonlyArray<Record<string, unknown>>, types: T): Table<T> {
    const data: Record<string, unknown[]> = {};
    for (const name of Object.keys(types)) data[name] = records.map((r) => r[name]);
    return Table.from(data, types) as unknown as Table<T>;
  }

  /** Derived table sharing this one's columns and base. @internal */
  private derive<T extends Schema>(names: string[], rows: Rows, length: number): Table<T> {
    const t = Object.create(Table.prototype) as Table<T>;
    const w = t as unknown as { names: string[]; slots: Map<string, Slot>; rows: Rows; length: number; base: Base };
    w.names = names;
    w.slots = this.slots;
    w.rows = rows;
    w.length = length;
    w.base = this.base;
    return t;
  }

  // ------------------------------------------------------------------------------------------------
  // schema

  /** Column names, in order. */
  get columnNames(): string[] {
    return this.names.slice();
  }

  /** Column name → type. */
  get schema(): S {
    const out: Schema = {};
    for (const n of this.names) out[n] = this.slots.get(n)!.type;
    return out as S;
  }

  /** (rows, columns), as pandas' shape. */
  get shape(): [number, number] {
    return [this.length, this.names.length];
  }

  /** True when the table has a display-filter compiler (`filter("tcp.port == 443")` works). */
  get hasDisplayFilter(): boolean {
    return this.base.filterCompiler !== undefined;
  }

  private slot(name: string): Slot {
    if (typeof name !== "string" || !this.names.includes(name)) {
      throw new TypeError(`unknown column ${JSON.stringify(name)}; columns: ${this.names.join(", ")}`);
    }
    return this.slots.get(name)!;
  }

  private baseRow(i: number): number {
    return this.rows ? this.rows[i] : i;
  }

  private checkPositions(rows: ArrayLike<number>): Uint32Array {
    const out = new Uint32Array(rows.length);
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k];
      if (!Number.isInteger(i) || i < 0 || i >= this.length) {
        throw new RangeError(`row ${i} out of range: the table has ${this.length} rows (0..${this.length - 1})`);
      }
      out[k] = this.rows ? this.rows[i] : i;
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------------
  // row subsets (share the columns)

  /** The rows at these positions, in this order (out of range: RangeError). */
  take(rows: ArrayLike<number>): Table<S> {
    const sel = this.checkPositions(rows);
    return this.derive<S>(this.names, sel, sel.length);
  }

  private slice(start: number, end: number): Table<S> {
    start = Math.max(0, Math.min(this.length, start));
    end = Math.max(start, Math.min(this.length, end));
    if (start === 0 && end === this.length) return this;
    const sel = new Uint32Array(end - start);
    for (let i = start; i < end; i++) sel[i - start] = this.baseRow(i);
    return this.derive<S>(this.names, sel, sel.length);
  }

  /** The first n rows (pandas: a negative n means all but the last -n). */
  head(n = 5): Table<S> {
    checkCount(n, "head");
    return n >= 0 ? this.slice(0, n) : this.slice(0, this.length + n);
  }

  /** The last n rows (a negative n means all but the first -n). */
  tail(n = 5): Table<S> {
    checkCount(n, "tail");
    return n >= 0 ? this.slice(this.length - n, this.length) : this.slice(-n, this.length);
  }

  /**
   * Only these columns, in this order. Literal names give a typed table; names built at run time
   * (`` `rtt_avg_${dir}` ``) are checked when called and give a table of the generic schema.
   */
  select<N extends string>(columns: readonly ColumnName<S, N>[] | ColumnName<S, N>): Table<string extends N ? Schema : Pick<S, N & keyof S>>;
  select(columns: readonly string[] | string): Table<Schema> {
    const list = (typeof columns === "string" ? [columns] : [...columns]) as string[];
    for (const c of list) this.slot(c);
    if (new Set(list).size !== list.length) throw new TypeError(`select: a column is named twice: ${list.join(", ")}`);
    return this.derive<Schema>(list, this.rows, this.length);
  }

  /**
   * The rows that pass: a predicate `(row, i) => boolean` (the row view is reused: read it inside the
   * call), a mask (Uint8Array or boolean[] with one entry per row), or a display-filter string (tables
   * with a filter compiler, e.g. the packet table).
   */
  filter(test: RowTest<S> | string | Uint8Array | readonly boolean[]): Table<S> {
    const n = this.length;
    const keep = new Uint32Array(n);
    let m = 0;
    if (typeof test === "string") {
      const compile = this.base.filterCompiler;
      if (!compile) throw new TypeError(`filter(${JSON.stringify(test)}): this table has no display-filter compiler (display filters apply to packet tables once the filter engine is plugged in); pass a predicate or a mask`);
      const f = compile(test);
      if (typeof f === "function") {
        for (let i = 0; i < n; i++) if (f(this.baseRow(i))) keep[m++] = this.baseRow(i);
      } else {
        if (f.length !== this.base.length) throw new RangeError(`filter compiler returned ${f.length} mask entries for ${this.base.length} rows`);
        for (let i = 0; i < n; i++) if (f[this.baseRow(i)]) keep[m++] = this.baseRow(i);
      }
    } else if (typeof test === "function") {
      const view = this.rowView();
      for (let i = 0; i < n; i++) {
        view.at(this.baseRow(i));
        if (test(view.row, i)) keep[m++] = this.baseRow(i);
      }
    } else if (test instanceof Uint8Array || Array.isArray(test)) {
      if (test.length !== n) throw new RangeError(`filter mask has ${test.length} entries, the table ${n} rows`);
      for (let i = 0; i < n; i++) if (test[i]) keep[m++] = this.baseRow(i);
    } else {
      throw new TypeError("filter takes a predicate, a mask (Uint8Array / boolean[]) or a display-filter string");
    }
    return this.derive<S>(this.names, keep.slice(0, m), m);
  }

  /** A reusable row object with one getter per column, pointed at a base row by `at`. */
  private rowView(): { row: RowOf<S>; at(r: number): void } {
    let cur = 0;
    const row = {} as RowOf<S>;
    for (const name of this.names) {
      const slot = this.slots.get(name)!;
      let v: Vector | undefined;
      Object.defineProperty(row, name, { enumerable: true, get: () => cellOf((v ??= slot.vector), cur) });
    }
    return { row, at: (r) => void (cur = r) };
  }

  /**
   * Rows ordered by one or more columns (strings in code-unit order), stable; nulls last, also when
   * descending. `descending` may be one flag or one per column.
   */
  sortBy(columns: (keyof S & string) | readonly (keyof S & string)[], options: { descending?: boolean | readonly boolean[] } = {}): Table<S> {
    const list = typeof columns === "string" ? [columns] : [...columns];
    if (!list.length) throw new TypeError("sortBy: no column");
    const d = options.descending ?? false;
    const desc = list.map((_, j) => (typeof d === "boolean" ? d : (d[j] ?? false)));
    const keys = list.map((c) => sortKey(this.slot(c).vector, this.rows, this.length));
    const order = orderBy(keys, desc, this.length);
    for (let i = 0; i < order.length; i++) order[i] = this.baseRow(order[i]);
    return this.derive<S>(this.names, order, order.length);
  }

  // ------------------------------------------------------------------------------------------------
  // derived tables

  /**
   * Distinct values of a column with their counts, most frequent first (ties: in value order), as a
   * table `{ [column], count }`; the value column keeps its type. Nulls are left out unless
   * `dropNull: false`.
   */
  valueCounts<K extends keyof S & string>(column: K, options: { dropNull?: boolean } = {}): Table<{ [P in K]: S[K] } & { count: "int32" }> {
    const v = this.slot(column).vector;
    const g = groupOne(v, this.rows, this.length, options.dropNull === false);
    const counts = new Int32Array(g.count);
    for (let i = 0; i < g.codes.length; i++) if (g.codes[i] >= 0) counts[g.codes[i]]++;
    const keyOrder = groupsInKeyOrder(g, [v], this.rows);
    const rank = new Int32Array(g.count);
    for (let k = 0; k < keyOrder.length; k++) rank[keyOrder[k]] = k;
    const order = Array.from(keyOrder).sort((a, b) => counts[b] - counts[a] || rank[a] - rank[b]);
    const firstRows = new Uint32Array(order.length);
    const cnt = new Int32Array(order.length);
    for (let k = 0; k < order.length; k++) {
      firstRows[k] = this.baseRow(g.first[order[k]]);
      cnt[k] = counts[order[k]];
    }
    return new Table([
      [column, takeVector(v, firstRows)],
      ["count", { type: "int32", values: cnt }],
    ]) as unknown as Table<{ [P in K]: S[K] } & { count: "int32" }>;
  }

  /** Distinct values of a column in order of first appearance (null included when present, unless dropNull). */
  unique<K extends keyof S & string>(column: K, options: { dropNull?: boolean } = {}): Table<Pick<S, K>> {
    const v = this.slot(column).vector;
    const g = groupOne(v, this.rows, this.length, options.dropNull !== true);
    const rows = new Uint32Array(g.count);
    for (let k = 0; k < g.count; k++) rows[k] = this.baseRow(g.first[k]);
    return new Table([[column, takeVector(v, rows)]]) as unknown as Table<Pick<S, K>>;
  }

  /**
   * Group rows by key columns; `.agg({ col: op | op[] })` gives one row per group (groups in key order,
   * rows with a null key left out unless `dropNull: false`) with the keys, then one column per
   * aggregate named `<col>_<op>`; `.count()` gives the group sizes.
   */
  groupBy<K extends keyof S & string>(columns: K | readonly K[], options: { dropNull?: boolean } = {}): GroupedTable<S, K> {
    const list = (typeof columns === "string" ? [columns] : [...columns]) as K[];
    if (!list.length) throw new TypeError("groupBy: no column");
    for (const c of list) this.slot(c);
    return new GroupedTable<S, K>(this, list, options.dropNull !== false);
  }

  /** @internal grouping for GroupedTable */
  _grouping(columns: readonly string[], dropNull: boolean): { g: Grouping; keyOrder: Int32Array; vectors: Vector[] } {
    const vectors = columns.map((c) => this.slot(c).vector);
    let g = groupOne(vectors[0], this.rows, this.length, !dropNull);
    for (let j = 1; j < vectors.length; j++) g = combine(g, groupOne(vectors[j], this.rows, this.length, !dropNull));
    return { g, keyOrder: groupsInKeyOrder(g, vectors, this.rows), vectors };
  }

  /** @internal the shared (base) vector of a column */
  _baseVector(name: string): Vector {
    return this.slot(name).vector;
  }

  /** @internal */
  _baseRows(): Rows {
    return this.rows;
  }

  /**
   * Summary statistics, one row per column (pandas' `describe(include="all")`, transposed so that every
   * column has one type): count of non-null values; for numbers mean, std (sample), min, quartiles
   * (linear interpolation, as pandas) and max; for strings and booleans unique, top (most frequent) and
   * freq. Statistics that do not apply are null.
   */
  describe(columns: readonly (keyof S & string)[] = this.names as (keyof S & string)[]): Table<DescribeSchema> {
    const out: Record<keyof DescribeSchema, Cell[]> = {
      column: [], type: [], count: [], unique: [], top: [], freq: [], mean: [], std: [], min: [], "25%": [], "50%": [], "75%": [], max: [],
    };
    let scratch = new Float64Array(0);
    for (const name of columns) {
      const v = this.slot(name).vector;
      const push = (k: keyof DescribeSchema, x: Cell) => out[k].push(x);
      push("column", name);
      push("type", v.type);
      if (isNumericType(v.type)) {
        if (scratch.length < this.length) scratch = new Float64Array(this.length);
        const s = numericSummary(v, this.rows, this.length, scratch);
        push("count", s.count);
        push("unique", null);
        push("top", null);
        push("freq", null);
        push("mean", s.mean);
        push("std", s.std);
        push("min", s.min);
        push("25%", s.q[0]);
        push("50%", s.q[1]);
        push("75%", s.q[2]);
        push("max", s.max);
      } else {
        const g = groupOne(v, this.rows, this.length, false);
        const counts = new Int32Array(g.count);
        let count = 0;
        for (let i = 0; i < g.codes.length; i++) {
          const c = g.codes[i];
          if (c >= 0) {
            counts[c]++;
            count++;
          }
        }
        let top = -1;
        for (let c = 0; c < g.count; c++) if (top < 0 || counts[c] > counts[top]) top = c;
        push("count", count);
        push("unique", g.count);
        push("top", top < 0 ? null : String(cellOf(v, this.baseRow(g.first[top]))));
        push("freq", top < 0 ? null : counts[top]);
        for (const k of ["mean", "std", "min", "25%", "50%", "75%", "max"] as const) push(k, null);
      }
    }
    return Table.from(out, DESCRIBE_TYPES) as unknown as Table<DescribeSchema>;
  }

  // ------------------------------------------------------------------------------------------------
  // reading

  /** One column's values, typed by the schema (null where absent); a name built at run time gives plain cells. */
  column<N extends string>(name: ColumnName<S, N>): string extends N ? Cell[] : (CellOf<S[N & keyof S]> | null)[];
  column(name: string): Cell[] {
    const v = this.slot(name).vector;
    const out = new Array<Cell>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = cellOf(v, this.baseRow(i));
    return out;
  }

  /** One column's storage for this table's rows (shared when the table has no row selection). */
  vector(name: keyof S & string): Vector {
    const v = this.slot(name).vector;
    return this.rows ? takeVector(v, this.rows) : v;
  }

  /** The value at (position, column). Out of range: RangeError. A name built at run time gives a plain cell. */
  get<N extends string>(i: number, name: ColumnName<S, N>): string extends N ? Cell : CellOf<S[N & keyof S]> | null;
  get(i: number, name: string): Cell {
    const [r] = this.checkPositions([i]);
    return cellOf(this.slot(name).vector, r);
  }

  /** Typed records (one object per row; for small tables and selections). */
  toRecords(options: RowsOption = {}): RowOf<S>[] {
    const names = (options.columns ?? this.names) as string[];
    const vecs = names.map((n) => this.slot(n).vector);
    const rows = options.rows ? this.checkPositions(options.rows) : undefined;
    const n = rows ? rows.length : this.length;
    const out: RowOf<S>[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const r = rows ? rows[i] : this.baseRow(i);
      const o: Record<string, Cell> = {};
      for (let j = 0; j < names.length; j++) o[names[j]] = cellOf(vecs[j], r);
      out[i] = o as RowOf<S>;
    }
    return out;
  }

  /** Column-oriented plain data: `{ columns, data: { name: values[] }, rows }` (null where absent). */
  toColumns(options: RowsOption = {}): { columns: string[]; data: Record<string, Cell[]>; rows: number } {
    const names = [...((options.columns ?? this.names) as string[])];
    const rows = options.rows ? this.checkPositions(options.rows) : undefined;
    const n = rows ? rows.length : this.length;
    const data: Record<string, Cell[]> = {};
    for (const name of names) {
      const v = this.slot(name).vector;
      const col = new Array<Cell>(n);
      for (let i = 0; i < n; i++) col[i] = cellOf(v, rows ? rows[i] : this.baseRow(i));
      data[name] = col;
    }
    return { columns: names, data, rows: n };
  }

  /** Stream CSV (RFC 4180 quoting; null → empty cell; booleans 1/0; floats exact) to `write`. */
  writeCSV(write: (chunk: string) => void, options: CsvOptions = {}): void {
    const names = [...((options.columns ?? this.names) as string[])];
    const vecs = names.map((n) => this.slot(n).vector);
    if (options.header !== false) write(names.map(csvText).join(",") + "\n");
    let buf = "";
    for (let i = 0; i < this.length; i++) {
      const r = this.baseRow(i);
      let line = "";
      for (let j = 0; j < vecs.length; j++) {
        const v = vecs[j];
        if (j) line += ",";
        if (isNull(v, r)) continue;
        const x = v.values[r];
        line += v.type === "string" ? csvText(v.dict![x]) : v.type === "bool" ? (x ? "1" : "0") : String(x);
      }
      buf += line + "\n";
      if (buf.length > 1 << 16) {
        write(buf);
        buf = "";
      }
    }
    if (buf) write(buf);
  }

  /** CSV text of the table. */
  toCSV(options: CsvOptions = {}): string {
    const parts: string[] = [];
    this.writeCSV((s) => parts.push(s), options);
    return parts.join("");
  }

  /**
   * A danfo DataFrame of the rows and columns asked for (all by default), with explicit dtypes from the
   * schema (strings stay strings when null-led, integers int32, booleans boolean; floats are labelled
   * float32, danfo's only float dtype). Nulls stay null. danfo is loaded on first use.
   */
  toDataFrame(options: RowsOption = {}): DataFrame {
    const { columns, data } = this.toColumns(options);
    return makeDataFrame(columns, data, columns.map((c) => danfoDtype(this.slot(c).vector)));
  }

  // ------------------------------------------------------------------------------------------------
  // display

  /** pandas-like HTML: the first and last rows around an ellipsis row when long, and the shape. */
  toHTML(options: TableDisplayOptions = {}): string {
    return tableToHtml(this, options);
  }

  /** Plain-text rendering (what console.log and the CLI show). */
  toString(options: TableDisplayOptions = {}): string {
    return tableToText(this, options);
  }

  /** Display in a notebook (HTML + text); outside a kernel returns the MIME bundle. */
  show(options: TableDisplayOptions = {}): Record<string, string> | undefined {
    const bundle = { "text/html": this.toHTML(options), "text/plain": this.toString(options) };
    return displayBundle(bundle) ? undefined : bundle;
  }

  /**
   * console.log / util.inspect / a notebook cell's last expression. In a tslab cell (top-level value)
   * the table is displayed as HTML and nothing is printed; elsewhere the text rendering.
   */
  [util.inspect.custom](depth: number, options: { depth?: number | null }): string {
    const top = depth === (options?.depth ?? 2);
    if (top && displayBundle({ "text/html": this.toHTML(), "text/plain": this.toString() })) return "";
    return this.toString();
  }

  /** @internal cell reader for the renderers */
  _cell(i: number, name: string): Cell {
    return cellOf(this.slot(name).vector, this.baseRow(i));
  }

  /** @internal */
  _type(name: string): ColumnType {
    return this.slot(name).type;
  }
}

const DESCRIBE_TYPES: DescribeSchema = {
  column: "string", type: "string", count: "int32", unique: "int32", top: "string", freq: "int32",
  mean: "float64", std: "float64", min: "float64", "25%": "float64", "50%": "float64", "75%": "float64", max: "float64",
};

function checkCount(n: number, verb: string): void {
  if (!Number.isInteger(n)) throw new TypeError(`${verb}(n): n must be an integer, got ${n}`);
}

function csvText(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Group codes ordered by their key values (keys in column order, nulls last). */
function groupsInKeyOrder(g: Grouping, vectors: Vector[], rows: Rows): Int32Array {
  const firstRows = new Uint32Array(g.count);
  for (let c = 0; c < g.count; c++) firstRows[c] = rows ? rows[g.first[c]] : g.first[c];
  const keys = vectors.map((v) => sortKey(v, firstRows, g.count));
  return Int32Array.from(orderBy(keys, vectors.map(() => false), g.count));
}

interface NumericSummary {
  count: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  q: (number | null)[];
}

const QUARTILES = [0.25, 0.5, 0.75];

function numericSummary(v: Vector, rows: Rows, n: number, scratch: Float64Array): NumericSummary {
  const vals = v.values;
  const mask = v.nulls;
  const float = isFloatType(v.type);
  let m = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const r = rows ? rows[i] : i;
    if (mask !== undefined && mask[r] !== 0) continue;
    const x = vals[r];
    if (float && x !== x) continue;
    scratch[m++] = x;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (m === 0) return { count: 0, mean: null, std: null, min: null, max: null, q: [null, null, null] };
  const mean = sum / m;
  let ss = 0;
  for (let i = 0; i < m; i++) {
    const d = scratch[i] - mean;
    ss += d * d;
  }
  const std = m > 1 ? Math.sqrt(ss / (m - 1)) : null;
  let q: (number | null)[];
  if (isIntegerType(v.type) && max - min < Math.max(1 << 16, m)) {
    const counts = new Uint32Array(max - min + 1);
    for (let i = 0; i < m; i++) counts[scratch[i] - min]++;
    q = histogramQuantiles(counts, min, m, QUARTILES);
  } else q = quantiles(scratch, m, QUARTILES);
  return { count: m, mean, std, min, max, q };
}

/** Result of {@link Table.groupBy}: aggregate with `agg` or `count`. */
export class GroupedTable<S extends Schema, K extends keyof S & string> {
  constructor(
    private readonly table: Table<S>,
    private readonly keys: readonly K[],
    private readonly dropNull: boolean,
  ) {}

  /** Group sizes: the keys and `count` (rows per group, nulls included). */
  count(): Table<Pick<S, K> & { count: "int32" }> {
    return this.aggregate([]) as unknown as Table<Pick<S, K> & { count: "int32" }>;
  }

  /**
   * One row per group: the key columns, then `<col>_<op>` for each requested aggregate. count and
   * nunique count non-null values; sum, mean and median are float64 (null for a group without
   * values); min, max, first and last keep the column's type (first/last: first/last non-null).
   */
  agg<Spec extends AggSpec<S>>(spec: Spec): Table<Simplify<Pick<S, K> & AggColumns<S, Spec>>> {
    const list: [string, AggOp][] = [];
    for (const [col, ops] of Object.entries(spec) as [string, AggOp | AggOp[] | undefined][]) {
      if (ops === undefined) continue;
      for (const op of typeof ops === "string" ? [ops] : ops) {
        if (!AGG_OPS.includes(op)) throw new TypeError(`agg: unknown operation ${JSON.stringify(op)} for "${col}"; one of ${AGG_OPS.join(", ")}`);
        list.push([col, op]);
      }
    }
    return this.aggregate(list) as unknown as Table<Simplify<Pick<S, K> & AggColumns<S, Spec>>>;
  }

  private aggregate(list: [string, AggOp][]): Table<Schema> {
    const t = this.table;
    const { g, keyOrder } = t._grouping(this.keys, this.dropNull);
    const rows = t._baseRows();
    const { order, offsets } = bucket(g);
    const G = g.count;
    const cols: [string, Vector][] = [];
    const firstRows = new Uint32Array(G);
    for (let k = 0; k < G; k++) {
      const p = g.first[keyOrder[k]];
      firstRows[k] = rows ? rows[p] : p;
    }
    for (const key of this.keys) cols.push([key, takeVector(t._baseVector(key), firstRows)]);
    if (!list.length) {
      const cnt = new Int32Array(G);
      for (let k = 0; k < G; k++) cnt[k] = offsets[keyOrder[k] + 1] - offsets[keyOrder[k]];
      cols.push(["count", { type: "int32", values: cnt }]);
    }
    let scratch = new Float64Array(0);
    for (const [col, op] of list) {
      const name = `${col}_${op}`;
      if (cols.some(([n]) => n === name)) throw new TypeError(`agg: column "${name}" would be produced twice`);
      const v = t._baseVector(col);
      const vals = v.values;
      const numeric = isNumericType(v.type);
      if ((op === "sum" || op === "mean" || op === "median") && !numeric) {
        throw new TypeError(`agg: ${op} of "${col}" needs a numeric column, it is ${v.type}`);
      }
      if (op === "count" || op === "nunique") {
        const out = new Int32Array(G);
        for (let k = 0; k < G; k++) {
          const c = keyOrder[k];
          if (op === "count") {
            let m = 0;
            for (let p = offsets[c]; p < offsets[c + 1]; p++) if (!isNull(v, rowOf(rows, order[p]))) m++;
            out[k] = m;
          } else {
            const seen = new Set<number>();
            for (let p = offsets[c]; p < offsets[c + 1]; p++) {
              const r = rowOf(rows, order[p]);
              if (!isNull(v, r)) seen.add(v.type === "string" ? dictRanks(v.dict!)[vals[r]] : vals[r] + 0);
            }
            out[k] = seen.size;
          }
        }
        cols.push([name, { type: "int32", values: out }]);
      } else if (op === "sum" || op === "mean" || op === "median") {
        const out = new Float64Array(G);
        for (let k = 0; k < G; k++) {
          const c = keyOrder[k];
          const size = offsets[c + 1] - offsets[c];
          if (op === "median" && scratch.length < size) scratch = new Float64Array(size);
          let m = 0;
          let s = 0;
          for (let p = offsets[c]; p < offsets[c + 1]; p++) {
            const r = rowOf(rows, order[p]);
            if (isNull(v, r)) continue;
            const x = vals[r];
            if (op === "median") scratch[m] = x;
            s += x;
            m++;
          }
          out[k] = op === "sum" ? s : m === 0 ? NaN : op === "mean" ? s / m : median(scratch, m)!;
        }
        cols.push([name, { type: "float64", values: out }]);
      } else {
        // min / max / first / last: a row of the group, value of the column's own type
        const pick = new Uint32Array(G);
        const none = new Uint8Array(G);
        const rank = v.type === "string" ? dictRanks(v.dict!) : undefined;
        for (let k = 0; k < G; k++) {
          const c = keyOrder[k];
          let best = -1;
          let bestKey = 0;
          for (let p = offsets[c]; p < offsets[c + 1]; p++) {
            const r = rowOf(rows, order[p]);
            if (isNull(v, r)) continue;
            if (op === "first") {
              best = r;
              break;
            }
            const key = rank ? rank[vals[r]] : vals[r];
            if (best < 0 || op === "last" || (op === "min" ? key < bestKey : key > bestKey)) {
              best = r;
              bestKey = key;
            }
          }
          if (best < 0) none[k] = 1;
          else pick[k] = best;
        }
        const taken = takeVector(v, pick);
        const nulls = taken.nulls ? taken.nulls.slice() : new Uint8Array(G);
        let any = 0;
        for (let k = 0; k < G; k++) any |= nulls[k] |= none[k];
        cols.push([name, { ...taken, nulls: any ? nulls : undefined }]);
      }
    }
    return new Table(cols, { length: G });
  }
}

function rowOf(rows: Rows, p: number): number {
  return rows ? rows[p] : p;
}
