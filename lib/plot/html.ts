/**
 * A figure as HTML (plotly.js inlined once, offline) and as a notebook MIME bundle. Used by the notebook's
 * display and by the exporter (.html pages, and the page headless Chromium renders .png/.svg from).
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import type { Figure } from "./figure";
import { escapeHtml, jsonForScript, scriptSafe, toPlainJson } from "../base/html";

/** MIME type -> payload, as in a Jupyter `display_data` message. */
export type MimeBundle = Record<string, unknown>;

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

// ---------------------------------------------------------------------------------------------
// plotly.js source (read once, lazily)

let plotlySource: string | undefined;

/** The plotly.js-dist-min bundle (about 4.8 MB), made safe to inline in a `<script>` element. */
export function plotlyJs(): string {
  if (plotlySource === undefined) {
    const file = require.resolve("plotly.js-dist-min");
    plotlySource = scriptSafe(fs.readFileSync(file, "utf8"));
  }
  return plotlySource;
}

/** `<script>` that defines `window.Plotly` unless a previous output already did. */
export function plotlyJsScriptTag(): string {
  return `<script type="text/javascript">if (!window.Plotly) {\n${plotlyJs()}\n}</script>`;
}

// ---------------------------------------------------------------------------------------------
// Figures

export interface FigureHtmlOptions {
  /** Inline plotly.js (guarded by `if (!window.Plotly)`) before the plot. Default true. */
  includePlotlyJs?: boolean;
  /** Id of the plot's `<div>`; default a fresh unique id. */
  divId?: string;
}

export function figureForJson(fig: Figure): Required<Figure> {
  const plain = toPlainJson({ data: fig.data ?? [], layout: fig.layout ?? {}, config: fig.config ?? {} });
  return plain as Required<Figure>;
}

function cssSize(v: unknown, fallback: string): string {
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? `${Math.round(v)}px` : fallback;
}

/**
 * HTML that draws `fig` with plotly.js: a `<div>` with a unique id and a `<script>` calling
 * `Plotly.newPlot` (it waits briefly for plotly.js if that is still loading). The figure JSON is
 * embedded with `<`, `>` and `&` escaped, so data from captures can't close the script element.
 */
export function figureHtml(fig: Figure, options: FigureHtmlOptions = {}): string {
  const includePlotlyJs = options.includePlotlyJs ?? true;
  const id = options.divId ?? `pcapframe-plot-${randomUUID()}`;
  const f = figureForJson(fig);
  const config = { responsive: true, displaylogo: false, ...f.config };
  const width = cssSize(f.layout.width, "100%");
  const height = cssSize(f.layout.height, "450px");
  const parts: string[] = [];
  if (includePlotlyJs) parts.push(plotlyJsScriptTag());
  parts.push(
    `<div id="${escapeHtml(id)}" class="pcapframe-plot" style="width: ${width}; height: ${height};"></div>`,
    '<script type="text/javascript">(function () {',
    `var id = ${jsonForScript(id)};`,
    `var fig = ${jsonForScript({ data: f.data, layout: f.layout, config })};`,
    "var tries = 0;",
    "function draw() {",
    "  var el = document.getElementById(id);",
    "  if (!el) return;",
    "  if (window.Plotly) { window.Plotly.newPlot(el, fig.data, fig.layout, fig.config); }",
    "  else if (tries++ < 400) { setTimeout(draw, 50); }",
    '  else { el.textContent = "plotly.js did not load; this plot cannot be shown."; }',
    "}",
    "draw();",
    "})();</script>",
  );
  return parts.join("\n");
}

/** A one-line text description of a figure (the `text/plain` fallback). */
export function figureText(fig: Figure): string {
  const counts = new Map<string, number>();
  let points = 0;
  for (const t of fig.data ?? []) {
    const type = String((t && t.type) ?? "scatter");
    counts.set(type, (counts.get(type) ?? 0) + 1);
    const xs = t && (t.x ?? t.values ?? t.y);
    if (xs && typeof xs.length === "number") points += xs.length;
  }
  const title = (fig.layout as { title?: unknown })?.title;
  const titleText =
    typeof title === "string" ? title : typeof title === "object" && title ? (title as { text?: unknown }).text : undefined;
  const kinds = [...counts].map(([k, n]) => `${k}×${n}`).join(", ");
  const n = (fig.data ?? []).length;
  return (
    `Figure: ${n} trace${n === 1 ? "" : "s"}` +
    (kinds ? ` (${kinds})` : "") +
    `, ${points} points` +
    (titleText !== undefined ? `, title ${JSON.stringify(String(titleText))}` : "")
  );
}

/** The MIME bundle {@link showFigure} sends: plotly JSON + HTML fallback + text. */
export function figureBundle(fig: Figure, options: FigureHtmlOptions = {}): MimeBundle {
  const f = figureForJson(fig);
  return {
    [PLOTLY_MIME]: { data: f.data, layout: f.layout, config: f.config },
    "text/html": figureHtml(fig, options),
    "text/plain": figureText(fig),
  };
}

