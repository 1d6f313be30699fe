import { loadCapture, type CaptureMeta, type LoadedCapture } from "../read/load";
import type { TraceResult } from "../tcptrace/stream-trace";
import { PACKET_COLUMNS, findColumn, type CellValue, type ColumnDef } from "./columns";
import { type PacketTable } from "../table/packet-table";
import { Layer } from "../table/layers";
import type { TcpAnalysis } from "../tcp/analysis";
import type { AppDissector } from "../app/index";
import type { ReadOptions } from "../read/options";
import { loadDanfo } from "../frame/danfo";
import { epochString } from "../base/format";
import { writePacketCSV } from "./packet-writer";

export interface FrameOptions {
  /** Column names (see `Capture.columnNames`); default: Wireshark's packet-list columns. */
  columns?: string[];
  /** Keep only these rows (0-based indexes), or rows where the predicate is true. */
  rows?: number[] | ((row: number, cap: Capture) => boolean);
}

export const DEFAULT_COLUMNS = ["no", "time_relative", "src", "dst", "protocol", "length", "info"];

/**
 * A capture read into columns: `packets` (the typed-array table), `tcp` (the analysis), `app`
 * (application-layer fields) and `meta` (format, interfaces, time span, warnings).
 */
export class Capture {
  readonly packets: PacketTable;
  readonly tcp: TcpAnalysis;
  readonly app: AppDissector;
  readonly meta: CaptureMeta;
  private trace: LoadedCapture["trace"];

  constructor(parts: { table: PacketTable; tcp: TcpAnalysis; app: AppDissector; meta: CaptureMeta; trace?: LoadedCapture["trace"] }) {
    this.packets = parts.table;
    this.tcp = parts.tcp;
    this.app = parts.app;
    this.meta = parts.meta;
    this.trace = parts.trace ?? null;
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
  warningsText(): string {
    return this.meta.warnings.map((w) => `warning: ${w.message} [${w.code}]`).join("\n");
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
    const t = this.packets;
    const layers = t.layers[row];
    const app = t.appInfo ? t.appInfo[row] : 0;
    if ((layers & (Layer.TCP | Layer.ICMP_QUOTED)) === Layer.TCP) {
      if (!(layers & Layer.PDU_SEGMENT) && app) return this.app.infoWithPrefix(row, this.tcp.analysisPrefix(row));
      // Segments feeding a reassembled PDU keep the TCP text; rarely tshark also lists records that completed in them.
      const text = this.tcp.info(row);
      return app ? `${text}, ${this.app.appText(row)}` : text;
    }
    if (app) return t.strings.get(app);
    if ((layers & (Layer.UDP | Layer.ICMP_QUOTED)) === Layer.UDP) {
      const ulen = t.udpLen ? t.udpLen[row] : 0;
      return `${t.srcPort[row]} \u2192 ${t.dstPort[row]} Len=${Math.max(0, ulen - 8)}`;
    }
    return "";
  }

  /** One column's values (null where the value is absent in that row). */
  column(name: string, rows?: number[]): CellValue[] {
    const def = this.requireColumn(name);
    const out: CellValue[] = [];
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
    if (Array.isArray(rows)) return rows;
    const out: number[] = [];
    for (let r = 0; r < this.packets.length; r++) if (rows(r, this)) out.push(r);
    return out;
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
   * A danfo DataFrame with only the columns asked for (danfo is loaded on first use).
   * Absent values are null (danfo shows them as NaN/null), never a made-up 0.
   */
  toDataFrame(options: FrameOptions = {}): import("danfojs-node").DataFrame {
    const dfd = loadDanfo();
    const { columns, data } = this.toColumns(options);
    const obj: Record<string, CellValue[]> = {};
    for (const c of columns) obj[c] = data[c];
    return new dfd.DataFrame(obj, { columns });
  }

  /** CSV text (header + one line per packet). `time` is printed as exact epoch seconds. */
  toCSV(columns: string[] = DEFAULT_CSV_COLUMNS, rows?: number[]): string {
    const parts: string[] = [];
    this.writeCSV(columns, (s) => parts.push(s), rows);
    return parts.join("");
  }

  /** Stream CSV lines to `write` (used by the CLI for large captures). */
  writeCSV(columns: string[], write: (chunk: string) => void, rows?: number[]): void {
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
 * Read a pcap / pcapng (optionally gzip-compressed) file, or its bytes, into a Capture.
 * Format is detected from the magic number. Framing faults keep every packet before them and
 * are reported in `meta.warnings` (or thrown as CaptureError with `{ strict: true }`).
 */
export function readCapture(pathOrBytes: string | Uint8Array, options?: ReadOptions): Capture {
  return new Capture(loadCapture(pathOrBytes, options));
}
