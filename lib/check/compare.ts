/**
 * Per-packet comparison of our TCP analysis with tshark's (`tshark -2 -n -T fields`).
 * Requires tshark on the PATH (or opts.tshark); throws a clear error otherwise.
 */
import { spawnSync } from "node:child_process";
import { readCapture, type Capture } from "../capture/capture";
import { type PacketTable } from "../table/packet-table";
import { Layer } from "../table/layers";
import { TA, TA_NAMES } from "../tcp/flags";
import type { TcpAnalysis } from "../tcp/analysis";

export interface CompareOptions {
  /** tshark executable (default "tshark"). */
  tshark?: string;
  /** Also compare the TCP Info text against tshark run with application dissectors disabled. */
  info?: boolean;
  /** Keep at most this many disagreements per field (counts are always complete). Default 1000. */
  maxDiffsPerField?: number;
}

export interface Disagreement {
  frame: number;
  field: string;
  ours: string;
  tshark: string;
}

export interface FieldStat {
  compared: number;
  agree: number;
  /** agree / compared (1 when nothing compared). */
  ratio: number;
}

export interface FlagStat {
  /** Rows flagged by both / only by tshark / only by us. */
  tp: number;
  fn: number;
  fp: number;
  precision: number;
  recall: number;
}

export interface CompareResult {
  source: string;
  /** Frames tshark printed and rows we have. */
  frames: number;
  rows: number;
  /** Rows compared (TCP in tshark or in ours). */
  tcpRows: number;
  fields: Record<string, FieldStat>;
  flags: Record<string, FlagStat>;
  /** Rows where the whole set of tcp.analysis flags agrees. */
  flagSet: FieldStat;
  diffs: Disagreement[];
}

/** Wireshark field → our value for a row ("" = absent). */
export const COMPARED_FIELDS = [
  "tcp.stream",
  "tcp.seq",
  "tcp.ack",
  "tcp.nxtseq",
  "tcp.len",
  "tcp.flags",
  "tcp.window_size",
  "tcp.window_size_scalefactor",
  "tcp.analysis.duplicate_ack_num",
  "tcp.analysis.duplicate_ack_frame",
  "tcp.analysis.acks_frame",
  "tcp.analysis.ack_rtt",
  "tcp.analysis.initial_rtt",
  "tcp.analysis.bytes_in_flight",
  "tcp.analysis.push_bytes_sent",
  "tcp.analysis.rto",
  "tcp.analysis.rto_frame",
] as const;

/** Application dissectors disabled for the pure-TCP Info oracle (same list as scripts/update-golden.sh). */
export const NO_APP_ARGS = [
  ...["tls", "http", "http2", "ssh", "pptp", "rtsp", "mbtcp", "s7comm", "cotp", "tpkt", "grpc", "lanforge"].flatMap((p) => ["--disable-protocol", p]),
  "-d",
  "tcp.port==0-65535,data",
];

const TIME_FIELDS = new Set(["tcp.analysis.ack_rtt", "tcp.analysis.initial_rtt", "tcp.analysis.rto"]);


function runTshark(bin: string, path: string, args: string[]): string[][] {
  const r = spawnSync(bin, ["-2", "-n", "-r", path, ...args], { maxBuffer: 1 << 30, encoding: "utf8" });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new Error(code === "ENOENT" ? `compareWithTshark: tshark not found (${bin}); install Wireshark's tshark 4.0` : `compareWithTshark: ${r.error.message}`);
  }
  if (r.status !== 0 && !r.stdout) throw new Error(`compareWithTshark: tshark exited ${r.status}: ${r.stderr}`);
  const lines = r.stdout.split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines.map((l) => l.split("\t"));
}

/** Our value of a Wireshark field on a TCP row, formatted like tshark -T fields ("" = absent). */
export function ourField(tcp: TcpAnalysis, t: PacketTable, row: number, field: string): string {
  const quoted = (t.layers[row] & Layer.ICMP_QUOTED) !== 0;
  switch (field) {
    case "tcp.stream":
      return t.tcpStream[row] >= 0 ? String(t.tcpStream[row]) : "";
    case "tcp.seq":
      return String(tcp.relSeq(row));
    case "tcp.ack":
      return String(tcp.relAck(row));
    case "tcp.nxtseq":
      return quoted ? "" : String(tcp.nxtSeq(row));
    case "tcp.len":
      return String(t.tcpLen[row]);
    case "tcp.flags":
      return "0x" + t.tcpFlags[row].toString(16).padStart(4, "0");
    case "tcp.window_size":
      return String(tcp.winCalc(row));
    case "tcp.window_size_scalefactor": {
      const w = tcp.winScale(row);
      return Number.isNaN(w) ? "" : String(w);
    }
    case "tcp.analysis.duplicate_ack_num":
      return tcp.dupAckNum(row) ? String(tcp.dupAckNum(row)) : "";
    case "tcp.analysis.duplicate_ack_frame":
      return tcp.dupAckFrame(row) ? String(tcp.dupAckFrame(row)) : "";
    case "tcp.analysis.acks_frame":
      return tcp.acksFrame(row) ? String(tcp.acksFrame(row)) : "";
    case "tcp.analysis.ack_rtt":
      return fmtTime(tcp.ackRtt(row));
    case "tcp.analysis.initial_rtt":
      return fmtTime(tcp.irtt(row));
    case "tcp.analysis.bytes_in_flight":
      return tcp.bytesInFlight(row) ? String(tcp.bytesInFlight(row)) : "";
    case "tcp.analysis.push_bytes_sent":
      return tcp.bytesInFlight(row) ? String(tcp.pushBytes(row)) : "";
    case "tcp.analysis.rto":
      return fmtTime(tcp.rto(row));
    case "tcp.analysis.rto_frame":
      return tcp.rtoFrame(row) ? String(tcp.rtoFrame(row)) : "";
  }
  return "";
}

function fmtTime(x: number): string {
  return Number.isNaN(x) ? "" : x.toFixed(9);
}

function same(field: string, ours: string, theirs: string): boolean {
  if (ours === theirs) return true;
  if (TIME_FIELDS.has(field) && ours !== "" && theirs !== "") return Math.abs(Number(ours) - Number(theirs)) <= 1e-6 + 1e-12;
  if (field === "tcp.flags" && ours !== "" && theirs !== "") return parseInt(ours, 16) === parseInt(theirs, 16);
  return false;
}

/** Compare our analysis of a capture (path, or an object with .meta.source and .tcp + .packets/.table) with tshark. */
export function compareWithTshark(input: string | Capture, opts: CompareOptions = {}): CompareResult {
  const cap = typeof input === "string" ? readCapture(input) : input;
  const t = cap.packets;
  const tcp = cap.tcp;
  const path = cap.meta.source;
  if (!path || path === "<bytes>") throw new Error("compareWithTshark: the capture has no file path (meta.source)");
  const bin = opts.tshark ?? "tshark";
  const maxDiffs = opts.maxDiffsPerField ?? 1000;
  const flagFields = TA_NAMES.map(([, n]) => `tcp.analysis.${n}`);
  const fieldList = ["frame.number", ...COMPARED_FIELDS, ...flagFields];
  const rows = runTshark(bin, path, ["-T", "fields", "-E", "occurrence=f", ...fieldList.flatMap((f) => ["-e", f])]);
  let infoRows: string[][] | null = null;
  if (opts.info) infoRows = runTshark(bin, path, [...NO_APP_ARGS, "-T", "fields", "-E", "occurrence=f", "-e", "frame.number", "-e", "tcp.stream", "-e", "_ws.col.Info"]);

  const fields: Record<string, FieldStat> = {};
  const fieldDiffs: Record<string, number> = {};
  for (const f of [...COMPARED_FIELDS, ...(opts.info ? ["info"] : [])]) {
    fields[f] = { compared: 0, agree: 0, ratio: 1 };
    fieldDiffs[f] = 0;
  }
  const flags: Record<string, FlagStat> = {};
  for (const [, n] of TA_NAMES) flags[n] = { tp: 0, fn: 0, fp: 0, precision: 1, recall: 1 };
  const flagSet: FieldStat = { compared: 0, agree: 0, ratio: 1 };
  const diffs: Disagreement[] = [];
  const note = (frame: number, field: string, ours: string, theirs: string) => {
    if (fieldDiffs[field]++ < maxDiffs) diffs.push({ frame, field, ours, tshark: theirs });
  };
  let tcpRows = 0;
  const nFlag = TA_NAMES.length;
  for (const cols of rows) {
    const frame = Number(cols[0]);
    const row = frame - 1;
    const theirsTcp = cols[1] !== "";
    const oursTcp = row < t.length && (t.layers[row] & Layer.TCP) !== 0 && t.tcpStream[row] >= 0;
    if (!theirsTcp && !oursTcp) continue;
    tcpRows++;
    if (!oursTcp || !theirsTcp) {
      fields["tcp.stream"].compared++;
      note(frame, "tcp.stream", oursTcp ? String(t.tcpStream[row]) : "", cols[1]);
      continue;
    }
    const quoted = (t.layers[row] & Layer.ICMP_QUOTED) !== 0;
    for (let i = 0; i < COMPARED_FIELDS.length; i++) {
      const f = COMPARED_FIELDS[i];
      if (quoted && f !== "tcp.stream" && f !== "tcp.seq") continue;
      const ours = ourField(tcp, t, row, f);
      const theirs = cols[1 + i] ?? "";
      const st = fields[f];
      st.compared++;
      if (same(f, ours, theirs)) st.agree++;
      else note(frame, f, ours, theirs);
    }
    if (quoted) continue;
    const bits = t.tcpAnalysis[row];
    let setOk = true;
    let oursNames = "";
    let theirNames = "";
    for (let k = 0; k < nFlag; k++) {
      const [bit, name] = TA_NAMES[k];
      const theirs = (cols[1 + COMPARED_FIELDS.length + k] ?? "") !== "";
      const ours = (bits & bit) !== 0;
      if (ours) oursNames += (oursNames ? "|" : "") + name;
      if (theirs) theirNames += (theirNames ? "|" : "") + name;
      const fs = flags[name];
      if (ours && theirs) fs.tp++;
      else if (ours) fs.fp++;
      else if (theirs) fs.fn++;
      if (ours !== theirs) setOk = false;
    }
    flagSet.compared++;
    if (setOk) flagSet.agree++;
    else {
      fieldDiffs.flags = (fieldDiffs.flags ?? 0) + 1;
      if (fieldDiffs.flags <= maxDiffs) diffs.push({ frame, field: "tcp.analysis.flags", ours: oursNames, tshark: theirNames });
    }
  }
  if (infoRows) {
    const st = fields.info;
    for (const cols of infoRows) {
      const frame = Number(cols[0]);
      const row = frame - 1;
      if (cols[1] === "" || row >= t.length || !(t.layers[row] & Layer.TCP) || t.layers[row] & Layer.ICMP_QUOTED) continue;
      const ours = tcp.info(row).replace(" [TCP segment of a reassembled PDU]", "");
      const theirs = (cols[2] ?? "").replace(/ \[TCP segment of a reassembled PDU\]$/, "");
      st.compared++;
      if (ours === theirs) st.agree++;
      else note(frame, "info", ours, theirs);
    }
  }
  for (const st of [...Object.values(fields), flagSet]) st.ratio = st.compared ? st.agree / st.compared : 1;
  for (const fs of Object.values(flags)) {
    fs.precision = fs.tp + fs.fp ? fs.tp / (fs.tp + fs.fp) : 1;
    fs.recall = fs.tp + fs.fn ? fs.tp / (fs.tp + fs.fn) : 1;
  }
  void TA;
  return { source: path, frames: rows.length, rows: t.length, tcpRows, fields, flags, flagSet, diffs };
}
