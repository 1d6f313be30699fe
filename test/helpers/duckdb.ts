/** A DuckDB connection (in memory) and a scratch folder for a test file, opened before its tests and closed after. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { afterAll, beforeAll } from "vitest";

export interface DuckSession {
  /** The scratch folder (removed after the file's tests). */
  readonly tmp: string;
  /** The connection. */
  readonly con: DuckDBConnection;
}

/** Call at the top level of a test file: the session's fields are set once its beforeAll has run. */
export function duckdbSession(prefix: string): DuckSession {
  let db: DuckDBInstance | undefined;
  const s = { tmp: "", con: undefined as unknown as DuckDBConnection };
  beforeAll(async () => {
    s.tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    db = await DuckDBInstance.create(":memory:");
    s.con = await db.connect();
  });
  afterAll(() => {
    s.con?.closeSync();
    db?.closeSync();
    if (s.tmp) fs.rmSync(s.tmp, { recursive: true, force: true });
  });
  return s;
}
