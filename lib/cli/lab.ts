/** `pcapframe lab …`: record a real browser ↔ HTTPS server capture in network namespaces (root). */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { readCapture } from "../capture/capture";
import { runLab, removeStaleNamespaces } from "../lab/index";
import { parseLabArgs } from "../lab/cli";
import { labFacts, formatLabFacts } from "../lab/facts";
import type { CommandSpec, OptionSpec } from "./args";

const LAB_OPTIONS: OptionSpec[] = [
  { name: "loss", type: "number", min: 0, value: "FRACTION", description: "random loss of the server's data segments (0.03 = 3%)" },
  { name: "tls", type: "string", choices: ["1.2", "1.3"], description: "TLS version (default 1.2)" },
  { name: "out", type: "string", value: "DIR", description: "where the capture, key log and facts go (default data/)" },
  { name: "name", type: "string", description: "base name of the files (default lab)" },
  { name: "student", type: "string", value: "\"ID NAME\"", description: "student number and name on the page" },
  { name: "major", type: "string", value: "TEXT", description: "the page's major line" },
  { name: "media", type: "string", choices: ["lab", "small"], description: "media set served" },
  { name: "play", type: "int", min: 0, value: "MS", description: "how long the page plays its media" },
  { name: "linger", type: "int", min: 0, value: "MS", description: "wait after the load before stopping the capture" },
  { name: "timeout", type: "int", min: 1, value: "MS", description: "overall time limit" },
  { name: "screenshot", type: "string", value: "FILE", description: "save a screenshot of the page" },
  { name: "chromium", type: "string", value: "PATH", description: "the browser executable" },
  { name: "cache-dir", type: "string", value: "DIR", description: "cache of generated media" },
  { name: "keep-temp", type: "flag", description: "keep the temporary directory" },
  { name: "note", type: "string", value: "TEXT", description: "a note stored with the capture" },
  { name: "notebooks", type: "flag", description: "then execute every notebook on the new capture, into out/NAME/" },
  { name: "cleanup", type: "flag", description: "only remove namespaces left by killed runs" },
];

export const lab: CommandSpec = {
  name: "lab",
  summary: "record a real browser ↔ HTTPS server capture in network namespaces (root)",
  positional: [],
  options: LAB_OPTIONS,
  async run(args, io) {
    if (args.opts.cleanup) {
      const removed = removeStaleNamespaces();
      io.out(removed.length ? `removed: ${removed.join(" ")}\n` : "no stale lab namespaces\n");
      return 0;
    }
    // the lab's own option mapping (student "ID NAME" split, ms names) from the validated values
    const argv: string[] = [];
    for (const o of LAB_OPTIONS) {
      const v = args.opts[o.name];
      if (v === undefined || o.name === "notebooks") continue;
      if (o.type === "flag") argv.push(`--${o.name}`);
      else argv.push(`--${o.name}`, String(v));
    }
    const opts = parseLabArgs(argv);
    // Random loss may miss what the notebooks explain (a fast retransmission after SACKed dup ACKs…):
    // record again, up to three runs in all.
    const attempts = (opts.loss ?? 0) > 0 ? 3 : 1;
    const record = async (k: number): Promise<{ res: { name: string; pcapng: string; keylog: string }; missing: string[] }> => {
      const res = await runLab({ ...opts, note: [opts.note, attempts > 1 ? `attempt ${k} of ${attempts}` : ""].filter(Boolean).join("; ") || undefined });
      io.out(JSON.stringify(res, null, 2) + "\n");
      const facts = labFacts(readCapture(res.pcapng));
      io.out(formatLabFacts(facts) + "\n");
      return { res, missing: facts.missing };
    };
    let { res, missing } = await record(1);
    for (let k = 2; k <= attempts && missing.length; k++) {
      io.out(`recording again (attempt ${k} of ${attempts}) …\n`);
      ({ res, missing } = await record(k));
    }
    if (missing.length) io.err(`pcapframe lab: the capture lacks: ${missing.join("; ")}\n`);
    if (!args.opts.notebooks) return missing.length ? 1 : 0;
    // Execute the notebooks on the new capture (PCAPFRAME_FILE) and its key log (PCAPFRAME_KEYLOG), into out/<name>/.
    const root = path.resolve(__dirname, "..", "..");
    const outDir = path.join(root, "out", res.name);
    io.out(`executing the notebooks on ${path.relative(process.cwd(), res.pcapng)} …\n`);
    const r = spawnSync("/usr/bin/python3", [path.join(root, "scripts", "run-notebooks.py"), "-j", "2", "--out", outDir], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, PCAPFRAME_FILE: path.resolve(res.pcapng), ...(fs.existsSync(res.keylog) ? { PCAPFRAME_KEYLOG: path.resolve(res.keylog) } : {}) },
    });
    if (r.status !== 0) return r.status ?? 1;
    return missing.length ? 1 : 0;
  },
};
