/**
 * The TCP analysis worker thread (see lib/tcp/parallel.ts): a TcpAnalyzer over a view of the reading
 * thread's shared packet table, fed batches of row numbers in file order.
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { PacketTable } from "../table/packet-table";
import { TcpAnalyzer } from "./analysis";
import { Sync } from "./parallel";

type Msg =
  | { type: "cols"; cols: Record<string, ArrayLike<number>>; length: number; capacity: number }
  | { type: "rows"; rows: Int32Array; n: number; length: number }
  | { type: "finish" };

const { sync, port, explain } = workerData as { sync: Int32Array; port: MessagePort; explain: boolean };
const table = new PacketTable(16);
const tcp = new TcpAnalyzer(table);
tcp.explain = explain;

function fail(e: unknown): void {
  port.postMessage({ error: e instanceof Error ? e.stack ?? e.message : String(e) });
  Atomics.store(sync, Sync.STATUS, 2);
  Atomics.notify(sync, Sync.STATUS);
  Atomics.notify(sync, Sync.DONE);
}

parentPort!.on("message", (m: Msg) => {
  try {
    if (m.type === "cols") {
      table.adopt(m.cols, m.length, m.capacity);
    } else if (m.type === "rows") {
      table.length = m.length;
      tcp.analyzeRows(m.rows, m.n);
      Atomics.store(sync, Sync.STREAMS, tcp.streamCount);
      Atomics.add(sync, Sync.ROWS, m.n);
      Atomics.add(sync, Sync.DONE, 1);
      Atomics.notify(sync, Sync.DONE);
    } else if (m.type === "finish") {
      tcp.finish();
      const { state, transfer } = tcp.exportState();
      port.postMessage({ state }, transfer);
      Atomics.store(sync, Sync.STATUS, 1);
      Atomics.notify(sync, Sync.STATUS);
    }
  } catch (e) {
    fail(e);
  }
});
