/**
 * I/O graph: packets or bytes per interval over the whole capture, optionally for several named
 * row predicates (one line each), as Wireshark's Statistics › I/O Graphs.
 */
import { z } from "zod";
import type { Capture } from "../capture/capture";
import type { Figure } from "./figure";
import { AXIS_STYLE, baseLayout, streamColor } from "./common";
import { parseOptions } from "../base/options";
import { escapeHtml } from "../base/html";

/** A row predicate: `(row, cap) => boolean` (row is 0-based; frame number = row + 1). */
export type RowPredicate = (row: number, cap: Capture) => boolean;

const predicate = z.custom<RowPredicate>((v) => typeof v === "function", "expected a function (row, cap) => boolean");

export const IoGraphOptions = z.strictObject({
  /** Interval length in seconds. */
  interval: z.number().positive().default(1),
  /** packets: count per interval; bytes: frame lengths (on the wire) per interval; bits: bytes × 8. */
  unit: z.enum(["packets", "bytes", "bits"]).default("packets"),
  /** One predicate (one line "filtered" next to "all packets"), or named predicates (one line each). */
  filter: z.union([predicate, z.record(z.string(), predicate)]).optional(),
  /** Include the "all packets" line when a filter is given; default true. */
  all: z.boolean().default(true),
  /** bar: one bar per interval; line: a step line (large captures). Default: bars up to 400 intervals. */
  mode: z.enum(["bar", "line"]).optional(),
  title: z.string().optional(),
});
export type IoGraphOptions = z.input<typeof IoGraphOptions>;

/**
 * Packets/bytes per `interval` seconds. Interval k covers [k·interval, (k+1)·interval) of time since
 * the first packet; x is the interval start. Every bin has a hover text with its value and the first
 * frame in it (number and Info).
 */
export function ioGraph(cap: Capture, options: IoGraphOptions = {}): Figure {
  const o = parseOptions("ioGraph", IoGraphOptions, options);
  const n = cap.length;
  const last = n ? cap.relativeTime(n - 1) : 0;
  const bins = Math.max(1, Math.floor(last / o.interval) + 1);
  if (bins > 5_000_000) throw new RangeError(`ioGraph: option "interval": ${o.interval} s gives ${bins} intervals; use a larger interval`);
  const series: [string, RowPredicate | null][] = [];
  if (!o.filter || o.all) series.push(["all packets", null]);
  if (typeof o.filter === "function") series.push(["filtered", o.filter]);
  else if (o.filter) for (const [name, f] of Object.entries(o.filter)) series.push([name, f]);

  const binOf = new Uint32Array(n);
  for (let r = 0; r < n; r++) binOf[r] = Math.min(bins - 1, Math.max(0, Math.floor(cap.relativeTime(r) / o.interval)));
  const wire = cap.packets.wireLen;
  const x = Array.from({ length: bins }, (_, k) => +(k * o.interval).toFixed(9));
  const mode = o.mode ?? (bins <= 400 ? "bar" : "line");
  const data: Record<string, unknown>[] = [];
  series.forEach(([name, f], i) => {
    const y = new Float64Array(bins);
    const firstRow = new Int32Array(bins).fill(-1);
    for (let r = 0; r < n; r++) {
      if (f && !f(r, cap)) continue;
      const b = binOf[r];
      y[b] += o.unit === "packets" ? 1 : o.unit === "bytes" ? wire[r] : wire[r] * 8;
      if (firstRow[b] < 0) firstRow[b] = r;
    }
    const ys = Array.from(y);
    const hover = ys.map((v, k) => {
      const fr = firstRow[k];
      const head = `${name}: ${v} ${o.unit} in [${x[k]}, ${+(x[k] + o.interval).toFixed(9)}) s`;
      return fr < 0 ? head : `${head}<br>first: #${fr + 1} ${escapeHtml(cap.info(fr))}`;
    });
    const color = streamColor(i);
    data.push(
      mode === "bar"
        ? { type: "bar", name, x, y: ys, marker: { color }, hovertext: hover, hoverinfo: "text", offset: 0, width: o.interval * (series.length > 1 ? 0.9 / series.length : 0.9), ...(series.length > 1 ? { offsetgroup: String(i) } : {}) }
        : { type: bins > 20_000 ? "scattergl" : "scatter", mode: "lines", name, x, y: ys, line: { color, shape: "hv", width: 1.5 }, hovertext: hover, hoverinfo: "text" },
    );
    (data[data.length - 1] as Record<string, unknown>).meta = { kind: "io", name, firstRows: Array.from(firstRow) };
  });
  if (mode === "bar" && series.length > 1) {
    // side by side: offset each series inside the interval
    data.forEach((t, i) => {
      t.offset = (i * o.interval * 0.9) / series.length;
      delete t.offsetgroup;
    });
  }
  const layout = baseLayout(o.title ?? `I/O graph: ${o.unit} per ${o.interval} s`);
  layout.xaxis = { ...AXIS_STYLE, title: { text: "time since capture start (s)" }, exponentformat: "none" };
  layout.yaxis = { ...AXIS_STYLE, title: { text: `${o.unit} / ${o.interval} s` }, rangemode: "tozero", tickformat: "~s" };
  layout.barmode = "overlay";
  return { data, layout, config: { responsive: true, displaylogo: false } };
}
