/**
 * Every `npx pcapframe …` example in the README's ```bash blocks, executed as written (the launcher on the
 * built dist/, in a scratch directory holding a link to data/, `F` standing for data/lab-lossy.pcapng):
 * each must exit 0 with output and no stack trace. Skipped, with the reason: `lab` (needs root and network
 * namespaces; test/lab/ runs the harness), `plot` without Chromium, `compare` without tshark.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { chromiumAvailable } from "../../lib/plot/browser";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "pcapframe.js");
const built = fs.existsSync(path.join(ROOT, "dist", "cli", "index.js"));
const hasTshark = spawnSync("tshark", ["-v"], { encoding: "utf8" }).status === 0;

/** The `npx pcapframe …` lines of the README's bash blocks (comments removed), with their line numbers. */
export function readmeExamples(readme: string): { line: number; command: string }[] {
  const out: { line: number; command: string }[] = [];
  let inBash = false;
  readme.split("\n").forEach((l, i) => {
    if (/^```bash\s*$/.test(l)) inBash = true;
    else if (/^```/.test(l)) inBash = false;
    else if (inBash && /^\s*(sudo\s+)?npx pcapframe\b/.test(l)) out.push({ line: i + 1, command: l.replace(/\s+#.*$/, "").trim() });
  });
  return out;
}

/** Shell-like split (no quotes are used in the README's examples, but allow "…"). */
function words(s: string): string[] {
  return (s.match(/"[^"]*"|\S+/g) ?? []).map((w) => w.replace(/^"|"$/g, ""));
}

function skipReason(argv: string[], sudo: boolean): string | null {
  const cmd = argv[0];
  if (cmd === "lab" || sudo) return "needs root and network namespaces (test/lab/ runs the harness)";
  if (cmd === "plot" && !chromiumAvailable()) return "needs Chromium";
  if (cmd === "compare" && !hasTshark) return "needs tshark";
  return null;
}

/**
 * README text the lead is changing (the README is edited on main only): an example that names a column
 * that does not exist (`why`) runs with the corrected text until the README has it. Delete an entry once
 * the README no longer contains its `from`.
 */
const PENDING_README_FIXES: { from: string; to: string }[] = [];

const examples = readmeExamples(fs.readFileSync(path.join(ROOT, "README.md"), "utf8")).map((ex) => {
  let command = ex.command;
  for (const f of PENDING_README_FIXES) command = command.replace(f.from, f.to);
  return { ...ex, command };
});

describe.skipIf(!built)("README command-line examples run as written", () => {
  it("finds the examples", () => expect(examples.length).toBeGreaterThanOrEqual(6));

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pcapframe-readme-"));
  fs.symlinkSync(path.join(ROOT, "data"), path.join(scratch, "data"));

  for (const ex of examples) {
    const sudo = ex.command.startsWith("sudo ");
    const argv = words(ex.command.replace(/^(sudo\s+)?npx pcapframe\s*/, "")).map((w) => (w === "F" ? "data/lab-lossy.pcapng" : w));
    const reason = skipReason(argv, sudo);
    it.skipIf(reason !== null)(`README line ${ex.line}: ${ex.command}${reason ? ` — skipped: ${reason}` : ""}`, () => {
      const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: scratch, encoding: "utf8", maxBuffer: 1 << 28, timeout: 300_000 });
      expect(r.status, `${ex.command}\n${r.stderr}`).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const o = argv.indexOf("-o");
      if (o > 0) expect(fs.statSync(path.join(scratch, argv[o + 1])).size).toBeGreaterThan(1000);
    }, 300_000);
  }
});
