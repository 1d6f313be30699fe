/**
 * pandas-like HTML (and plain-text) rendering of tables: danfo DataFrame/Series (duck-typed, danfo is
 * never loaded here) or a plain `{columns, rows}` table.
 */
import { escapeHtml } from "../base/html";
import { numberText } from "../frame/render";

/** A plain row-oriented table. `rows` are arrays (in column order) or objects keyed by column name. */
export interface RowTable {
  columns: readonly string[];
  rows: ReadonlyArray<readonly unknown[] | Readonly<Record<string, unknown>>>;
  /** Row labels; default 0..n-1. */
  index?: readonly unknown[];
}

/** What {@link frameToHtml} accepts: a {@link RowTable} or a danfo DataFrame / Series. */
export type FrameLike = RowTable | { columns: string[]; values: unknown; index: unknown[] };

export interface FrameHtmlOptions {
  /** Show at most this many rows (head + tail, like pandas); default 60. */
  maxRows?: number;
  /** Caption above the table (escaped). */
  caption?: string;
  /** Truncate cell text to this many characters; default 80. */
  maxColWidth?: number;
  /** Show the index column; default true. */
  index?: boolean;
}

interface Normalized {
  columns: string[];
  nRows: number;
  cell(row: number, col: number): unknown;
  label(row: number): unknown;
}

function isDanfoLike(x: unknown): x is { columns: string[]; values: unknown; index: unknown[]; $isSeries?: boolean } {
  const o = x as Record<string, unknown>;
  return typeof x === "object" && x !== null && "values" in o && "index" in o && "columns" in o && !("rows" in o);
}

function normalize(table: FrameLike): Normalized {
  if (isDanfoLike(table)) {
    const index = Array.from(table.index ?? []);
    const values = table.values as unknown[];
    if (table.$isSeries) {
      const name = (table.columns && table.columns[0]) ?? "0";
      return {
        columns: [String(name)],
        nRows: values.length,
        cell: (r) => values[r],
        label: (r) => index[r],
      };
    }
    const rows = values as unknown[][];
    return {
      columns: table.columns.map(String),
      nRows: rows.length,
      cell: (r, c) => rows[r]?.[c],
      label: (r) => index[r],
    };
  }
  const rt = table as RowTable;
  const columns = rt.columns.map(String);
  const rows = rt.rows;
  const index = rt.index;
  return {
    columns,
    nRows: rows.length,
    cell: (r, c) => {
      const row = rows[r];
      return Array.isArray(row) ? row[c] : (row as Record<string, unknown>)[columns[c]];
    },
    label: (r) => (index ? index[r] : r),
  };
}

/** Format one cell value as text (not yet escaped). */
export function formatCell(v: unknown, maxColWidth = 80): string {
  let s: string;
  if (v === null || v === undefined) s = ""; // absent: a blank cell, as pandas shows NaN-free tables in notebooks
  else if (typeof v === "number") s = numberText(v);
  else if (typeof v === "bigint") s = v.toString();
  else if (typeof v === "string") s = v;
  else if (typeof v === "boolean") s = String(v);
  else if (v instanceof Date) s = isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
  else if (v instanceof Uint8Array) {
    s = Array.from(v.subarray(0, 64), (b) => b.toString(16).padStart(2, "0")).join("");
    if (v.length > 64) s += "…";
  } else {
    try {
      s = JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)) ?? String(v);
    } catch {
      s = String(v);
    }
  }
  if (s.length > maxColWidth) s = s.slice(0, Math.max(1, maxColWidth - 1)) + "…";
  return s;
}

/** Which rows to show: all, or head + tail around a gap (like pandas). */
function rowPlan(nRows: number, maxRows: number): { head: number; tail: number; hidden: number } {
  if (nRows <= maxRows) return { head: nRows, tail: 0, hidden: 0 };
  const shown = Math.max(2, maxRows);
  const head = Math.ceil(shown / 2);
  const tail = shown - head;
  return { head, tail, hidden: nRows - head - tail };
}

function isNumeric(v: unknown): boolean {
  return typeof v === "number" || typeof v === "bigint";
}

/**
 * Render a table as a pandas-like `<table class="dataframe">`. Every header, label and cell is
 * HTML-escaped. Long tables show head + tail rows, a `…` row and a "… N more rows" footer.
 */
export function frameToHtml(table: FrameLike, options: FrameHtmlOptions = {}): string {
  const maxRows = options.maxRows ?? 60;
  const maxColWidth = options.maxColWidth ?? 80;
  const showIndex = options.index ?? true;
  const t = normalize(table);
  const plan = rowPlan(t.nRows, maxRows);
  const out: string[] = [];
  out.push('<div class="pcapframe-frame">');
  out.push('<table border="1" class="dataframe">');
  if (options.caption !== undefined) out.push(`<caption>${escapeHtml(options.caption)}</caption>`);
  out.push('<thead><tr style="text-align: right;">');
  if (showIndex) out.push("<th></th>");
  for (const c of t.columns) out.push(`<th>${escapeHtml(formatCell(c, maxColWidth))}</th>`);
  out.push("</tr></thead><tbody>");
  const row = (r: number) => {
    out.push("<tr>");
    if (showIndex) out.push(`<th>${escapeHtml(formatCell(t.label(r), maxColWidth))}</th>`);
    for (let c = 0; c < t.columns.length; c++) {
      const v = t.cell(r, c);
      const align = isNumeric(v) ? ' style="text-align: right;"' : "";
      out.push(`<td${align}>${escapeHtml(formatCell(v, maxColWidth))}</td>`);
    }
    out.push("</tr>");
  };
  for (let r = 0; r < plan.head; r++) row(r);
  if (plan.hidden > 0) {
    out.push('<tr class="pcapframe-ellipsis">');
    const n = t.columns.length + (showIndex ? 1 : 0);
    for (let i = 0; i < n; i++) out.push(i === 0 && showIndex ? "<th>…</th>" : "<td>…</td>");
    out.push("</tr>");
    for (let r = t.nRows - plan.tail; r < t.nRows; r++) row(r);
  }
  out.push("</tbody></table>");
  if (plan.hidden > 0) {
    out.push(`<p class="pcapframe-more">… ${plan.hidden} more rows</p>`);
  }
  out.push(`<p class="pcapframe-shape">${t.nRows} rows × ${t.columns.length} columns</p>`);
  out.push("</div>");
  return out.join("");
}

/** Plain-text rendering of a table (aligned columns), with the same head + tail row limit. */
export function frameToText(table: FrameLike, options: FrameHtmlOptions = {}): string {
  const maxRows = options.maxRows ?? 60;
  const maxColWidth = options.maxColWidth ?? 40;
  const showIndex = options.index ?? true;
  const t = normalize(table);
  const plan = rowPlan(t.nRows, maxRows);
  const rows: string[][] = [];
  const header = (showIndex ? [""] : []).concat(t.columns.map((c) => formatCell(c, maxColWidth)));
  const numeric: boolean[] = header.map(() => false);
  const mk = (r: number) => {
    const cells = showIndex ? [formatCell(t.label(r), maxColWidth)] : [];
    for (let c = 0; c < t.columns.length; c++) {
      const v = t.cell(r, c);
      if (isNumeric(v)) numeric[c + (showIndex ? 1 : 0)] = true;
      cells.push(formatCell(v, maxColWidth).replace(/[\r\n\t]/g, " "));
    }
    rows.push(cells);
  };
  for (let r = 0; r < plan.head; r++) mk(r);
  if (plan.hidden > 0) {
    rows.push(header.map(() => "…"));
    for (let r = t.nRows - plan.tail; r < t.nRows; r++) mk(r);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) =>
    cells.map((s, i) => (numeric[i] || i === 0 ? s.padStart(widths[i]) : s.padEnd(widths[i]))).join("  ").trimEnd();
  const lines = [fmt(header), ...rows.map(fmt)];
  if (options.caption !== undefined) lines.unshift(options.caption);
  if (plan.hidden > 0) lines.push(`… ${plan.hidden} more rows`);
  lines.push(`[${t.nRows} rows × ${t.columns.length} columns]`);
  return lines.join("\n");
}
