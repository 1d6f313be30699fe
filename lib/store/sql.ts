/**
 * SQL over a converted dataset through DuckDB (`@duckdb/node-api`, in-process; its binary is the registry
 * package `@duckdb/node-bindings-<platform>`, nothing is downloaded at install or run time).
 *
 * `sql(dir, query)` opens an in-memory DuckDB, defines the views `packets` and `flows` over
 * `dir/packets/**\/*.parquet` and `dir/flows/**\/*.parquet` (Hive partitioning: `date` and `hour` become
 * columns), runs the query and returns its result as store columns (typed arrays, null masks, dictionary
 * strings) — a table the frame stage can wrap.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { StoreColumn, StoreTable, StoreType } from "./column";
import { allocValues } from "./column";
import { Table } from "../frame/table";
import type { ColumnType, Schema, Vector } from "../frame/vector";

type DuckApi = typeof import("@duckdb/node-api");

let duckApi: DuckApi | null = null;
function duck(): DuckApi {
  // loaded on first use: the native binding is ~70 MB and most sessions never query
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (duckApi ??= require("@duckdb/node-api") as DuckApi);
}

/**
 * A query's result: a pcapframe Table (display, head, sortBy, groupBy… work on it) that is also a store
 * table (`columns`: the typed columns as DuckDB gave them, BIGINT as BigInt64Array; CSV, Arrow and
 * Parquet out). In the Table view a BIGINT column is float64 (exact up to 2^53).
 */
export class SqlTable extends Table<Schema> implements StoreTable {
  constructor(
    readonly columns: StoreColumn[],
    /** DuckDB's type of each column (e.g. "UINTEGER", "VARCHAR", "DATE"). */
    readonly sqlTypes: string[],
    length: number,
  ) {
    super(columns.map((c) => [c.name, frameVector(c)] as const), { length });
  }
}

/** The frame view of a store column (no copy except int64 → float64). */
function frameVector(c: StoreColumn): Vector {
  if (c.type === "string") {
    if (!(c.values instanceof Uint32Array)) throw new TypeError(`column ${c.name}: expected dictionary codes`);
    return { type: "string", values: c.values, dict: c.dictionary ?? [], nulls: c.nulls };
  }
  if (c.values instanceof BigInt64Array) return { type: "float64", values: Float64Array.from(c.values, Number), nulls: c.nulls };
  return { type: c.type as ColumnType, values: c.values as Vector["values"], nulls: c.nulls };
}

/** The SQL (DuckDB dialect) that defines a view over one table of a dataset; null when the dataset has no such files. */
export function datasetView(dir: string, table: "packets" | "flows"): string | null {
  const base = path.join(dir, table);
  if (!hasParquet(base)) return null;
  const glob = path.join(base, "**", "*.parquet").replace(/'/g, "''");
  return `CREATE OR REPLACE VIEW ${table} AS SELECT * FROM read_parquet('${glob}', hive_partitioning = true, union_by_name = true)`;
}

function hasParquet(dir: string): boolean {
  if (!fs.existsSync(dir)) return false;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile() && e.name.endsWith(".parquet")) return true;
    if (e.isDirectory() && hasParquet(path.join(dir, e.name))) return true;
  }
  return false;
}

const TYPE_OF: Record<string, StoreType> = {
  BOOLEAN: "bool",
  TINYINT: "int8",
  UTINYINT: "uint8",
  SMALLINT: "int16",
  USMALLINT: "uint16",
  INTEGER: "int32",
  UINTEGER: "uint32",
  BIGINT: "int64",
  FLOAT: "float64",
  DOUBLE: "float64",
  DECIMAL: "float64",
  HUGEINT: "float64",
  UBIGINT: "float64",
};

/**
 * Run a query over the dataset in `dir` (the views `packets` and `flows`; any DuckDB SQL, `read_parquet`
 * of other files included). Rejects with DuckDB's message on a bad query.
 */
export async function sql(dir: string, query: string): Promise<SqlTable> {
  if (typeof query !== "string" || !query.trim()) throw new TypeError("sql: the query is empty");
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new TypeError(`sql: no such dataset directory: ${dir}`);
  const { DuckDBInstance } = duck();
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    for (const t of ["packets", "flows"] as const) {
      const v = datasetView(dir, t);
      if (v) await con.run(v);
    }
    const reader = await con.runAndReadAll(query);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    const n = reader.currentRowCount;
    const jsCols = reader.getColumnsJS();
    const columns: StoreColumn[] = [];
    const sqlTypes: string[] = [];
    names.forEach((name, j) => {
      const typeText = types[j].toString();
      sqlTypes.push(typeText);
      const base = typeText.replace(/\(.*$/, "");
      const st = TYPE_OF[base] ?? "string";
      const src = jsCols[j];
      const nulls = new Uint8Array(n);
      let anyNull = false;
      if (st === "string") {
        const dict: string[] = [];
        const ids = new Map<string, number>();
        const codes = new Uint32Array(n);
        const raw = base === "VARCHAR" ? null : reader.getColumns()[j];
        for (let i = 0; i < n; i++) {
          const v = src[i];
          if (v === null || v === undefined) {
            nulls[i] = 1;
            anyNull = true;
            continue;
          }
          const s = typeof v === "string" ? v : base === "DATE" && v instanceof Date ? v.toISOString().slice(0, 10) : String(raw ? raw[i] : v);
          let id = ids.get(s);
          if (id === undefined) {
            id = dict.length;
            dict.push(s);
            ids.set(s, id);
          }
          codes[i] = id;
        }
        columns.push({ name, type: "string", values: codes, dictionary: dict, nulls: anyNull ? nulls : undefined });
        return;
      }
      const values = allocValues(st as Exclude<StoreType, "string">, n);
      for (let i = 0; i < n; i++) {
        const v = src[i];
        if (v === null || v === undefined) {
          nulls[i] = 1;
          anyNull = true;
        } else if (st === "int64") (values as BigInt64Array)[i] = BigInt(v as bigint | number);
        else if (st === "bool") values[i] = v ? 1 : 0;
        else (values as Float64Array)[i] = Number(v);
      }
      columns.push({ name, type: st, values, nulls: anyNull ? nulls : undefined });
    });
    return new SqlTable(columns, sqlTypes, n);
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
