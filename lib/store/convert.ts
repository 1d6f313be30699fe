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
import { progressAt, type Progress } from "../base/progress";
import { parseOptions } from "../base/options";
import { z } from "zod";
import { buildFlows } from "../flows/build";
import { Layer } from "../table/layers";
import type { StoreColumn } from "./column";
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
  /** Read all the files as one capture (tcpdump -C/-G rotations: a connection crossing files is one flow), in one thread. */
  oneCapture?: boolean;
  /** Called after each file (in completion order). */
  onFile?: (r: ConvertFileResult) => void;
  /** Progress by bytes of the input files (after each batch written and each file finished). */
  onProgress?: (p: ConvertProgress) => void;
}

/** Bytes of the input files converted so far: a file counts as far as its last written packet's record. */
export type ConvertProgress = Progress;

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

const ConvertOptionsSchema = z
  .object({
    out: z.string().min(1, "an output directory is required (--out DIR)"),
    batchRows: z.number().int().positive().optional(),
    shard: z.object({ index: z.number().int().positive(), count: z.number().int().positive() }).refine((s) => s.index <= s.count, "index must be ≤ count").optional(),
    workers: z.number().int().nonnegative().optional(),
    flows: z.boolean().optional(),
    oneCapture: z.boolean().optional(),
    onFile: z.custom<(r: ConvertFileResult) => void>((v) => typeof v === "function", "expected a function").optional(),
    onProgress: z.custom<(p: Progress) => void>((v) => typeof v === "function", "expected a function").optional(),
  })
  .strict();

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

/**
 * The name of a capture's Parquet file in each partition: its base name and a hash of its path (two
 * rotation directories may share names); several files read as one capture: the first one's name, +N.
 */
export function partFileName(file: string | readonly string[], shard?: Shard): string {
  const files = typeof file === "string" ? [file] : file;
  const stem = path.basename(files[0]).replace(/\.(pcapng|pcap|cap)(\.gz)?$/i, "").replace(/[^\w.-]+/g, "_") || "capture";
  const h = crypto.createHash("sha1").update(files.map((f) => path.resolve(f)).join("\n")).digest("hex").slice(0, 8);
  return `${stem}${files.length > 1 ? `+${files.length - 1}` : ""}-${h}${shard ? `-shard${shard.index}of${shard.count}` : ""}.parquet`;
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

/**
 * Convert one capture in this thread (a list of files: read as one capture). `onBytes(n)` reports how far
 * into the input the written packets reach.
 */
export function convertFile(input: string | readonly string[], options: ConvertOptions, onBytes?: (bytes: number, packets: number) => void): ConvertFileResult {
  const t0 = performance.now();
  const file = typeof input === "string" ? input : input.join(", ");
  const res: ConvertFileResult = { file, packets: 0, flows: 0, written: [], warnings: [], ms: 0 };
  let cap: Capture;
  try {
    cap = readCapture(typeof input === "string" ? input : [...input]);
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    res.failed = true;
    res.warnings.push({ file, byteOffset: e.byteOffset, message: e.message });
    res.ms = performance.now() - t0;
    return res;
  }
  for (const w of cap.meta.warnings) res.warnings.push({ file: w.file ?? file, byteOffset: w.byteOffset, message: w.message });
  // input bytes up to a row: the files before it and its offset in its file
  const before = new Float64Array(cap.meta.files.length);
  for (let k = 1; k < before.length; k++) before[k] = before[k - 1] + cap.meta.files[k - 1].fileSize;
  const bytesAt = (r: number) => (cap.packets.fileIndex ? before[cap.packets.fileIndex[r]] : 0) + cap.packets.fileOffset[r];
  const batchRows = Math.max(1, options.batchRows ?? 65536);
  const shard = options.shard;
  const name = partFileName(input, shard);
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
        writerFor("packets", hours[s]).append(packetStore(cap, { start: s, end: e }));
        res.packets += e - s;
        onBytes?.(bytesAt(e - 1), res.packets);
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
        writerFor("packets", h).append(packetStore(cap, { rows }));
        res.packets += rows.length;
      }
      onBytes?.(bytesAt(e - 1), res.packets);
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
          const part = rows.slice(k, k + batchRows);
          const t = flowStore(flows, { rows: part });
          t.columns.push(flowFiles(cap, flows, part));
          w.append(t);
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

/** The `pcap_file` of flow rows: the file of each flow's first packet. */
function flowFiles(cap: Capture, flows: ReturnType<typeof buildFlows>, rows: number[]): StoreColumn {
  const first = flows.raw("first_frame") as Float64Array;
  const fileIndex = cap.packets.fileIndex;
  const codes = new Uint32Array(rows.length);
  if (fileIndex) for (let k = 0; k < rows.length; k++) codes[k] = fileIndex[first[rows[k]] - 1] ?? 0;
  return { name: "pcap_file", type: "string", values: codes, dictionary: cap.meta.files.map((f) => f.source), description: "capture file of the flow's first packet" };
}

/** The worker script (compiled JavaScript next to this module), or null when running from TypeScript sources. */
export function convertWorkerScript(): string | null {
  const p = path.join(__dirname, "convert-worker.js");
  return fs.existsSync(p) ? p : null;
}

/** Convert captures (in parallel worker threads when there are several and the compiled worker exists). */
/**
 * Convert captures: each file on its own (in parallel worker threads when there are several and the
 * compiled worker exists), or with `oneCapture` all of them read as one capture.
 */
export async function convert(files: string[], opts: ConvertOptions): Promise<ConvertResult> {
  const options = parseOptions("convert", ConvertOptionsSchema, opts) as ConvertOptions;
  if (!Array.isArray(files) || files.some((f) => typeof f !== "string")) throw new TypeError("convert: expected a list of capture file paths");
  fs.mkdirSync(options.out, { recursive: true });
  const script = convertWorkerScript();
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  // the jobs: one per file, or one for all of them
  const jobs: (string | string[])[] = options.oneCapture && files.length > 1 ? [files] : files;
  const nWorkers = Math.min(jobs.length, options.workers ?? cores);
  const results: ConvertFileResult[] = new Array(jobs.length);
  const size = (f: string) => {
    try {
      return fs.statSync(f).size;
    } catch {
      return 0;
    }
  };
  const sizes = jobs.map((j) => (typeof j === "string" ? size(j) : j.reduce((a, f) => a + size(f), 0)));
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  const started = performance.now();
  const jobBytes = new Float64Array(jobs.length);
  const jobPackets = new Float64Array(jobs.length);
  let filesDone = 0;
  const progress = (i: number, bytes: number, packets: number) => {
    jobBytes[i] = Math.min(sizes[i], bytes);
    jobPackets[i] = packets;
    if (!options.onProgress) return;
    let bytesDone = 0;
    let pk = 0;
    for (let k = 0; k < jobs.length; k++) {
      bytesDone += jobBytes[k];
      pk += jobPackets[k];
    }
    options.onProgress(progressAt(started, bytesDone, bytesTotal, pk, filesDone, files.length));
  };
  const done = (i: number, r: ConvertFileResult) => {
    results[i] = r;
    filesDone += typeof jobs[i] === "string" ? 1 : jobs[i].length;
    progress(i, sizes[i], r.packets);
    options.onFile?.(r);
  };
  const plain = { out: options.out, batchRows: options.batchRows, shard: options.shard, flows: options.flows };
  if (!script || nWorkers <= 1) {
    jobs.forEach((f, i) => done(i, convertFile(f, plain, (b, p) => progress(i, b, p))));
  } else {
    let next = 0;
    await Promise.all(
      Array.from({ length: nWorkers }, () =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(script, { workerData: plain });
          let current = -1;
          const feed = () => {
            if (next >= jobs.length) {
              void w.terminate();
              resolve();
              return;
            }
            current = next++;
            w.postMessage({ file: jobs[current] });
          };
          w.on("message", (m: { result?: ConvertFileResult; error?: string; bytes?: number; packets?: number }) => {
            if (m.bytes !== undefined) {
              progress(current, m.bytes, m.packets ?? 0);
              return;
            }
            if (m.error !== undefined) {
              void w.terminate();
              reject(new Error(`convert ${String(jobs[current])}: ${m.error}`));
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
