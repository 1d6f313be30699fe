/**
 * TCP analysis in a worker thread, alongside the reading and dissecting of the capture.
 *
 * The packet table's columns live on SharedArrayBuffers. The reading thread dissects a batch of rows,
 * posts the batch's row numbers, and goes on with the next batch; the worker (worker.ts) runs
 * the same TcpAnalyzer over the posted rows, in file order, writing its columns (stream, flags, ACK
 * frame, bytes in flight, …) into the same memory, and counts finished batches in a shared counter.
 * Results are those of the one-thread pass: the analyzer reads only columns the dissector wrote before
 * the batch was posted, and the application layers (which need the analysis of their rows) run in the
 * reading thread once the worker has finished their batch. At the end the worker sends the analyzer's
 * state back as plain data (state-codec.ts).
 *
 * Between batches, and on after the read, the worker also runs the tcptrace engine over the analyzed
 * rows (lib/tcptrace/stream-trace.ts), so that the flow table finds that pass done; the read does not wait
 * for it: the worker posts it when done, and `takeTrace` (called by the flow build) waits for it.
 *
 * Used for large captures when a second core exists (`threads` option); any failure to start or run
 * the worker makes readCapture fall back to the one-thread pass.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { getHeapStatistics } from "node:v8";
import { receiveMessageOnPort, MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import type { PacketTable } from "../table/packet-table";
import type { TcpAnalysis } from "../tcp/analysis";
import { unpackAnalysis, type AnalysisState } from "./state-codec";
import { columnViews } from "./shared-table";
import { StreamTrace, type TraceResult, type TraceState } from "../tcptrace/stream-trace";

/** Slots of the shared sync array (also written by worker.ts). */
export const Sync = {
  /** batches finished */
  DONE: 0,
  /** 0 running, 1 finished (result posted), 2 failed */
  STATUS: 1,
  /** streams so far */
  STREAMS: 2,
  /** rows analyzed so far */
  ROWS: 3,
  /** tcptrace pass: 0 running, 1 finished (result posted), 2 failed */
  TRACE: 4,
  /** rows traced so far */
  TRACED: 5,
  /** batches posted so far (the worker traces only while none waits for analysis) */
  POSTED: 6,
  SLOTS: 7,
} as const;
const { DONE, STATUS, STREAMS, ROWS, TRACE, TRACED } = Sync;

/**
 * Two threads cost time per stream (packing each stream's state, copying it back; the streams are
 * unpacked lazily since, but a 400 000-packet SYN scan still read in 1.7-1.8 s in two threads against
 * 0.8 s in one), the analysis itself time per packet: with many short streams one thread is faster.
 * Checked at every batch: the worker is given up (and the capture read again in one thread) once the
 * streams number more than MANY_STREAMS and average fewer than MIN_PACKETS_PER_STREAM packets.
 */
const MIN_PACKETS_PER_STREAM = 64;
const MANY_STREAMS = 8192;

/** A worker that makes no progress this long is taken as dead (it analyzes a batch in milliseconds). */
const STALL_MS = 30_000;

/** Below this file size the worker's start-up (tens of ms) costs more than it saves. */
export const PARALLEL_MIN_BYTES = 8 << 20;

/** The analysis worker script (compiled JavaScript next to this module), or null when absent (e.g. running from TypeScript sources). */
export function workerScript(): string | null {
  const p = path.join(__dirname, "worker.js");
  return __filename.endsWith(".js") && fs.existsSync(p) ? p : null;
}

/** Whether readCapture should analyze in a worker: `threads` option true/false, or "auto" (big file, ≥ 2 cores). */
export function useParallel(threads: boolean | "auto", fileSize: number): boolean {
  if (threads === false || workerScript() === null) return false;
  if (threads === true) return true;
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return cores >= 2 && fileSize >= PARALLEL_MIN_BYTES;
}

/** Thrown when the worker fails; readCapture then reads the capture again in one thread. */
export class ParallelFailure extends Error {}

/** Columns the analyzer creates on first use: allocated up front so the worker writes into shared memory. */
const ANALYZER_COLUMNS = ["tcpAcksFrame", "tcpBif", "tcpPushBytes", "tcpDupAckNum", "tcpDupAckFrame"] as const;

export class ParallelAnalysis {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly sync: Int32Array;
  private layout = -1;
  /** Batches posted so far. */
  posted = 0;

  constructor(private readonly t: PacketTable, explain: boolean, tracing = true) {
    if (t.sharing === null) throw new ParallelFailure("the packet table is not shared");
    for (const c of ANALYZER_COLUMNS) t.touch(c);
    this.sync = new Int32Array(new SharedArrayBuffer(Sync.SLOTS * 4));
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    try {
      this.worker = new Worker(workerScript()!, {
        workerData: { sync: this.sync, port: port2, explain, trace: tracing },
        transferList: [port2],
        // the analysis state of a capture with millions of streams is large: the same heap limit as this thread
        resourceLimits: { maxOldGenerationSizeMb: Math.ceil(getHeapStatistics().heap_size_limit / 2 ** 20) },
      });
    } catch (e) {
      throw new ParallelFailure(`cannot start the TCP analysis worker: ${(e as Error).message}`);
    }
    // the worker must never keep a notebook kernel or a CLI process alive
    this.worker.unref();
    this.worker.on("error", () => {
      Atomics.store(this.sync, STATUS, 2);
    });
  }

  /** Hand rows[0..n) (just dissected, in file order) to the worker. */
  submit(rows: Int32Array, n: number): void {
    const t = this.t;
    const analyzed = Atomics.load(this.sync, ROWS);
    const streams = Atomics.load(this.sync, STREAMS);
    if (streams > MANY_STREAMS && streams * MIN_PACKETS_PER_STREAM > analyzed) {
      this.stop();
      throw new ParallelFailure(`${streams} TCP streams in ${analyzed} packets: one thread is faster`);
    }
    if (t.sharing!.layout !== this.layout) {
      this.layout = t.sharing!.layout;
      this.worker.postMessage({ type: "cols", cols: columnViews(t), length: t.length, capacity: t.capacity });
    }
    this.posted++;
    Atomics.store(this.sync, Sync.POSTED, this.posted);
    // copied (32 KiB), not transferred (docs/performance.md, "detach protector")
    this.worker.postMessage({ type: "rows", rows: rows.subarray(0, n), n, length: t.length });
  }

  /** Batches the worker has finished. */
  done(): number {
    return Atomics.load(this.sync, DONE);
  }

  /** Block until the worker has finished `k` batches. */
  waitFor(k: number): void {
    this.block(DONE, () => Atomics.load(this.sync, DONE) >= k);
  }

  /** Block until every posted batch is analyzed (before the table reallocates its columns). */
  drain(): void {
    this.waitFor(this.posted);
  }

  /**
   * Finish the analysis; returns the analyzer (state moved from the worker) over this thread's table.
   * The worker goes on with the tcptrace pass (see takeTrace), then ends.
   */
  finish(): TcpAnalysis {
    this.worker.postMessage({ type: "finish" });
    this.block(STATUS, () => Atomics.load(this.sync, STATUS) === 1);
    const msg = receiveMessageOnPort(this.port)?.message as { state: AnalysisState } | undefined;
    if (!msg) {
      this.stop();
      throw new ParallelFailure("the analysis worker sent no result");
    }
    return unpackAnalysis(this.t, msg.state);
  }

  /** The worker's tcptrace pass over every row (waits until it is done); null when it failed. */
  takeTrace(): TraceResult | null {
    try {
      this.block(TRACED, () => Atomics.load(this.sync, TRACE) !== 0, TRACE);
    } catch {
      return null;
    }
    const msg = receiveMessageOnPort(this.port)?.message as { trace?: TraceState } | undefined;
    this.stop();
    return msg?.trace ? StreamTrace.fromState(msg.trace) : null;
  }

  /** Stop the worker (after a failure elsewhere). */
  stop(): void {
    void this.worker.terminate();
  }

  /**
   * Wait until `ready()`, watching the progress counter `slot`; throws a ParallelFailure when the
   * worker reports a failure (2 in `failSlot`) or `slot` has not changed for STALL_MS.
   */
  private block(slot: number, ready: () => boolean, failSlot: number = STATUS): void {
    let last = Atomics.load(this.sync, slot);
    let since = Date.now();
    for (;;) {
      const v = Atomics.load(this.sync, slot);
      if (ready()) return;
      if (Atomics.load(this.sync, failSlot) === 2) throw this.failure();
      if (v !== last) {
        last = v;
        since = Date.now();
      } else if (Date.now() - since > STALL_MS) throw this.failure(`no progress for ${STALL_MS / 1000} s`);
      Atomics.wait(this.sync, slot, v, 200);
    }
  }

  private failure(why?: string): ParallelFailure {
    const msg = receiveMessageOnPort(this.port)?.message as { error?: string } | undefined;
    void this.worker.terminate();
    return new ParallelFailure(`TCP analysis worker failed: ${msg?.error ?? why ?? "unknown error"}`);
  }
}
