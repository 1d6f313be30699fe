/**
 * An HTML packet list coloured with Wireshark's default colouring rules (the `colorfilters` file a
 * fresh Wireshark profile has), for notebooks. Every string that came from the capture is escaped.
 */
import { z } from "zod";
import { Capture, DEFAULT_COLUMNS } from "../capture/capture";
import { escapeHtml } from "../base/html";
import { parseOptions } from "../base/options";
import { Layer, TcpFlag } from "../table/layers";
import { TA } from "../tcp/flags";

/** RGB as Wireshark stores it in `colorfilters`: three 16-bit components. */
type Rgb16 = readonly [number, number, number];

export interface ColorRule {
  name: string;
  /** The display filter of Wireshark's default rule (documentation; `match` implements it). */
  filter: string;
  background: string;
  foreground: string;
  match: (cap: Capture, row: number) => boolean;
}

function hex(c: Rgb16): string {
  return "#" + c.map((v) => (v >> 8).toString(16).padStart(2, "0")).join("").toUpperCase();
}

function rule(name: string, filter: string, bg: Rgb16, fg: Rgb16, match: ColorRule["match"]): ColorRule {
  return { name, filter, background: hex(bg), foreground: hex(fg), match };
}

const DARK: Rgb16 = [4626, 10023, 11822];
const has = (c: Capture, r: number, l: number) => (c.packets.layers[r] & l) !== 0;
const tcp = (c: Capture, r: number) => (c.packets.layers[r] & (Layer.TCP | Layer.ICMP_QUOTED)) === Layer.TCP;
const udp = (c: Capture, r: number) => (c.packets.layers[r] & (Layer.UDP | Layer.ICMP_QUOTED)) === Layer.UDP;
const port = (c: Capture, r: number, ...ports: number[]) => ports.includes(c.packets.srcPort[r]) || ports.includes(c.packets.dstPort[r]);
const ipProto = (c: Capture, r: number) => (has(c, r, Layer.IPV4 | Layer.IPV6) ? c.packets.ipProto[r] : -1);
const NOT_BAD = TA.WINDOW_UPDATE | TA.KEEP_ALIVE | TA.KEEP_ALIVE_ACK;

function ipv4Dst(c: Capture, r: number): number[] | null {
  if (!has(c, r, Layer.IPV4)) return null;
  const s = c.packets.strings.get(c.packets.ipDst[r]);
  const parts = s.split(".").map(Number);
  return parts.length === 4 ? parts : null;
}

/**
 * Wireshark's default colouring rules in their order (first match wins), with the colours of the
 * default `colorfilters` (background, foreground). Rules for protocols pcapframe does not dissect
 * (HSRP, STP, OSPF state, SCTP, DCE-RPC, checksum errors — checksums are not verified by default —,
 * systemd journal) are left out; SMB/NetBIOS and routing protocols are matched by port / IP protocol.
 */
export const WIRESHARK_COLOR_RULES: readonly ColorRule[] = [
  rule("Bad TCP", "tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive && !tcp.analysis.keep_alive_ack", DARK, [63479, 34695, 34695],
    (c, r) => tcp(c, r) && (c.packets.tcpAnalysis[r] & TA.FLAG_MASK & ~NOT_BAD) !== 0),
  rule("ICMP errors", "icmp.type in { 3..5, 11 } || icmpv6.type in { 1..4 }", DARK, [47031, 63479, 29812], (c, r) => {
    const t = c.packets.icmpType?.[r] ?? -1;
    if (has(c, r, Layer.ICMP)) return t === 3 || t === 4 || t === 5 || t === 11;
    if (has(c, r, Layer.ICMPV6)) return t >= 1 && t <= 4;
    return false;
  }),
  rule("ARP", "arp", [64250, 61680, 55255], DARK, (c, r) => has(c, r, Layer.ARP)),
  rule("ICMP", "icmp || icmpv6", [64764, 57568, 65535], DARK, (c, r) => has(c, r, Layer.ICMP | Layer.ICMPV6)),
  rule("TCP RST", "tcp.flags.reset eq 1", [42148, 0, 0], [65535, 64764, 40092], (c, r) => tcp(c, r) && (c.packets.tcpFlags[r] & TcpFlag.RST) !== 0),
  rule("TTL low or unexpected", "(ip.dst != 224.0.0.0/4 && ip.ttl < 5 && !pim && !ospf) || (ip.dst == 224.0.0.0/24 && ip.dst != 224.0.0.251 && ip.ttl != 1 && !(vrrp || carp))",
    [42148, 0, 0], [60652, 61680, 60395], (c, r) => {
      const d = ipv4Dst(c, r);
      if (!d) return false;
      const ttl = c.packets.ipTtl[r];
      const proto = c.packets.ipProto[r];
      const multicast = d[0] >= 224 && d[0] <= 239;
      if (!multicast && ttl < 5 && proto !== 103 && proto !== 89) return true;
      const local = d[0] === 224 && d[1] === 0 && d[2] === 0;
      return local && d[3] !== 251 && ttl !== 1 && proto !== 112;
    }),
  rule("SMB", "smb || nbss || nbns || netbios", [65278, 65535, 53456], DARK,
    (c, r) => (tcp(c, r) && port(c, r, 139, 445)) || (udp(c, r) && port(c, r, 137, 138))),
  rule("HTTP", "http || tcp.port == 80 || http2", [58596, 65535, 51143], DARK,
    (c, r) => has(c, r, Layer.HTTP) || (tcp(c, r) && port(c, r, 80)) || c.protocol(r) === "HTTP2"),
  rule("Routing", "hsrp || eigrp || ospf || bgp || cdp || vrrp || carp || gvrp || igmp || ismp", [65535, 62451, 54998], DARK,
    (c, r) => [2, 88, 89, 112].includes(ipProto(c, r)) || (tcp(c, r) && port(c, r, 179) && c.packets.tcpLen[r] > 0)),
  rule("TCP SYN/FIN", "tcp.flags & 0x02 || tcp.flags.fin == 1", [41120, 41120, 41120], DARK,
    (c, r) => tcp(c, r) && (c.packets.tcpFlags[r] & (TcpFlag.SYN | TcpFlag.FIN)) !== 0),
  rule("TCP", "tcp", [59367, 59110, 65535], DARK, (c, r) => has(c, r, Layer.TCP)),
  rule("UDP", "udp", [56026, 61166, 65535], DARK, (c, r) => has(c, r, Layer.UDP)),
  rule("Broadcast", "eth[0] & 1", [65535, 65535, 65535], [47802, 48573, 46774], (c, r) => {
    if (!has(c, r, Layer.ETH)) return false;
    const first = parseInt(c.packets.strings.get(c.packets.ethDst[r]).slice(0, 2), 16);
    return (first & 1) === 1;
  }),
];

/** The first matching default colouring rule of a row, or undefined (no colour). */
export function colorRule(cap: Capture, row: number): ColorRule | undefined {
  for (const r of WIRESHARK_COLOR_RULES) if (r.match(cap, row)) return r;
  return undefined;
}

const RowsOption = z.union([
  z.array(z.number().int().nonnegative()),
  z.custom<(row: number, cap: Capture) => boolean>((v) => typeof v === "function", "expected row indexes or a function (row, cap) => boolean"),
]);

export const PacketListOptions = z.strictObject({
  /** Rows (0-based) or a predicate; default all. */
  rows: RowsOption.optional(),
  /** Column names (Capture.columnNames); default Wireshark's packet list columns. */
  columns: z.array(z.string()).min(1).optional(),
  /** At most this many rows are rendered; a note says how many were left out. */
  maxRows: z.number().int().positive().default(200),
  /** Apply the colouring rules (default true). */
  colorize: z.boolean().default(true),
});
export type PacketListOptions = z.input<typeof PacketListOptions>;

const HEADERS: Record<string, string> = {
  no: "No.", time_relative: "Time", src: "Source", dst: "Destination", protocol: "Protocol", length: "Length", info: "Info",
};

/**
 * An HTML packet list (Wireshark's default columns unless `columns` is given), rows coloured by
 * {@link WIRESHARK_COLOR_RULES}, at most `maxRows` rows. Each row's `title` names its rule.
 */
export function packetListHtml(cap: Capture, options: PacketListOptions = {}): string {
  const o = parseOptions("packetListHtml", PacketListOptions, options);
  const columns = o.columns ?? DEFAULT_COLUMNS;
  const known = new Set(Capture.columnNames);
  for (const c of columns) {
    if (!known.has(c)) throw new TypeError(`packetListHtml: option "columns": unknown column "${c}"`);
  }
  let rows: number[] = [];
  let total: number;
  if (Array.isArray(o.rows)) {
    for (const r of o.rows) if (r >= cap.length) throw new RangeError(`packetListHtml: option "rows": row ${r} is beyond the last row (${cap.length - 1})`);
    total = o.rows.length;
    rows = o.rows.slice(0, o.maxRows);
  } else {
    const pred = o.rows;
    total = 0;
    for (let r = 0; r < cap.length; r++) {
      if (pred && !pred(r, cap)) continue;
      total++;
      if (rows.length < o.maxRows) rows.push(r);
    }
  }
  const out: string[] = [];
  out.push('<div class="pcapframe-packets" style="max-height:600px;overflow:auto">');
  out.push('<table style="border-collapse:collapse;font-family:monospace;font-size:12px;white-space:nowrap">');
  out.push("<thead><tr>");
  for (const c of columns) {
    out.push(`<th style="text-align:left;padding:2px 8px;border-bottom:1px solid #999;position:sticky;top:0;background:#f0f0f0">${escapeHtml(HEADERS[c] ?? c)}</th>`);
  }
  out.push("</tr></thead><tbody>");
  const values = columns.map((c) => cap.column(c, rows));
  rows.forEach((r, i) => {
    const rule = o.colorize ? colorRule(cap, r) : undefined;
    const style = rule ? ` style="background:${rule.background};color:${rule.foreground}"` : "";
    const title = rule ? ` title="${escapeHtml(rule.name)}"` : "";
    out.push(`<tr${style}${title}>`);
    columns.forEach((c, j) => {
      const v = values[j][i];
      const text = v === null || v === undefined ? "" : c === "time_relative" && typeof v === "number" ? v.toFixed(6) : String(v);
      const align = typeof v === "number" ? "right" : "left";
      out.push(`<td style="padding:1px 8px;text-align:${align}">${escapeHtml(text)}</td>`);
    });
    out.push("</tr>");
  });
  out.push("</tbody></table>");
  if (total > rows.length) out.push(`<div style="font-size:11px;color:#666">showing ${rows.length} of ${total} packets (maxRows ${o.maxRows})</div>`);
  out.push("</div>");
  return out.join("");
}
