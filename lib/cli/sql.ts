/** `pcapframe sql DIR "SELECT …"`: SQL (DuckDB) over a converted dataset; CSV out. */
import * as fs from "node:fs";
import { sql as runSql, writeStoreCSV } from "../store/index";
import { UsageError, type CommandSpec } from "./args";

export const sql: CommandSpec = {
  name: "sql",
  summary: "SQL (DuckDB) over a dataset written by convert: views packets and flows; the result as CSV",
  positional: [{ name: "DIR" }, { name: "QUERY" }],
  options: [],
  async run(args, io) {
    const [dir, query] = args.positional;
    if (!fs.existsSync(dir)) throw new UsageError("sql", `no such dataset: ${dir}`);
    writeStoreCSV(await runSql(dir, query), (s) => io.out(s));
    return 0;
  },
};
