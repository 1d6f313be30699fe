/** CSV text of store columns (header + rows), cells formatted as every table's CSV (lib/base/csv.ts). */
import { csvCell } from "../base/csv";
import { cellOf, type StoreTable } from "./column";

const cell = (v: ReturnType<typeof cellOf>): string => (typeof v === "bigint" ? String(v) : csvCell(v));

export function writeStoreCSV(t: StoreTable, write: (chunk: string) => void): void {
  write(t.columns.map((c) => csvCell(c.name)).join(",") + "\n");
  let buf = "";
  for (let i = 0; i < t.length; i++) {
    let line = "";
    for (let j = 0; j < t.columns.length; j++) line += (j ? "," : "") + cell(cellOf(t.columns[j], i));
    buf += line + "\n";
    if (buf.length > 1 << 16) {
      write(buf);
      buf = "";
    }
  }
  if (buf) write(buf);
}

export function storeToCSV(t: StoreTable): string {
  const parts: string[] = [];
  writeStoreCSV(t, (s) => parts.push(s));
  return parts.join("");
}
