/** What a read takes: one file, its bytes, a list of files read as one capture, or a directory of rotations. */
import * as fs from "node:fs";
import * as path from "node:path";
import { CaptureError } from "../base/errors";

export type CaptureInput = string | Uint8Array | readonly string[];

/**
 * The files (or bytes) of an input, in reading order. A directory stands for its files in natural name
 * order — tcpdump's `-C` rotations (trace.pcap, trace.pcap1, … trace.pcap10) and `-G` time-stamped names
 * both sort into capture order — skipping hidden files.
 */
export function resolveInputs(input: CaptureInput): (string | Uint8Array)[] {
  if (input instanceof Uint8Array) return [input];
  if (typeof input === "string") return isDirectory(input) ? directoryFiles(input) : [input];
  if (!Array.isArray(input) || input.length === 0 || !input.every((f) => typeof f === "string")) {
    throw new TypeError("readCapture: expected a file path, a directory, a non-empty list of file paths, or the capture's bytes (Uint8Array)");
  }
  return input.flatMap((f) => (isDirectory(f) ? directoryFiles(f) : [f]));
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const natural = new Intl.Collator("en", { numeric: true });

function directoryFiles(dir: string): string[] {
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort(natural.compare);
  if (names.length === 0) throw new CaptureError("io_error", 0, 0, `no files in directory ${dir}`);
  return names.map((n) => path.join(dir, n));
}
