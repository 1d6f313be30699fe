#!/usr/bin/env node
"use strict";
// Display-filter benchmark (issue 13): compile + evaluate ten typical filters on the 1 M-packet capture,
// against the read itself (readCapture with TCP analysis and application layers, the default) and against
// `tshark -2 -n -r FILE -Y FILTER -T fields -e frame.number` on the same file, in the same run. Ours: each
// round is a fresh node process that reads the file once and then runs every filter once (compile +
// evaluate, a fresh evaluation state each time); medians over rounds. tshark: `tsharkRuns` runs per filter
// (default 1: a run takes tens of seconds). Frame counts of ours and tshark are compared.
// Usage: node bench/filter-bench.js [file=bench/big.pcap] [rounds=5] [tsharkRuns=1]   (needs `npm run build`)
const { spawnSync, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const file = path.resolve(process.argv[2] || path.join(__dirname, "big.pcap"));
const rounds = Number(process.argv[3] || 5);
const tsharkRuns = Number(process.argv[4] ?? 1);
if (!fs.existsSync(file)) {
  console.log(`generating ${file} …`);
  execFileSync(process.execPath, [path.join(__dirname, "make-big.js"), "1000000", file], { stdio: "inherit" });
}
const root = path.resolve(__dirname, "..");

const FILTERS = [
  "tcp.analysis.retransmission",
  "tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive && !tcp.analysis.keep_alive_ack",
  "tcp.port == 1500",
  "ip.addr == 192.168.0.7",
  "ip.src == 10.0.0.0/24 && tcp.len > 0",
  "tcp.flags.syn == 1 && tcp.flags.ack == 0",
  "tcp.stream eq 7",
  "frame.len > 1000",
  "tcp.analysis.duplicate_ack || tcp.analysis.lost_segment",
  "tcp.port in {80, 443, 8000..8080} && tcp.analysis.ack_rtt > 0.2",
];

function ours() {
  const code = `
    const { readCapture } = require(${JSON.stringify(root + "/dist/index")});
    const { compileFilter } = require(${JSON.stringify(root + "/dist/filter/index")});
    const F = ${JSON.stringify(FILTERS)};
    let t0 = process.hrtime.bigint();
    const cap = readCapture(${JSON.stringify(file)});
    const read = Number(process.hrtime.bigint() - t0) / 1e6;
    const out = { read, ms: [], n: [] };
    for (const f of F) {
      t0 = process.hrtime.bigint();
      const rows = compileFilter(f).rows(cap);
      out.ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      out.n.push(rows.length);
    }
    console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ["--max-old-space-size=8192", "-e", code], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

function tshark(f) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("tshark", ["-2", "-n", "-r", file, "-Y", f, "-T", "fields", "-e", "frame.number"], { encoding: "utf8", maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(r.stderr);
  return { ms, n: r.stdout.split("\n").filter(Boolean).length };
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const runs = [];
const ts = FILTERS.map(() => []);
for (let k = 0; k < Math.max(rounds, tsharkRuns); k++) {
  if (k < rounds) runs.push(ours());
  if (k < tsharkRuns) FILTERS.forEach((f, i) => ts[i].push(tshark(f)));
  process.stderr.write(`round ${k + 1}\n`);
}
const read = median(runs.map((r) => r.read));
console.log(`file: ${path.basename(file)}; read (readCapture, default options): median ${read.toFixed(0)} ms over ${rounds} rounds`);
console.log("| filter | frames | ours (ms, median) | % of read | tshark -2 -Y (s) | tshark / ours |");
console.log("|---|---:|---:|---:|---:|---:|");
FILTERS.forEach((f, i) => {
  const ms = median(runs.map((r) => r.ms[i]));
  const n = runs[0].n[i];
  const t = ts[i].length ? median(ts[i].map((x) => x.ms)) : NaN;
  const tn = ts[i].length ? ts[i][0].n : null;
  const agree = tn === null ? "" : tn === n ? "" : ` (tshark: ${tn})`;
  console.log(`| \`${f.replace(/\|/g, "\\|")}\` | ${n}${agree} | ${ms.toFixed(1)} | ${((ms / read) * 100).toFixed(2)} % | ${(t / 1000).toFixed(1)} | ${Number.isNaN(t) ? "" : Math.round(t / ms) + "×"} |`);
});
