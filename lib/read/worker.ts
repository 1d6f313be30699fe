/**
 * The TCP analysis worker thread (see parallel.ts): a TcpAnalyzer over a view of the reading
 * thread's shared packet table, fed batches of row numbers in file order. Between batches, and after
 * the analysis is finished and sent back, it runs the tcptrace engine over the analyzed rows
 * (StreamTrace), a slice at a time and only while no batch waits for analysis; when every row is
 * traced it posts the result and ends.
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { StreamTrace } from "../tcptrace/stream-trace";
import { PacketTable } from "../table/packet-table";
import { TcpAnalyzer } from "../tcp/analyzer";
import { packAnalysis } from "./state-codec";
import { Sync } from "./parallel";
import { adoptColumns } from "./shared-table";

type Msg =
  | { type: "cols"; cols: Record<string, ArrayLike<number>>; length: number; capacity: number }
  | { type: "rows"; rows: Int32Array; n: number; length: number }
  | { type: "finish" };

/** Rows traced per slice (about a millisecond), between which waiting batches are analyzed. */
const TRACE_SLICE = 8192;

const { sync, port, explain, trace: tracing } = workerData as { sync: Int32Array; port: MessagePort; explain: boolean; trace: boolean };
const table = new PacketTable(16);
const tcp = new TcpAnalyzer(table);
tcp.explain = explain;
const trace = new StreamTrace();
/** Analyzed batches not yet traced (the first one from row `at`). */
const untraced: { rows: Int32Array; n: number }[] = [];
let at = 0;
let analysisDone = false;
let scheduled = false;

function signal(slot: number, value: number, wake = slot): void {
  Atomics.store(sync, slot, value);
  Atomics.notify(sync, wake);
}

/** Report a failure of the analysis (slot STATUS: the trace fails with it) or of the trace (slot TRACE). */
function fail(e: unknown, slot: number): void {
  port.postMessage({ error: e instanceof Error ? e.stack ?? e.message : String(e) });
  signal(slot, 2);
  if (slot === Sync.STATUS) Atomics.store(sync, Sync.TRACE, 2);
  Atomics.notify(sync, Sync.DONE);
  Atomics.notify(sync, Sync.TRACED);
}

function schedule(): void {
  if (!scheduled) {
    scheduled = true;
    setImmediate(traceSlice);
  }
}

function traceSlice(): void {
  scheduled = false;
  // the analysis first: the reading thread may wait for it (its application layers, the end of the read);
  // the message handler schedules the next slice when it has analyzed the waiting batch
  if (!analysisDone && Atomics.load(sync, Sync.POSTED) > Atomics.load(sync, Sync.DONE)) return;
  try {
    let budget = TRACE_SLICE;
    while (budget > 0 && untraced.length > 0) {
      const b = untraced[0];
      const k = Math.min(b.n - at, budget);
      trace.feed(table, table.tcpStream, b.rows, at, at + k);
      at += k;
      budget -= k;
      Atomics.add(sync, Sync.TRACED, k);
      if (at === b.n) {
        untraced.shift();
        at = 0;
      }
    }
    if (untraced.length > 0) schedule();
    else if (analysisDone) {
      const { state, transfer } = trace.exportState();
      port.postMessage({ trace: state }, transfer);
      signal(Sync.TRACE, 1, Sync.TRACED);
      // nothing left to do: let the thread end
      parentPort!.close();
    }
  } catch (e) {
    fail(e, Sync.TRACE);
    parentPort!.close();
  }
}

parentPort!.on("message", (m: Msg) => {
  try {
    if (m.type === "cols") {
      adoptColumns(table, m.cols, m.length, m.capacity);
    } else if (m.type === "rows") {
      table.length = m.length;
      tcp.analyzeRows(m.rows, m.n);
      Atomics.store(sync, Sync.STREAMS, tcp.streamCount);
      Atomics.add(sync, Sync.ROWS, m.n);
      Atomics.add(sync, Sync.DONE, 1);
      Atomics.notify(sync, Sync.DONE);
      if (tracing) {
        untraced.push({ rows: m.rows, n: m.n });
        schedule();
      }
    } else if (m.type === "finish") {
      tcp.finish();
      // copied, not transferred: the tcptrace pass still has rows to go (docs/performance.md, "detach protector")
      const state = packAnalysis(tcp);
      port.postMessage({ state });
      signal(Sync.STATUS, 1);
      analysisDone = true;
      // without the tcptrace pass there is nothing left to do: let the thread end
      if (tracing) schedule();
      else parentPort!.close();
    }
  } catch (e) {
    fail(e, Sync.STATUS);
  }
});
