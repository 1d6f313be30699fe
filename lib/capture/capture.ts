import { loadCapture, type CaptureMeta, type LoadedCapture } from "../read/load";
import { compileFilter } from "../filter/index";
import type { CaptureInput } from "../read/inputs";
import type { TraceResult } from "../tcptrace/stream-trace";
import { PACKET_COLUMNS, findColumn, type CellValue, type ColumnDef } from "./columns";
import { type PacketTable } from "../table/packet-table";
import { Layer } from "../table/layers";
import type { TcpAnalysis } from "../tcp/analysis";
import type { AppDissector } from "../app/index";
import type { ReadOptions } from "../read/options";
import type { DataFrame } from "danfojs-node";
import { Table, type ColumnName, type DescribeSchema, type GroupedTable, type RowTest } from "../frame/table";
import type { Schema } from "../frame/vector";
import type { WhyItem } from "../tcp/analysis";
import { packetTable, type PacketColumn, type PacketTableSchema } from "./table";
import { epochString } from "../base/format";
import { ByteWriter, StringBytesCache, textOf } from "../base/byte-writer";
import { buildInfo, writeInfo as writeTcpInfo, type InfoSource } from "../tcp/info";
import { writePacketCSV } from "./packet-writer";
import { summarize, summaryHtml, summaryText, type CaptureSummary } from "./summary";
import { displayBundle } from "../base/tslab";
import * as util from "node:util";

const ARROW = Buffer.from(" \u2192 ", "utf8");
const UDP_LEN = Buffer.from(" Len=", "utf8");

export interface FrameOptions {
  /** Column names (see `Capture.columnNames`); default: Wireshark's packet-list columns. */
  columns?: string[];
  /** Keep only these rows (0-based indexes), rows matching a display filter (`"tcp.port == 443"`), or rows where the predicate is true. */
  rows?: ArrayLike<number> | string | ((row: number, cap: Capture) => boolean);
}

export const DEFAULT_COLUMNS = ["no", "time_relative", "src", "dst", "protocol", "length", "info"];

/**
 * Packets chosen by the user: a Wireshark display filter (`"tcp.stream == 3 && tcp.len > 0"`), or a table of
 * this capture's packets with its `no` column (what `cap.filter(…)`, `cap.head()`, a `sortBy` of them give).
 */
export type PacketSelection = string | Table;

/** The schema of {@link Capture.whyTable}. */
export type WhyTableSchema = { frame: "uint32"; flag: "string"; rule: "string"; depends_on: "string" };

/**
 * A capture read into columns: `packets` (the typed-array table), `tcp` (the analysis), `app`
 * (application-layer fields) and `meta` (format, interfaces, time span, warnings).
 */
export class Capture {
  readonly packets: PacketTable;
  readonly tcp: TcpAnalysis;
  readonly app: AppDissector;
  readonly meta: CaptureMeta;
  /** The capture's bytes when it was read from memory (display filters on packet bytes read them there). */
  readonly sourceBytes?: Uint8Array;
  private trace: LoadedCapture["trace"];

  constructor(parts: { table: PacketTable; tcp: TcpAnalysis; app: AppDissector; meta: CaptureMeta; trace?: LoadedCapture["trace"]; sourceBytes?: Uint8Array }) {
    this.packets = parts.table;
    this.tcp = parts.tcp;
    this.app = parts.app;
    this.meta = parts.meta;
    this.trace = parts.trace ?? null;
    this.sourceBytes = parts.sourceBytes;
  }

  /**
   * Rows (0-based, ascending) matching a Wireshark display filter — tshark 4.0's language, e.g.
   * `"tcp.analysis.retransmission && ip.addr == 10.0.0.0/8"` — or a predicate on a row number. An invalid
   * filter throws FilterError (with the position of the problem). Frame numbers are rows + 1.
   * `filter()` gives the same selection as a Table.
   */
  filterRows(expr: string | ((row: number, cap: Capture) => boolean)): Uint32Array {
    if (typeof expr === "string") return compileFilter(expr).rows(this);
    if (typeof expr !== "function") throw new TypeError("Capture.filterRows: expected a display filter (string) or a predicate (row, capture) => boolean");
    const out: number[] = [];
    for (let r = 0; r < this.packets.length; r++) if (expr(r, this)) out.push(r);
    return Uint32Array.from(out);
  }

  /**
   * Selected packets as a mask over rows (1 = selected): a display filter, a table of this capture's packets
   * (its `no` column), or a predicate on the 0-based row. Bad usage is a TypeError/RangeError, an invalid filter a
   * FilterError.
   */
  selectionMask(selection: PacketSelection | ((row: number, cap: Capture) => boolean), what = "selection"): Uint8Array {
    const n = this.packets.length;
    if (typeof selection === "string") return compileFilter(selection).mask(this);
    if (typeof selection === "function") {
      const m = new Uint8Array(n);
      for (let r = 0; r < n; r++) if (selection(r, this)) m[r] = 1;
      return m;
    }
    if (selection instanceof Table) {
      if (!selection.columnNames.includes("no")) {
        throw new TypeError(`${what}: a table of packets needs its "no" column (frame numbers); columns: ${selection.columnNames.join(", ")}`);
      }
      const m = new Uint8Array(n);
      for (let i = 0; i < selection.length; i++) m[this.rowOfFrame(selection.get(i, "no") as number, what)] = 1;
      return m;
    }
    throw new TypeError(`${what}: expected a display filter (string), a table of packets (cap.filter(…)) or a predicate (row, cap) => boolean`);
  }

  /** Rows (0-based, ascending) of a selection (see {@link selectionMask}). */
  rowsOf(selection: PacketSelection | ((row: number, cap: Capture) => boolean), what = "selection"): Uint32Array {
    const m = this.selectionMask(selection, what);
    let k = 0;
    for (let r = 0; r < m.length; r++) k += m[r];
    const out = new Uint32Array(k);
    k = 0;
    for (let r = 0; r < m.length; r++) if (m[r]) out[k++] = r;
    return out;
  }

  /** The row of a frame number (Wireshark's `no`); anything else is a RangeError naming the valid range. */
  private rowOfFrame(frame: number | null, what: string): number {
    if (frame === null || !Number.isInteger(frame) || frame < 1 || frame > this.packets.length) {
      throw new RangeError(`${what}: frame ${frame} out of range: the capture's frames are numbered 1…${this.packets.length}, as in Wireshark`);
    }
    return frame - 1;
  }

  /**
   * Why Wireshark's TCP analysis set each flag of a frame (1-based frame number, as Wireshark shows): the flag
   * (tcp.analysis.<name>), the rule that fired with the values it compared, and the frames it depended on.
   * An unflagged frame gives []. (The 0-based row API is `cap.tcp.why(row)`.)
   */
  why(frame: number): WhyItem[] {
    return this.tcp.why(this.rowOfFrame(frame, "why"));
  }

  /**
   * Every analysis flag of the selected packets (default: every flagged packet) with its rule, one row per
   * flag: frame, flag, rule, and the frames the decision depended on.
   */
  whyTable(selection: PacketSelection = "tcp.analysis.flags"): Table<WhyTableSchema> {
    const frames: number[] = [];
    const flags: string[] = [];
    const rules: string[] = [];
    const deps: string[] = [];
    for (const r of this.rowsOf(selection, "whyTable")) {
      for (const w of this.tcp.why(r)) {
        frames.push(r + 1);
        flags.push(w.flag);
        rules.push(w.rule);
        deps.push(w.frames.join(", "));
      }
    }
    return Table.from({ frame: Uint32Array.from(frames), flag: flags, rule: rules, depends_on: deps }, { frame: "uint32", flag: "string", rule: "string", depends_on: "string" });
  }

  /**
   * The tcptrace engine's pass over the TCP streams when the analysis worker ran it while reading (it
   * may still be finishing; this waits), else null. Handed out once (the flow build consumes it).
   * @internal
   */
  takeTrace(): TraceResult | null {
    const take = this.trace;
    this.trace = null;
    return take ? take() : null;
  }

  /** Number of packets. */
  get length(): number {
    return this.packets.length;
  }

  private packetTableCache: Table<PacketTableSchema> | undefined;

  /**
   * The packets as a Table: every packet column (each built on first use; stored ones are views of the
   * typed arrays), typed by the packet schema, with pandas-like verbs. Rows are in file order (position i
   * is frame number i + 1, the `no` column).
   */
  table(): Table<PacketTableSchema> {
    return (this.packetTableCache ??= packetTable(this, { filterCompiler: (expr) => compileFilter(expr).mask(this) }));
  }

  /** The first n packets as a Table (`cap.table().head(n)`). */
  head(n = 5): Table<PacketTableSchema> {
    return this.table().head(n);
  }

  /** The last n packets as a Table. */
  tail(n = 5): Table<PacketTableSchema> {
    return this.table().tail(n);
  }

  /** These packet columns as a Table. */
  select<N extends string>(columns: readonly ColumnName<PacketTableSchema, N>[]): Table<string extends N ? Schema : Pick<PacketTableSchema, N & PacketColumn>> {
    return this.table().select<N>(columns);
  }

  /**
   * The packets that pass a Wireshark display filter (`cap.filter("tcp.analysis.retransmission")`), a
   * predicate on the typed row, or a mask, as a Table: its `length`, the `no` column (frame numbers) and
   * every table verb. An invalid filter throws FilterError.
   */
  filter(test: RowTest<PacketTableSchema> | string | Uint8Array | readonly boolean[]): Table<PacketTableSchema> {
    return this.table().filter(test);
  }

  /**
   * The packets with these frame numbers (Wireshark's `no`, 1-based), in the order given, as a Table:
   * `cap.frames([syn, synack, ack]).toRecords()` reads the packets a display named. An empty list gives an
   * empty table; a number outside 1..length is a RangeError.
   */
  frames(numbers: number | ArrayLike<number>): Table<PacketTableSchema> {
    const list = typeof numbers === "number" ? [numbers] : numbers;
    const rows = new Uint32Array(list.length);
    for (let k = 0; k < list.length; k++) rows[k] = this.rowOfFrame(list[k], "frames");
    return this.table().take(rows);
  }

  /** Distinct values of a packet column with their counts, most frequent first (nulls left out by default). */
  valueCounts<K extends PacketColumn>(column: K, options: { dropNull?: boolean } = {}): Table<{ [P in K]: PacketTableSchema[K] } & { count: "int32" }> {
    return this.table().valueCounts(column, options);
  }

  /** Group the packets by columns; aggregate with `.agg({ col: op })` or `.count()`. */
  groupBy<K extends PacketColumn>(columns: K | readonly K[], options: { dropNull?: boolean } = {}): GroupedTable<PacketTableSchema, K> {
    return this.table().groupBy(columns, options);
  }

  /** Summary statistics of packet columns (default: the packet-list columns), one row per column. */
  describe(columns: readonly PacketColumn[] = DEFAULT_COLUMNS as PacketColumn[]): Table<DescribeSchema> {
    return this.table().describe(columns);
  }

  /** Every column name available to `column`, `toDataFrame` and the CSV. */
  static get columnNames(): string[] {
    return PACKET_COLUMNS.map((c) => c.name);
  }

  /** Column descriptions (name, kind, the Wireshark field it mirrors). */
  static describeColumns(): { name: string; kind: string; type: string; unit: string; wireshark: string; description: string }[] {
    return PACKET_COLUMNS.map((c) => ({ name: c.name, kind: c.kind, type: c.type, unit: c.unit ?? "", wireshark: c.wireshark.join("/"), description: c.description }));
  }

  /**
   * The framing warnings of a lax read as text, one line each (`warning: … (at byte offset N, after K
   * packets) [code]`), "" when the file was read to its end: what a notebook shows under the capture
   * and the CLI prints on stderr.
   */
  /** The summary card: format, packets, time span, protocols, TCP streams, analysis flags, warnings. */
  summary(): CaptureSummary {
    return summarize(this.packets, this.meta, this.tcp.streamCount, this.warningLines());
  }

  /** The summary card as text (what console.log prints) and as HTML (what a notebook cell shows). */
  toString(): string {
    return summaryText(this.summary());
  }

  /** Display the summary card in a notebook; outside a kernel returns the MIME bundle. */
  show(): Record<string, string> | undefined {
    const s = this.summary();
    const bundle = { "text/html": summaryHtml(s), "text/plain": summaryText(s) };
    return displayBundle(bundle) ? undefined : bundle;
  }

  /** A cell ending in `cap` shows the summary card (never the internals); console.log prints its text. */
  [util.inspect.custom](depth: number, options: { depth?: number | null }): string {
    if (depth === (options?.depth ?? 2) && this.show() === undefined) return "";
    return this.toString();
  }

  warningsText(): string {
    return this.warningLines().join("\n");
  }

  private warningLines(): string[] {
    return this.meta.warnings.map((w) => `warning: ${w.message} [${w.code}]`);
  }

  /** Seconds since the first packet (Wireshark's frame.time_relative). */
  relativeTime(row: number): number {
    const t = this.packets;
    const ref = this.meta.firstTimedRow;
    if (ref === null || t.layers[row] & Layer.NO_TIMESTAMP) return NaN;
    return t.tsSec[row] - t.tsSec[ref] + (t.tsNsec[row] - t.tsNsec[ref]) / 1e9;
  }

  /** False for records without a timestamp (pcapng simple packet and custom blocks). */
  hasTime(row: number): boolean {
    return (this.packets.layers[row] & Layer.NO_TIMESTAMP) === 0;
  }

  /** Epoch time of a row as tshark prints frame.time_epoch (9 decimals, exact). */
  epoch(row: number): string {
    if (!this.hasTime(row)) return "";
    return epochString(this.packets.tsSec[row], this.packets.tsNsec[row]);
  }

  /** Wireshark's Protocol column. */
  protocol(row: number): string {
    return this.packets.strings.get(this.packets.proto[row]);
  }

  /** Wireshark's Info column. */
  info(row: number): string {
    return textOf((w) => this.writeInfo(w, row, false, this.tcp, null));
  }

  /**
   * Writes the Info column of rows as bytes (CSV cells with `csv`) into `w`: the text writers' Info, with
   * the TCP analysis's numbers taken in bulk (rowNumbers) and interned texts from `dict`'s bytes.
   * @internal
   */
  infoWriter(w: ByteWriter, csv: boolean, dict: StringBytesCache): (row: number) => void {
    const nums = this.tcp.rowNumbers();
    return (row) => this.writeInfo(w, row, csv, nums, dict);
  }

  /** The one implementation of the Info column (as text, or as a CSV cell). */
  private writeInfo(w: ByteWriter, row: number, csv: boolean, nums: InfoSource, dict: StringBytesCache | null): void {
    const t = this.packets;
    const layers = t.layers[row];
    const app = t.appInfo ? t.appInfo[row] : 0;
    if ((layers & (Layer.TCP | Layer.ICMP_QUOTED)) === Layer.TCP) {
      if (app === 0) return writeTcpInfo(w, nums, t, row, csv);
      // Segments feeding a reassembled PDU keep the TCP text; rarely tshark also lists records that completed in them.
      const text = !(layers & Layer.PDU_SEGMENT) ? this.app.infoWithPrefix(row, this.tcp.analysisPrefix(row)) : `${buildInfo(nums, t, row)}, ${this.app.appText(row)}`;
      return csv ? w.csvString(text) : w.str(text);
    }
    if (app) {
      if (dict !== null) return w.bytes(csv ? dict.csv(app) : dict.get(app));
      const text = t.strings.get(app);
      return csv ? w.csvString(text) : w.str(text);
    }
    if ((layers & (Layer.UDP | Layer.ICMP_QUOTED)) === Layer.UDP) {
      const ulen = t.udpLen ? t.udpLen[row] : 0;
      w.int(t.srcPort[row]);
      w.bytes(ARROW);
      w.int(t.dstPort[row]);
      w.bytes(UDP_LEN);
      w.int(Math.max(0, ulen - 8));
    }
  }

  /** One column's values (null where the value is absent in that row). */
  column(name: string, rows?: number[]): CellValue[] {
    const def = this.requireColumn(name);
    const out: CellValue[] = [];
    if (rows) this.selectRows(rows); // RangeError for a row out of range
    if (rows) for (const r of rows) out.push(def.get(this, r));
    else for (let r = 0; r < this.packets.length; r++) out.push(def.get(this, r));
    return out;
  }

  private requireColumn(name: string): ColumnDef {
    const def = findColumn(name);
    if (!def) throw new TypeError(`unknown column "${name}"; available: ${Capture.columnNames.join(", ")}`);
    return def;
  }

  private selectRows(rows: FrameOptions["rows"]): number[] | undefined {
    if (rows === undefined) return undefined;
    if (typeof rows === "string" || typeof rows === "function") return Array.from(this.filterRows(rows));
    const list = Array.from(rows);
    for (const r of list) {
      if (!Number.isInteger(r) || r < 0 || r >= this.packets.length) {
        throw new RangeError(`row ${r} out of range: the capture has ${this.packets.length} packets (rows 0..${this.packets.length - 1})`);
      }
    }
    return list;
  }

  /** Plain column-oriented data: { columns, data: { name: values[] } }. */
  toColumns(options: FrameOptions = {}): { columns: string[]; data: Record<string, CellValue[]>; rows: number } {
    const names = options.columns ?? DEFAULT_COLUMNS;
    const defs = names.map((n) => this.requireColumn(n));
    const rows = this.selectRows(options.rows);
    const data: Record<string, CellValue[]> = {};
    for (const d of defs) data[d.name] = this.column(d.name, rows);
    return { columns: names, data, rows: rows ? rows.length : this.packets.length };
  }

  /** Row objects (convenient for small selections). */
  toRecords(options: FrameOptions = {}): Record<string, CellValue>[] {
    const { columns, data, rows } = this.toColumns(options);
    const out: Record<string, CellValue>[] = [];
    for (let i = 0; i < rows; i++) {
      const o: Record<string, CellValue> = {};
      for (const c of columns) o[c] = data[c][i];
      out.push(o);
    }
    return out;
  }

  /**
   * A danfo DataFrame with only the rows and columns asked for (danfo is loaded on first use), with
   * explicit dtypes from the packet schema: strings stay strings when their first values are null,
   * integers int32, booleans boolean; floats are float32-labelled (danfo's only float dtype; the values
   * stay float64 unless an operation goes through a tensor). Absent values are null, never a made-up 0;
   * rows out of range are a RangeError.
   */
  toDataFrame(options: FrameOptions = {}): DataFrame {
    const rows = this.selectRows(options.rows);
    return this.table().toDataFrame({ columns: options.columns ?? DEFAULT_COLUMNS, rows });
  }

  /** CSV text (header + one line per packet). `time` is printed as exact epoch seconds. */
  toCSV(columns: string[] = DEFAULT_CSV_COLUMNS, rows?: number[]): string {
    const parts: string[] = [];
    this.writeCSV(columns, (s) => parts.push(s), rows);
    return parts.join("");
  }

  /** Stream CSV lines to `write` (used by the CLI for large captures). */
  writeCSV(columns: string[], write: (chunk: string) => void, rows?: number[]): void {
    if (rows) this.selectRows(rows); // RangeError for a row out of range
    for (const n of columns) this.requireColumn(n);
    // chunks end at a line or cell boundary, so each is whole UTF-8
    writePacketCSV(this, columns, (b) => write(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8")), rows ? { rows } : {});
  }
}

export const DEFAULT_CSV_COLUMNS = [
  "no", "time", "length", "src", "dst", "protocol", "info", "srcport", "dstport",
  "stream", "seq", "ack", "nxtseq", "tcp_len", "tcp_flags", "win", "analysis", "dup_ack_num", "ack_rtt", "acks_frame", "bytes_in_flight",
];


/**
 * Read a pcap / pcapng (optionally gzip-compressed) file, or its bytes, into a Capture. A list of files,
 * or a directory (tcpdump -C/-G rotations, natural name order), reads as one capture: a connection that
 * crosses a file boundary is one stream (`meta.files` and the `fileIndex` storage say where rows came from).
 * Format is detected from the magic number. Framing faults keep every packet before them and
 * are reported in `meta.warnings` (or thrown as CaptureError with `{ strict: true }`).
 */
export function readCapture(pathOrBytes: CaptureInput, options?: ReadOptions): Capture {
  const parts = loadCapture(pathOrBytes, options);
  return new Capture(pathOrBytes instanceof Uint8Array ? { ...parts, sourceBytes: pathOrBytes } : parts);
}
