#!/usr/bin/env node
"use strict";
// `pcapframe convert F --out DIR` (every packet column and the flow table to Parquet) against
// `tshark -2 -T fields` with the Wireshark field of every packet column that has one (CSV to /dev/null), on
// the same file in the same session. Runs alternate (ours, tshark, ours, …); reported: median wall time,
// median CPU time (user + sys, all threads) and peak RSS of each.
// Usage: node bench/convert-bench.js FILE [--runs 3]   (npm run build first)
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.resolve(__dirname, "..");
const file = process.argv[2];
const i = process.argv.indexOf("--runs");
const RUNS = i > 0 ? Number(process.argv[i + 1]) : 3;
if (!file || !fs.existsSync(file)) {
  console.error("usage: node bench/convert-bench.js FILE [--runs N]  (node bench/make-big.js N FILE makes one)");
  process.exit(2);
}
const lib = require(path.join(ROOT, "dist", "index.js"));
const fields = [...new Set(lib.Capture.describeColumns().filter((c) => c.wireshark).map((c) => c.wireshark.split("/")[0]))];
const out = fs.mkdtempSync(path.join(os.tmpdir(), "convert-bench-"));
const COMMANDS = {
  "pcapframe convert": [process.execPath, path.join(ROOT, "bin", "pcapframe.js"), "convert", file, "--out", path.join(out, "ds")],
  [`tshark -2 -T fields (${fields.length} fields)`]: ["tshark", "-2", "-n", "-r", file, "-T", "fields", "-E", "header=y", "-E", "separator=,", "-E", "quote=d", ...fields.flatMap((f) => ["-e", f])],
};
const timeFile = path.join(out, "time");
function run(name) {
  fs.rmSync(path.join(out, "ds"), { recursive: true, force: true });
  const [cmd, ...args] = COMMANDS[name];
  const r = spawnSync("/usr/bin/time", ["-o", timeFile, "-f", "%e %U %S %M", cmd, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  if (r.status !== 0) throw new Error(`${name} failed (${r.status}): ${String(r.stderr).slice(-500)}`);
  const [wall, user, sys, kb] = fs.readFileSync(timeFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
  return { wall, cpu: user + sys, rssMb: kb / 1024 };
}
const results = Object.fromEntries(Object.keys(COMMANDS).map((k) => [k, []]));
for (let r = 0; r < RUNS; r++) {
  for (const name of Object.keys(COMMANDS)) {
    const x = run(name);
    results[name].push(x);
    process.stderr.write(`run ${r + 1}: ${name}: ${x.wall.toFixed(2)} s wall, ${x.cpu.toFixed(2)} s CPU, ${x.rssMb.toFixed(0)} MB\n`);
  }
}
fs.rmSync(out, { recursive: true, force: true });
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
console.log(`${path.basename(file)}: ${fs.statSync(file).size} bytes; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
console.log("| command | runs | median wall s | median CPU s | peak RSS MB |");
console.log("|---|---|---|---|---|");
const m = {};
for (const [k, rs] of Object.entries(results)) {
  m[k] = { wall: median(rs.map((x) => x.wall)), cpu: median(rs.map((x) => x.cpu)), rss: median(rs.map((x) => x.rssMb)) };
  console.log(`| \`${k}\` | ${rs.length} | ${m[k].wall.toFixed(2)} | ${m[k].cpu.toFixed(2)} | ${m[k].rss.toFixed(0)} |`);
}
const [ours, theirs] = Object.values(m);
console.log(`convert: ${(theirs.wall / ours.wall).toFixed(2)}× tshark's speed in wall time, ${(theirs.cpu / ours.cpu).toFixed(2)}× in CPU time (issue 16's target: ≥ 20×)`);
