/**
 * I/O graph: packets or bytes per interval over the whole capture, optionally for several named
 * row predicates (one line each), as Wireshark's Statistics › I/O Graphs.
 */
import { z } from "zod";
import type { Capture } from "../capture/capture";
import type { Figure } from "./figure";
import { AXIS_STYLE, baseLayout, fitLegend, packetSelection, streamColor } from "./common";
import { parseOptions } from "../base/options";
import { escapeHtml } from "../base/html";
import { Table } from "../frame/table";

/** A row predicate: `(row, cap) => boolean` (row is 0-based; frame number = row + 1). */
export type RowPredicate = (row: number, cap: Capture) => boolean;

const predicate = z.union([
  packetSelection,
  z.custom<RowPredicate>((v) => typeof v === "function", "expected a display filter, a table of packets or a function (row, cap) => boolean"),
]);
type SeriesSelection = z.infer<typeof predicate>;

export const IoGraphOptions = z.strictObject({
  /** Interval length in seconds. */
  interval: z.number().positive().default(1),
  /** packets: count per interval; bytes: frame lengths (on the wire) per interval; bits: bytes × 8. */
  unit: z.enum(["packets", "bytes", "bits"]).default("packets"),
  /**
   * One selection — a display filter (`"tcp.analysis.retransmission"`), a table of packets or a row predicate —
   * drawn as a line "filtered" (or the filter's text) next to "all packets", or named selections (one line each):
   * `{ retransmissions: "tcp.analysis.retransmission", "dup ACKs": "tcp.analysis.duplicate_ack" }`.
   */
  filter: z.union([predicate, z.record(z.string(), predicate)]).optional(),
  /** Include the "all packets" line when a filter is given; default true. */
  all: z.boolean().default(true),
  /** bar: one bar per interval; line: a step line (large captures). Default: bars up to 400 intervals. */
  mode: z.enum(["bar", "line"]).optional(),
  /**
   * Only packets in this time window: [from, to] in seconds since the first packet (both included).
   * Without it the graph spans the earliest to the latest timestamp of the packets it counts.
   */
  time: z.tuple([z.number(), z.number()]).refine(([a, b]) => a <= b, "expected [from, to] with from ≤ to").optional(),
  title: z.string().optional(),
});
export type IoGraphOptions = z.input<typeof IoGraphOptions>;

/** At most this many intervals in one graph. */
export const IO_MAX_BINS = 1_000_000;

/**
 * Packets/bytes per `interval` seconds. Intervals are aligned on the first packet's time: interval k
 * covers [k·interval, (k+1)·interval) of time since the first packet, and the graph spans the
 * intervals holding the earliest to the latest timestamp of the packets it counts (captures are not
 * always in time order, so that can start before 0); x is the interval start. Every bin has a hover
 * text with its value and the first frame in it (number and Info). A span of more than
 * {@link IO_MAX_BINS} intervals is a RangeError that says where the extreme timestamps are.
 */
export function ioGraph(cap: Capture, options: IoGraphOptions = {}): Figure {
  const o = parseOptions("ioGraph", IoGraphOptions, options);
  const n = cap.length;
  const series: [string, SeriesSelection | null][] = [];
  if (!o.filter || o.all) series.push(["all packets", null]);
  if (typeof o.filter === "function" || o.filter instanceof Table) series.push(["filtered", o.filter]);
  else if (typeof o.filter === "string") series.push([o.filter, o.filter]);
  else if (o.filter) for (const [name, f] of Object.entries(o.filter)) series.push([name, f]);

  // Which rows each series counts (predicates run once per row and series), and the time span of the
  // rows counted by any series.
  const time = new Float64Array(n);
  for (let r = 0; r < n; r++) time[r] = cap.relativeTime(r);
  const inWindow = (r: number) => !o.time || (time[r] >= o.time[0] && time[r] <= o.time[1]);
  const counted = series.map(([name, f]) => {
    const m = f === null ? new Uint8Array(n).fill(1) : cap.selectionMask(f, `ioGraph: series "${name}"`);
    if (o.time) for (let r = 0; r < n; r++) if (m[r] && !inWindow(r)) m[r] = 0;
    return m;
  });
  const any = counted.length === 1 ? counted[0] : new Uint8Array(n);
  if (counted.length > 1) for (const m of counted) for (let r = 0; r < n; r++) any[r] |= m[r];
  let lo = -1;
  let hi = -1;
  let ordered = true;
  for (let r = 0; r < n; r++) {
    if (r > 0 && time[r] < time[r - 1]) ordered = false;
    if (!any[r]) continue;
    if (lo < 0 || time[r] < time[lo]) lo = r;
    if (hi < 0 || time[r] > time[hi]) hi = r;
  }
  const iv = o.interval;
  const from = o.time ? o.time[0] : lo >= 0 ? time[lo] : 0;
  const to = o.time ? o.time[1] : hi >= 0 ? time[hi] : 0;
  const k0 = Math.floor(from / iv);
  const span = Math.floor(to / iv) - k0 + 1;
  if (!(span <= IO_MAX_BINS)) {
    const where = lo >= 0 && !o.time
      ? ` (earliest packet: frame ${lo + 1} at ${fmtS(time[lo])} s, latest: frame ${hi + 1} at ${fmtS(time[hi])} s, relative to frame 1${ordered ? "" : "; the capture is not in time order"})`
      : "";
    throw new RangeError(
      `ioGraph: ${fmtS(to - from)} s${where} at "interval" ${iv} s would need ${span} intervals (at most ${IO_MAX_BINS}): ` +
        `give a time window (option "time": [from, to] in seconds since the first packet), a filter that selects the packets of interest (with "all": false), or a larger interval`,
    );
  }
  const bins = Math.max(1, span);
  const binOf = new Uint32Array(n);
  for (let r = 0; r < n; r++) {
    const b = Math.floor(time[r] / iv) - k0;
    binOf[r] = b < 0 ? 0 : b >= bins ? bins - 1 : b; // only rows outside the window are clamped, and they are not counted
  }
  const wire = cap.packets.wireLen;
  const x = Array.from({ length: bins }, (_, k) => +((k0 + k) * iv).toFixed(9));
  const mode = o.mode ?? (bins <= 400 ? "bar" : "line");
  const data: Record<string, unknown>[] = [];
  series.forEach(([name], i) => {
    const y = new Float64Array(bins);
    const firstRow = new Int32Array(bins).fill(-1);
    const m = counted[i];
    for (let r = 0; r < n; r++) {
      if (!m[r]) continue;
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
  const per = `${Number(o.interval.toPrecision(6))} s`;
  const layout = baseLayout(o.title ?? `I/O graph: ${o.unit} per ${per}`);
  layout.xaxis = { ...AXIS_STYLE, title: { text: "time since capture start (s)" }, exponentformat: "none" };
  layout.yaxis = { ...AXIS_STYLE, title: { text: `${o.unit} / ${per}` }, rangemode: "tozero", tickformat: "~s" };
  layout.barmode = "overlay";
  return fitLegend({ data, layout, config: { responsive: true, displaylogo: false } });
}

/** Seconds for messages: up to 6 decimals, no exponent for ordinary values. */
function fmtS(v: number): string {
  return Math.abs(v) < 1e15 ? String(+v.toFixed(6)) : v.toExponential(3);
}
