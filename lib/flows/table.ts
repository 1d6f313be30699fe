/** FlowTable: the flow table (one row per flow) as a typed Table. */
import { csvCell } from "../base/csv";
import { Table, type CsvOptions } from "../frame/table";
import { vectorFromValues, type Schema, type Vector } from "../frame/vector";
import type { FlowColumnDef, FlowTableSchema } from "./schema";

export type FlowCell = number | string | boolean | null;
export type FlowColumnKind = "number" | "string" | "boolean";

/** A built column: its schema entry (schema.ts) and its values. */
export interface FlowColumn extends FlowColumnDef {
  /** numbers: Float64Array (NaN = absent); strings/booleans: plain arrays with null = absent */
  readonly data: Float64Array | (string | null)[] | (boolean | null)[];
}

/**
 * The flow table: a {@link Table} (every verb of the packet table — head, filter, sortBy, valueCounts, groupBy,
 * describe, toRecords, toDataFrame, show…) over the built flow columns with their declared types, plus the
 * schema entries (`describeColumns`) and the flow CSV's number format (nine decimals at most).
 */
export class FlowTable<S extends Schema = FlowTableSchema> extends Table<S> {
  private readonly defs: Map<string, FlowColumn>;

  constructor(length: number, columns: FlowColumn[]) {
    super(columns.map((c) => [c.name, flowVector(c)] as const), { length });
    this.defs = new Map(columns.map((c) => [c.name, c]));
  }

  /** Column descriptions (name, type, unit, which tool the column mirrors, meaning). */
  describeColumns(): FlowColumnDef[] {
    return this.columnNames.map((n) => {
      const { data: _data, ...def } = this.need(n);
      return def;
    });
  }

  private need(name: string): FlowColumn {
    const c = this.defs.get(name);
    if (!c) throw new TypeError(`unknown flow column "${name}"; available: ${this.columnNames.join(", ")}`);
    return c;
  }

  /** The flows at these positions (in that order), as a flow table. Out of range: RangeError. */
  take(positions: ArrayLike<number>): FlowTable<S> {
    const idx: number[] = [];
    for (let k = 0; k < positions.length; k++) {
      const i = positions[k];
      if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new RangeError(`flow row ${i} out of range 0..${this.length - 1}`);
      idx.push(i);
    }
    const cols = this.columnNames.map((n): FlowColumn => {
      const c = this.need(n);
      const data = c.kind === "number" ? Float64Array.from(idx, (i) => (c.data as Float64Array)[i]) : idx.map((i) => (c.data as (string | boolean | null)[])[i]);
      return { ...c, data: data as FlowColumn["data"] };
    });
    return new FlowTable<S>(idx.length, cols);
  }

  /** Raw column storage (Float64Array with NaN for absent numbers, or an array with nulls). */
  raw(name: string): FlowColumn["data"] {
    return this.need(name).data;
  }

  /**
   * Stream CSV (header + one line per flow, or per position of `rows`) to `write`: null → empty, booleans 1/0,
   * numbers rounded to nine decimals (the CLI's `flows --csv` and the Parquet dataset's values).
   */
  writeCSV(write: (chunk: string) => void, options: CsvOptions & { rows?: ArrayLike<number> } = {}): void {
    const names = [...((options.columns ?? this.columnNames) as string[])];
    const cols = names.map((n) => this.need(n));
    if (options.header !== false) write(names.map((n) => csvCell(n)).join(",") + "\n");
    const rows = options.rows;
    const n = rows ? rows.length : this.length;
    let buf = "";
    for (let k = 0; k < n; k++) {
      const i = rows ? rows[k] : k;
      if (!(i >= 0 && i < this.length)) throw new RangeError(`flow row ${i} out of range 0..${this.length - 1}`);
      let line = "";
      for (let j = 0; j < cols.length; j++) {
        const c = cols[j];
        const v = c.data[i];
        line += (j ? "," : "") + csvCell(c.kind === "number" && Number.isNaN(v as number) ? null : (v as FlowCell));
      }
      buf += line + "\n";
      if (buf.length > 1 << 16) {
        write(buf);
        buf = "";
      }
    }
    if (buf) write(buf);
  }

  /** CSV text of the flows (see {@link writeCSV}). */
  toCSV(options: CsvOptions & { rows?: ArrayLike<number> } = {}): string {
    const parts: string[] = [];
    this.writeCSV((s) => parts.push(s), options);
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
