/**
 * Script entry of the lab harness:
 *
 *   node dist/lab/cli.js [--loss 0.03] [--tls 1.2|1.3] [--out data/] [--name lab-lossy]
 *                        [--student "1811398 Li Hua"] [--major "..."] [--media lab|small]
 *                        [--linger 5000] [--screenshot page.png] [--keep-temp] [--note "..."]
 *
 * Prints the LabResult as JSON on stdout. Exit code 1 on error, 2 on bad usage.
 */
import { parseArgs } from "node:util";
import { removeStaleNamespaces, runLab, type LabOptions } from "./index";

const USAGE = `usage: node dist/lab/cli.js [--loss 0.03] [--tls 1.2|1.3] [--out data/] [--name lab]
       [--student "1811398 Li Hua"] [--major "Computer Networks capture test page"]
       [--media lab|small] [--play MS] [--linger MS] [--timeout MS] [--screenshot FILE]
       [--chromium /usr/bin/chromium] [--cache-dir DIR] [--keep-temp] [--note TEXT]
       node dist/lab/cli.js --cleanup   (remove pf-* namespaces left by killed runs)
Runs as root. --loss is a fraction (0.03 = 3 % of the server's data segments dropped).`;

/** Turns argv into LabOptions (validation happens in runLab). */
export function parseLabArgs(argv: string[]): LabOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      loss: { type: "string" },
      tls: { type: "string" },
      out: { type: "string" },
      name: { type: "string" },
      student: { type: "string" },
      major: { type: "string" },
      media: { type: "string" },
      play: { type: "string" },
      linger: { type: "string" },
      timeout: { type: "string" },
      screenshot: { type: "string" },
      chromium: { type: "string" },
      "cache-dir": { type: "string" },
      "keep-temp": { type: "boolean" },
      note: { type: "string" },
      cleanup: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    process.exit(0);
  }
  if (values.cleanup) {
    const removed = removeStaleNamespaces();
    process.stdout.write(removed.length ? `removed: ${removed.join(" ")}\n` : "no stale lab namespaces\n");
    process.exit(0);
  }
  const num = (v: string | undefined, flag: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`--${flag} expects a number, got "${v}"`);
    return n;
  };
  const opts: Record<string, unknown> = {
    loss: num(values.loss, "loss"),
    tls: values.tls,
    out: values.out,
    name: values.name,
    major: values.major,
    media: values.media,
    playMs: num(values.play, "play"),
    lingerMs: num(values.linger, "linger"),
    timeoutMs: num(values.timeout, "timeout"),
    screenshot: values.screenshot,
    chromium: values.chromium,
    cacheDir: values["cache-dir"],
    keepTemp: values["keep-temp"],
    note: values.note,
  };
  if (values.student !== undefined) {
    // "1811398 Li Hua" → number + name; anything not starting with digits is a name.
    const m = /^\s*(\d[\w-]*)\s*(.*)$/.exec(values.student);
    if (m) {
      opts.studentId = m[1];
      if (m[2]) opts.studentName = m[2].trim();
    } else {
      opts.studentName = values.student.trim();
    }
  }
  for (const k of Object.keys(opts)) if (opts[k] === undefined) delete opts[k];
  return opts as LabOptions;
}

async function main(): Promise<void> {
  let opts: LabOptions;
  try {
    opts = parseLabArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exit(2);
  }
  try {
    const result = await runLab(opts);
    process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  } catch (err) {
    process.stderr.write(`pcapframe lab: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

if (require.main === module) void main();
