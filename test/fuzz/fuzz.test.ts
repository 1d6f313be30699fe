/**
 * The short version of `npm run fuzz` (test/fuzz/fuzz.js): a few hundred mutated captures through every
 * reader and the public API, and every cut of the small classic pcaps; nothing but CaptureError may
 * escape, nothing may hang, a cut pcap keeps exactly its complete records. Runs on the built dist/.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
const built = fs.existsSync(path.join(ROOT, "dist", "index.js"));

function fuzz(args: string[], env: Record<string, string> = {}): { code: number | null; summary: Record<string, number> } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "pcapframe-fuzz-"));
  const r = spawnSync(process.execPath, [path.join(__dirname, "fuzz.js"), "--json", "--workers", "1", "--out", out, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  const last = r.stdout.trim().split("\n").pop() ?? "{}";
  return { code: r.status, summary: JSON.parse(last) };
}

describe.skipIf(!built)("fuzz harness (short)", () => {
  it("mutated captures: only CaptureError escapes, nothing hangs, cut pcaps keep exactly their complete records", () => {
    // test/fuzz/regressions is replayed first: ioGraph inputs (a timestamp flipped weeks away) that took 4–40 s
    // before ioGraph refused spans of more than IO_MAX_BINS intervals
    const { code, summary } = fuzz(["--cases", "150", "--seed", "7", "--sweep", "small", "--timeout", "20000"]);
    expect(summary.failures, JSON.stringify(summary.failures)).toEqual([]);
    expect(summary.escapes).toBe(0);
    expect(summary.hangs).toBe(0);
    expect(summary.lostRecords).toBe(0);
    expect(summary.strictMismatches).toBe(0);
    expect(summary.sweepCases).toBeGreaterThan(5000);
    expect(code).toBe(0);
  }, 120_000);

  it("reports an escape (the harness's self-test target throws a TypeError)", () => {
    const { code, summary } = fuzz(["--cases", "5", "--sweep", "none", "--replay", "none"], { PCAPFRAME_FUZZ_SELFTEST: "1" });
    expect(summary.escapes).toBeGreaterThan(0);
    expect(code).toBe(1);
  }, 60_000);
});
