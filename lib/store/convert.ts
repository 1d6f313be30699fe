/**
 * `pcapframe convert FILES… --out DIR`: captures into a Hive-partitioned Parquet dataset
 *   DIR/packets/date=YYYY-MM-DD/hour=HH/<file>.parquet   (every packet column + time_ns, pcap_file, file_offset)
 *   DIR/flows/date=YYYY-MM-DD/hour=HH/<file>.parquet     (every flow column + pcap_file; partitioned by start)
 * one Parquet file per capture and partition, one row group per batch of packets, several captures in
 * parallel worker threads. With a shard (i/n) only the connections whose symmetric hash falls in shard i are
 * written (see shard.ts). A capture that ends in a framing fault gives every packet before the fault and a
 * warning naming the file and byte offset; one that cannot be read at all gives a warning, and the
 * conversion goes on with the next file.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { readCapture, type Capture } from "../capture/capture";
import { CaptureError } from "../base/errors";
import { buildFlows } from "../flows/build";
import { Layer } from "../table/layers";
import { flowStore } from "./flows";
import { ParquetFileWriter } from "./parquet";
import { packetStore } from "./packets";
import { flowHashes, packetHashes, shardOf, type Shard } from "./shard";

export interface ConvertOptions {
  /** Output dataset directory. */
  out: string;
  /** Packets per batch (= per row group). Default 65 536. */
  batchRows?: number;
  /** Keep only this shard's connections. */
  shard?: Shard;
  /** Worker threads (default: min(files, available cores)); 0 or 1 = convert in this thread. */
  workers?: number;
  /** Also write the flow table (default true). */
  flows?: boolean;
  /** Called after each file (in completion order). */
  onFile?: (r: ConvertFileResult) => void;
  /** Progress by bytes of the input files (after each batch written and each file finished). */
  onProgress?: (p: ConvertProgress) => void;
}

export interface ConvertProgress {
  /** Bytes of the input files converted so far (a file counts as far as its last written packet's record), and in all. */
  bytesDone: number;
  bytesTotal: number;
  packets: number;
  filesDone: number;
  files: number;
  elapsedMs: number;
  /** Input bytes per second so far, and the time left at that rate (null until there is a rate). */
  bytesPerSecond: number;
  etaMs: number | null;
}

export interface ConvertWarning {
  file: string;
  byteOffset: number;
  message: string;
}

export interface ConvertFileResult {
  file: string;
  packets: number;
  flows: number;
  /** Parquet files written (paths under `out`). */
  written: string[];
  warnings: ConvertWarning[];
  /** Set when the file could not be read at all. */
  failed?: boolean;
  ms: number;
}

export interface ConvertResult {
  files: ConvertFileResult[];
  packets: number;
  flows: number;
  warnings: ConvertWarning[];
}

const HOUR = 3600;

/** Hour index of rows whose partition is unknown (no timestamp in the whole capture). */
export const NO_HOUR = -0x80000000;
const DEFAULT_PARTITION = "date=__HIVE_DEFAULT_PARTITION__/hour=__HIVE_DEFAULT_PARTITION__";

/**
 * Partition path of an hour index (hours since the epoch, UTC). No time, or a year outside 1..9999 (a
 * corrupt timestamp), goes to Hive's null partition, which DuckDB, Spark and pyarrow read as NULL.
 */
export function partitionOf(hour: number): string {
  const d = new Date(hour * HOUR * 1000);
  const y = d.getUTCFullYear();
  if (hour === NO_HOUR || !Number.isFinite(d.getTime()) || y < 1 || y > 9999) return DEFAULT_PARTITION;
  return `date=${d.toISOString().slice(0, 10)}/hour=${String(d.getUTCHours()).padStart(2, "0")}`;
}

/** The name of a capture's Parquet file in each partition: its base name and a hash of its path (two rotations dirs may share names). */
export function partFileName(file: string, shard?: Shard): string {
  const stem = path.basename(file).replace(/\.(pcapng|pcap|cap)(\.gz)?$/i, "").replace(/[^\w.-]+/g, "_") || "capture";
  const h = crypto.createHash("sha1").update(path.resolve(file)).digest("hex").slice(0, 8);
  return `${stem}-${h}${shard ? `-shard${shard.index}of${shard.count}` : ""}.parquet`;
}

/** Hour index of every row; rows without a timestamp take the hour of the row before (or of the first timed row). */
function rowHours(cap: Capture): Int32Array {
  const n = cap.length;
  const out = new Int32Array(n);
  const { tsSec, layers } = cap.packets;
  const first = cap.meta.firstTimedRow;
  let prev = first === null ? NO_HOUR : Math.floor(tsSec[first] / HOUR);
  for (let r = 0; r < n; r++) {
    if (layers[r] & Layer.NO_TIMESTAMP || !Number.isFinite(tsSec[r])) out[r] = prev;
    else out[r] = prev = Math.floor(tsSec[r] / HOUR);
  }
  return out;
}

/** Convert one capture in this thread. `onBytes(n)` reports how far into the file the written packets reach. */
export function convertFile(file: string, options: ConvertOptions, onBytes?: (bytes: number, packets: number) => void): ConvertFileResult {
  const t0 = performance.now();
  const res: ConvertFileResult = { file, packets: 0, flows: 0, written: [], warnings: [], ms: 0 };
  let cap: Capture;
  try {
    cap = readCapture(file);
  } catch (e) {
    if (!(e instanceof Error) || !(e instanceof CaptureError || "code" in e)) throw e;
    res.failed = true;
    res.warnings.push({ file, byteOffset: e instanceof CaptureError ? e.byteOffset : 0, message: e.message });
    res.ms = performance.now() - t0;
    return res;
  }
  for (const w of cap.meta.warnings) res.warnings.push({ file, byteOffset: w.byteOffset, message: w.message });
  const batchRows = Math.max(1, options.batchRows ?? 65536);
  const shard = options.shard;
  const name = partFileName(file, shard);
  const writers = new Map<number, ParquetFileWriter>();
  const writerFor = (kind: "packets" | "flows", hour: number): ParquetFileWriter => {
    const key = kind === "packets" ? hour : -1 - hour;
    let w = writers.get(key);
    if (!w) {
      w = new ParquetFileWriter(path.join(options.out, kind, partitionOf(hour), name), { metadata: { "pcapframe.source": file } });
      writers.set(key, w);
    }
    return w;
  };
  try {
    // packets: batches of file order; a batch spanning an hour boundary (or, sharded, any batch) is split by partition
    const hours = rowHours(cap);
    const keep = shard ? packetHashes(cap) : null;
    const n = cap.length;
    for (let s = 0; s < n; s += batchRows) {
      const e = Math.min(n, s + batchRows);
      let uniform = !keep;
      if (uniform) for (let r = s + 1; r < e && uniform; r++) uniform = hours[r] === hours[s];
      if (uniform) {
        writerFor("packets", hours[s]).append(packetStore(cap, { start: s, end: e, pcapFile: file }));
        res.packets += e - s;
        onBytes?.(cap.packets.fileOffset[e - 1], res.packets);
        continue;
      }
      const groups = new Map<number, number[]>();
      for (let r = s; r < e; r++) {
        if (keep && shardOf(keep[r], shard!.count) !== shard!.index) continue;
        let g = groups.get(hours[r]);
        if (!g) groups.set(hours[r], (g = []));
        g.push(r);
      }
      for (const [h, rows] of groups) {
        writerFor("packets", h).append(packetStore(cap, { rows, pcapFile: file }));
        res.packets += rows.length;
      }
      onBytes?.(cap.packets.fileOffset[e - 1], res.packets);
    }
    if (options.flows !== false) {
      const flows = buildFlows(cap);
      const fkeep = shard ? flowHashes(flows) : null;
      const start = flows.raw("start") as Float64Array;
      const fallback = hours.length ? hours[0] : NO_HOUR;
      const groups = new Map<number, number[]>();
      for (let i = 0; i < flows.length; i++) {
        if (fkeep && shardOf(fkeep[i], shard!.count) !== shard!.index) continue;
        const h = Number.isFinite(start[i]) ? Math.floor(start[i] / HOUR) : fallback;
        let g = groups.get(h);
        if (!g) groups.set(h, (g = []));
        g.push(i);
      }
      for (const [h, rows] of groups) {
        const w = writerFor("flows", h);
        for (let k = 0; k < rows.length; k += batchRows) {
          w.append(flowStore(flows, { rows: rows.slice(k, k + batchRows), constants: { pcap_file: file } }));
        }
        res.flows += rows.length;
      }
    }
  } finally {
    for (const w of writers.values()) if (w.close()) res.written.push(w.path);
  }
  res.ms = performance.now() - t0;
  return res;
}

/** The worker script (compiled JavaScript next to this module), or null when running from TypeScript sources. */
export function convertWorkerScript(): string | null {
  const p = path.join(__dirname, "convert-worker.js");
  return fs.existsSync(p) ? p : null;
}

/** Convert captures (in parallel worker threads when there are several and the compiled worker exists). */
export async function convert(files: string[], options: ConvertOptions): Promise<ConvertResult> {
  if (!options.out) throw new TypeError("convert: an output directory is required (--out DIR)");
  fs.mkdirSync(options.out, { recursive: true });
  const script = convertWorkerScript();
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  const nWorkers = Math.min(files.length, options.workers ?? cores);
  const results: ConvertFileResult[] = new Array(files.length);
  const sizes = files.map((f) => {
    try {
      return fs.statSync(f).size;
    } catch {
      return 0;
    }
  });
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  const started = performance.now();
  const fileBytes = new Float64Array(files.length);
  const filePackets = new Float64Array(files.length);
  let filesDone = 0;
  const progress = (i: number, bytes: number, packets: number) => {
    fileBytes[i] = Math.min(sizes[i], bytes);
    filePackets[i] = packets;
    if (!options.onProgress) return;
    let bytesDone = 0;
    let pk = 0;
    for (let k = 0; k < files.length; k++) {
      bytesDone += fileBytes[k];
      pk += filePackets[k];
    }
    const elapsedMs = performance.now() - started;
    const bytesPerSecond = elapsedMs > 0 ? (bytesDone * 1000) / elapsedMs : 0;
    options.onProgress({
      bytesDone, bytesTotal, packets: pk, filesDone, files: files.length, elapsedMs, bytesPerSecond,
      etaMs: bytesPerSecond > 0 ? ((bytesTotal - bytesDone) * 1000) / bytesPerSecond : null,
    });
  };
  const done = (i: number, r: ConvertFileResult) => {
    results[i] = r;
    filesDone++;
    progress(i, sizes[i], r.packets);
    options.onFile?.(r);
  };
  const plain = { out: options.out, batchRows: options.batchRows, shard: options.shard, flows: options.flows };
  if (!script || nWorkers <= 1) {
    files.forEach((f, i) => done(i, convertFile(f, plain, (b, p) => progress(i, b, p))));
  } else {
    let next = 0;
    await Promise.all(
      Array.from({ length: nWorkers }, () =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(script, { workerData: plain });
          let current = -1;
          const feed = () => {
            if (next >= files.length) {
              void w.terminate();
              resolve();
              return;
            }
            current = next++;
            w.postMessage({ file: files[current] });
          };
          w.on("message", (m: { result?: ConvertFileResult; error?: string; bytes?: number; packets?: number }) => {
            if (m.bytes !== undefined) {
              progress(current, m.bytes, m.packets ?? 0);
              return;
            }
            if (m.error !== undefined) {
              void w.terminate();
              reject(new Error(`convert ${files[current]}: ${m.error}`));
              return;
            }
            done(current, m.result!);
            feed();
          });
          w.on("error", reject);
          feed();
        }),
      ),
    );
  }
  const warnings = results.flatMap((r) => r.warnings);
  return {
    files: results,
    packets: results.reduce((s, r) => s + r.packets, 0),
    flows: results.reduce((s, r) => s + r.flows, 0),
    warnings,
  };
}
