/**
 * A capture's summary card: what a user wants first about a file (format, size, packets, time span, the
 * protocol breakdown, TCP streams, the TCP analysis flags, warnings), as text and as escaped HTML. It is
 * what a notebook cell ending in `cap` shows, and `console.log(cap)` prints.
 */
import { escapeHtml } from "../base/html";
import { isoTime } from "../base/format";
import type { PacketTable } from "../table/packet-table";
import type { CaptureMeta } from "../read/load";
import { TA_NAMES } from "../tcp/flags";

export interface CaptureSummary {
  file: string;
  format: string;
  packets: number;
  bytes: number;
  first: string | null;
  duration: number;
  tcpStreams: number;
  /** Protocol column values, most frequent first: [name, packets]. */
  protocols: [string, number][];
  /** tcp.analysis flags seen: [name, packets]. */
  analysis: [string, number][];
  warnings: string[];
}

/** Count the Protocol ids and the analysis bits in one pass over the columns. */
export function summarize(t: PacketTable, meta: CaptureMeta, tcpStreams: number, warnings: string[]): CaptureSummary {
  const counts = new Map<number, number>();
  const flagCounts = new Float64Array(TA_NAMES.length);
  const proto = t.proto;
  const ta = t.tcpAnalysis;
  let bytes = 0;
  for (let r = 0; r < t.length; r++) {
    const p = proto[r];
    counts.set(p, (counts.get(p) ?? 0) + 1);
    bytes += t.wireLen[r];
    const bits = ta[r];
    if (bits !== 0) for (let k = 0; k < TA_NAMES.length; k++) if (bits & TA_NAMES[k][0]) flagCounts[k]++;
  }
  const protocols = [...counts].map(([id, n]): [string, number] => [t.strings.get(id) || "(none)", n]).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const analysis: [string, number][] = [];
  TA_NAMES.forEach(([, name], k) => {
    if (flagCounts[k] > 0) analysis.push([name, flagCounts[k]]);
  });
  return {
    file: meta.source,
    format: `${meta.format}${meta.compressed ? " (gzip)" : ""}`,
    packets: t.length,
    bytes,
    first: meta.firstTime === null ? null : isoTime(meta.firstTime),
    duration: meta.duration,
    tcpStreams,
    protocols,
    analysis,
    warnings,
  };
}

const top = (list: [string, number][], n: number) =>
  list.slice(0, n).map(([k, v]) => `${k} ${v}`).join(", ") + (list.length > n ? `, … (${list.length - n} more)` : "");

export function summaryText(s: CaptureSummary): string {
  const lines = [
    `Capture ${s.file}: ${s.format}, ${s.packets} packets, ${s.bytes} bytes`,
    `  time: ${s.first ?? "no timestamps"}${s.first ? ` + ${s.duration.toFixed(6)} s` : ""}`,
    `  protocols: ${top(s.protocols, 8) || "none"}`,
    `  TCP streams: ${s.tcpStreams}`,
    `  TCP analysis: ${top(s.analysis, 15) || "no flags"}`,
  ];
  for (const w of s.warnings) lines.push(`  ${w}`);
  return lines.join("\n");
}

export function summaryHtml(s: CaptureSummary): string {
  const row = (k: string, v: string) => `<tr><th style="text-align:left;padding-right:1em">${escapeHtml(k)}</th><td style="text-align:left">${v}</td></tr>`;
  const list = (l: [string, number][], n: number) => escapeHtml(top(l, n)) || "<i>none</i>";
  const warn = s.warnings.map((w) => `<div style="color:#a00">⚠ ${escapeHtml(w)}</div>`).join("");
  return (
    `<div class="pcapframe-capture"><b>${escapeHtml(s.file)}</b><table>` +
    row("format", escapeHtml(s.format)) +
    row("packets", `${s.packets} (${s.bytes} bytes)`) +
    row("time", s.first ? `${escapeHtml(s.first)} + ${s.duration.toFixed(6)} s` : "<i>no timestamps</i>") +
    row("protocols", list(s.protocols, 8)) +
    row("TCP streams", String(s.tcpStreams)) +
    row("TCP analysis", list(s.analysis, 15)) +
    `</table>${warn}</div>`
  );
}
