/**
 * Time/sequence graphs of TCP streams: Stevens (a point per segment) and tcptrace (data segments as
 * vertical bars, ACK and receive-window step lines and SACK blocks from the reverse direction, and
 * markers for SYN/FIN/RST and for every Wireshark analysis flag: retransmission (R, fast F, spurious
 * Sp), out-of-order, previous segment not captured, window full, zero-window probe, keep-alive and
 * port reuse on the sender's data; duplicate ACK, zero window, window update, zero-window-probe ACK,
 * keep-alive ACK and ACKed unseen segment on the receiver's ACK/window line — one marker per flag
 * and packet).
 *
 * Layout: one panel per (stream, direction), stacked top to bottom in the order of `streams`
 * (a→b above b→a), all sharing one time axis (seconds since the first packet of the capture). Each
 * panel has its own y axis of that direction's sequence numbers, because relative sequence numbers
 * of different connections (or directions) are unrelated and would overlap on one axis. Data bars
 * of one stream have that stream's colour in every panel; ACK/window/SACK lines and the markers keep
 * tcptrace's colours (adapted to a white background) and one legend entry each, so clicking a legend
 * entry hides that element in all panels.
 */
import { z } from "zod";
import type { Capture } from "../capture/capture";
import type { Figure } from "./figure";
import { AXIS_STYLE, baseLayout, fitLegend, downsample, GL_THRESHOLD, hasFlag, hasTcpFlag, hoverText, packetSelection, scatterType, srcEndpoint, dstEndpoint, streamColor, streamIndex, streamList, streamRows } from "./common";
import { parseOptions } from "../base/options";
import { TA } from "../tcp/flags";
import { TcpFlag } from "../table/layers";

export const SeqGraphOptions = z.strictObject({
  stream: streamIndex.optional(),
  streams: z.array(streamIndex).min(1).optional(),
  /** a2b: data sent by the stream's first sender (ACKs from the other side); b2a the reverse. */
  direction: z.enum(["a2b", "b2a", "both"]).default("both"),
  style: z.enum(["stevens", "tcptrace"]).default("tcptrace"),
  /** Relative sequence/ack numbers (Wireshark's default); false plots the raw 32-bit values. */
  relative: z.boolean().default(true),
  /** Draw with WebGL above this many points. */
  glThreshold: z.number().int().positive().default(GL_THRESHOLD),
  /**
   * At most this many data segments, and ACK/window/SACK points, per panel; the rest are subsampled evenly
   * (flagged packets — retransmissions, dup ACKs, … — are always kept, so loss stays visible). Keeps a
   * 1 M-packet stream interactive in the browser.
   */
  maxSegments: z.number().int().positive().default(50_000),
  /** Text labels (R, O, 3, Z…) next to markers; default only when there are fewer than 2000 markers. */
  labels: z.boolean().optional(),
  /**
   * Initial y range of each panel: "data" fits data bars, ACK line and SACK blocks (the window line
   * may leave the top; double-click autoscales), "all" includes the window line too.
   */
  yRange: z.enum(["data", "all"]).default("data"),
  /**
   * Only the packets sent in this time window: [from, to] in seconds since the first packet of the
   * capture (the x axis), both ends included. The y axes fit the data inside it, so a long transfer's
   * detail is not squeezed by a retransmission much later.
   */
  time: z.tuple([z.number(), z.number()]).refine(([a, b]) => a <= b, "expected [from, to] with from ≤ to").optional(),
  /** Only the packets with frame numbers in [first, last] (1-based, inclusive); combines with `time`. */
  frames: z.tuple([z.number().int().positive(), z.number().int().positive()]).refine(([a, b]) => a <= b, "expected [first, last] with first ≤ last").optional(),
  /** Only the packets of the stream(s) that this display filter or packet table selects; combines with `time`/`frames`. */
  filter: packetSelection.optional(),
  title: z.string().optional(),
  height: z.number().int().positive().optional(),
});
export type SeqGraphOptions = z.input<typeof SeqGraphOptions>;

/**
 * Marker kinds: the text drawn next to the marker (tcptrace's letter where tcptrace has one), what it
 * means, colour, glyph, and whether it sits on the data (fwd) or the ACK/window line (rev). Every kind
 * has its own colour and its own glyph (test/plot/figures.test.ts checks both), and its legend entry
 * (`name`) starts with exactly the text drawn on the plot.
 */
export interface MarkerKind {
  key: string;
  /** Legend entry: `"<label>: <what>"`, or `<what>` alone for kinds drawn without text. */
  name: string;
  /** Text drawn next to the marker ("" = none). */
  label: string;
  /** What the marker means. */
  what: string;
  color: string;
  symbol: string;
  side: "fwd" | "rev";
  test: (cap: Capture, row: number) => boolean;
  /** y position: "top" (seq+len), "seq", "ack" (reverse ack), "win" (ack + window). */
  at: "top" | "seq" | "ack" | "win";
}

const RETX_ANY = TA.RETRANSMISSION | TA.FAST_RETRANSMISSION | TA.SPURIOUS_RETRANSMISSION;

type KindSpec = Omit<MarkerKind, "name">;
const kind = (k: KindSpec): MarkerKind => ({ ...k, name: k.label ? `${k.label}: ${k.what}` : k.what });
/** Wireshark's duplicate-ACK number of the row (1, 2, 3, …; 0 when not a dup ACK). */
const dupAckNum = (c: Capture, r: number): number => c.packets.tcpDupAckNum?.[r] ?? 0;

/**
 * The markers drawn, in legend order. Retransmission kinds are disjoint: R = neither fast nor spurious.
 * Duplicate ACKs are split in two kinds: the third one (tcptrace's "3", where a sender using fast
 * retransmit resends) and the others.
 */
export const SEQ_MARKERS: readonly MarkerKind[] = [
  kind({
    key: "retransmission", label: "R", what: "retransmission", color: "#e6194b", symbol: "square-open", side: "fwd", at: "top",
    test: (c, r) => hasFlag(c, r, TA.RETRANSMISSION) && !hasFlag(c, r, TA.FAST_RETRANSMISSION | TA.SPURIOUS_RETRANSMISSION),
  }),
  kind({ key: "fast_retransmission", label: "F", what: "fast retransmission", color: "#800000", symbol: "diamond-open", side: "fwd", at: "top", test: (c, r) => hasFlag(c, r, TA.FAST_RETRANSMISSION) }),
  kind({
    key: "spurious_retransmission", label: "Sp", what: "spurious retransmission", color: "#f58231", symbol: "star-open", side: "fwd", at: "top",
    test: (c, r) => hasFlag(c, r, TA.SPURIOUS_RETRANSMISSION) && !hasFlag(c, r, TA.FAST_RETRANSMISSION),
  }),
  kind({ key: "out_of_order", label: "O", what: "out-of-order", color: "#ff69b4", symbol: "circle-open", side: "fwd", at: "top", test: (c, r) => hasFlag(c, r, TA.OUT_OF_ORDER) }),
  kind({ key: "lost_segment", label: "?", what: "previous segment not captured", color: "#808080", symbol: "triangle-down-open", side: "fwd", at: "seq", test: (c, r) => hasFlag(c, r, TA.LOST_SEGMENT) }),
  kind({ key: "window_full", label: "W", what: "window full", color: "#9a6324", symbol: "star-triangle-up", side: "fwd", at: "top", test: (c, r) => hasFlag(c, r, TA.WINDOW_FULL) }),
  kind({ key: "zero_window_probe", label: "P", what: "zero-window probe", color: "#006400", symbol: "hourglass", side: "fwd", at: "top", test: (c, r) => hasFlag(c, r, TA.ZERO_WINDOW_PROBE) }),
  kind({ key: "keep_alive", label: "K", what: "keep-alive", color: "#000000", symbol: "asterisk-open", side: "fwd", at: "seq", test: (c, r) => hasFlag(c, r, TA.KEEP_ALIVE) }),
  kind({ key: "reused_ports", label: "PR", what: "port reuse (new SYN)", color: "#9370db", symbol: "pentagon", side: "fwd", at: "seq", test: (c, r) => hasFlag(c, r, TA.REUSED_PORTS) }),
  kind({ key: "syn", label: "SYN", what: "SYN sent", color: "#008080", symbol: "star-diamond", side: "fwd", at: "seq", test: (c, r) => hasTcpFlag(c, r, TcpFlag.SYN) }),
  kind({ key: "fin", label: "FIN", what: "FIN sent", color: "#000075", symbol: "hexagon", side: "fwd", at: "seq", test: (c, r) => hasTcpFlag(c, r, TcpFlag.FIN) }),
  kind({ key: "rst", label: "RST_OUT", what: "RST sent", color: "#f032e6", symbol: "x", side: "fwd", at: "seq", test: (c, r) => hasTcpFlag(c, r, TcpFlag.RST) }),
  kind({
    key: "duplicate_ack", label: "", what: "duplicate ACK (other than the 3rd)", color: "#3cb44b", symbol: "line-ew-open", side: "rev", at: "ack",
    test: (c, r) => hasFlag(c, r, TA.DUPLICATE_ACK) && dupAckNum(c, r) !== 3,
  }),
  kind({
    key: "dup_ack_3", label: "3", what: "3 dup ACKs (fast retransmit trigger)", color: "#4363d8", symbol: "y-down-open", side: "rev", at: "ack",
    test: (c, r) => hasFlag(c, r, TA.DUPLICATE_ACK) && dupAckNum(c, r) === 3,
  }),
  kind({ key: "zero_window", label: "Z", what: "zero window advertised", color: "#00a5c8", symbol: "hexagram", side: "rev", at: "win", test: (c, r) => hasFlag(c, r, TA.ZERO_WINDOW) }),
  kind({ key: "window_update", label: "", what: "window update", color: "#7cb800", symbol: "arrow-up-open", side: "rev", at: "win", test: (c, r) => hasFlag(c, r, TA.WINDOW_UPDATE) }),
  kind({ key: "zero_window_probe_ack", label: "", what: "zero-window probe ACK", color: "#c9a000", symbol: "hash-open", side: "rev", at: "win", test: (c, r) => hasFlag(c, r, TA.ZERO_WINDOW_PROBE_ACK) }),
  kind({ key: "keep_alive_ack", label: "", what: "keep-alive ACK", color: "#2f4f4f", symbol: "circle-x-open", side: "rev", at: "ack", test: (c, r) => hasFlag(c, r, TA.KEEP_ALIVE_ACK) }),
  kind({ key: "ack_lost_segment", label: "A", what: "ACKed unseen segment", color: "#5b2c9f", symbol: "square-x-open", side: "rev", at: "ack", test: (c, r) => hasFlag(c, r, TA.ACK_LOST_SEGMENT) }),
  kind({ key: "rst_in", label: "RST_IN", what: "RST received", color: "#8b008b", symbol: "cross", side: "rev", at: "ack", test: (c, r) => hasTcpFlag(c, r, TcpFlag.RST) }),
];

/** Trace `meta` written by the builders (used by tests and by callers that post-process figures). */
export interface TraceMeta {
  kind: string;
  stream?: number;
  /** 0 = a→b, 1 = b→a: the direction of the data in the panel. */
  dir?: number;
  /** Rows (0-based) of the points, in point order (gaps excluded). */
  rows?: number[];
}

interface Panel {
  stream: number;
  dir: number;
  streamIdx: number;
}

/** Figures of more rows than this get plotly-formatted hover (frame, time, value) instead of the Info column. */
export const INFO_HOVER_LIMIT = 100_000;
/** In a figure above INFO_HOVER_LIMIT, a marker trace of at most this many packets still has the Info text in its hover. */
export const MARKER_INFO_LIMIT = 2_000;

/**
 * Time/sequence graph of one or more TCP streams. See the module comment for the layout.
 *
 *   seqGraph(cap, { stream: 0 })                                   // tcptrace style, both directions
 *   seqGraph(cap, { streams: [0, 1], direction: "b2a", style: "stevens" })
 */
export function seqGraph(cap: Capture, options: SeqGraphOptions): Figure {
  const o = parseOptions("seqGraph", SeqGraphOptions, options);
  const streams = streamList("seqGraph", o);
  const byStream = windowRows(cap, streamRows(cap, streams), o.time, o.frames, o.filter === undefined ? undefined : cap.selectionMask(o.filter, "seqGraph: option \"filter\""));
  const tcp = cap.tcp;
  const dirs = o.direction === "a2b" ? [0] : o.direction === "b2a" ? [1] : [0, 1];
  const panels: Panel[] = [];
  streams.forEach((stream, streamIdx) => dirs.forEach((dir) => panels.push({ stream, dir, streamIdx })));

  const seqCol = cap.packets.tcpSeq;
  const ackCol = cap.packets.tcpAck;
  const len = cap.packets.tcpLen;
  const flags = cap.packets.tcpFlags;
  const isFlagged = (r: number) => (cap.packets.tcpAnalysis[r] & TA.FLAG_MASK) !== 0;
  // Sequence numbers of a panel's data and the acknowledgements of them share one base, that of the
  // panel's direction: relative numbers are column arithmetic, as tcp.relSeq/relAck compute them.
  const numbering = (stream: number, dir: number): [(r: number) => number, (r: number) => number] => {
    const b = o.relative ? cap.tcp.streamInfo(stream)?.baseSeq[dir] ?? NaN : NaN;
    if (Number.isNaN(b)) return [(r) => seqCol[r], (r) => ackCol[r]];
    return [(r) => (seqCol[r] - b) >>> 0, (r) => (flags[r] & TcpFlag.ACK ? (ackCol[r] - b) >>> 0 : ackCol[r])];
  };

  // Count points first so every trace of the figure uses the same trace type.
  let points = 0;
  for (const rows of byStream.values()) points += rows.length * 3;
  // Hover: the frame number, time and Wireshark's Info text for ordinary streams. For very large ones
  // (building an Info string per point would take longer than reading the capture) plotly formats the
  // hover itself from the point's frame number (customdata), time and y value (hovertemplate); marker
  // traces of flagged packets keep the Info text while there are not too many of them.
  const infoHover = points / 3 <= INFO_HOVER_LIMIT;
  const hover = (r: number) => hoverText(cap, r);
  /** Hover properties of a trace: Info text per point, or a template over customdata (frame), x and y. */
  const hoverProps = (texts: () => string[], what: string, info = infoHover): Record<string, unknown> =>
    info ? { hovertext: texts(), hoverinfo: "text" } : { hovertemplate: `#%{customdata}  %{x:.6f} s<br>${what} %{y}<extra></extra>` };
  const type = scatterType(points, o.glThreshold);
  const gl = type === "scattergl";

  const data: Record<string, unknown>[] = [];
  const layout = baseLayout(o.title ?? defaultTitle(cap, streams, byStream, o.style));
  const n = panels.length;
  const gap = n > 1 ? 0.06 / (n - 1) : 0;
  const h = (1 - gap * (n - 1)) / n;
  const shown = new Set<string>();
  let markerCount = 0;

  const markerTraces: Record<string, unknown>[] = [];
  // One pass over each stream's rows (columns only, no per-row calls): rows by direction and role.
  const splits = new Map<number, [DirRows, DirRows]>();
  const splitOf = (stream: number): [DirRows, DirRows] => {
    let sp = splits.get(stream);
    if (!sp) splits.set(stream, (sp = splitRows(cap, byStream.get(stream)!)));
    return sp;
  };
  panels.forEach((panel, i) => {
    const yName = i === 0 ? "y" : `y${i + 1}`;
    const axisKey = i === 0 ? "yaxis" : `yaxis${i + 1}`;
    const top = 1 - i * (h + gap);
    const rows = byStream.get(panel.stream)!;
    const [seqOf, ackOf] = numbering(panel.stream, panel.dir);
    const split = splitOf(panel.stream);
    const fwd = split[panel.dir];
    const rev = split[panel.dir ^ 1];
    const first = rows[0];
    const a = tcp.dir(first) === 0 ? srcEndpoint(cap, first) : dstEndpoint(cap, first);
    const b = tcp.dir(first) === 0 ? dstEndpoint(cap, first) : srcEndpoint(cap, first);
    const arrow = panel.dir === 0 ? `${a} → ${b}` : `${b} → ${a}`;
    layout[axisKey] = {
      ...AXIS_STYLE,
      domain: [Math.max(0, top - h), Math.min(1, top)],
      title: { text: `s${panel.stream} ${panel.dir === 0 ? "a→b" : "b→a"}<br>${o.relative ? "rel. " : ""}seq`, font: { size: 11 } },
      anchor: "x",
      tickformat: "~s",
      exponentformat: "SI",
    };
    (layout.annotations as unknown[] | undefined) ?? (layout.annotations = []);
    (layout.annotations as unknown[]).push({
      text: `stream ${panel.stream}: ${arrow}`, xref: "paper", yref: "paper", x: 0.01, y: Math.min(1, top),
      xanchor: "left", yanchor: "top", showarrow: false, font: { size: 11, color: "#333" }, bgcolor: "rgba(255,255,255,0.7)",
    });
    const color = streamColor(panel.streamIdx);
    const showOnce = (key: string): boolean => {
      if (shown.has(key)) return false;
      shown.add(key);
      return true;
    };
    const multi = streams.length > 1;

    if (o.style === "stevens") {
      const pts = downsample(fwd.all, o.maxSegments, isFlagged);
      data.push({
        type, mode: "markers", name: multi ? `stream ${panel.stream} segments` : "segments",
        legendgroup: `seg-s${panel.stream}`, showlegend: showOnce(`seg-s${panel.stream}`), yaxis: yName,
        x: pts.map((r) => cap.relativeTime(r)), y: pts.map(seqOf),
        marker: { color, size: 4 }, ...hoverProps(() => pts.map(hover), "seq"),
        customdata: pts.map((r) => r + 1), meta: { kind: "segments", stream: panel.stream, dir: panel.dir, rows: pts } satisfies TraceMeta,
      });
    } else {
      const dataRows = downsample(fwd.data, o.maxSegments, isFlagged);
      const x: (number | null)[] = [];
      const y: (number | null)[] = [];
      const cd: (number | null)[] = [];
      for (const r of dataRows) {
        const t = cap.relativeTime(r);
        const s = seqOf(r);
        x.push(t, t, null);
        y.push(s, s + len[r], null);
        cd.push(r + 1, r + 1, null);
      }
      const barTexts = () => {
        const ht: string[] = [];
        for (const r of dataRows) {
          const txt = hover(r);
          ht.push(txt, txt, "");
        }
        return ht;
      };
      // pushed after the ACK/window/SACK lines so that the bars are drawn on top of them
      const dataTrace: Record<string, unknown> = {
        type, mode: gl ? "lines" : "lines+markers", name: multi ? `stream ${panel.stream} data` : "data segments",
        legendgroup: `data-s${panel.stream}`, showlegend: dataRows.length > 0 && showOnce(`data-s${panel.stream}`), yaxis: yName,
        x, y, ...hoverProps(barTexts, "seq"), customdata: cd, connectgaps: false,
        line: { color, width: 1.5 }, marker: { symbol: "line-ew-open", size: 5, color },
        meta: { kind: "data", stream: panel.stream, dir: panel.dir, rows: dataRows } satisfies TraceMeta,
      };

      // Lines are subsampled without favouring flagged rows: the markers below carry every flagged packet.
      const ackRows = downsample(rev.acks, o.maxSegments, () => false);
      const ackX = ackRows.map((r) => cap.relativeTime(r));
      const ackY = ackRows.map(ackOf);
      const ackFrames = ackRows.map((r) => r + 1);
      let ackHt: string[] | null = null;
      const ackTexts = () => (ackHt ??= ackRows.map(hover));
      data.push({
        type, mode: "lines", name: "ACK", legendgroup: "ack", showlegend: ackRows.length > 0 && showOnce("ack"), yaxis: yName,
        x: ackX, y: ackY, line: { color: "#00a000", width: 1.2, shape: "hv" },
        ...hoverProps(ackTexts, "ack"), customdata: ackFrames,
        meta: { kind: "ack", stream: panel.stream, dir: panel.dir, rows: ackRows } satisfies TraceMeta,
      });
      data.push({
        type, mode: "lines", name: "receive window", legendgroup: "win", showlegend: ackRows.length > 0 && showOnce("win"), yaxis: yName,
        x: ackX, y: ackRows.map((r, k) => ackY[k] + tcp.winCalc(r)), line: { color: "#c8a600", width: 1.2, shape: "hv" },
        ...hoverProps(ackTexts, "ack + window"), customdata: ackFrames,
        meta: { kind: "window", stream: panel.stream, dir: panel.dir, rows: ackRows } satisfies TraceMeta,
      });

      const sx: (number | null)[] = [];
      const sy: (number | null)[] = [];
      const sh: string[] = [];
      const scd: (number | null)[] = [];
      const sRows: number[] = [];
      const r0 = rev.all[0] ?? first;
      const rawBase = o.relative ? 0 : cap.packets.tcpAck[r0] - tcp.relAck(r0);
      for (const r of downsample(rev.sack, o.maxSegments, () => false)) {
        const edges = tcp.sackRel(r);
        if (!edges || edges.length < 2) continue;
        const t = cap.relativeTime(r);
        const txt = infoHover ? hover(r) : "";
        for (let k = 0; k + 1 < edges.length; k += 2) {
          sx.push(t, t, null);
          sy.push(edges[k] + rawBase, edges[k + 1] + rawBase, null);
          sh.push(txt, txt, "");
          scd.push(r + 1, r + 1, null);
        }
        sRows.push(r);
      }
      if (sRows.length) {
        data.push({
          type, mode: gl ? "lines" : "lines+markers", name: "SACK blocks", legendgroup: "sack", showlegend: showOnce("sack"), yaxis: yName,
          x: sx, y: sy, ...hoverProps(() => sh, "SACK edge"), customdata: scd, connectgaps: false,
          line: { color: "#8000c0", width: 2 }, marker: { symbol: "line-ew-open", size: 6, color: "#8000c0" },
          meta: { kind: "sack", stream: panel.stream, dir: panel.dir, rows: sRows } satisfies TraceMeta,
        });
      }
      data.push(dataTrace);
    }

    if (o.style === "tcptrace" && o.yRange === "data") {
      let lo = Infinity;
      let hi = -Infinity;
      for (const t of data) {
        const meta = t.meta as TraceMeta;
        if (t.yaxis !== yName || meta.kind === "window") continue;
        for (const v of t.y as (number | null)[]) {
          if (v === null) continue;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      if (lo <= hi) {
        const pad = Math.max(5, (hi - lo) * 0.06);
        (layout[axisKey] as Record<string, unknown>).range = [lo - pad, hi + pad];
      }
    }

    for (const m of SEQ_MARKERS) {
      if (o.style === "stevens" && m.side === "rev") continue;
      const src = m.side === "fwd" ? fwd.marked : rev.marked;
      const mRows: number[] = [];
      for (let k = 0; k < src.length; k++) if (m.test(cap, src[k])) mRows.push(src[k]);
      if (!mRows.length) continue;
      markerCount += mRows.length;
      const yAt = (r: number): number => {
        if (m.at === "seq" || o.style === "stevens") return seqOf(r);
        if (m.at === "top") return seqOf(r) + len[r];
        if (m.at === "ack") return ackOf(r);
        return ackOf(r) + tcp.winCalc(r);
      };
      markerTraces.push({
        type, mode: "markers+text", name: m.name, legendgroup: m.key, showlegend: showOnce(m.key), yaxis: yName,
        x: mRows.map((r) => cap.relativeTime(r)), y: mRows.map(yAt),
        text: mRows.map(() => m.label), textposition: "top center", textfont: { color: m.color, size: 10 },
        marker: { color: m.color, symbol: m.symbol, size: 9, line: { color: m.color, width: 1.5 } },
        ...hoverProps(() => mRows.map(hover), m.name, infoHover || mRows.length <= MARKER_INFO_LIMIT), customdata: mRows.map((r) => r + 1),
        meta: { kind: m.key, stream: panel.stream, dir: panel.dir, rows: mRows } satisfies TraceMeta,
      });
    }
  });
  const labels = o.labels ?? markerCount < 2000;
  if (!labels) for (const t of markerTraces) t.mode = "markers";
  data.push(...markerTraces);

  layout.xaxis = {
    ...AXIS_STYLE,
    title: { text: "time since capture start (s)" },
    exponentformat: "none",
    anchor: n === 1 ? "y" : `y${n}`,
    domain: [0, 1],
    // a time window is the x range, with 2% room each side so markers at its edges stay whole
    ...(o.time ? { range: [o.time[0] - ((o.time[1] - o.time[0]) * 0.02 || 1e-3), o.time[1] + ((o.time[1] - o.time[0]) * 0.02 || 1e-3)] } : {}),
  };
  layout.height = o.height ?? Math.max(420, 120 + 300 * n);
  layout.showlegend = true;
  return fitLegend({ data, layout, config: { responsive: true, displaylogo: false } });
}

/**
 * Rows of each stream inside the time window (seconds since the first packet) and the frame range
 * (1-based, inclusive). A stream with no packet inside is a RangeError naming the stream's own span.
 */
function windowRows(
  cap: Capture, byStream: Map<number, Int32Array>, time: [number, number] | undefined, frames: [number, number] | undefined,
  selected: Uint8Array | undefined,
): Map<number, Int32Array> {
  if (!time && !frames && !selected) return byStream;
  const out = new Map<number, Int32Array>();
  for (const [s, rows] of byStream) {
    const keep = new Int32Array(rows.length);
    let k = 0;
    let tMin = Infinity;
    let tMax = -Infinity;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const t = cap.relativeTime(r);
      if (t < tMin) tMin = t;
      if (t > tMax) tMax = t;
      if (time && (t < time[0] || t > time[1])) continue;
      if (frames && (r + 1 < frames[0] || r + 1 > frames[1])) continue;
      if (selected && !selected[r]) continue;
      keep[k++] = r;
    }
    if (k === 0) {
      const want = [time ? `time [${time[0]}, ${time[1]}] s` : "", frames ? `frames ${frames[0]}…${frames[1]}` : "", selected ? "the filter's selection" : ""].filter(Boolean).join(" and ");
      throw new RangeError(
        `seqGraph: stream ${s} has no packets in ${want} (its packets are frames ${rows[0] + 1}…${rows[rows.length - 1] + 1}, at ${+tMin.toFixed(6)}…${+tMax.toFixed(6)} s)`,
      );
    }
    out.set(s, keep.subarray(0, k));
  }
  return out;
}

function defaultTitle(cap: Capture, streams: number[], byStream: Map<number, Int32Array>, style: string): string {
  const first = byStream.get(streams[0])![0];
  const who = streams.length === 1 ? `stream ${streams[0]} (${srcEndpoint(cap, first)} ↔ ${dstEndpoint(cap, first)})` : `streams ${streams.join(", ")}`;
  return `Time/sequence graph (${style === "stevens" ? "Stevens" : "tcptrace"}): ${who}`;
}

/** Rows of one direction of a stream, by the role they play in the graph. */
interface DirRows {
  all: Int32Array;
  /** Segments with payload (the bars / points). */
  data: Int32Array;
  /** Rows with the ACK flag (the ACK and window lines of the other direction's panel). */
  acks: Int32Array;
  /** Rows with SACK blocks. */
  sack: Int32Array;
  /** Rows that can carry a marker: an analysis flag or SYN/FIN/RST. */
  marked: Int32Array;
}

/** One pass over a stream's rows, reading only columns: rows by direction and role (typed arrays: 1 M rows fill in milliseconds). */
function splitRows(cap: Capture, rows: Int32Array): [DirRows, DirRows] {
  const p = cap.packets;
  const ta = p.tcpAnalysis;
  const flags = p.tcpFlags;
  const len = p.tcpLen;
  const sackN = p.tcpSackN;
  const MARK = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;
  const n = rows.length;
  // [dir * 5 + role]: all, data, acks, sack, marked; sized for the worst case, trimmed with subarray
  const lists = Array.from({ length: 10 }, () => new Int32Array(n));
  const c = new Int32Array(10);
  for (let k = 0; k < n; k++) {
    const r = rows[k];
    const t = ta[r];
    const fl = flags[r];
    const b = t & TA.DIR_REVERSE ? 5 : 0;
    lists[b][c[b]++] = r;
    if (len[r] > 0) lists[b + 1][c[b + 1]++] = r;
    if (fl & TcpFlag.ACK) lists[b + 2][c[b + 2]++] = r;
    if (sackN !== null && sackN[r] > 0) lists[b + 3][c[b + 3]++] = r;
    if ((t & TA.FLAG_MASK) !== 0 || (fl & MARK) !== 0) lists[b + 4][c[b + 4]++] = r;
  }
  const dir = (b: number): DirRows => ({
    all: lists[b].subarray(0, c[b]),
    data: lists[b + 1].subarray(0, c[b + 1]),
    acks: lists[b + 2].subarray(0, c[b + 2]),
    sack: lists[b + 3].subarray(0, c[b + 3]),
    marked: lists[b + 4].subarray(0, c[b + 4]),
  });
  return [dir(0), dir(5)];
}
