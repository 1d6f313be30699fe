/** `pcapframe start [FILE]`: the main job — summary of the bundled lab capture, then every notebook to HTML. */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { readCapture } from "../capture/capture";
import { buildFlows } from "../flows/build";
import type { CommandSpec } from "./args";

export const start: CommandSpec = {
  name: "start",
  summary: "the main job: summary of data/lab-lossy.pcapng (or FILE) + every notebook executed to out/",
  positional: [{ name: "FILE", optional: true }],
  options: [{ name: "no-notebooks", type: "flag", description: "only the summary" }],
  run(args, io) {
    const root = path.resolve(__dirname, "..", "..");
    const file = args.positional[0] ?? path.join(root, "data", "lab-lossy.pcapng");
    const cap = readCapture(file);
    const warn = cap.warningsText();
    if (warn) io.err(warn.replace(/^/gm, "pcapframe: ") + "\n");
    io.out(`pcapframe: ${path.relative(process.cwd(), file)}: ${cap.length} packets, ${cap.meta.format}, ${cap.meta.duration.toFixed(3)} s\n`);
    const recs = buildFlows(cap).toRecords();
    io.out(`${recs.length} flows:\n`);
    for (const f of recs.slice(0, 20)) {
      io.out(`  stream ${f.stream ?? "-"} ${f.proto} ${f.addr_a}:${f.port_a ?? ""} → ${f.addr_b}:${f.port_b ?? ""}  ${f.pkts_a2b}+${f.pkts_b2a} pkts  ${f.state ?? ""} ${f.history ?? ""}${f.sni ? "  SNI " + f.sni : ""}${f.tls_cipher ? "  " + f.tls_cipher : ""}\n`);
    }
    if (args.opts["no-notebooks"]) return 0;
    const nbDir = path.join(root, "notebooks");
    const nbs = fs.existsSync(nbDir) ? fs.readdirSync(nbDir).filter((f) => f.endsWith(".ipynb")).sort() : [];
    if (nbs.length === 0) return 0;
    io.out(`executing ${nbs.length} notebooks with the tslab kernel …\n`);
    const r = spawnSync("/usr/bin/python3", [path.join(root, "scripts", "run-notebooks.py"), "-j", "2", ...nbs.map((n) => path.join(nbDir, n))], {
      cwd: root,
      stdio: "inherit",
    });
    return r.status ?? 1;
  },
};
