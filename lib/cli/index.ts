/**
 * The `pcapframe` command: finds the command in the table (commands.ts), parses its arguments with its
 * declared options (args.ts) and runs it. Exit status: 0 done, 1 the capture could not be read (or the
 * command failed), 2 bad usage (unknown command or option, missing or malformed value, unknown column).
 */
import { Socket } from "node:net";
import { CaptureError } from "../base/errors";
import { type CommandIO, type CommandSpec, UsageError, commandUsage, parseCommandArgs, suggest, synopsis } from "./args";
import { COMMANDS } from "./commands";

export { COMMANDS } from "./commands";
export { UsageError, commandUsage, parseCommandArgs, type CommandSpec, type CommandIO, type OptionSpec } from "./args";

/** The overall usage: one synopsis and summary per command. */
export function usage(): string {
  const lines = ["pcapframe — packet captures as tables, TCP analysis, flows and plots", "", "Usage:"];
  for (const c of COMMANDS) lines.push(`  ${synopsis(c)}`, `      ${c.summary}`);
  lines.push(
    "",
    "`pcapframe COMMAND --help` lists a command's options. FILE may be pcap (µs/ns, either byte order),",
    "pcapng, or either gzip-compressed; the format is detected from the magic number. A file that is not",
    "a capture is an error; framing errors keep the packets before them (warning on stderr), --strict",
    "makes them fatal. Exit status: 0 done, 1 the capture could not be read, 2 bad usage.",
  );
  return lines.join("\n");
}

function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/**
 * Whether stdout may keep a chunk queued after write() returns: a pipe, socket or terminal (a net.Socket)
 * may; a file (or /dev/null) is written synchronously, before write() returns.
 */
const stdoutQueues = (): boolean => process.stdout instanceof Socket;

const processIO: CommandIO = {
  out: (s) => void process.stdout.write(s),
  // the caller reuses its buffer: a copy when stdout may still hold the chunk afterwards (saves allocating
  // and copying the whole output, e.g. 200 MB of CSV into a file)
  write: (b) => void process.stdout.write(stdoutQueues() ? Buffer.from(b) : b),
  err: (s) => void process.stderr.write(s),
};

/** Entry point used by bin/pcapframe.js. Returns the exit code. */
export async function main(argv: string[], io: CommandIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const sub = name === "help" && rest[0] ? findCommand(rest[0]) : undefined;
    (name === undefined ? io.err : io.out)((sub ? commandUsage(sub) : usage()) + "\n");
    return name === undefined ? 2 : 0;
  }
  const cmd = findCommand(name);
  try {
    if (!cmd) {
      const hint = name.startsWith("-") ? ` (options go after the command: pcapframe COMMAND ${name} …)` : suggest(name, COMMANDS.map((c) => c.name));
      throw new UsageError(null, `unknown command "${name}"${hint}`);
    }
    const args = parseCommandArgs(cmd, rest);
    if (args.help) {
      io.out(commandUsage(cmd) + "\n");
      return 0;
    }
    return await cmd.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      const spec = e.command ? findCommand(e.command) : undefined;
      io.err(`pcapframe${e.command ? " " + e.command : ""}: ${e.message}\n${spec ? commandUsage(spec) : usage()}\n`);
      return 2;
    }
    if (e instanceof CaptureError) {
      io.err(`pcapframe${cmd ? " " + cmd.name : ""}: ${e.message} [${e.code}]\n`);
      return 1;
    }
    // Any other failure (a bad option value caught by a library function, tshark missing…): one line, no stack.
    io.err(`pcapframe${cmd ? " " + cmd.name : ""}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
