/**
 * Ladder (flow / sequence) diagram between two hosts: time runs down, one arrow per packet between
 * two vertical host lines, labelled with flags, relative seq/ack, length and the application message
 * (TLS handshake names, HTTP request line) — the handshake / TLS / teardown figures of a lab report.
 */
import { z } from "zod";
import type { Capture } from "../capture/capture";
import { TA } from "../tcp/flags";
import { tcpFlagsText } from "../tcp/info";
import type { Figure } from "./figure";
import type { TcpAnalysis } from "../tcp/analysis";
import { hoverText, isTcpRow, packetSelection, streamIndex } from "./common";
import { Layer } from "../table/layers";
import { parseOptions } from "../base/options";
import { escapeHtml } from "../base/html";
import type { TraceMeta } from "./seq-graph";

export const LadderOptions = z.strictObject({
  stream: streamIndex.optional(),
  streams: z.array(streamIndex).min(1).optional(),
  /** Inclusive range of frame numbers (1-based, as in Wireshark). Default: the first 30 packets selected. */
  frames: z
    .tuple([z.number().int().positive(), z.number().int().positive()])
    .refine(([a, b]) => a <= b, "from must be ≤ to")
    .optional(),
  /** Only the packets this display filter or packet table selects (`"tcp.stream == 0 && tcp.len > 0"`); combines with `frames`. */
  filter: packetSelection.optional(),
  /** even: one row per packet (readable); time: y proportional to time since capture start. */
  spacing: z.enum(["even", "time"]).default("even"),
  /** Refuse to draw more arrows than this (a ladder with hundreds of arrows is unreadable). */
  maxArrows: z.number().int().positive().default(200),
  title: z.string().optional(),
  width: z.number().int().positive().default(1000),
});
export type LadderOptions = z.input<typeof LadderOptions>;

const COLOR_AB = "#1f5fa8";
const COLOR_BA = "#1b7f3b";
const COLOR_BAD = "#d00000";

/**
 * Ladder diagram of the packets in `frames` (of `stream`/`streams` if given, else of every packet
 * between the two hosts of the range's first packet). One arrow annotation per packet; the frame
 * number and time (s since capture start) on the left; arrows of packets with a TCP analysis flag
 * (retransmission, dup ACK, …; window updates excepted) in red.
 */
export function ladderDiagram(cap: Capture, options: LadderOptions): Figure {
  const o = parseOptions("ladderDiagram", LadderOptions, options);
  const streams = o.streams ?? (o.stream !== undefined ? [o.stream] : undefined);
  const streamSet = streams ? new Set(streams) : undefined;
  const p = cap.packets;
  const tcp = cap.tcp;
  const [from, to] = o.frames ?? [1, cap.length];
  if (from > cap.length) throw new RangeError(`ladderDiagram: option "frames": frame ${from} is beyond the last frame (${cap.length})`);

  const selected = o.filter === undefined ? undefined : cap.selectionMask(o.filter, 'ladderDiagram: option "filter"');
  const cand: number[] = [];
  for (let r = from - 1; r < Math.min(to, cap.length); r++) {
    if (selected && !selected[r]) continue;
    if (streamSet) {
      if (!streamSet.has(p.tcpStream[r]) || !isTcpRow(cap, r)) continue;
    } else if (!(p.layers[r] & (Layer.IPV4 | Layer.IPV6 | Layer.ARP))) continue;
    cand.push(r);
    if (!o.frames && cand.length >= 30) break;
  }
  if (!cand.length) {
    throw new RangeError(
      `ladderDiagram: no packets${streams ? ` of stream${streams.length > 1 ? "s" : ""} ${streams.join(", ")}` : ""}${selected ? " selected by the filter" : ""} in frames ${from}…${to}`,
    );
  }
  const hostA = p.src[cand[0]];
  const hostB = p.dst[cand[0]];
  const rows = cand.filter((r) => (p.src[r] === hostA && p.dst[r] === hostB) || (p.src[r] === hostB && p.dst[r] === hostA));
  if (rows.length > o.maxArrows) {
    throw new RangeError(`ladderDiagram: ${rows.length} packets selected, more than maxArrows (${o.maxArrows}); narrow "frames"`);
  }
  const single = streams?.length === 1;
  const nameA = hostLabel(cap, rows[0], true, single);
  const nameB = hostLabel(cap, rows[0], false, single);

  const t0 = cap.relativeTime(rows[0]);
  const tEnd = cap.relativeTime(rows[rows.length - 1]);
  const timeScale = o.spacing === "time" ? (rows.length * 1.0) / Math.max(tEnd - t0, 1e-9) : 1;
  const yOf = (i: number, r: number): number => (o.spacing === "even" ? i : (cap.relativeTime(r) - t0) * timeScale);
  const slope = o.spacing === "even" ? 0.45 : 0;

  const annotations: Record<string, unknown>[] = [];
  const tailX: number[] = [];
  const tailY: number[] = [];
  const hover: string[] = [];
  const colors: string[] = [];
  rows.forEach((r, i) => {
    const ab = p.src[r] === hostA;
    const x0 = ab ? 0 : 1;
    const x1 = ab ? 1 : 0;
    const y0 = yOf(i, r);
    const y1 = y0 + slope;
    const bad = (p.tcpAnalysis[r] & TA.FLAG_MASK & ~TA.WINDOW_UPDATE) !== 0 && (p.layers[r] & Layer.TCP) !== 0;
    const color = bad ? COLOR_BAD : ab ? COLOR_AB : COLOR_BA;
    const info = escapeHtml(cap.info(r));
    annotations.push({
      x: x1, y: y1, ax: x0, ay: y0, xref: "x", yref: "y", axref: "x", ayref: "y",
      showarrow: true, arrowhead: 2, arrowsize: 1.2, arrowwidth: 1.6, arrowcolor: color, text: "",
      hovertext: `#${r + 1}: ${info}`,
    });
    annotations.push({
      x: 0.5, y: (y0 + y1) / 2, xref: "x", yref: "y", text: arrowLabel(cap, tcp, r, !single && !!streams),
      showarrow: false, yshift: 11, font: { size: 11, color: bad ? COLOR_BAD : "#222" }, bgcolor: "rgba(255,255,255,0.85)",
    });
    annotations.push({
      x: -0.04, y: y0, xref: "x", yref: "y", xanchor: "right", showarrow: false,
      text: `#${r + 1}  ${cap.relativeTime(r).toFixed(6)} s`, font: { size: 10, color: "#555", family: "monospace" },
    });
    tailX.push(x0);
    tailY.push(y0);
    hover.push(hoverText(cap, r));
    colors.push(color);
  });

  const yMax = Math.max(yOf(rows.length - 1, rows[rows.length - 1]) + slope, 1);
  const shapes = [0, 1].map((x) => ({
    type: "line", xref: "x", yref: "y", x0: x, x1: x, y0: -0.6, y1: yMax + 0.6, line: { color: "#444", width: 2 },
  }));
  annotations.push(
    { x: 0, y: -0.7, xref: "x", yref: "y", text: `<b>${escapeHtml(nameA)}</b>`, showarrow: false, yanchor: "bottom", font: { size: 13 } },
    { x: 1, y: -0.7, xref: "x", yref: "y", text: `<b>${escapeHtml(nameB)}</b>`, showarrow: false, yanchor: "bottom", font: { size: 13 } },
  );
  const data = [
    {
      type: "scatter", mode: "markers", name: "packets", x: tailX, y: tailY, showlegend: false,
      marker: { color: colors, size: 6 }, hovertext: hover, hoverinfo: "text", customdata: rows.map((r) => r + 1),
      meta: { kind: "ladder", rows } satisfies TraceMeta,
    },
  ];
  const first = rows[0] + 1;
  const last = rows[rows.length - 1] + 1;
  const layout: Record<string, unknown> = {
    title: { text: o.title ?? `Packets #${first}–#${last}${streams ? ` (stream ${streams.join(", ")})` : ""}` },
    width: o.width,
    height: Math.max(300, 140 + (o.spacing === "even" ? rows.length : rows.length) * 36),
    plot_bgcolor: "#ffffff",
    paper_bgcolor: "#ffffff",
    hovermode: "closest",
    showlegend: false,
    margin: { l: 20, r: 20, t: 60, b: 20 },
    xaxis: { range: [-0.42, 1.12], visible: false, fixedrange: true },
    yaxis: { range: [yMax + 0.8, -1.6], visible: false },
    shapes,
    annotations,
  };
  return { data, layout, config: { responsive: true, displaylogo: false } };
}

function hostLabel(cap: Capture, row: number, src: boolean, withPort: boolean): string {
  const p = cap.packets;
  const addr = p.strings.get(src ? p.src[row] : p.dst[row]);
  if (!withPort) return addr;
  const port = src ? p.srcPort[row] : p.dstPort[row];
  return addr.includes(":") ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/** Two-line arrow label: the application message (or TCP flags) and seq/ack/len. HTML-escaped. */
function arrowLabel(cap: Capture, tcp: TcpAnalysis, r: number, ports: boolean): string {
  const p = cap.packets;
  const proto = cap.protocol(r);
  if (!isTcpRow(cap, r)) return escapeHtml(`${proto}: ${cap.info(r)}`);
  const prefix = tcp.analysisPrefix(r);
  const flags = `[${tcpFlagsText(p.tcpFlags[r])}]`;
  let line1: string;
  if (p.appInfo && p.appInfo[r] && proto !== "TCP") {
    // Info is the analysis prefix, then the application text after Wireshark's separator (", " when both exist)
    line1 = `${proto}: ${cap.info(r).slice(prefix.length).replace(/^\s*,\s*/, "")}`;
    if (prefix) line1 = `${prefix.trim()} ${line1}`;
  } else {
    line1 = `${prefix}${flags}`;
  }
  const ack = p.tcpFlags[r] & 0x10 ? ` Ack=${tcp.relAck(r)}` : "";
  let line2 = `Seq=${tcp.relSeq(r)}${ack} Len=${p.tcpLen[r]}`;
  if (p.appInfo && p.appInfo[r] && proto !== "TCP") line2 = `${flags} ${line2}`;
  if (ports) line2 = `${p.srcPort[r]} → ${p.dstPort[r]} ${line2}`;
  const clip = (s: string) => (s.length > 90 ? s.slice(0, 89) + "…" : s);
  return `${escapeHtml(clip(line1))}<br>${escapeHtml(clip(line2))}`;
}
