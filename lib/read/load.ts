import { Anomaly, CaptureError, TRUNCATION_ANOMALIES } from "../base/errors";
import { readRecords, type ReadResult } from "../file/reader";
import { progressAt } from "../base/progress";
import { resolveInputs, type CaptureInput } from "./inputs";
import type { CaptureWarning, DecryptionSecrets, InterfaceInfo } from "../file/types";
import { Dissector } from "../decode/dissect";
import { PacketTable } from "../table/packet-table";
import { Layer } from "../table/layers";
import type { TcpAnalysis } from "../tcp/analysis";
import { TcpAnalyzer } from "../tcp/analyzer";
import { ParallelAnalysis, ParallelFailure, useParallel } from "./parallel";
import { AppDissector } from "../app/index";
import type { TraceResult } from "../tcptrace/stream-trace";
import { parseOptions } from "../base/options";
import { ReadOptionsSchema, type ReadOptions, type ResolvedReadOptions } from "./options";
import { KeyStore, loadKeyLog } from "../decrypt/keylog";
import { TlsDecryptor } from "../decrypt/tls-decrypt";

export interface CaptureMeta {
  /** Path of the file, or "<bytes>"; several files read as one capture: their paths joined with ", ". */
  source: string;
  /** The input files in reading order (one entry for one file): rows firstRow… came from each (column fileIndex). */
  files: { source: string; fileSize: number; firstRow: number; packets: number }[];
  format: "pcap" | "pcap-nsec" | "pcapng";
  compressed: boolean;
  byteOrder: "little" | "big";
  version: string;
  fileSize: number;
  sections: number;
  interfaces: InterfaceInfo[];
  comments: string[];
  secrets: DecryptionSecrets[];
  nameRecords: { address: string; names: string[] }[];
  interfaceStats: { ifIndex: number; received?: number; dropped?: number }[];
  packetCount: number;
  /** Epoch seconds of the first / last packet (file order) and min/max timestamps. */
  firstTime: number | null;
  lastTime: number | null;
  minTime: number | null;
  maxTime: number | null;
  duration: number;
  /** Rows (0-based) of the first / last packet that has a timestamp (null: none has one). */
  firstTimedRow: number | null;
  lastTimedRow: number | null;
  /** Framing problems (lax mode): every packet before the fault was kept. */
  warnings: CaptureWarning[];
}

/** What loadCapture returns: the parts a Capture is made of. */
export interface LoadedCapture {
  table: PacketTable;
  tcp: TcpAnalysis;
  app: AppDissector;
  meta: CaptureMeta;
  /** Waits for and returns the tcptrace pass the analysis worker runs after its analysis (null: none or failed). */
  trace: (() => TraceResult | null) | null;
}

/**
 * Read a capture into a columnar packet table, in one pass over the file:
 * frame → dissect → TCP analysis → application layers, per record, with no object per packet. For large
 * captures the TCP analysis runs in a worker thread beside the dissection (option `threads`).
 */
export function loadCapture(input: CaptureInput, options?: ReadOptions): LoadedCapture {
  const opts = parseOptions("readCapture", ReadOptionsSchema, options);
  const inputs = resolveInputs(input);
  const sizes = inputs.map((i) => (typeof i === "string" ? safeSize(i, inputs.length > 1) : i.length));
  const size = sizes.reduce((a, b) => a + b, 0);
  if (opts.tcpAnalysis && useParallel(opts.threads, size)) {
    try {
      return load(inputs, sizes, opts, size, true);
    } catch (e) {
      // the worker could not start or failed: read again in one thread (same results)
      if (!(e instanceof ParallelFailure)) throw e;
    }
  }
  return load(inputs, sizes, opts, size, false);
}

function load(inputs: (string | Uint8Array)[], sizes: number[], opts: ResolvedReadOptions, size: number, parallel: boolean): LoadedCapture {
  // Capacity estimate: ~1 row per 60 bytes of file; pages never written are never touched.
  const table = new PacketTable(Math.min(Math.max(1024, Math.ceil(size / 60)), 1 << 26), parallel);
  const dissector = new Dissector(table);
  const tcp = new TcpAnalyzer(table);
  const app = new AppDissector(table);
  // TLS decryption (lib/decrypt): secrets from the key log now, from Decryption Secrets Blocks as they are read
  const keys = new KeyStore();
  if (opts.keylog !== undefined) loadKeyLog(keys, opts.keylog);
  const dec = new TlsDecryptor(app, keys, opts.keylog !== undefined);
  // TCP analysis in a worker thread (parallel.ts): batches go to the worker, and their
  // application layers wait (with a copy of their bytes) until the worker has finished them.
  const par = parallel ? new ParallelAnalysis(table, tcp.explain, opts.tcptrace) : null;
  if (par) table.sharing!.beforeGrow = () => par.drain();
  try {
    return loadWith(inputs, sizes, opts, table, dissector, tcp, app, par, keys, dec);
  } catch (e) {
    par?.stop();
    throw e;
  }
}

function loadWith(
  inputs: (string | Uint8Array)[],
  sizes: number[],
  opts: ResolvedReadOptions,
  table: PacketTable,
  dissector: Dissector,
  analyzer: TcpAnalyzer,
  app: AppDissector,
  par: ParallelAnalysis | null,
  keys: KeyStore,
  dec: TlsDecryptor,
): LoadedCapture {
  let tcp: TcpAnalysis = analyzer; // replaced by the worker's analysis in worker mode
  let trace: LoadedCapture["trace"] = null;
  // time span of the rows with a timestamp (earliest and latest as seconds + nanoseconds)
  let firstTimed = -1;
  let lastTimed = -1;
  let minSec = Infinity;
  let minNsec = 0;
  let maxSec = -Infinity;
  let maxNsec = 0;
  const linkTypes: number[] = [];
  const maxPackets = opts.maxPackets ?? Infinity;
  const payload = dissector.payload;
  // Rows are dissected as they are read, then analysed (TCP analysis, then application layers) in
  // batches: a batch ends when the reader is about to refill its buffer (the packets' bytes are still
  // in it) or after BATCH packets. Results are those of a packet-by-packet pass (both stages only look
  // at earlier rows), but each stage runs over thousands of rows at a time, which keeps its code and
  // state in the CPU caches: about a third faster than interleaving the stages per packet.
  const BATCH = 8192;
  const bRow = new Int32Array(BATCH);
  const bOff = new Int32Array(BATCH);
  const bCap = new Int32Array(BATCH);
  let bLen = 0;
  let bBuf: Uint8Array | null = null;
  const appLayers = opts.appLayers;
  const tcpAnalysis = opts.tcpAnalysis;
  // Each stage's loop is a function of its own that ends with the loop (docs/performance.md, "OSR").
  const appBatch = (n: number, buf: Uint8Array, rows: Int32Array, offs: Int32Array, caps: Int32Array) => {
    const layersCol = table.layers;
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      const layers = layersCol[row];
      const quoted = (layers & Layer.ICMP_QUOTED) !== 0;
      // an ICMP error quoting a TCP/UDP header is an ICMP row (its payload is the ICMP message)
      if (layers & Layer.TCP && !quoted) app.tcpPayload(row, buf, offs[i], caps[i]);
      else if (layers & Layer.UDP && !quoted) app.udpPayload(row, buf, offs[i], caps[i]);
      else if (layers & (Layer.ICMP | Layer.ICMPV6)) app.icmp(row, buf, offs[i], caps[i]);
      else app.other(row, buf, offs[i], caps[i]);
    }
  };
  // Worker mode: batches whose application layers wait for the worker's analysis, with their own bytes.
  const pending: { k: number; n: number; buf: Uint8Array; rows: Int32Array; offs: Int32Array; caps: Int32Array }[] = [];
  const MAX_PENDING = 4;
  // byte buffers of finished batches, reused (fresh memory costs its first touch, a batch spans up to 4 MiB)
  const spare: Uint8Array[] = [];
  const runPending = (all: boolean) => {
    while (pending.length > 0) {
      const p = pending[0];
      if (!all && pending.length <= MAX_PENDING && par!.done() <= p.k) return;
      par!.waitFor(p.k + 1);
      pending.shift();
      appBatch(p.n, p.buf, p.rows, p.offs, p.caps);
      spare.push(p.buf);
    }
  };
  const copyBytes = (src: Uint8Array, lo: number, hi: number): Uint8Array => {
    let b = spare.pop();
    if (b === undefined || b.length < hi - lo) b = new Uint8Array(Math.max(hi - lo, 4 << 20));
    b.set(src.subarray(lo, hi));
    return b;
  };
  // progress: bytes of the files before this one + the offset of the latest record in it
  const onProgress = opts.onProgress;
  const started = performance.now();
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  let bytesBefore = 0;
  let fileNo = 0;
  const report = (bytesInFile: number) => {
    if (!onProgress) return;
    const done = bytesBefore + Math.min(bytesInFile, sizes[fileNo] ?? 0);
    onProgress(progressAt(started, done, bytesTotal, table.length, fileNo, inputs.length));
  };
  const flush = () => {
    const n = bLen;
    bLen = 0;
    if (n === 0) return;
    if (onProgress) report(table.fileOffset[bRow[n - 1]]);
    if (par === null) {
      if (tcpAnalysis) analyzer.analyzeRows(bRow, n);
      if (appLayers) appBatch(n, bBuf!, bRow, bOff, bCap);
      return;
    }
    const k = par.posted;
    par.submit(bRow, n);
    if (!appLayers) return;
    // copy the bytes the batch's payloads span: the reader reuses its buffer
    let lo = Infinity;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      if (bOff[i] < lo) lo = bOff[i];
      if (bOff[i] + bCap[i] > hi) hi = bOff[i] + bCap[i];
    }
    if (!(lo <= hi)) lo = hi = 0;
    const offs = bOff.slice(0, n);
    for (let i = 0; i < n; i++) offs[i] -= lo;
    pending.push({ k, n, buf: copyBytes(bBuf!, lo, hi), rows: bRow.slice(0, n), offs, caps: bCap.slice(0, n) });
    runPending(false);
  };

  const sink = {
    onCustomBlock(pen: number, copyable: boolean, dataLen: number, fileOffset: number) {
      if (table.length >= maxPackets) return;
      const row = table.addRow();
      table.capLen[row] = dataLen;
      table.wireLen[row] = dataLen;
      table.fileOffset[row] = fileOffset;
      table.tcpStream[row] = -1;
      table.layers[row] = Layer.NO_TIMESTAMP;
      table.proto[row] = table.strings.intern("PCAPNG");
      const penName = pen === 32473 ? "Example Enterprise Number for Documentation Use" : "Unknown";
      table.touch("appInfo")[row] = table.strings.intern(`Custom Block: PEN = ${penName} (${pen}), ${copyable ? "will" : "will not"} be copied`);
    },
    onInterface(info: InterfaceInfo) {
      linkTypes[info.index] = info.linkType;
    },
    onSecrets(sec: DecryptionSecrets) {
      keys.addDsb(sec.type, sec.data);
    },
    onPacket(buf: Uint8Array, off: number, capLen: number, wireLen: number, tsSec: number, tsNsec: number, ifIndex: number, fileOffset: number) {
      if (table.length >= maxPackets) return;
      const row = table.addRow();
      if (tsSec !== tsSec) {
        // no timestamp: 0 in the table (what tshark's analysis uses), flagged so time columns show null
        table.layers[row] |= Layer.NO_TIMESTAMP;
        tsSec = 0;
      } else {
        // the time span, as rows arrive (a loop over the table afterwards ran as cold code: ~25 ms per 1 M rows)
        if (firstTimed < 0) firstTimed = row;
        lastTimed = row;
        if (tsSec < minSec || (tsSec === minSec && tsNsec < minNsec)) {
          minSec = tsSec;
          minNsec = tsNsec;
        }
        if (tsSec > maxSec || (tsSec === maxSec && tsNsec > maxNsec)) {
          maxSec = tsSec;
          maxNsec = tsNsec;
        }
      }
      table.tsSec[row] = tsSec;
      table.tsNsec[row] = tsNsec;
      table.capLen[row] = capLen;
      table.wireLen[row] = wireLen;
      table.fileOffset[row] = fileOffset;
      table.tcpStream[row] = -1;
      if (ifIndex !== 0) table.touch("ifIndex")[row] = ifIndex;
      if (capLen < wireLen) table.layers[row] |= Layer.TRUNCATED;
      else if (capLen > wireLen) table.flag(row, Anomaly.CAPLEN_EXCEEDS_LEN);
      dissector.dissect(row, buf, off, capLen, linkTypes[ifIndex]);
      if (table.layers[row] & Layer.TUNNEL) dissector.tunnels.afterRow(row);
      // A header cut by the snaplen is "[Packet size limited during capture]", not a malformed packet.
      if (capLen < wireLen && table.anomaly && table.anomaly[row] & TRUNCATION_ANOMALIES) table.anomaly[row] &= ~TRUNCATION_ANOMALIES;
      if (!tcpAnalysis && !appLayers) return;
      if (bLen === BATCH || (bLen > 0 && buf !== bBuf)) flush();
      bBuf = buf;
      bRow[bLen] = row;
      bOff[bLen] = payload.off;
      bCap[bLen] = payload.capLen;
      bLen++;
    },
    beforeRefill: flush,
  };
  const result = readAll(inputs, sizes, sink, opts.strict, table, flush, (k, before) => {
    fileNo = k;
    bytesBefore = before;
  });
  if (onProgress) onProgress(progressAt(started, bytesTotal, bytesTotal, table.length, inputs.length, inputs.length));
  if (par !== null) {
    runPending(true);
    table.sharing!.beforeGrow = null;
    tcp = par.finish();
    trace = opts.tcptrace ? () => par.takeTrace() : null;
  } else if (tcpAnalysis) analyzer.finish();
  if (appLayers) app.finish();
  dissector.finish();

  const n = table.length;
  const minT = minSec + minNsec / 1e9;
  const maxT = maxSec + maxNsec / 1e9;
  const meta: CaptureMeta = {
    source: result.files.map((f) => f.source).join(", "),
    files: result.files,
    format: result.format,
    compressed: result.compressed,
    byteOrder: result.byteOrder,
    version: result.version,
    fileSize: result.fileSize,
    sections: result.sections,
    interfaces: result.interfaces,
    comments: result.comments,
    secrets: result.secrets,
    nameRecords: result.nameRecords,
    interfaceStats: result.interfaceStats,
    packetCount: n,
    firstTime: firstTimed >= 0 ? table.time(firstTimed) : null,
    lastTime: lastTimed >= 0 ? table.time(lastTimed) : null,
    minTime: firstTimed >= 0 ? minT : null,
    maxTime: firstTimed >= 0 ? maxT : null,
    duration: firstTimed >= 0 ? maxT - minT : 0,
    firstTimedRow: firstTimed >= 0 ? firstTimed : null,
    lastTimedRow: lastTimed >= 0 ? lastTimed : null,
    warnings: result.warnings,
  };
  for (const w of keys.warnings) meta.warnings.push({ code: "keylog", byteOffset: 0, recordIndex: 0, message: `key log (${w.source}) line ${w.line}: ${w.message}` });
  for (const w of dec.warnings) meta.warnings.push({ code: "decryption", byteOffset: 0, recordIndex: 0, message: w.message });
  return { table, tcp, app, meta, trace };
}

/** A file's size; with several files, one that cannot be opened counts 0 (its read gives a warning). */
function safeSize(path: string, several = false): number {
  try {
    return require("node:fs").statSync(path).size;
  } catch (e) {
    if (several) return 0;
    throw new CaptureError("io_error", 0, 0, `cannot open capture ${path}: ${(e as Error).message}`);
  }
}

type Sink = Parameters<typeof readRecords>[1];

/**
 * Read the inputs one after another into one sink: a single input exactly as before; several as one capture
 * (tcpdump -C/-G rotations): interfaces numbered across the files, an interface identical to one of an
 * earlier file (link type, snaplen, resolution, offset, name) taken as the same (as mergecap -a does), each
 * row's file in the `fileIndex` column, each file's warnings naming it. In lax mode a file that cannot be
 * read at all (missing, not a capture) is a warning and the read goes on with the next file.
 */
function readAll(
  inputs: (string | Uint8Array)[],
  sizes: number[],
  sink: Sink,
  strict: boolean,
  table: PacketTable,
  flush: () => void,
  atFile: (k: number, bytesBefore: number) => void,
): ReadResult & { files: CaptureMeta["files"] } {
  const name = (i: string | Uint8Array) => (typeof i === "string" ? i : "<bytes>");
  if (inputs.length === 1) {
    const r = readRecords(inputs[0], sink, { strict });
    flush();
    return { ...r, files: [{ source: name(inputs[0]), fileSize: r.fileSize, firstRow: 0, packets: table.length }] };
  }
  const out: ReadResult & { files: CaptureMeta["files"] } = {
    format: "pcap", compressed: false, byteOrder: "little", version: "", interfaces: [], sections: 0, comments: [],
    secrets: [], nameRecords: [], interfaceStats: [], packets: 0, warnings: [], fileSize: 0, files: [],
  };
  const keyOf = (i: InterfaceInfo) => `${i.linkType}|${i.snapLen}|${i.tsResolution}|${i.tsOffset}|${i.name ?? ""}|${i.description ?? ""}`;
  let bytesBefore = 0;
  for (let k = 0; k < inputs.length; k++) {
    atFile(k, bytesBefore);
    const firstRow = table.length;
    const local: number[] = []; // this file's interface index → the capture's
    const usedHere = new Set<number>();
    const fileSink: Sink = {
      onInterface(info) {
        const key = keyOf(info);
        let g = out.interfaces.findIndex((x, j) => !usedHere.has(j) && keyOf(x) === key);
        if (g < 0) {
          g = out.interfaces.length;
          out.interfaces.push({ ...info, index: g, packets: 0 });
        }
        usedHere.add(g);
        local[info.index] = g;
        sink.onInterface({ ...info, index: g });
      },
      onCustomBlock(pen, copyable, dataLen, fileOffset) {
        const before = table.length;
        sink.onCustomBlock?.(pen, copyable, dataLen, fileOffset);
        if (k > 0 && table.length > before) table.touch("fileIndex")[before] = k;
      },
      onPacket(buf, off, capLen, wireLen, tsSec, tsNsec, ifIndex, fileOffset) {
        const before = table.length;
        sink.onPacket(buf, off, capLen, wireLen, tsSec, tsNsec, local[ifIndex] ?? ifIndex, fileOffset);
        if (k > 0 && table.length > before) table.touch("fileIndex")[before] = k;
      },
      beforeRefill: sink.beforeRefill,
    };
    let r: ReadResult | null = null;
    try {
      r = readRecords(inputs[k], fileSink, { strict });
    } catch (e) {
      if (strict || !(e instanceof CaptureError)) throw e;
      out.warnings.push({ code: e.code, byteOffset: e.byteOffset, recordIndex: e.recordIndex, message: e.message, file: name(inputs[k]) });
    }
    flush();
    const packets = table.length - firstRow;
    out.files.push({ source: name(inputs[k]), fileSize: r ? r.fileSize : 0, firstRow, packets });
    bytesBefore += sizes[k];
    if (!r) continue;
    if (k === 0 || out.version === "") {
      out.format = r.format;
      out.byteOrder = r.byteOrder;
      out.version = r.version;
    }
    out.compressed ||= r.compressed;
    out.sections += r.sections;
    out.fileSize += r.fileSize;
    out.packets += r.packets;
    out.comments.push(...r.comments);
    out.secrets.push(...r.secrets.map((s) => ({ ...s, afterPacket: s.afterPacket + firstRow })));
    out.nameRecords.push(...r.nameRecords);
    out.interfaceStats.push(...r.interfaceStats.map((s) => ({ ...s, ifIndex: local[s.ifIndex] ?? s.ifIndex })));
    for (const i of r.interfaces) if (local[i.index] !== undefined) out.interfaces[local[i.index]].packets += i.packets;
    out.warnings.push(...r.warnings.map((w) => ({ ...w, file: name(inputs[k]) })));
  }
  return out;
}
