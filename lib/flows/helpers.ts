/** rttSamples, retransmissions and describeConnection — per-event views built on the flow analysis. */
import type { Capture, PacketSelection } from "../capture/capture";
import { hasTcpOption, Layer, TcpFlag, TcpOpt, tcpFlagNames, tcpOptions } from "../table/layers";
import { TA } from "../tcp/flags";
import { escapeHtml } from "../base/html";
import { seqDiff } from "../base/seq";
import { analyzeFlows } from "./build";
import { tlsVersionText } from "../app/tls";
import { SampleKind } from "../tcptrace/engine";
import { FlowTable, type FlowColumn } from "./table";
import type { Schema } from "../frame/vector";
import type { FlowTableSchema } from "./schema";

type FlowColumnName = keyof FlowTableSchema & string;

const DIRS = ["a2b", "b2a"] as const;

function timeOf(cap: Capture, r: number): number {
  return cap.packets.tsSec[r] + cap.packets.tsNsec[r] / 1e9;
}

function makeTable(n: number, spec: [string, FlowColumn["kind"], string, (k: number) => unknown][]): FlowTable<Schema> {
  const cols: FlowColumn[] = spec.map(([name, kind, description, f]) => {
    if (kind === "number") {
      const a = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        const v = f(k) as number | null;
        a[k] = v === null || v === undefined ? NaN : v;
      }
      return { name, kind, type: "float64", mirrors: "pcapframe", description, data: a };
    }
    const a: (string | boolean | null)[] = new Array(n);
    for (let k = 0; k < n; k++) a[k] = (f(k) as string | boolean | null) ?? null;
    return { name, kind, type: kind, mirrors: "pcapframe", description, data: a as (string | null)[] };
  });
  return new FlowTable<Schema>(n, cols);
}

/**
 * One row per tcptrace RTT event (valid sample, ambiguous ACK, post-loss ACK), optionally for one
 * TCP stream. `direction` a2b = data sent by A, ACKed by B. `rtt` (s) is null for post-loss ACKs;
 * for ambiguous ACKs it is timed from the last transmission (tcptrace's "RTT (last)").
 */
export function rttSamples(cap: Capture, stream?: number): FlowTable<Schema> {
  const fa = analyzeFlows(cap);
  const s = fa.samples;
  const idx: number[] = [];
  const want = stream === undefined ? -1 : stream >= 0 && stream < fa.flowOfStream.length ? fa.flowOfStream[stream] : -2;
  for (let i = 0; i < s.flow.n; i++) if (want === -1 || s.flow.a[i] === want) idx.push(i);
  const st = fa.table.raw("stream") as Float64Array;
  return makeTable(idx.length, [
    ["time", "number", "epoch seconds of the ACK", (k) => timeOf(cap, s.ackRow.a[idx[k]])],
    ["stream", "number", "tcp.stream", (k) => st[s.flow.a[idx[k]]]],
    ["direction", "string", "a2b = A's data ACKed by B", (k) => DIRS[s.dir.a[idx[k]]]],
    ["frame", "number", "frame number of the ACK", (k) => s.ackRow.a[idx[k]] + 1],
    ["data_frame", "number", "frame number of the (last) transmission of the ACKed segment", (k) => s.dataRow.a[idx[k]] + 1],
    ["rtt", "number", "seconds (null for post-loss ACKs)", (k) => (Number.isNaN(s.us.a[idx[k]]) ? null : s.us.a[idx[k]] / 1e6)],
    ["karn_valid", "boolean", "a valid sample (segment sent once, no later resend before it)", (k) => s.kind.a[idx[k]] === SampleKind.VALID],
    ["ambiguous", "boolean", "ACK of a retransmitted segment (Karn: not a sample)", (k) => s.kind.a[idx[k]] === SampleKind.AMBIGUOUS],
    ["post_loss", "boolean", "exact ACK after an earlier segment was resent later (no sample)", (k) => s.kind.a[idx[k]] === SampleKind.POST_LOSS],
  ]);
}

const WS_KINDS: [number, string][] = [
  [TA.SPURIOUS_RETRANSMISSION, "spurious_retransmission"],
  [TA.FAST_RETRANSMISSION, "fast_retransmission"],
  [TA.RETRANSMISSION, "retransmission"],
];

function wsKind(ta: number): string | null {
  for (const [b, n] of WS_KINDS) if (ta & b) return n;
  return null;
}

/**
 * One row per retransmitted segment: packets tcptrace counts as "rexmt" (they overlap bytes already
 * seen) and packets Wireshark flags Retransmission / Fast / Spurious. `kind` is Wireshark's class when
 * the TCP analysis flagged the packet, else "retransmission" (tcptrace only); `original_frame` and
 * `delay` (s since the previous transmission of the first overlapped range) come from tcptrace.
 */
export function retransmissions(cap: Capture): FlowTable<Schema> {
  const fa = analyzeFlows(cap);
  const t = cap.packets;
  const rx = fa.rexmits;
  const byRow = new Map<number, number>();
  for (let i = 0; i < rx.row.n; i++) byRow.set(rx.row.a[i], i);
  const rows: number[] = [];
  for (let r = 0; r < t.length; r++) {
    if (fa.flowOfRow[r] < 0 || fa.stream[r] < 0) continue;
    if (byRow.has(r) || (t.tcpAnalysis[r] & (TA.RETRANSMISSION | TA.FAST_RETRANSMISSION | TA.SPURIOUS_RETRANSMISSION))) rows.push(r);
  }
  return makeTable(rows.length, [
    ["frame", "number", "frame number", (k) => rows[k] + 1],
    ["time", "number", "epoch seconds", (k) => timeOf(cap, rows[k])],
    ["stream", "number", "tcp.stream", (k) => fa.stream[rows[k]]],
    ["direction", "string", "a2b = sent by A", (k) => DIRS[fa.dirOfRow[rows[k]]]],
    ["seq", "number", "relative sequence number (TCP analysis)", (k) => cap.tcp.relSeq(rows[k])],
    ["seq_raw", "number", "absolute sequence number", (k) => t.tcpSeq[rows[k]]],
    ["len", "number", "TCP payload length", (k) => t.tcpLen[rows[k]]],
    ["kind", "string", "retransmission / fast_retransmission / spurious_retransmission", (k) => wsKind(t.tcpAnalysis[rows[k]]) ?? "retransmission"],
    ["ws_kind", "string", "Wireshark's class (null if the analysis did not flag it)", (k) => wsKind(t.tcpAnalysis[rows[k]])],
    ["tcptrace_rexmt", "boolean", "counted in tcptrace's rexmt data pkts", (k) => byRow.has(rows[k])],
    ["rexmt_bytes", "number", "bytes overlapping already-seen data (tcptrace; SYN/FIN = 1)", (k) => (byRow.has(rows[k]) ? rx.bytes.a[byRow.get(rows[k])!] : 0)],
    ["original_frame", "number", "first transmission of the overlapped range (tcptrace)", (k) => (byRow.has(rows[k]) ? rx.origRow.a[byRow.get(rows[k])!] + 1 : null)],
    ["delay", "number", "seconds since the previous transmission of that range", (k) => {
      const i = byRow.get(rows[k]);
      return i === undefined || Number.isNaN(rx.sinceUs.a[i]) ? null : rx.sinceUs.a[i] / 1e6;
    }],
  ]);
}

function optText(cap: Capture, r: number): string {
  const t = cap.packets;
  const out: string[] = [];
  for (const c of tcpOptions(t.tcpOptSeq ? t.tcpOptSeq[r] : 0)) {
    if (c === TcpOpt.MSS && t.tcpMss) out.push(`MSS=${t.tcpMss[r]}`);
    else if (c === TcpOpt.WS && t.tcpWsShift) out.push(`WS=${1 << t.tcpWsShift[r]}`);
    else if (c === TcpOpt.SACK_PERM) out.push("SACK_PERM");
    else if (c === TcpOpt.TS) out.push("TS");
  }
  return out.length ? out.join(" ") : "no options";
}

function flagText(f: number): string {
  return tcpFlagNames(f, TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST | TcpFlag.PSH | TcpFlag.ACK).join("/");
}

function ms(s: number): string {
  return (s * 1000).toFixed(1) + " ms";
}

/** The one TCP stream a selection's packets belong to (a RangeError when they belong to none or to several). */
function streamOfSelection(cap: Capture, selection: PacketSelection): number {
  const rows = cap.rowsOf(selection, "describeConnection");
  const streams = new Set<number>();
  const { tcpStream, layers } = cap.packets;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    if (tcpStream[r] >= 0 && (layers[r] & Layer.TCP) !== 0 && (layers[r] & Layer.ICMP_QUOTED) === 0) streams.add(tcpStream[r]);
  }
  if (streams.size === 1) return [...streams][0];
  const what = typeof selection === "string" ? `filter ${JSON.stringify(selection)}` : "selection";
  if (!streams.size) throw new RangeError(`describeConnection: the ${what} selects no TCP packet (${rows.length} packets)`);
  const list = [...streams].sort((a, b) => a - b);
  throw new RangeError(
    `describeConnection: the ${what} selects packets of ${list.length} TCP streams (${list.slice(0, 10).join(", ")}${list.length > 10 ? ", …" : ""}); narrow it (e.g. add "&& tcp.stream == ${list[0]}") or pass a stream number`,
  );
}

/**
 * A lab-report style description of one TCP stream: handshake, TLS handshake, data phase, loss
 * episodes (dup ACKs → retransmission → recovery, with frame numbers) and teardown.
 * Returns plain text and HTML (every capture-derived string is escaped).
 */
export function describeConnection(cap: Capture, connection: number | PacketSelection): { text: string; html: string } {
  const fa = analyzeFlows(cap);
  const stream = typeof connection === "number" ? connection : streamOfSelection(cap, connection);
  if (!(stream >= 0 && stream < fa.flowOfStream.length) || fa.flowOfStream[stream] < 0) throw new RangeError(`no TCP stream ${stream}`);
  const f = fa.flowOfStream[stream];
  const ft = fa.table;
  const t = cap.packets;
  const rows = fa.rowsList.subarray(fa.rowsStart[f], fa.rowsStart[f + 1]);
  const g = (c: FlowColumnName) => ft.get(f, c);
  const A = `${g("addr_a")}:${g("port_a")}`;
  const B = `${g("addr_b")}:${g("port_b")}`;
  const who = (d: number) => (d ? "B" : "A");
  const sections: { title: string; lines: string[] }[] = [];
  const t0 = timeOf(cap, rows[0]);
  const rt = (r: number) => `+${(timeOf(cap, r) - t0).toFixed(3)} s`;

  sections.push({
    title: "Connection",
    lines: [
      `TCP stream ${stream}: A = ${A} → B = ${B} (${g("app") ?? "unknown application"})`,
      `${rows.length} frames, ${(g("duration") as number).toFixed(3)} s; A→B ${g("pkts_a2b")} frames / ${g("bytes_a2b")} bytes (${g("payload_a2b")} payload), B→A ${g("pkts_b2a")} frames / ${g("bytes_b2a")} bytes (${g("payload_b2a")} payload)`,
      `Zeek state ${g("state")}, history ${g("history")}`,
    ],
  });

  // handshake
  const hs: string[] = [];
  let mss = [NaN, NaN];
  for (const r of rows) {
    const fl = t.tcpFlags[r];
    if (!(fl & TcpFlag.SYN)) continue;
    const d = fa.dirOfRow[r];
    if (t.tcpMss && Number.isNaN(mss[d]) && t.tcpOptSeq && hasTcpOption(t.tcpOptSeq[r], TcpOpt.MSS)) mss[d] = t.tcpMss[r];
    hs.push(`frame ${r + 1} (${rt(r)}): ${who(d)} → ${who(1 - d)} ${flagText(fl)}, ${optText(cap, r)}`);
    if (hs.length > 6) break;
  }
  const ack3 = g("ack_frame");
  if (ack3 !== null) hs.push(`frame ${ack3}: A → B ACK completes the handshake; iRTT ${ms(g("irtt") as number)}`);
  if (!hs.length) hs.push("handshake not captured (stream starts mid-connection)");
  const r3a = g("rtt_3whs_a2b") as number, r3b = g("rtt_3whs_b2a") as number;
  if (r3a || r3b) hs.push(`tcptrace RTT from 3WHS: A→B ${ms(r3a)}, B→A ${ms(r3b)}`);
  sections.push({ title: "Handshake", lines: hs });

  // TLS
  const tls = cap.app.streamTls(stream);
  if (tls) {
    const l: string[] = [];
    if (tls.clientHelloFrame != null) l.push(`frame ${tls.clientHelloFrame}: ClientHello${tls.sni ? `, SNI ${tls.sni}` : ""}`);
    if (tls.serverHelloFrame != null) l.push(`frame ${tls.serverHelloFrame}: ServerHello, ${tlsVersionText(tls) ?? "version ?"}, cipher ${tls.cipherName ?? tls.cipher ?? "?"}${tls.alpn ? `, ALPN ${tls.alpn}` : ""}`);
    if (l.length) sections.push({ title: "TLS handshake", lines: l });
  }

  // data phase
  const sizes: number[][] = [[], []];
  const pureAcks = [0, 0];
  for (const r of rows) {
    const d = fa.dirOfRow[r];
    const len = t.tcpLen[r];
    const fl = t.tcpFlags[r];
    if (len > 0) sizes[d].push(len);
    else if (fl & TcpFlag.ACK && !(fl & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST))) pureAcks[d]++;
  }
  const dl: string[] = [];
  if (!Number.isNaN(mss[0]) || !Number.isNaN(mss[1])) dl.push(`MSS: A announced ${Number.isNaN(mss[0]) ? "—" : mss[0]}, B announced ${Number.isNaN(mss[1]) ? "—" : mss[1]}`);
  for (let d = 0; d < 2; d++) {
    const s = sizes[d].slice().sort((x, y) => x - y);
    if (!s.length) {
      dl.push(`${who(d)} sent no data; ${pureAcks[d]} pure ACKs`);
      continue;
    }
    const hist = new Map<number, number>();
    for (const x of s) hist.set(x, (hist.get(x) ?? 0) + 1);
    const top = [...hist.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} B ×${v}`).join(", ");
    const max = s[s.length - 1];
    const full = s.filter((x) => x === max).length;
    const m = mss[1 - d];
    const note = Number.isNaN(m) ? "" : max < m ? ` (${m - max} B below the peer's MSS ${m}: options such as timestamps)` : max > m ? ` (above the peer's MSS ${m}: segmentation offload at the capture point)` : " (= the peer's MSS)";
    dl.push(`${who(d)} → ${who(1 - d)}: ${s.length} data segment${s.length === 1 ? "" : "s"}, size min ${s[0]} / median ${s[s.length >> 1]} / max ${max} B${note}; most common ${top}; ${full} full-sized; ${pureAcks[d]} pure ACKs`);
  }
  if (sizes[0].length && !sizes[1].length) dl.push("ACK pattern: only A sends data, B only ACKs");
  else if (sizes[1].length && !sizes[0].length) dl.push("ACK pattern: only B sends data, A only ACKs");
  else if (sizes[0].length && sizes[1].length) {
    const ratio = (d: number) => (pureAcks[1 - d] ? (sizes[d].length / pureAcks[1 - d]).toFixed(1) : "∞");
    dl.push(`ACK pattern: both directions carry data; data segments per pure ACK: A→B ${ratio(0)}, B→A ${ratio(1)}`);
  }
  for (let d = 0; d < 2; d++) {
    const n = g(`rtt_samples_${DIRS[d]}`) as number;
    if (n) dl.push(`RTT (tcptrace, ${who(d)}'s data): ${n} samples, min ${ms(g(`rtt_min_${DIRS[d]}`) as number)}, avg ${ms(g(`rtt_avg_${DIRS[d]}`) as number)}, max ${ms(g(`rtt_max_${DIRS[d]}`) as number)}`);
  }
  sections.push({ title: "Data phase", lines: dl });

  // loss episodes
  const rx = fa.rexmits;
  const rexRows = new Set<number>();
  for (let i = 0; i < rx.row.n; i++) if (rx.flow.a[i] === f) rexRows.add(rx.row.a[i]);
  const lastAck = [NaN, NaN];
  const lastWin = [NaN, NaN];
  const dups: number[][] = [[], []]; // dup ACK frames sent by d (about the other side's data)
  const episodes: string[] = [];
  let open: { d: number; dups: number[]; retx: string[]; end: number } | null = null;
  const closeEp = (recovery: string) => {
    if (!open) return;
    episodes.push(`${who(open.d)}'s data: ${open.dups.length ? `dup ACKs by ${who(1 - open.d)} in frames ${open.dups.join(", ")} → ` : ""}retransmission${open.retx.length > 1 ? "s" : ""} ${open.retx.join(", ")} → ${recovery}`);
    open = null;
  };
  for (const r of rows) {
    const d = fa.dirOfRow[r];
    const fl = t.tcpFlags[r];
    const len = t.tcpLen[r];
    const ack = t.tcpAck[r];
    const ta = t.tcpAnalysis[r];
    const isRetx = rexRows.has(r) || (ta & (TA.RETRANSMISSION | TA.FAST_RETRANSMISSION | TA.SPURIOUS_RETRANSMISSION)) !== 0;
    if (isRetx && len > 0) {
      const kind = wsKind(ta)?.replace(/_/g, " ") ?? "retransmission";
      const end = (t.tcpSeq[r] + len) % 4294967296;
      if (open && open.d === d) {
        open.retx.push(`${r + 1} (${kind})`);
        open.end = end;
      } else {
        closeEp("no recovery seen");
        open = { d, dups: dups[1 - d].slice(-5), retx: [`${r + 1} (${kind})`], end };
      }
      dups[1 - d] = [];
    }
    if (fl & TcpFlag.ACK) {
      const pure = len === 0 && !(fl & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST));
      const isDup = (ta & TA.DUPLICATE_ACK) !== 0 || (pure && ack === lastAck[d] && t.tcpWin[r] === lastWin[d] && !fa.wiresharkFlags);
      if (isDup) dups[d].push(r + 1);
      else if (ack !== lastAck[d]) dups[d] = [];
      if (open && open.d === 1 - d && seqDiff(ack, open.end) >= 0 && !isDup) closeEp(`recovered at frame ${r + 1} (ACK covers the retransmitted data, ${rt(r)})`);
      lastAck[d] = ack;
      lastWin[d] = t.tcpWin[r];
    }
  }
  closeEp("no recovery seen");
  sections.push({ title: "Loss episodes", lines: episodes.length ? episodes : ["none (no retransmissions)"] });

  // teardown
  const td: string[] = [];
  for (const r of rows) {
    const fl = t.tcpFlags[r];
    if (fl & (TcpFlag.FIN | TcpFlag.RST)) td.push(`frame ${r + 1} (${rt(r)}): ${who(fa.dirOfRow[r])} → ${who(1 - fa.dirOfRow[r])} ${flagText(fl)}`);
    if (td.length > 8) break;
  }
  if (g("fin_close")) td.push("four-way FIN close completed (both FINs ACKed)");
  else if (g("first_rst")) td.push(`connection reset, first RST by ${g("first_rst")} (frame ${g("rst_frame")})`);
  else if (!td.length) td.push("no FIN or RST captured (connection still open at the end of the capture)");
  sections.push({ title: "Teardown", lines: td });

  const text = sections.map((s) => `${s.title}\n${s.lines.map((l) => "  " + l).join("\n")}`).join("\n\n");
  const html =
    `<div class="pcapframe-connection">` +
    sections.map((s) => `<h4>${escapeHtml(s.title)}</h4><ul>${s.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>`).join("") +
    `</div>`;
  return { text, html };
}
