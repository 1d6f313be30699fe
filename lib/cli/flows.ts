/** `pcapframe flows FILE [--csv] [--columns …]`: one row per TCP stream / UDP flow. */
import { buildFlows, FLOW_CSV_COLUMNS } from "../flows/build";
import type { FlowTable } from "../flows/table";
import { flowColumns, type FlowTableSchema } from "../flows/schema";
import type { CommandSpec } from "./args";
import { FILE_ARG, FILTER_OPTION, READ_OPTIONS, checkFilter, checkFlowColumns, loadCapture } from "./common";

/** Flow columns filled from the application-layer dissectors (TLS, HTTP, Zeek's service): only they need them read. */
const APP_COLUMNS = new Set(flowColumns().filter((c) => c.mirrors === "dissector" || c.name === "app").map((c) => c.name));

/** An endpoint as text: IPv6 addresses in brackets (`[2001:db8::1]:443`), as URLs and Wireshark write them. */
function endpoint(addr: unknown, port: unknown): string {
  const a = addr === null || addr === undefined ? "" : String(addr);
  const host = a.includes(":") ? `[${a}]` : a;
  return port === null || port === undefined ? host || "-" : `${host}:${port}`;
}

const ms = (v: unknown) => (typeof v === "number" ? (v * 1000).toFixed(3) : "-");
const n = (v: unknown) => (v === null || v === undefined ? "-" : String(v));
const pair = (a: unknown, b: unknown) => `${n(a)}/${n(b)}`;

/** The default text view: identity, volume, state, RTT and retransmissions (a2b/b2a pairs). */
const TEXT_VIEW: { head: string; cell: (t: FlowTable, i: number) => string; right?: boolean }[] = [
  { head: "stream", cell: (t, i) => n(t.get(i, "stream")), right: true },
  { head: "proto", cell: (t, i) => n(t.get(i, "proto")) },
  { head: "A", cell: (t, i) => endpoint(t.get(i, "addr_a"), t.get(i, "port_a")) },
  { head: "B", cell: (t, i) => endpoint(t.get(i, "addr_b"), t.get(i, "port_b")) },
  { head: "pkts a/b", cell: (t, i) => pair(t.get(i, "pkts_a2b"), t.get(i, "pkts_b2a")), right: true },
  { head: "bytes a/b", cell: (t, i) => pair(t.get(i, "bytes_a2b"), t.get(i, "bytes_b2a")), right: true },
  { head: "dur s", cell: (t, i) => { const d = t.get(i, "duration"); return typeof d === "number" ? d.toFixed(3) : "-"; }, right: true },
  { head: "state", cell: (t, i) => n(t.get(i, "state")) },
  { head: "history", cell: (t, i) => n(t.get(i, "history")) },
  { head: "irtt ms", cell: (t, i) => ms(t.get(i, "irtt")), right: true },
  { head: "rtt avg ms a/b", cell: (t, i) => `${ms(t.get(i, "rtt_avg_a2b"))}/${ms(t.get(i, "rtt_avg_b2a"))}`, right: true },
  { head: "retrans a/b", cell: (t, i) => pair(t.get(i, "retrans_pkts_a2b"), t.get(i, "retrans_pkts_b2a")), right: true },
  { head: "ws retrans a/b", cell: (t, i) => (t.get(i, "proto") === "tcp" ? pair(t.get(i, "ws_retrans_all_a2b"), t.get(i, "ws_retrans_all_b2a")) : "-"), right: true },
  { head: "dup acks a/b", cell: (t, i) => pair(t.get(i, "ws_dup_acks_a2b"), t.get(i, "ws_dup_acks_b2a")), right: true },
  { head: "app", cell: (t, i) => n(t.get(i, "sni") ?? t.get(i, "http_host") ?? t.get(i, "app")) },
];

/** An aligned text table with a header line. */
function textTable(heads: string[], rows: string[][], right: boolean[]): string {
  const w = heads.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) =>
    cells.map((c, j) => (j === cells.length - 1 && !right[j] ? c : right[j] ? c.padStart(w[j]) : c.padEnd(w[j]))).join("  ").trimEnd() + "\n";
  return line(heads) + rows.map(line).join("");
}

export const flows: CommandSpec = {
  name: "flows",
  summary: "one row per TCP stream / UDP flow: volume, state, RTT and retransmission statistics",
  positional: [FILE_ARG],
  options: [
    { name: "csv", type: "flag", description: "CSV with a header (default: the CLI's flow columns; --columns for others)" },
    { name: "columns", short: "c", type: "list", value: "a,b,…", description: "these flow columns (`pcapframe columns --flows` lists them)" },
    FILTER_OPTION,
    ...READ_OPTIONS,
  ],
  run(args, io) {
    const cols = args.opts.columns as string[] | undefined;
    if (cols) checkFlowColumns("flows", cols, flowColumns().map((c) => c.name));
    // the command pays only for what its columns need: without application columns, no application layers
    const needsApp = !cols || cols.some((c) => APP_COLUMNS.has(c));
    const filter = args.opts.filter as string | undefined;
    checkFilter("flows", filter);
    const cap = loadCapture("flows", args, io, needsApp ? {} : { appLayers: false });
    // -Y: the flows that have a matching packet
    const table = buildFlows(cap, { filter });
    if (args.opts.csv) {
      table.writeCSV((s) => io.out(s), { columns: cols ?? FLOW_CSV_COLUMNS });
      return 0;
    }
    if (cols) {
      const rows: string[][] = [];
      for (let i = 0; i < table.length; i++) rows.push(cols.map((c) => n(table.get(i, c as keyof FlowTableSchema & string))));
      io.out(textTable(cols, rows, cols.map((c) => table.describeColumns().find((d) => d.name === c)?.kind === "number")));
      return 0;
    }
    const rows: string[][] = [];
    for (let i = 0; i < table.length; i++) rows.push(TEXT_VIEW.map((v) => v.cell(table, i)));
    io.out(textTable(TEXT_VIEW.map((v) => v.head), rows, TEXT_VIEW.map((v) => v.right === true)));
    return 0;
  },
};
