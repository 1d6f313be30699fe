/** pandas-like HTML and plain-text renderings of a Table (every cell from a capture is HTML-escaped). */
import { escapeHtml } from "../base/html";
import type { Cell, ColumnType } from "./vector";

export interface TableDisplayOptions {
  /** Tables longer than this show only `minRows` rows (head + tail around an ellipsis row); default 60. */
  maxRows?: number;
  /** Rows shown when truncated (half head, half tail); default 10, as pandas. */
  minRows?: number;
  /** Cut cell text longer than this (with …); default 60 in HTML, 40 in text. */
  maxColWidth?: number;
  /** Tables wider than this show the first and last `maxColumns / 2` columns around a … column; default 20, as pandas. */
  maxColumns?: number;
  /** A caption above the table. */
  caption?: string;
}

/** What the renderers need from a table. */
export interface Renderable {
  readonly length: number;
  readonly columnNames: string[];
  _cell(i: number, name: string): Cell;
  _type(name: string): ColumnType;
}

/** Text of one cell (null → "null"; floats to 6 decimals, small ones to the nanosecond). */
export function cellText(v: Cell, maxWidth = Infinity): string {
  let s: string;
  if (v === null) s = "null";
  else if (typeof v === "number") s = numberText(v);
  else s = String(v);
  if (s.length > maxWidth) s = s.slice(0, Math.max(1, maxWidth - 1)) + "…";
  return s;
}

/** A number as tables show it: integers as they are, 6 decimals, seconds-scale values to the nanosecond, else exponent. */
export function numberText(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e15) return String(Number(v.toFixed(6)));
  // seconds-scale values (RTTs, time deltas) read better as fixed decimals down to the nanosecond
  if (a >= 1e-9 && a < 1e-4) return v.toFixed(9).replace(/0+$/, "");
  return v.toExponential(6).replace(/\.?0+e/, "e");
}

function plan(n: number, o: TableDisplayOptions): { head: number; tail: number } {
  const maxRows = o.maxRows ?? 60;
  if (n <= maxRows) return { head: n, tail: 0 };
  const shown = Math.max(2, Math.min(o.minRows ?? 10, maxRows));
  return { head: Math.ceil(shown / 2), tail: Math.floor(shown / 2) };
}

/** The columns to show: all, or the first and last ones with null marking the … column. */
function columnPlan(names: string[], o: TableDisplayOptions): (string | null)[] {
  const max = Math.max(2, o.maxColumns ?? 20);
  if (names.length <= max) return names;
  const head = Math.ceil(max / 2);
  return [...names.slice(0, head), null, ...names.slice(names.length - (max - head))];
}

function shapeText(t: Renderable): string {
  const c = t.columnNames.length;
  return `${t.length} row${t.length === 1 ? "" : "s"} × ${c} column${c === 1 ? "" : "s"}`;
}

const isNumericType = (t: ColumnType) => t !== "string" && t !== "bool";

export function tableToHtml(t: Renderable, o: TableDisplayOptions = {}): string {
  const width = o.maxColWidth ?? 60;
  const names = columnPlan(t.columnNames, o);
  const { head, tail } = plan(t.length, o);
  const out: string[] = ['<div class="pcapframe-table">', '<table border="1" class="dataframe">'];
  if (o.caption !== undefined) out.push(`<caption>${escapeHtml(o.caption)}</caption>`);
  out.push('<thead><tr style="text-align: right;"><th></th>');
  for (const n of names) out.push(`<th>${n === null ? "…" : escapeHtml(n)}</th>`);
  out.push("</tr></thead><tbody>");
  const numeric = names.map((n) => n !== null && isNumericType(t._type(n)));
  const row = (i: number) => {
    out.push(`<tr><th>${i}</th>`);
    for (let j = 0; j < names.length; j++) {
      const name = names[j];
      if (name === null) {
        out.push("<td>…</td>");
        continue;
      }
      const v = t._cell(i, name);
      if (v === null) out.push('<td style="color: #999;">null</td>');
      else out.push(`<td${numeric[j] ? ' style="text-align: right;"' : ""}>${escapeHtml(cellText(v, width))}</td>`);
    }
    out.push("</tr>");
  };
  for (let i = 0; i < head; i++) row(i);
  if (tail) {
    out.push("<tr><th>…</th>" + "<td>…</td>".repeat(names.length) + "</tr>");
    for (let i = t.length - tail; i < t.length; i++) row(i);
  }
  out.push("</tbody></table>", `<p>${shapeText(t)}</p>`, "</div>");
  return out.join("");
}

export function tableToText(t: Renderable, o: TableDisplayOptions = {}): string {
  const width = o.maxColWidth ?? 40;
  const names = columnPlan(t.columnNames, o);
  const { head, tail } = plan(t.length, o);
  const header = ["", ...names.map((n) => (n === null ? "…" : cellText(n, width)))];
  const right = [true, ...names.map((n) => n !== null && isNumericType(t._type(n)))];
  const rows: string[][] = [];
  const row = (i: number) =>
    rows.push([String(i), ...names.map((n) => (n === null ? "…" : cellText(t._cell(i, n), width).replace(/[\r\n\t]/g, " ")))]);
  for (let i = 0; i < head; i++) row(i);
  if (tail) {
    rows.push(header.map(() => "…"));
    for (let i = t.length - tail; i < t.length; i++) row(i);
  }
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const fmt = (cells: string[]) => cells.map((s, j) => (right[j] ? s.padStart(widths[j]) : s.padEnd(widths[j]))).join("  ").trimEnd();
  const lines = [fmt(header), ...rows.map(fmt), "", `[${shapeText(t)}]`];
  if (o.caption !== undefined) lines.unshift(o.caption);
  return lines.join("\n");
}
