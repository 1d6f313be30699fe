/** What the commands that read a capture share: the FILE argument, the read options, loading with warnings, column checks. */
import * as fs from "node:fs";
import { readCapture, Capture } from "../capture/capture";
import type { ReadOptions } from "../read/options";
import { type CommandIO, type OptionSpec, type ParsedArgs, type PositionalSpec, UsageError, suggest } from "./args";

export const FILE_ARG: PositionalSpec = { name: "FILE", description: "pcap / pcapng, optionally gzip-compressed" };

/** Options of every command that reads a capture (add a read option here once, e.g. --keylog). */
export const READ_OPTIONS: readonly OptionSpec[] = [
  { name: "strict", type: "flag", description: "a framing error is fatal (default: keep the packets before it, warn on stderr)" },
];

/** The display-filter option of the commands that select packets. */
export const FILTER_OPTION: OptionSpec = {
  name: "filter",
  short: "Y",
  type: "string",
  value: "EXPR",
  description: "Wireshark display filter (not available yet: an error, never ignored)",
};

/** Read FILE with the read options; framing warnings go to stderr, where the user looks. */
export function loadCapture(cmd: string, args: ParsedArgs, io: CommandIO, extra: Omit<ReadOptions, "strict"> = {}): Capture {
  const file = args.positional[0];
  if (!fs.existsSync(file)) throw new UsageError(cmd, `no such file: ${file}`);
  const cap = readCapture(file, { ...extra, strict: args.opts.strict === true });
  const text = cap.warningsText();
  if (text) io.err(text.replace(/^/gm, "pcapframe: ") + "\n");
  return cap;
}

/**
 * The rows a display filter selects. Until the display-filter engine (issue 13) lands, a filter is an
 * error: printing every packet would be a wrong answer given silently.
 */
export function filterRows(cmd: string, _cap: Capture, expr: string | undefined): number[] | undefined {
  if (expr === undefined) return undefined;
  throw new UsageError(cmd, `display filters (-Y/--filter "${expr}") are not supported yet; nothing was filtered`);
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
