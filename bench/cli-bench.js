#!/usr/bin/env node
"use strict";
// Side by side, on one capture: `pcapframe packets F --csv` against `tshark -2 -T fields` with the same
// columns, and `pcapframe flows F --csv` against `tcptrace -l`. Runs alternate (ours, theirs, ours, …) so that
// both see the same machine load; reported: the median wall time and the median CPU time (user + sys, all
// threads: fair on a shared machine, where wall time mostly measures the neighbours).
// Usage: node bench/cli-bench.js [FILE=bench/big.pcap] [--runs 3] [--tshark-runs 1]   (npm run build first)
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.resolve(__dirname, "..");
const arg = (k, d) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1] : d;
};
const file = process.argv[2] && !process.argv[2].startsWith("--") ? process.argv[2] : path.join(__dirname, "big.pcap");
const RUNS = Number(arg("runs", 3));
const TSHARK_RUNS = Number(arg("tshark-runs", 1));
if (!fs.existsSync(file)) {
  console.error(`cli-bench: ${file} is missing (node bench/make-big.js writes bench/big.pcap)`);
  process.exit(2);
}
const lib = require(path.join(ROOT, "dist", "index.js"));

// the CSV's default columns, as the Wireshark fields they mirror
const described = new Map(lib.Capture.describeColumns().map((c) => [c.name, c.wireshark.split("/")[0]]));
const fields = lib.DEFAULT_CSV_COLUMNS.map((c) => described.get(c));
if (fields.some((f) => !f)) throw new Error(`a default column has no Wireshark field: ${lib.DEFAULT_CSV_COLUMNS.join(",")}`);

const BIN = path.join(ROOT, "bin", "pcapframe.js");
const COMMANDS = {
  "pcapframe packets --csv": [process.execPath, BIN, "packets", file, "--csv"],
  "tshark -2 -T fields": ["tshark", "-2", "-n", "-r", file, "-T", "fields", "-E", "header=y", "-E", "separator=,", "-E", "quote=d", ...fields.flatMap((f) => ["-e", f])],
  "pcapframe flows --csv": [process.execPath, BIN, "flows", file, "--csv"],
  "tcptrace -l": ["tcptrace", "-l", "-n", file],
};

const timeFile = path.join(os.tmpdir(), `cli-bench-${process.pid}.time`);
function run(name) {
  const [cmd, ...args] = COMMANDS[name];
  const r = spawnSync("/usr/bin/time", ["-o", timeFile, "-f", "%e %U %S", cmd, ...args], { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${name} failed (${r.status}): ${String(r.stderr).slice(-500)}`);
  const [wall, user, sys] = fs.readFileSync(timeFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
  return { wall, cpu: user + sys };
}

const results = Object.fromEntries(Object.keys(COMMANDS).map((k) => [k, []]));
const load = [];
for (let i = 0; i < RUNS; i++) {
  load.push(os.loadavg()[0]);
  for (const name of Object.keys(COMMANDS)) {
    if (name.startsWith("tshark") && i >= TSHARK_RUNS) continue;
    const r = run(name);
    results[name].push(r);
    process.stderr.write(`run ${i + 1}: ${name}: ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU\n`);
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const m = {};
for (const [k, rs] of Object.entries(results)) m[k] = { wall: median(rs.map((r) => r.wall)), cpu: median(rs.map((r) => r.cpu)), runs: rs.length };
const cap = lib.readCapture(file, { tcpAnalysis: false, appLayers: false });
console.log(`${path.basename(file)}: ${cap.length} packets, ${fs.statSync(file).size} bytes; ${os.cpus().length} cores, load average ${load.map((x) => x.toFixed(1)).join(" / ")} at the runs' starts`);
console.log("| command | runs | median wall s | median CPU s |");
console.log("|---|---|---|---|");
for (const [k, v] of Object.entries(m)) console.log(`| \`${k}\` | ${v.runs} | ${v.wall.toFixed(2)} | ${v.cpu.toFixed(2)} |`);
const p = m["pcapframe packets --csv"];
const t = m["tshark -2 -T fields"];
const f = m["pcapframe flows --csv"];
const tt = m["tcptrace -l"];
console.log(`packets --csv: ${(t.wall / p.wall).toFixed(1)}× faster than tshark in wall time, ${(t.cpu / p.cpu).toFixed(1)}× in CPU time (target ≥ 30×)`);
console.log(`flows --csv: ${(f.wall / tt.wall).toFixed(2)}× tcptrace -l in wall time, ${(f.cpu / tt.cpu).toFixed(2)}× in CPU time (target ≤ 1.5×)`);
