/**
 * Shared pieces of the figure builders: option validation, the view of the TCP analysis the plots
 * read, hover text, trace-type choice for large captures and colours.
 */
import { z } from "zod";
import type { Capture, PacketSelection } from "../capture/capture";
import { Table } from "../frame/table";
import { Layer, TcpFlag } from "../table/layers";
import { TA } from "../tcp/flags";
import { escapeHtml } from "../base/html";

// ---------------------------------------------------------------------------------------------
// Options

/** A TCP stream index (tcp.stream). */
export const streamIndex = z.number().int().nonnegative();

/** A packet selection option: a display filter or a table of the capture's packets (see Capture.selectionMask). */
export const packetSelection = z.custom<PacketSelection>(
  (v) => typeof v === "string" || v instanceof Table,
  "expected a display filter (string) or a table of packets (cap.filter(…))",
);

/** `stream` or `streams` (at least one); returns the list. */
export function streamList(fn: string, o: { stream?: number; streams?: number[] }): number[] {
  const list = o.streams ?? (o.stream !== undefined ? [o.stream] : undefined);
  if (!list || list.length === 0) throw new TypeError(`${fn}: option "stream" (or "streams") is required`);
  return list;
}


/** True when the row has a full TCP header (not one quoted inside an ICMP error). */
export function isTcpRow(cap: Capture, row: number): boolean {
  return (cap.packets.layers[row] & (Layer.TCP | Layer.ICMP_QUOTED)) === Layer.TCP;
}

/**
 * Rows of each stream, in file order (two passes over the table: count, then fill). Typed arrays:
 * a stream can have millions of rows, and filling an Int32Array is several times faster than a JS
 * array. Callers that `map` rows to other values convert with `Array.from` first.
 */
export function streamRows(cap: Capture, streams: readonly number[]): Map<number, Int32Array> {
  const col = cap.packets.tcpStream;
  const layers = cap.packets.layers;
  const n = cap.packets.length;
  let maxWanted = -1;
  for (const s of streams) if (s > maxWanted) maxWanted = s;
  // slot of each wanted stream (-1: not wanted), counts, then the rows
  const slot = new Int32Array(maxWanted + 1).fill(-1);
  streams.forEach((s, i) => {
    if (slot[s] < 0) slot[s] = i;
  });
  const TCP_ONLY = Layer.TCP | Layer.ICMP_QUOTED;
  /** Index in `streams` of the row's stream, -1 when not wanted or not a full TCP row (isTcpRow). */
  const slotOf = (r: number): number => {
    const s = col[r];
    return s < 0 || s > maxWanted || (layers[r] & TCP_ONLY) !== Layer.TCP ? -1 : slot[s];
  };
  const count = new Int32Array(streams.length);
  for (let r = 0; r < n; r++) {
    const k = slotOf(r);
    if (k >= 0) count[k]++;
  }
  const lists = Array.from(count, (c) => new Int32Array(c));
  count.fill(0);
  for (let r = 0; r < n; r++) {
    const k = slotOf(r);
    if (k >= 0) lists[k][count[k]++] = r;
  }
  const out = new Map<number, Int32Array>();
  streams.forEach((s) => out.set(s, lists[slot[s]]));
  for (const [s, rows] of out) {
    if (rows.length === 0) {
      const max = maxStream(cap);
      throw new RangeError(
        max < 0 ? `stream ${s}: the capture has no TCP streams` : `stream ${s}: no such TCP stream (streams 0…${max})`,
      );
    }
  }
  return out;
}

function maxStream(cap: Capture): number {
  let m = -1;
  const col = cap.packets.tcpStream;
  for (let r = 0; r < cap.packets.length; r++) if (col[r] > m) m = col[r];
  return m;
}

/** "10.0.0.1:443" style endpoint text of the row's source. */
export function srcEndpoint(cap: Capture, row: number): string {
  return endpoint(cap.packets.strings.get(cap.packets.src[row]), cap.packets.srcPort[row]);
}

/** Endpoint text of the row's destination. */
export function dstEndpoint(cap: Capture, row: number): string {
  return endpoint(cap.packets.strings.get(cap.packets.dst[row]), cap.packets.dstPort[row]);
}

function endpoint(addr: string, port: number): string {
  return addr.includes(":") ? `[${addr}]:${port}` : `${addr}:${port}`;
}

// ---------------------------------------------------------------------------------------------
// Hover text

/** Hover text of one packet: frame number, relative time and the Info column. */
export function hoverText(cap: Capture, row: number): string {
  return `#${row + 1}  ${cap.relativeTime(row).toFixed(6)} s<br>${escapeHtml(cap.info(row))}`;
}


// ---------------------------------------------------------------------------------------------
// Large captures

/** Above this many points in one figure, traces are drawn with WebGL (`scattergl`). */
export const GL_THRESHOLD = 20_000;

/** "scattergl" when `points` exceeds the threshold, else "scatter". */
export function scatterType(points: number, threshold = GL_THRESHOLD): "scatter" | "scattergl" {
  return points > threshold ? "scattergl" : "scatter";
}

/**
 * Keep at most about `max` of `rows`: every row for which `keep(row)` is true (flagged packets),
 * plus an even subsample of the others. Always returns a new plain array.
 */
export function downsample(rows: ArrayLike<number>, max: number, keep: (row: number) => boolean): number[] {
  const n = rows.length;
  const out: number[] = [];
  if (n <= max) {
    for (let k = 0; k < n; k++) out.push(rows[k]);
    return out;
  }
  let flagged = 0;
  for (let k = 0; k < n; k++) if (keep(rows[k])) flagged++;
  const room = Math.max(1, max - flagged);
  const step = (n - flagged) / room;
  let acc = 0;
  for (let k = 0; k < n; k++) {
    const r = rows[k];
    if (keep(r)) {
      out.push(r);
      continue;
    }
    acc += 1;
    if (acc >= step) {
      acc -= step;
      out.push(r);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Colours

/** Per-stream colours (plotly's default qualitative palette). */
export const STREAM_COLORS = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
];

export function streamColor(i: number): string {
  return STREAM_COLORS[i % STREAM_COLORS.length];
}

export const hasFlag = (cap: Capture, row: number, bit: number): boolean => (cap.packets.tcpAnalysis[row] & bit) !== 0;
export const hasTcpFlag = (cap: Capture, row: number, bit: number): boolean => (cap.packets.tcpFlags[row] & bit) !== 0;

/** Common layout pieces: white background, hover by closest point, legend on the right. */
export function baseLayout(title: string): Record<string, unknown> {
  return {
    title: { text: title },
    template: undefined,
    hovermode: "closest",
    plot_bgcolor: "#ffffff",
    paper_bgcolor: "#ffffff",
    legend: { orientation: "v", x: 1.02, y: 1, xanchor: "left" },
    margin: { l: 80, r: 20, t: 60, b: 60 },
  };
}

export const AXIS_STYLE = { showline: true, linecolor: "#444", mirror: true, gridcolor: "#e5e5e5", zeroline: false } as const;

/** Height in CSS pixels that one legend entry takes (measured: 29 px per entry with plotly's default 12 px font, marker glyphs and gaps). */
export const LEGEND_ENTRY_PX = 30;

/**
 * Grow `layout.height` so that a vertical legend beside the plot shows every entry: plotly gives a
 * legend at most the plot area's height and clips the rest (a scroll bar on a page, cut off in a PNG or
 * SVG). Horizontal legends wrap into rows and are left alone (the export measures them). Entries are
 * traces shown in the legend (`showlegend` not false). Returns the figure.
 */
export function fitLegend<F extends { data: Record<string, unknown>[]; layout: Record<string, unknown> }>(fig: F, defaultHeight = 450): F {
  const layout = fig.layout;
  const legend = (layout.legend ?? {}) as { orientation?: string };
  if (layout.showlegend === false || legend.orientation === "h") return fig;
  const entries = fig.data.filter((t) => t.showlegend !== false).length;
  if (entries < 2 && layout.showlegend !== true) return fig;
  const m = (layout.margin ?? {}) as { t?: number; b?: number };
  const need = (m.t ?? 100) + (m.b ?? 80) + entries * LEGEND_ENTRY_PX + 20;
  const h = typeof layout.height === "number" ? layout.height : defaultHeight;
  if (need > h) layout.height = need;
  return fig;
}
