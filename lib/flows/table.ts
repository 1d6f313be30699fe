/** FlowTable: a small columnar table (one row per flow) with dataframe / records / CSV views. */
import { loadDanfo } from "../frame/danfo";
import { csvCell } from "../base/csv";
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

  /** A danfo DataFrame (danfo is loaded on first use). */
  toDataFrame(options: { columns?: string[] } = {}): import("danfojs-node").DataFrame {
    const dfd = loadDanfo();
    const cols = options.columns ?? this.columnNames;
    const obj: Record<string, FlowCell[]> = {};
    for (const c of cols) obj[c] = this.column(c);
    return new dfd.DataFrame(obj, { columns: cols });
  }

  /** Stream CSV (header + one line per flow) to `write`. */
  writeCSV(columns: string[] = this.columnNames, write: (chunk: string) => void): void {
    const defs = columns.map((n) => this.need(n));
    write(columns.join(",") + "\n");
    let buf = "";
    for (let i = 0; i < this.length; i++) {
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
