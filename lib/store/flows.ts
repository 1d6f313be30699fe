/**
 * The flow table as store columns: every column of `FlowTable` (a superset of `pcapframe flows F --csv`),
 * with the same names and values; types from the flow schema. Strings get a dictionary.
 */
import type { FlowColumnType } from "../flows/schema";
import type { FlowTable } from "../flows/table";
import type { StoreColumn, StoreTable, StoreType } from "./column";

/** Storage type of a flow column from its schema type (lib/flows/schema.ts); counts are int64 (a flow may move > 4 GB). */
export function flowColumnType(type: FlowColumnType): StoreType {
  return type === "string" ? "string" : type === "boolean" ? "bool" : type === "uint32" ? "int64" : "float64";
}

export interface FlowStoreOptions {
  /** Only these flow rows (ascending). */
  rows?: ArrayLike<number>;
  /** Extra constant string columns (e.g. pcap_file). */
  constants?: Record<string, string>;
}

/** Materialise the flow table (or some of its rows) as store columns. */
export function flowStore(table: FlowTable, options: FlowStoreOptions = {}): StoreTable {
  const rows = options.rows;
  const n = rows ? rows.length : table.length;
  const rowAt = rows ? (k: number) => rows[k] : (k: number) => k;
  const columns: StoreColumn[] = [];
  for (const d of table.describeColumns()) {
    const type = flowColumnType(d.type);
    const raw = table.raw(d.name);
    const nulls = new Uint8Array(n);
    let anyNull = false;
    if (type === "string") {
      const dict: string[] = [];
      const ids = new Map<string, number>();
      const codes = new Uint32Array(n);
      for (let k = 0; k < n; k++) {
        const v = (raw as (string | null)[])[rowAt(k)];
        if (v === null || v === undefined) {
          nulls[k] = 1;
          anyNull = true;
          continue;
        }
        let id = ids.get(v);
        if (id === undefined) {
          id = dict.length;
          dict.push(v);
          ids.set(v, id);
        }
        codes[k] = id;
      }
      columns.push({ name: d.name, type, values: codes, dictionary: dict, nulls: anyNull ? nulls : undefined, description: d.description });
    } else if (type === "bool") {
      const v = new Uint8Array(n);
      for (let k = 0; k < n; k++) {
        const x = (raw as (boolean | null)[])[rowAt(k)];
        if (x === null || x === undefined) {
          nulls[k] = 1;
          anyNull = true;
        } else v[k] = x ? 1 : 0;
      }
      columns.push({ name: d.name, type, values: v, nulls: anyNull ? nulls : undefined, description: d.description });
    } else {
      const src = raw as Float64Array;
      if (type === "float64") {
        const v = new Float64Array(n);
        for (let k = 0; k < n; k++) {
          const x = src[rowAt(k)];
          if (Number.isNaN(x)) {
            nulls[k] = 1;
            anyNull = true;
          } else v[k] = x;
        }
        columns.push({ name: d.name, type, values: v, nulls: anyNull ? nulls : undefined, description: d.description });
      } else {
        const v = new BigInt64Array(n);
        for (let k = 0; k < n; k++) {
          const x = src[rowAt(k)];
          if (Number.isNaN(x) || !Number.isSafeInteger(x)) {
            // a fraction in an integer column would be a schema bug: kept out rather than truncated
            nulls[k] = 1;
            anyNull = true;
          } else v[k] = BigInt(x);
        }
        columns.push({ name: d.name, type, values: v, nulls: anyNull ? nulls : undefined, description: d.description });
      }
    }
  }
  for (const [name, text] of Object.entries(options.constants ?? {})) {
    columns.push({ name, type: "string", values: new Uint32Array(n), dictionary: [text] });
  }
  return { length: n, columns };
}
