/**
 * The packet table as text, fast: CSV, tab-separated columns and tshark's one-line summaries, written
 * as bytes into one reused buffer (lib/base/byte-writer.ts). Typed columns are formatted from their
 * arrays (numbers as digits, interned strings from bytes made once per string); only the columns that
 * are text per row (Info, SACK…) build a string. Output is byte-identical to formatting each cell with
 * `csvCell`.
 */
import { ByteWriter, StringBytesCache } from "../base/byte-writer";
import { Layer } from "../table/layers";
import { present, type Presence } from "../table/schema";
import { analysisNames, TA } from "../tcp/flags";
import type { RowNumbers } from "../tcp/analysis";
import { findColumn, type ColumnDef, type ColumnSource } from "./columns";

/** What the writers read: the table, its analysis and per-row texts (a Capture). */
export interface WritableCapture extends ColumnSource {
  readonly length: number;
  /** Writes a row's Info column (a CSV cell with `csv`) into `w`. */
  infoWriter(w: ByteWriter, csv: boolean, dict: StringBytesCache): (row: number) => void;
  readonly meta: { readonly interfaces: readonly { readonly tsResolution: number }[]; readonly firstTimedRow: number | null };
}

/** Which rows: an explicit list (e.g. a filter's), and/or only the first `limit`. */
export interface RowRange {
  rows?: ArrayLike<number>;
  limit?: number;
}

type Emit = (r: number) => void;

function rowCount(cap: WritableCapture, range: RowRange): number {
  const n = range.rows ? range.rows.length : cap.length;
  return range.limit !== undefined ? Math.min(n, range.limit) : n;
}

/** The emitter of one column: writes row r's cell (CSV-quoted when `quote`). */
function emitter(cap: WritableCapture, def: ColumnDef, w: ByteWriter, dict: StringBytesCache, quote: boolean, nums: () => RowNumbers): Emit {
  const t = cap.packets;
  const layers = t.layers;
  const fixed9 = def.type === "float64" && def.unit === "s";
  const cell = quote ? (v: ReturnType<ColumnDef["get"]>) => w.csv(v, fixed9) : (v: ReturnType<ColumnDef["get"]>) => (v === null ? undefined : typeof v === "string" ? w.str(v) : w.csv(v, fixed9));
  const strId = (ids: Uint32Array | null): Emit => {
    if (!ids) return () => {};
    return quote ? (r) => { const id = ids[r]; if (id !== 0) w.bytes(dict.csv(id)); } : (r) => { const id = ids[r]; if (id !== 0) w.bytes(dict.get(id)); };
  };
  switch (def.name) {
    case "no":
      return (r) => w.int(r + 1);
    case "time":
      return (r) => {
        if ((layers[r] & Layer.NO_TIMESTAMP) === 0) w.epoch(t.tsSec[r], t.tsNsec[r]);
      };
    case "src":
      return strId(t.src);
    case "dst":
      return strId(t.dst);
    case "protocol":
      return strId(t.proto);
    case "info":
      return cap.infoWriter(w, quote, dict);
    case "seq":
    case "ack":
    case "nxtseq":
    case "win": {
      // the analysis's relative numbers from its per-stream tables (the getters walk to the stream per call)
      const n = nums();
      const value = def.name === "seq" ? (r: number) => n.relSeq(r) : def.name === "ack" ? (r: number) => n.relAck(r) : def.name === "nxtseq" ? (r: number) => n.nxtSeq(r) : (r: number) => n.winCalc(r);
      const when = def.when as { layers: number; not?: number };
      const need = when.layers;
      const not = when.not ?? 0;
      return (r) => {
        const l = layers[r];
        if ((l & need) !== 0 && (l & not) === 0) w.int(value(r));
      };
    }
    case "dup_ack_num":
    case "dup_ack_frame":
    case "acks_frame":
    case "bytes_in_flight":
    case "push_bytes_sent": {
      // the analyzer's columns, absent where 0 (as the TcpAnalysis accessors and the getters read them)
      const col = def.name === "dup_ack_num" ? t.tcpDupAckNum : def.name === "dup_ack_frame" ? t.tcpDupAckFrame : def.name === "acks_frame" ? t.tcpAcksFrame : def.name === "bytes_in_flight" ? t.tcpBif : t.tcpPushBytes;
      if (col === null) return () => {};
      return (r) => {
        const v = col[r];
        if (v !== 0) w.int(v);
      };
    }
    case "ack_rtt": {
      // tshark omits a zero RTT (TcpAnalysis.ackRtt); nine decimals from the integer time difference
      const acks = t.tcpAcksFrame;
      if (acks === null) return () => {};
      const sec = t.tsSec;
      const nsec = t.tsNsec;
      return (r) => {
        const f = acks[r];
        if (f === 0) return;
        const dSec = sec[r] - sec[f - 1];
        const dNsec = nsec[r] - nsec[f - 1];
        if (dSec + dNsec / 1e9 !== 0) w.fixed9(dSec, dNsec);
      };
    }
    case "stream":
      return (r) => {
        const s = t.tcpStream[r];
        if (s >= 0) w.int(s);
      };
    case "analysis": {
      // a few distinct flag sets: their text once each
      const cache = new Map<number, Uint8Array>();
      const a = t.tcpAnalysis;
      return (r) => {
        const bits = a[r] & TA.FLAG_MASK;
        if (bits === 0) return;
        let b = cache.get(bits);
        if (b === undefined) {
          const s = analysisNames(bits);
          b = Buffer.from(quote && /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s, "utf8");
          cache.set(bits, b);
        }
        w.bytes(b);
      };
    }
  }
  const key = (def.store?.key ?? def.from) as keyof typeof t | undefined;
  if (key !== undefined && def.type !== "boolean" && def.type !== "float64" && def.type !== "time") {
    const when = def.when as Presence | undefined;
    const opt = t.tcpOptSeq;
    if (def.type === "string") {
      const ids = t[key] as unknown as Uint32Array | null;
      const emit = strId(ids);
      return when === undefined ? emit : (r) => { if (present(when, layers[r], opt ? opt[r] : 0)) emit(r); };
    }
    const col = t[key] as unknown as ArrayLike<number> | null;
    if (when === undefined) return col ? (r) => w.int(col[r]) : () => w.int(0);
    if ("layers" in when) {
      const need = when.layers;
      const not = when.not ?? 0;
      return (r) => {
        const l = layers[r];
        if ((l & need) !== 0 && (l & not) === 0) w.int(col ? col[r] : 0);
      };
    }
    return (r) => {
      if (present(when, layers[r], opt ? opt[r] : 0)) w.int(col ? col[r] : 0);
    };
  }
  const get = def.get;
  if (def.kind === "number") {
    // integers as digits; seconds with nine decimals and other fractions through csvCell's formatting
    if (fixed9) return (r) => { const v = get(cap, r) as number | null; if (v !== null) w.csv(v, true); };
    return (r) => {
      const v = get(cap, r) as number | null;
      if (v !== null) {
        if (Number.isInteger(v)) w.int(v);
        else w.csv(v);
      }
    };
  }
  return (r) => cell(get(cap, r));
}

function defsOf(columns: readonly string[]): ColumnDef[] {
  return columns.map((n) => {
    const d = findColumn(n);
    if (!d) throw new TypeError(`unknown column "${n}"`);
    return d;
  });
}

function writeTable(cap: WritableCapture, columns: readonly string[], sink: (chunk: Uint8Array) => void, range: RowRange, sep: number, quote: boolean): void {
  const defs = defsOf(columns);
  const w = new ByteWriter(sink);
  const dict = new StringBytesCache((id) => cap.packets.strings.get(id));
  let numbers: RowNumbers | null = null;
  const nums = () => (numbers ??= cap.tcp.rowNumbers());
  const emits = defs.map((d) => emitter(cap, d, w, dict, quote, nums));
  w.str(columns.join(String.fromCharCode(sep)));
  w.endLine();
  const n = rowCount(cap, range);
  const rows = range.rows;
  const m = emits.length;
  for (let k = 0; k < n; k++) {
    const r = rows ? rows[k] : k;
    emits[0](r);
    for (let j = 1; j < m; j++) {
      w.byte(sep);
      emits[j](r);
    }
    w.endLine();
  }
  w.flush();
}

/** CSV (header + one line per row) of these columns, as bytes in large chunks. */
export function writePacketCSV(cap: WritableCapture, columns: readonly string[], sink: (chunk: Uint8Array) => void, range: RowRange = {}): void {
  writeTable(cap, columns, sink, range, 44, true);
}

/** Tab-separated columns with a header line (text, unquoted; absent values empty), as `tshark -T fields -E header=y`. */
export function writePacketTSV(cap: WritableCapture, columns: readonly string[], sink: (chunk: Uint8Array) => void, range: RowRange = {}): void {
  writeTable(cap, columns, sink, range, 9, false);
}

/**
 * tshark's one-line summaries (`tshark -r F`): No. (width 5), relative time (width 10, the interface's
 * timestamp precision), Source (right-aligned, width 12) → Destination (left-aligned, width 12),
 * Protocol, Length, Info.
 */
export function writePacketSummary(cap: WritableCapture, sink: (chunk: Uint8Array) => void, range: RowRange = {}): void {
  const t = cap.packets;
  const w = new ByteWriter(sink);
  const dict = new StringBytesCache((id) => t.strings.get(id));
  const digits = cap.meta.interfaces.map((i) => Math.max(0, Math.min(9, Math.round(-Math.log10(i.tsResolution)))));
  const ref = cap.meta.firstTimedRow;
  const arrow = Buffer.from(" \u2192 ", "utf8");
  const info = cap.infoWriter(w, false, dict);
  const n = rowCount(cap, range);
  const rows = range.rows;
  const ifIndex = t.ifIndex;
  for (let k = 0; k < n; k++) {
    const r = rows ? rows[k] : k;
    // No.
    const no = r + 1;
    w.spaces(5 - decimalLength(no));
    w.int(no);
    w.byte(32);
    // Time
    if (ref !== null && (t.layers[r] & Layer.NO_TIMESTAMP) === 0) {
      const d = digits[ifIndex ? ifIndex[r] : 0] ?? 6;
      const text = relativeText(t.tsSec[r] - t.tsSec[ref], t.tsNsec[r] - t.tsNsec[ref], d);
      w.spaces(10 - text.length);
      w.str(text);
    } else w.spaces(10);
    w.byte(32);
    // Source → Destination
    const src = dict.get(t.src[r]);
    w.spaces(12 - src.length);
    w.bytes(src);
    w.bytes(arrow);
    const dst = dict.get(t.dst[r]);
    w.bytes(dst);
    w.spaces(12 - dst.length);
    w.byte(32);
    w.bytes(dict.get(t.proto[r]));
    w.byte(32);
    w.int(t.wireLen[r]);
    w.byte(32);
    info(r);
    w.endLine();
  }
  w.flush();
}

function decimalLength(n: number): number {
  let len = 1;
  for (let p = 10; p <= n; p *= 10) len++;
  return len;
}

/** Seconds + nanoseconds difference as text with `digits` decimals (truncated), exact below 104 days. */
function relativeText(dSec: number, dNsec: number, digits: number): string {
  let ns = dSec * 1e9 + dNsec;
  if (!Number.isSafeInteger(ns)) return (dSec + dNsec / 1e9).toFixed(digits);
  const neg = ns < 0;
  if (neg) ns = -ns;
  const sec = Math.floor(ns / 1e9);
  const frac = ns - sec * 1e9;
  let s = String(sec);
  if (digits > 0) {
    const f = String(frac).padStart(9, "0").slice(0, digits);
    s += "." + f;
  }
  return neg ? "-" + s : s;
}
