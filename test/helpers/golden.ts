// Readers for the oracle files under test/golden/ (written by scripts/update-golden.sh).
// See test/golden/README.md for the formats and tshark's formatting quirks.
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";

export const REPO_ROOT = path.resolve(__dirname, "../..");
export const GOLDEN_DIR = path.join(REPO_ROOT, "test", "golden");
export const DATA_DIR = path.join(REPO_ROOT, "data");

/** The shared corpus directory (…/shared/captures), or null when it is absent (tests must skip). */
export function sharedCapturesDir(): string | null {
  const env = process.env.PCAPFRAME_SHARED;
  const dir = env
    ? path.join(path.isAbsolute(env) ? env : path.resolve(REPO_ROOT, env), "captures")
    : path.resolve(__dirname, "../../../shared/captures");
  return fs.existsSync(dir) && fs.statSync(dir).isDirectory() ? dir : null;
}

/** The wave-2 corpus directory (…/shared/captures-wave2: tunnels, TLS decryption), or null when absent. */
export function sharedWave2Dir(): string | null {
  const shared = sharedCapturesDir();
  if (!shared) return null;
  const dir = path.join(path.dirname(shared), "captures-wave2");
  return fs.existsSync(dir) && fs.statSync(dir).isDirectory() ? dir : null;
}

/** Byte-built tunnel / TCP-option / application captures (scripts/make-tunnel-fixtures.js). */
export const FIXTURE_TUNNELS_DIR = path.join(REPO_ROOT, "test", "fixtures", "tunnels");

export type GoldenSource = "data" | "shared" | "wave2" | "fixture";

export interface GoldenCapture {
  /** file name, also the golden key */
  name: string;
  /** absolute path of the capture */
  path: string;
  source: GoldenSource;
}

interface CaptureRow { name: string; source: GoldenSource; sha256: string; bytes: number }

export function readGoldenIndex(): CaptureRow[] {
  const p = path.join(GOLDEN_DIR, "captures.tsv");
  if (!fs.existsSync(p)) return [];
  const [head, ...rows] = fs.readFileSync(p, "utf8").trimEnd().split("\n");
  const cols = head.split("\t");
  return rows.map((line) => {
    const v = line.split("\t");
    const get = (k: string) => v[cols.indexOf(k)];
    return { name: get("name"), source: get("source") as GoldenSource, sha256: get("sha256"), bytes: Number(get("bytes")) };
  });
}

/** Captures that have goldens and whose file exists here (shared ones only when ../shared is present). */
export function listGoldenCaptures(): GoldenCapture[] {
  const shared = sharedCapturesDir();
  const wave2 = sharedWave2Dir();
  const out: GoldenCapture[] = [];
  for (const row of readGoldenIndex()) {
    if (!fs.existsSync(path.join(GOLDEN_DIR, "packets", `${row.name}.tsv.gz`))) continue;
    const dir = row.source === "data" ? DATA_DIR : row.source === "fixture" ? FIXTURE_TUNNELS_DIR : row.source === "wave2" ? wave2 : shared;
    const p = dir ? path.join(dir, row.name) : null;
    if (p && fs.existsSync(p)) out.push({ name: row.name, path: p, source: row.source });
  }
  return out;
}

/** Parsed tshark -T fields table: columns keyed by field name; "" = field absent in that packet. */
export interface FieldTable {
  fields: string[];
  rows: number;
  columns: Record<string, string[]>;
  /** row i as an object */
  row(i: number): Record<string, string>;
}

export function parseTsv(text: string): FieldTable {
  const lines = text.split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  const fields = (lines.shift() ?? "").split("\t");
  const columns: Record<string, string[]> = {};
  for (const f of fields) columns[f] = [];
  for (const line of lines) {
    const v = line.split("\t");
    if (v.length !== fields.length) throw new Error(`golden TSV: ${v.length} cells, expected ${fields.length}: ${line.slice(0, 120)}`);
    for (let i = 0; i < fields.length; i++) columns[fields[i]].push(v[i]);
  }
  return {
    fields,
    rows: lines.length,
    columns,
    row(i: number) {
      const o: Record<string, string> = {};
      for (const f of fields) o[f] = columns[f][i];
      return o;
    },
  };
}

function readGz(p: string): string {
  return zlib.gunzipSync(fs.readFileSync(p)).toString("utf8");
}

/** test/golden/packets/<name>.tsv.gz — full per-packet field set, tshark -2. */
export function readPacketsGolden(name: string): FieldTable {
  return parseTsv(readGz(path.join(GOLDEN_DIR, "packets", `${name}.tsv.gz`)));
}

/** test/golden/packets-notls/<name>.tsv.gz — frame.number, _ws.col.Protocol, _ws.col.Info with app dissectors off. */
export function readPacketsNoTlsGolden(name: string): FieldTable {
  return parseTsv(readGz(path.join(GOLDEN_DIR, "packets-notls", `${name}.tsv.gz`)));
}

/** Split an aggregated multi-occurrence cell ("a,b,c"); "" -> []. Beware: values that contain commas
 * (_ws.expert.message, _ws.malformed texts) cannot be split reliably. */
export function splitAgg(cell: string): string[] {
  return cell === "" ? [] : cell.split(",");
}

export interface ConvRow {
  proto: "tcp" | "udp";
  addrA: string; portA: number; addrB: string; portB: number;
  /** "->" columns: sent by A to B */
  framesAtoB: number; bytesAtoB: string; bytesAtoBExact: number | null;
  /** "<-" columns: sent by B to A */
  framesBtoA: number; bytesBtoA: string; bytesBtoAExact: number | null;
  framesTotal: number; bytesTotal: string; bytesTotalExact: number | null;
  relStart: string; relStartSec: number;
  duration: string; durationSec: number;
  line: string;
}

export function readConvGolden(name: string): ConvRow[] {
  return JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, "conv", `${name}.json`), "utf8"));
}

export function readConvText(name: string, proto: "tcp" | "udp"): string {
  return fs.readFileSync(path.join(GOLDEN_DIR, "conv", `${name}.${proto}.txt`), "utf8");
}

export interface TcptraceSummary {
  totalPackets?: number; ackPkts?: number; pureAcks?: number; sackPkts?: number; uniqueBytes?: number;
  actualDataPkts?: number; actualDataBytes?: number; rexmtDataPkts?: number; rexmtDataBytes?: number;
  zwndProbePkts?: number; outOfOrderPkts?: number; synFin?: string; mssRequested?: number; hardwareDups?: number;
  rttSamples?: number; rttMinMs?: number; rttMaxMs?: number; rttAvgMs?: number; rttStdevMs?: number;
  rtt3whsMs?: number; postLossAcks?: number; ambiguousAcks?: number; segsCumAcked?: number;
  duplicateAcks?: number; tripleDupacks?: number; maxRetrans?: number; throughputBps?: number;
}

export interface TcptraceDirection {
  summary: TcptraceSummary;
  /** every "label: value" pair of the -l report, value as printed (units included) */
  raw: Record<string, string>;
}

export interface TcptraceConnection {
  index: number;
  hostA: string; letterA: string; addrA: string; portA: number;
  hostB: string; letterB: string; addrB: string; portB: number;
  complete: string; firstPacket: string; lastPacket: string; elapsed: string;
  totalPackets: number; filename: string;
  /** statistics of data sent by A (RTT = A's segments acked by B) */
  a2b: TcptraceDirection;
  b2a: TcptraceDirection;
}

export interface TcptraceGolden {
  /** first line of tcptrace's complaint when it cannot read the file, else null */
  error: string | null;
  packetsSeen: number | null;
  tcpPacketsTraced: number | null;
  connections: TcptraceConnection[];
}

export function readTcptraceGolden(name: string): TcptraceGolden {
  return JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, "tcptrace", `${name}.json`), "utf8"));
}

export function readTcptraceText(name: string): string {
  return fs.readFileSync(path.join(GOLDEN_DIR, "tcptrace", `${name}.txt`), "utf8");
}
