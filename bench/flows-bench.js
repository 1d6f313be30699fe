#!/usr/bin/env node
"use strict";
// Flow benchmark (issue 4): time to build the flow table with tcptrace-method RTT and retransmission
// statistics (`buildFlows`) on a 1 M-packet capture, against the wall time of `tcptrace -l -n -r` on
// the same file. Each run is a fresh process; runs alternate (ours, tcptrace) so background load hits
// both alike; medians of N runs (default 5). Reported:
//   flows      buildFlows(cap) on an already-read capture (the flow step itself)
//   read+flows readCapture(file, { appLayers: false }) + buildFlows: file → table (the TCP analysis runs in a
//              worker thread while the file is read)
//   lite       readCapture(file, { tcpAnalysis: false, appLayers: false }) + buildFlows (which then runs the
//              TCP analysis itself, in one thread)
//   full       readCapture(file) with TCP analysis + app layers, then buildFlows
//   tcptrace   tcptrace -l -n -r FILE > /dev/null
// Needs the compiled library (npm run build → dist/). Usage: node bench/flows-bench.js [file] [runs=5]
const { spawnSync, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const file = path.resolve(process.argv[2] || path.join(__dirname, "big.pcap"));
const runs = Number(process.argv[3] || 5);
const dist = process.env.PCAPFRAME_DIST ? path.resolve(process.env.PCAPFRAME_DIST) : path.join(root, "dist");
if (!fs.existsSync(path.join(dist, "flows", "index.js"))) {
  console.error("build first: node node_modules/typescript/bin/tsc -p tsconfig.json");
  process.exit(1);
}
if (!fs.existsSync(file)) {
  console.log(`generating ${file} …`);
  execFileSync(process.execPath, [path.join(__dirname, "make-big.js"), "1000000", file], { stdio: "inherit" });
}

const script = (opts) => `
  const { readCapture } = require(${JSON.stringify(path.join(dist, "capture-class.js"))});
  const { buildFlows } = require(${JSON.stringify(path.join(dist, "flows", "index.js"))});
  const t0 = process.hrtime.bigint();
  const cap = readCapture(${JSON.stringify(file)}, ${JSON.stringify(opts)});
  const t1 = process.hrtime.bigint();
  const ft = buildFlows(cap);
  const t2 = process.hrtime.bigint();
  console.log(JSON.stringify({ read: Number(t1 - t0) / 1e6, flows: Number(t2 - t1) / 1e6, packets: cap.length, rows: ft.length }));
`;

function node(opts) {
  const r = spawnSync(process.execPath, ["--max-old-space-size=8192", "-e", script(opts)], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

function tcptrace() {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("tcptrace", ["-l", "-n", "-r", file], { stdio: ["ignore", "ignore", "ignore"] });
  if (r.error) throw r.error;
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const lite = { tcpAnalysis: false, appLayers: false };
const tcpOnly = { appLayers: false };
const res = { flowsLite: [], readLite: [], flowsTcp: [], readTcp: [], flowsFull: [], readFull: [], tcptrace: [] };
let info = null;
for (let i = 0; i < runs; i++) {
  const a = node(lite);
  res.flowsLite.push(a.flows);
  res.readLite.push(a.read);
  info = a;
  res.tcptrace.push(tcptrace());
  const c = node(tcpOnly);
  res.flowsTcp.push(c.flows);
  res.readTcp.push(c.read);
  const b = node({});
  res.flowsFull.push(b.flows);
  res.readFull.push(b.read);
  process.stderr.write(`run ${i + 1}/${runs}: read+flows ${(c.read + c.flows).toFixed(0)} ms, lite ${(a.read + a.flows).toFixed(0)} ms, full ${(b.read + b.flows).toFixed(0)} ms, tcptrace ${res.tcptrace[i].toFixed(0)} ms\n`);
}
const m = Object.fromEntries(Object.entries(res).map(([k, v]) => [k, median(v)]));
const tt = m.tcptrace;
// each round runs ours and tcptrace back to back: the per-round ratio sees the same machine load
const perRound = (read, flows) => median(res[read].map((r, i) => (r + res[flows][i]) / res.tcptrace[i]));
const lines = [
  `file: ${path.relative(root, file)} (${info.packets} packets, ${info.rows} flows), ${runs} runs, medians, node ${process.version}`,
  "",
  "| step | median ms | ÷ tcptrace -l |",
  "| --- | ---: | ---: |",
  `| tcptrace -l -n -r (C, reads the file + all statistics) | ${tt.toFixed(0)} | 1.00 |`,
  `| buildFlows on a capture read without analysis (runs the TCP analysis too) | ${m.flowsLite.toFixed(0)} | ${(m.flowsLite / tt).toFixed(2)} |`,
  `| buildFlows on a capture read with TCP analysis (the flow step itself) | ${m.flowsTcp.toFixed(0)} | ${(m.flowsTcp / tt).toFixed(2)} |`,
  `| readCapture without TCP analysis/app layers | ${m.readLite.toFixed(0)} | ${(m.readLite / tt).toFixed(2)} |`,
  `| read (lite) + buildFlows (the TCP analysis runs inside buildFlows, one thread) | ${(m.readLite + m.flowsLite).toFixed(0)} | ${((m.readLite + m.flowsLite) / tt).toFixed(2)} |`,
  `| readCapture with TCP analysis (worker thread), no app layers | ${m.readTcp.toFixed(0)} | ${(m.readTcp / tt).toFixed(2)} |`,
  `| **file → flow table**: that read + buildFlows | ${(m.readTcp + m.flowsTcp).toFixed(0)} | ${((m.readTcp + m.flowsTcp) / tt).toFixed(2)} |`,
  `| buildFlows after full readCapture (analysis + app layers) | ${m.flowsFull.toFixed(0)} | ${(m.flowsFull / tt).toFixed(2)} |`,
  `| full readCapture + buildFlows | ${(m.readFull + m.flowsFull).toFixed(0)} | ${((m.readFull + m.flowsFull) / tt).toFixed(2)} |`,
  "",
  `File → flow table ÷ tcptrace -l, median of the ${runs} per-round ratios (issue 4): ${perRound("readTcp", "flowsTcp").toFixed(2)}× (lite path: ${perRound("readLite", "flowsLite").toFixed(2)}×; with app layers: ${perRound("readFull", "flowsFull").toFixed(2)}×).`,
];
console.log(lines.join("\n"));
if (process.env.BENCH_WRITE) {
  const resPath = path.join(__dirname, "RESULTS.md");
  let text = fs.readFileSync(resPath, "utf8");
  const section = `## Flows (node bench/flows-bench.js)\n\nMeasured ${new Date().toISOString().slice(0, 10)}.\n\n${lines.join("\n")}\n`;
  text = text.includes("## Flows (node bench/flows-bench.js)")
    ? text.replace(/## Flows \(node bench\/flows-bench\.js\)[\s\S]*?(?=\n## |$)/, section)
    : text.trimEnd() + "\n\n" + section;
  fs.writeFileSync(resPath, text);
}
if (process.env.FLOWS_BENCH_JSON) fs.writeFileSync(process.env.FLOWS_BENCH_JSON, JSON.stringify({ medians: m, runs: res }, null, 1));
