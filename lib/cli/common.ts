/** What the commands that read a capture share: the FILE argument, the read options, loading with warnings, column checks. */
import * as fs from "node:fs";
import { readCapture, Capture } from "../capture/capture";
import { terminalProgress } from "../base/progress";
import { compileFilter, FilterError } from "../filter/index";
import type { ReadOptions } from "../read/options";
import { type CommandIO, type OptionSpec, type ParsedArgs, type PositionalSpec, UsageError, suggest } from "./args";

export const FILE_ARG: PositionalSpec = {
  name: "FILE",
  many: true,
  description: "pcap / pcapng, optionally gzip-compressed; several files or a directory (tcpdump -C/-G rotations) read as one capture",
};

/** Options of every command that reads a capture (add a read option here once, e.g. --keylog). */
export const READ_OPTIONS: readonly OptionSpec[] = [
  { name: "strict", type: "flag", description: "a framing error is fatal (default: keep the packets before it, warn on stderr)" },
  { name: "keylog", type: "string", value: "KEYS", description: "TLS key log (SSLKEYLOGFILE, NSS format): decrypt TLS; pcapng secrets blocks are used without it" },
];

/** The display-filter option of the commands that select packets. */
export const FILTER_OPTION: OptionSpec = {
  name: "filter",
  short: "Y",
  type: "string",
  value: "EXPR",
  description: "only the frames matching a Wireshark display filter (tshark 4.0's language)",
};

/**
 * Read FILE (or FILE…, as one capture) with the read options; a progress bar on stderr when it is a terminal;
 * framing warnings go to stderr, where the user looks.
 */
export function loadCapture(cmd: string, args: ParsedArgs, io: CommandIO, extra: Omit<ReadOptions, "strict" | "keylog" | "onProgress"> = {}): Capture {
  for (const f of args.positional) if (!fs.existsSync(f)) throw new UsageError(cmd, `no such file: ${f}`);
  const keylog = args.opts.keylog as string | undefined;
  if (keylog !== undefined && !fs.existsSync(keylog)) throw new UsageError(cmd, `no such key log: ${keylog}`);
  const input = args.positional.length > 1 ? args.positional : args.positional[0];
  const bar = terminalProgress(process.stderr);
  let cap: Capture;
  try {
    cap = readCapture(input, { ...extra, strict: args.opts.strict === true, onProgress: bar?.update, ...(keylog !== undefined ? { keylog } : {}) });
  } finally {
    bar?.done();
  }
  const text = cap.warningsText();
  if (text) io.err(text.replace(/^/gm, "pcapframe: ") + "\n");
  return cap;
}

/** Run `f`; a FilterError from it is a usage error with its message. */
function asUsage<T>(cmd: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof FilterError) throw new UsageError(cmd, `invalid display filter: ${e.message}`);
    throw e;
  }
}

/** The rows a display filter selects (undefined: no filter); an invalid filter is a usage error with its message. */
export function filterRows(cmd: string, cap: Capture, expr: string | undefined): number[] | undefined {
  return expr === undefined ? undefined : asUsage(cmd, () => Array.from(cap.filterRows(expr)));
}

/** Check a display filter without running it (before the capture is read): an invalid one is a usage error. */
export function checkFilter(cmd: string, expr: string | undefined): void {
  if (expr !== undefined) asUsage(cmd, () => compileFilter(expr));
}

/** Check packet column names (a bad one is a usage error naming the nearest known column). */
export function checkPacketColumns(cmd: string, names: readonly string[]): void {
  const known = Capture.columnNames;
  for (const n of names)
    if (!known.includes(n)) throw new UsageError(cmd, `unknown column "${n}"${suggest(n, known)}; \`pcapframe columns\` lists them`);
}

/** Check flow column names. */
export function checkFlowColumns(cmd: string, names: readonly string[], known: readonly string[]): void {
  for (const n of names)
    if (!known.includes(n)) throw new UsageError(cmd, `unknown flow column "${n}"${suggest(n, known)}; \`pcapframe columns --flows\` lists them`);
}
