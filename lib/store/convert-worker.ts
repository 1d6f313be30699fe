/** Worker thread of `convert`: converts the files posted to it, one at a time (see convert.ts). */
import { parentPort, workerData } from "node:worker_threads";
import { convertFile, type ConvertOptions } from "./convert";

const options = workerData as ConvertOptions;
parentPort?.on("message", (m: { file: string | string[] }) => {
  try {
    const result = convertFile(m.file, options, (bytes, packets) => parentPort!.postMessage({ bytes, packets }));
    parentPort!.postMessage({ result });
  } catch (e) {
    parentPort!.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
