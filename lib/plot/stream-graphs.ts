/**
 * Per-stream graphs over time: RTT samples, throughput/goodput, bytes in flight. One trace (or
 * pair) per direction on a shared axis; time in seconds since the first packet of the capture.
 * "a→b" is the direction of the stream's first packet (normally client → server).
 */
import { z } from "zod";
import type { Capture } from "../capture/capture";
import type { Figure } from "./figure";
import { AXIS_STYLE, baseLayout, fitLegend, GL_THRESHOLD, hoverText, scatterType, srcEndpoint, dstEndpoint, streamIndex, streamRows } from "./common";
import { parseOptions } from "../base/options";
import { TcpFlag } from "../table/layers";
import type { TraceMeta } from "./seq-graph";
import { analyzeFlows } from "../flows/build";
import { SampleKind } from "../tcptrace/engine";

const Direction = z.enum(["a2b", "b2a", "both"]).default("both");
const DIR_NAMES = ["a→b", "b→a"];
const DIR_COLORS = ["#1f77b4", "#d62728"];
const DIR_COLORS_2 = ["#7fb3e0", "#f08a8a"];

function dirsOf(direction: "a2b" | "b2a" | "both"): number[] {
  return direction === "a2b" ? [0] : direction === "b2a" ? [1] : [0, 1];
}

function streamTitle(cap: Capture, stream: number, rows: number[]): string {
  const r = rows[0];
  return `stream ${stream}: a = ${srcEndpoint(cap, r)}, b = ${dstEndpoint(cap, r)}`;
}

function timeAxis(): Record<string, unknown> {
  return { ...AXIS_STYLE, title: { text: "time since capture start (s)" }, exponentformat: "none" };
}

// ---------------------------------------------------------------------------------------------
// RTT

export const RttPlotOptions = z.strictObject({
  stream: streamIndex,
  /** Direction of the *data* whose RTT is measured (the ACKs travel the other way). */
  direction: Direction,
  /**
   * "auto"/"tcptrace": tcptrace-style Karn samples (valid vs ambiguous) from lib/flows' `rttSamples`;
   * "ack_rtt": Wireshark's tcp.analysis.ack_rtt (one per ACK, no Karn's rule).
   */
  source: z.enum(["auto", "ack_rtt", "tcptrace"]).default("auto"),
  glThreshold: z.number().int().positive().default(GL_THRESHOLD),
  title: z.string().optional(),
});
export type RttPlotOptions = z.input<typeof RttPlotOptions>;

/** One RTT sample as the plot consumes it. */
interface RttPoint {
  /** Row (0-based) of the ACK that produced the sample. */
  row: number;
  /** Seconds. */
  rtt: number;
  /** 0 = Karn-valid, 1 = ambiguous (acked a retransmitted segment), 2 = post-loss; -1 unknown (ack_rtt). */
  kind: number;
  /** 0 = RTT of a→b data, 1 = of b→a data. */
  dir: number;
}

/** tcptrace's RTT events of a stream (the flow build's, see rttSamples); post-loss ACKs carry no RTT and are left out. */
function tcptraceSamples(cap: Capture, stream: number): RttPoint[] {
  const fa = analyzeFlows(cap);
  const s = fa.samples;
  const flow = stream < fa.flowOfStream.length ? fa.flowOfStream[stream] : -1;
  const out: RttPoint[] = [];
  for (let i = 0; i < s.flow.n; i++) {
    const us = s.us.a[i];
    if (s.flow.a[i] !== flow || !Number.isFinite(us) || s.ackRow.a[i] < 0) continue;
    const kind = s.kind.a[i] === SampleKind.AMBIGUOUS ? 1 : s.kind.a[i] === SampleKind.POST_LOSS ? 2 : 0;
    out.push({ row: s.ackRow.a[i], rtt: us / 1e6, kind, dir: s.dir.a[i] });
  }
  return out;
}

/**
 * RTT samples over time. By default tcptrace's Karn-filtered samples (valid ● vs ambiguous ×,
 * post-loss ◇) when lib/flows' `rttSamples` is available, else one point per ACK with
 * tcp.analysis.ack_rtt (Wireshark: measured from the original transmission, no Karn's rule).
 */
export function rttPlot(cap: Capture, options: RttPlotOptions): Figure {
  const o = parseOptions("rttPlot", RttPlotOptions, options);
  const rows = Array.from(streamRows(cap, [o.stream]).get(o.stream)!);
  const tcp = cap.tcp;
  const source = o.source === "ack_rtt" ? "tcp.analysis.ack_rtt" : "tcptrace (Karn)";
  const samples = o.source === "ack_rtt" ? [] : tcptraceSamples(cap, o.stream);
  if (o.source === "ack_rtt") {
    for (const r of rows) {
      const v = tcp.ackRtt(r);
      if (Number.isFinite(v)) samples.push({ row: r, rtt: v, kind: -1, dir: tcp.dir(r) ^ 1 });
    }
  }
  const type = scatterType(samples.length, o.glThreshold);
  const kinds: [number, string, string][] = [
    [-1, "", "circle"],
    [0, " Karn-valid", "circle"],
    [1, " ambiguous", "x"],
    [2, " post-loss", "diamond-open"],
  ];
  const data: Record<string, unknown>[] = [];
  for (const d of dirsOf(o.direction)) {
    for (const [k, suffix, symbol] of kinds) {
      const pts = samples.filter((s) => s.dir === d && s.kind === k);
      if (!pts.length) continue;
      data.push({
        type, mode: "markers", name: `RTT of ${DIR_NAMES[d]} data${suffix}`,
        x: pts.map((s) => cap.relativeTime(s.row)), y: pts.map((s) => s.rtt * 1000),
        marker: { color: k === 1 ? DIR_COLORS_2[d] : DIR_COLORS[d], symbol, size: 6 },
        hovertext: pts.map((s) => `RTT ${(s.rtt * 1000).toFixed(3)} ms<br>${hoverText(cap, s.row)}`), hoverinfo: "text",
        customdata: pts.map((s) => s.row + 1),
        meta: { kind: k === -1 ? "ack_rtt" : ["valid", "ambiguous", "post_loss"][k], stream: o.stream, dir: d, rows: pts.map((s) => s.row) } satisfies TraceMeta,
      });
    }
  }
  const layout = baseLayout(o.title ?? `RTT (${source}) — ${streamTitle(cap, o.stream, rows)}`);
  layout.xaxis = timeAxis();
  layout.yaxis = { ...AXIS_STYLE, title: { text: "RTT (ms)" }, rangemode: "tozero" };
  if (!data.length) layout.annotations = [noData("no RTT samples in this stream")];
  return fitLegend({ data, layout, config: { responsive: true, displaylogo: false } });
}

function noData(text: string): Record<string, unknown> {
  return { text, xref: "paper", yref: "paper", x: 0.5, y: 0.5, showarrow: false, font: { size: 14, color: "#888" } };
}

// ---------------------------------------------------------------------------------------------
// Throughput

export const ThroughputPlotOptions = z.strictObject({
  stream: streamIndex,
  direction: Direction,
  /** Moving-average window in seconds (Wireshark's default: 1 s). */
  window: z.number().positive().default(1.0),
  /** Also plot each segment's length on a second y axis (as Wireshark's throughput graph). */
  segments: z.boolean().default(true),
  glThreshold: z.number().int().positive().default(GL_THRESHOLD),
  title: z.string().optional(),
});
export type ThroughputPlotOptions = z.input<typeof ThroughputPlotOptions>;

/**
 * Sum of `w[i]` over the points in (t[i] - window, t[i]], times 8 / window: bits/s at each point.
 * `t` must be non-decreasing.
 */
export function movingRate(t: readonly number[], w: readonly number[], window: number): number[] {
  const out = new Array<number>(t.length);
  let lo = 0;
  let sum = 0;
  for (let i = 0; i < t.length; i++) {
    sum += w[i];
    while (lo < i && t[lo] <= t[i] - window) sum -= w[lo++];
    out[i] = (sum * 8) / window;
  }
  return out;
}

/**
 * The moving-window rate as an exact step function: it changes when a packet enters the window (at
 * t[i]) and when it leaves (at t[i] + window). Returns the step points in time order; `row` is the
 * index of the packet entering (enter) or leaving (leave).
 */
export function movingRateSteps(
  t: readonly number[],
  w: readonly number[],
  window: number,
): { x: number[]; y: number[]; index: number[]; leave: boolean[] } {
  const x: number[] = [];
  const y: number[] = [];
  const index: number[] = [];
  const leave: boolean[] = [];
  let sum = 0;
  let i = 0;
  let j = 0;
  while (i < t.length || j < t.length) {
    const enter = i < t.length && t[i] < t[j] + window;
    if (enter) {
      sum += w[i];
      x.push(t[i]);
      index.push(i);
      leave.push(false);
      i++;
    } else {
      sum -= w[j];
      x.push(t[j] + window);
      index.push(j);
      leave.push(true);
      j++;
    }
    const v = Math.max(0, (sum * 8) / window);
    // several events at the same instant: keep only the last value
    if (x.length > 1 && x[x.length - 2] === x[x.length - 1]) {
      x.splice(x.length - 2, 1);
      index.splice(index.length - 2, 1);
      leave.splice(leave.length - 2, 1);
      y[y.length - 1] = v;
    } else y.push(v);
  }
  return { x, y, index, leave };
}

/**
 * Throughput (TCP payload bytes sent, retransmissions included) and goodput (bytes newly
 * acknowledged by the reverse direction's cumulative ACK) in bits/s over a moving window of
 * `window` seconds ending at each packet. The rate divides by the full window also during the first
 * `window` seconds (it ramps up, as Wireshark's moving average does).
 */
export function throughputPlot(cap: Capture, options: ThroughputPlotOptions): Figure {
  const o = parseOptions("throughputPlot", ThroughputPlotOptions, options);
  const rows = Array.from(streamRows(cap, [o.stream]).get(o.stream)!);
  const tcp = cap.tcp;
  const len = cap.packets.tcpLen;
  const flags = cap.packets.tcpFlags;
  const type = scatterType(rows.length * (o.segments ? 3 : 2), o.glThreshold);
  const data: Record<string, unknown>[] = [];
  for (const d of dirsOf(o.direction)) {
    const seg = rows.filter((r) => tcp.dir(r) === d && len[r] > 0);
    if (seg.length) {
      const t = seg.map((r) => cap.relativeTime(r));
      data.push(rateTrace(cap, type, `throughput ${DIR_NAMES[d]}`, t, seg, seg.map((r) => len[r]), o.window, { color: DIR_COLORS[d], width: 1.5 }, "throughput", o.stream, d));
      if (o.segments) {
        data.push({
          type, mode: "markers", name: `segment length ${DIR_NAMES[d]}`, x: t, y: seg.map((r) => len[r]), yaxis: "y2",
          marker: { color: DIR_COLORS_2[d], size: 4, symbol: "circle-open" },
          hovertext: seg.map((r) => hoverText(cap, r)), hoverinfo: "text", customdata: seg.map((r) => r + 1),
          meta: { kind: "segment_length", stream: o.stream, dir: d, rows: seg } satisfies TraceMeta,
        });
      }
    }
    // Goodput of direction d: advances of the cumulative ACK sent by the other side.
    const acks = rows.filter((r) => tcp.dir(r) !== d && (flags[r] & TcpFlag.ACK) !== 0);
    const gRows: number[] = [];
    const gBytes: number[] = [];
    let maxAck = -1;
    for (const r of acks) {
      const a = tcp.relAck(r);
      if (maxAck >= 0 && a > maxAck && a - maxAck < 0x40000000) {
        gRows.push(r);
        gBytes.push(a - maxAck);
      }
      if (a > maxAck) maxAck = a;
    }
    if (gRows.length) {
      const t = gRows.map((r) => cap.relativeTime(r));
      data.push(rateTrace(cap, type, `goodput ${DIR_NAMES[d]}`, t, gRows, gBytes, o.window, { color: DIR_COLORS[d], width: 1.5, dash: "dot" }, "goodput", o.stream, d));
    }
  }
  const layout = baseLayout(o.title ?? `Throughput (${o.window} s moving window) — ${streamTitle(cap, o.stream, rows)}`);
  layout.xaxis = timeAxis();
  layout.yaxis = { ...AXIS_STYLE, title: { text: "bits/s" }, rangemode: "tozero", tickformat: "~s" };
  if (o.segments) {
    layout.yaxis2 = { title: { text: "segment length (bytes)", standoff: 8 }, overlaying: "y", side: "right", rangemode: "tozero", showgrid: false, automargin: true };
    layout.margin = { l: 80, r: 90, t: 60, b: 60 };
  }
  layout.legend = { orientation: "h", x: 0, y: -0.18 };
  if (!data.length) layout.annotations = [noData("no data segments in this stream")];
  return { data, layout, config: { responsive: true, displaylogo: false } };
}

function rateTrace(
  cap: Capture, type: string, name: string, t: number[], rows: number[], bytes: number[], window: number,
  line: Record<string, unknown>, kind: string, stream: number, dir: number,
): Record<string, unknown> {
  const st = movingRateSteps(t, bytes, window);
  return {
    type, mode: "lines", name, x: st.x, y: st.y, line: { ...line, shape: "hv" },
    hovertext: st.x.map((_, k) => {
      const r = rows[st.index[k]];
      const what = st.leave[k] ? `#${r + 1} left the ${window} s window` : hoverText(cap, r);
      return `${fmtBits(st.y[k])} (${bytes[st.index[k]]} B)<br>${what}`;
    }),
    hoverinfo: "text", customdata: st.index.map((i) => rows[i] + 1),
    meta: { kind, stream, dir, rows: st.index.map((i) => rows[i]) } satisfies TraceMeta,
  };
}

function fmtBits(v: number): string {
  if (v >= 1e9) return `${(v / 1e9).toFixed(3)} Gbit/s`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(3)} Mbit/s`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(3)} kbit/s`;
  return `${v.toFixed(0)} bit/s`;
}

// ---------------------------------------------------------------------------------------------
// Bytes in flight

export const InflightPlotOptions = z.strictObject({
  stream: streamIndex,
  direction: Direction,
  glThreshold: z.number().int().positive().default(GL_THRESHOLD),
  title: z.string().optional(),
});
export type InflightPlotOptions = z.input<typeof InflightPlotOptions>;

/**
 * tcp.analysis.bytes_in_flight of each data segment (points joined by a line) and the receive
 * window advertised by the other side (calculated window, step line) — the sender is window-limited
 * where the two meet.
 */
export function inflightPlot(cap: Capture, options: InflightPlotOptions): Figure {
  const o = parseOptions("inflightPlot", InflightPlotOptions, options);
  const rows = Array.from(streamRows(cap, [o.stream]).get(o.stream)!);
  const tcp = cap.tcp;
  const flags = cap.packets.tcpFlags;
  const type = scatterType(rows.length * 2, o.glThreshold);
  const data: Record<string, unknown>[] = [];
  for (const d of dirsOf(o.direction)) {
    const bif = rows.filter((r) => tcp.dir(r) === d && tcp.bytesInFlight(r) > 0);
    if (bif.length) {
      data.push({
        type, mode: "markers", name: `bytes in flight ${DIR_NAMES[d]}`,
        x: bif.map((r) => cap.relativeTime(r)), y: bif.map((r) => tcp.bytesInFlight(r)),
        line: { color: DIR_COLORS[d], width: 1 }, marker: { color: DIR_COLORS[d], size: 4 },
        hovertext: bif.map((r) => `in flight ${tcp.bytesInFlight(r)} B<br>${hoverText(cap, r)}`), hoverinfo: "text",
        customdata: bif.map((r) => r + 1), meta: { kind: "bytes_in_flight", stream: o.stream, dir: d, rows: bif } satisfies TraceMeta,
      });
    }
    const win = rows.filter((r) => tcp.dir(r) !== d && (flags[r] & (TcpFlag.SYN | TcpFlag.RST)) === 0);
    if (win.length) {
      data.push({
        type, mode: "lines", name: `window advertised to ${DIR_NAMES[d]} sender`,
        x: win.map((r) => cap.relativeTime(r)), y: win.map((r) => tcp.winCalc(r)),
        line: { color: DIR_COLORS_2[d], width: 1.5, shape: "hv" },
        hovertext: win.map((r) => `window ${tcp.winCalc(r)} B<br>${hoverText(cap, r)}`), hoverinfo: "text",
        customdata: win.map((r) => r + 1), meta: { kind: "window", stream: o.stream, dir: d, rows: win } satisfies TraceMeta,
      });
    }
  }
  const layout = baseLayout(o.title ?? `Bytes in flight and receive window — ${streamTitle(cap, o.stream, rows)}`);
  layout.xaxis = timeAxis();
  layout.yaxis = { ...AXIS_STYLE, title: { text: "bytes" }, rangemode: "tozero", tickformat: "~s" };
  layout.legend = { orientation: "h", x: 0, y: -0.18 };
  if (!data.length) layout.annotations = [noData("no bytes-in-flight values in this stream")];
  return { data, layout, config: { responsive: true, displaylogo: false } };
}
