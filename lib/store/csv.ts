/** CSV text of store columns (header + rows): integers as they are, floats in full, strings quoted when needed. */
import { cellOf, type StoreTable } from "./column";

function cell(v: ReturnType<typeof cellOf>): string {
  if (v === null) return "";
  if (typeof v === "boolean") return v ? "1" : "0";
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function writeStoreCSV(t: StoreTable, write: (chunk: string) => void): void {
  write(t.columns.map((c) => cell(c.name)).join(",") + "\n");
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
