/**
 * `pcapframe convert` and `pcapframe sql` as a user runs them (bin/pcapframe.js over the built dist/, where
 * the worker threads exist): several files converted in parallel give the dataset of a one-thread run;
 * warnings go to stderr with the file and byte offset; bad usage is a clear error.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { convert } from "../../lib/store/convert";
import { sql } from "../../lib/store/sql";
import { storeToCSV } from "../../lib/store/csv";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "pcapframe.js");
const DATA = path.join(ROOT, "data");
const built = fs.existsSync(path.join(ROOT, "dist", "store", "convert-worker.js")) && fs.existsSync(path.join(ROOT, "dist", "cli", "index.js"));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pcapframe-store-cli-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const FILES = ["lab-lossy.pcapng", "modbusBig.pcap", "http2-nghttp2.pcap", "bad-truncated.pcap", "four_ipv6_http_streams.pcap"].map((f) => path.join("data", f));
const SUMMARY = "SELECT pcap_file, count(*) AS n, sum(length) AS bytes, count(analysis) AS flagged, min(no) AS first, max(no) AS last FROM packets GROUP BY pcap_file ORDER BY pcap_file";
const FLOWS = "SELECT * EXCLUDE (date, hour) FROM flows ORDER BY pcap_file, first_frame, stream";

describe.skipIf(!built)("pcapframe convert / sql (built CLI)", () => {
  it("converts files in parallel worker threads into the dataset of a one-thread run", async () => {
    const par = path.join(tmp, "par");
    const r = cli(["convert", ...FILES, "--out", par, "--workers", "2", "--batch-rows", "4096"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^5 files, \d+ packets, \d+ flows → /);
    expect(r.stderr).toMatch(/warning: data\/bad-truncated\.pcap: .*byte offset 468/);
    const one = path.join(tmp, "one");
    await convert(FILES, { out: one, workers: 1, batchRows: 4096 });
    expect(storeToCSV(await sql(par, SUMMARY))).toBe(storeToCSV(await sql(one, SUMMARY)));
    expect(storeToCSV(await sql(par, FLOWS))).toBe(storeToCSV(await sql(one, FLOWS)));
    const s = cli(["sql", par, SUMMARY]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toBe(storeToCSV(await sql(one, SUMMARY)));
    expect(s.stdout.split("\n")[0]).toBe("pcap_file,n,bytes,flagged,first,last");
  });

  it("a directory argument converts its files in name order; --shard splits, the union is whole", async () => {
    const dir = path.join(tmp, "rotations");
    fs.mkdirSync(dir);
    for (const f of ["lab-clean.pcapng", "lab-lossy.pcapng"]) fs.copyFileSync(path.join(DATA, f), path.join(dir, f));
    const outs = [1, 2].map((i) => path.join(tmp, `sh${i}`));
    for (let i = 1; i <= 2; i++) expect(cli(["convert", dir, "--out", outs[i - 1], "--shard", `${i}/2`]).code).toBe(0);
    const whole = path.join(tmp, "whole");
    expect(cli(["convert", dir, "--out", whole]).code).toBe(0);
    const count = async (d: string) => Number((await sql(d, "SELECT count(*) AS n FROM packets")).columns[0].values[0]);
    expect((await count(outs[0])) + (await count(outs[1]))).toBe(await count(whole));
  });

  it("bad usage is a clear error", () => {
    expect(cli(["convert", "data/lab-lossy.pcapng"]).stderr).toMatch(/missing --out DIR/);
    expect(cli(["convert", "--out", tmp]).stderr).toMatch(/missing FILES argument/);
    expect(cli(["convert", "data/lab-lossy.pcapng", "--out", tmp, "--shard", "4/3"]).stderr).toMatch(/--shard wants i\/n/);
    expect(cli(["sql", tmp]).stderr).toMatch(/missing QUERY argument\nusage: pcapframe sql DIR/);
    expect(cli(["convert", "data/lab-lossy.pcapng", "--out", tmp, "--batch-rows", "abc"]).stderr).toMatch(/--batch-rows expects an integer, got "abc"/);
    expect(cli(["convert", "data/lab-lossy.pcapng", "--out", tmp, "--batch-rows", "0"]).stderr).toMatch(/--batch-rows must be at least 1/);
    const bad = cli(["sql", path.join(tmp, "par"), "SELECT nope FROM packets"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/nope/);
  });
});
