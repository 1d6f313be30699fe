/** FlowTable: a small columnar table (one row per flow) with dataframe / records / CSV views. */
import * as util from "node:util";
import type { DataFrame } from "danfojs-node";
import { csvCell } from "../base/csv";
import { Table, type DescribeSchema, type GroupedTable } from "../frame/table";
import { vectorFromValues, type Schema, type Vector } from "../frame/vector";
import type { FlowColumnDef } from "./schema";

export type FlowCell = number | string | boolean | null;
export type FlowColumnKind = "number" | "string" | "boolean";

/** A built column: its schema entry (schema.ts) and its values. */
export interface FlowColumn extends FlowColumnDef {
  /** numbers: Float64Array (NaN = absent); strings/booleans: plain arrays with null = absent */
  readonly data: Float64Array | (string | null)[] | (boolean | null)[];
}

export class FlowTable {
  readonly length: number;
  private readonly cols = new Map<string, FlowColumn>();
  readonly columnNames: string[] = [];

  constructor(length: number, columns: FlowColumn[]) {
    this.length = length;
    for (const c of columns) {
      this.cols.set(c.name, c);
      this.columnNames.push(c.name);
    }
  }

  /** Column descriptions. */
  describeColumns(): FlowColumnDef[] {
    return this.columnNames.map((n) => {
      const { data: _data, ...def } = this.cols.get(n)!;
      return def;
    });
  }

  private need(name: string): FlowColumn {
    const c = this.cols.get(name);
    if (!c) throw new TypeError(`unknown flow column "${name}"; available: ${this.columnNames.join(", ")}`);
    return c;
  }

  /** Raw column storage (Float64Array with NaN for absent numbers, or an array with nulls). */
  raw(name: string): FlowColumn["data"] {
    return this.need(name).data;
  }

  /** One value. */
  get(name: string, i: number): FlowCell {
    const c = this.need(name);
    const v = c.data[i];
    if (c.kind === "number") return Number.isNaN(v as number) ? null : (v as number);
    return v as FlowCell;
  }

  /** A column as plain values (null where absent). */
  column(name: string): FlowCell[] {
    const c = this.need(name);
    const out: FlowCell[] = new Array(this.length);
    if (c.kind === "number") {
      const d = c.data as Float64Array;
      for (let i = 0; i < this.length; i++) out[i] = Number.isNaN(d[i]) ? null : d[i];
    } else for (let i = 0; i < this.length; i++) out[i] = (c.data as FlowCell[])[i];
    return out;
  }

  /** One flow as a plain object. */
  row(i: number, columns: string[] = this.columnNames): Record<string, FlowCell> {
    if (!(i >= 0 && i < this.length)) throw new RangeError(`flow row ${i} out of range 0..${this.length - 1}`);
    const o: Record<string, FlowCell> = {};
    for (const n of columns) o[n] = this.get(n, i);
    return o;
  }

  /** Every flow as a plain object. */
  toRecords(options: { columns?: string[] } = {}): Record<string, FlowCell>[] {
    const cols = options.columns ?? this.columnNames;
    const out: Record<string, FlowCell>[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.row(i, cols));
    return out;
  }

  /** Indexes of the rows where `pred` is true. */
  filter(pred: (row: Record<string, FlowCell>, i: number) => boolean): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.length; i++) if (pred(this.row(i), i)) out.push(i);
    return out;
  }

  private tableCache: Table | undefined;

  /** The flows as a Table with the declared column types (pandas-like verbs, HTML/text display). */
  table(): Table {
    return (this.tableCache ??= new Table(
      this.columnNames.map((n) => [n, flowVector(this.cols.get(n)!)] as const),
      { length: this.length },
    ));
  }

  /** The first n flows as a Table. */
  head(n = 5): Table {
    return this.table().head(n);
  }

  /** The last n flows as a Table. */
  tail(n = 5): Table {
    return this.table().tail(n);
  }

  /** These columns as a Table. */
  select(columns: readonly string[]): Table {
    return this.table().select(columns);
  }

  /** The flows ordered by columns (stable, nulls last). */
  sortBy(columns: string | readonly string[], options: { descending?: boolean | readonly boolean[] } = {}): Table {
    return this.table().sortBy(columns, options);
  }

  /** Distinct values of a column with their counts, most frequent first. */
  valueCounts(column: string, options: { dropNull?: boolean } = {}): Table {
    return this.table().valueCounts(column, options);
  }

  /** Group the flows by columns; aggregate with `.agg({ col: op })` or `.count()`. */
  groupBy(columns: string | readonly string[], options: { dropNull?: boolean } = {}): GroupedTable<Schema, string> {
    return this.table().groupBy(columns, options);
  }

  /** Summary statistics, one row per column. */
  describe(columns?: readonly string[]): Table<DescribeSchema> {
    return columns ? this.table().describe(columns) : this.table().describe();
  }

  /** pandas-like HTML of the flow table. */
  toHTML(): string {
    return this.table().toHTML();
  }

  /** console.log / a notebook cell's last expression: the table, not the internals. */
  [util.inspect.custom](depth: number, options: { depth?: number | null }): string {
    return (this.table() as unknown as { [util.inspect.custom](d: number, o: unknown): string })[util.inspect.custom](depth, options);
  }

  /**
   * A danfo DataFrame of the columns asked for, with explicit dtypes from the declared types (danfo is
   * loaded on first use; see Table.toDataFrame).
   */
  toDataFrame(options: { columns?: string[]; rows?: ArrayLike<number> } = {}): DataFrame {
    return this.table().toDataFrame(options);
  }

  /** Stream CSV (header + one line per flow) to `write`. */
  writeCSV(columns: string[] = this.columnNames, write: (chunk: string) => void, rows?: readonly number[]): void {
    const defs = columns.map((n) => this.need(n));
    write(columns.join(",") + "\n");
    let buf = "";
    const n = rows ? rows.length : this.length;
    for (let k = 0; k < n; k++) {
      const i = rows ? rows[k] : k;
      let line = "";
      for (let j = 0; j < defs.length; j++) line += (j ? "," : "") + csvCell(this.get(defs[j].name, i));
      buf += line + "\n";
      if (buf.length > 1 << 16) {
        write(buf);
        buf = "";
      }
    }
    if (buf) write(buf);
  }

  toCSV(columns: string[] = this.columnNames): string {
    const parts: string[] = [];
    this.writeCSV(columns, (s) => parts.push(s));
    return parts.join("");
  }
}

/** A flow column as a frame vector: uint32 columns as Uint32Array + null mask (float64 if a value does not fit). */
function flowVector(c: FlowColumn): Vector {
  if (c.type === "string") return vectorFromValues("string", c.data as (string | null)[], c.name);
  if (c.type === "boolean") return vectorFromValues("bool", c.data as (boolean | null)[], c.name);
  const d = c.data as Float64Array;
  if (c.type === "uint32") {
    const values = new Uint32Array(d.length);
    const nulls = new Uint8Array(d.length);
    let any = 0;
    let fits = true;
    for (let i = 0; i < d.length && fits; i++) {
      const x = d[i];
      if (x !== x) any = nulls[i] = 1;
      else if ((values[i] = x) !== x) fits = false;
    }
    if (fits) return { type: "uint32", values, nulls: any ? nulls : undefined };
  }
  return { type: "float64", values: d };
}
