#!/usr/bin/env node
"use strict";
// Sequence-graph benchmark (issue 5): on a capture whose one TCP stream carries 1 M packets
// (bench/big1.pcap, `node bench/make-big.js 1000000 bench/big1.pcap 1`), the time to build the
// tcptrace-style graph of that stream (`seqGraph(cap, { stream: 0 })`, both directions) against the
// time `readCapture` took to load the capture, in the same process; each run a fresh process,
// medians of N runs (default 5). Also reports the figure's size (points, JSON MB).
// Needs the compiled library (npm run build → dist/). Usage: node bench/plot-bench.js [file] [runs=5]
const { spawnSync, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const file = path.resolve(process.argv[2] || path.join(__dirname, "big1.pcap"));
const runs = Number(process.argv[3] || 5);
if (!fs.existsSync(file)) {
  console.log(`generating ${file} …`);
  execFileSync(process.execPath, [path.join(__dirname, "make-big.js"), "1000000", file, "1"], { stdio: "inherit" });
}

const script = `
  const { readCapture } = require(${JSON.stringify(path.join(root, "dist", "index.js"))});
  const { seqGraph } = require(${JSON.stringify(path.join(root, "dist", "plot", "index.js"))});
  const t0 = process.hrtime.bigint();
  const cap = readCapture(${JSON.stringify(file)});
  const t1 = process.hrtime.bigint();
  const fig = seqGraph(cap, { stream: 0 });
  const t2 = process.hrtime.bigint();
  let points = 0;
  for (const t of fig.data) points += t.x.length;
  const json = JSON.stringify(fig).length;
  console.log(JSON.stringify({ load: Number(t1 - t0) / 1e6, seq: Number(t2 - t1) / 1e6, packets: cap.length, streams: cap.tcp.streamCount, points, traces: fig.data.length, jsonMB: json / 1e6 }));
`;

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const res = [];
for (let i = 0; i < runs; i++) {
  const r = spawnSync(process.execPath, ["--max-old-space-size=8192", "-e", script], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(r.stderr);
  const o = JSON.parse(r.stdout.trim().split("\n").pop());
  res.push(o);
  process.stderr.write(`run ${i + 1}/${runs}: load ${o.load.toFixed(0)} ms, seqGraph ${o.seq.toFixed(0)} ms\n`);
}
const load = median(res.map((r) => r.load));
const seq = median(res.map((r) => r.seq));
const ratio = median(res.map((r) => r.seq / r.load));
const o = res[0];
const lines = [
  `file: ${path.relative(root, file)} (${o.packets} packets in ${o.streams} TCP stream), ${runs} runs, medians, node ${process.version}`,
  "",
  "| step | median ms |",
  "| --- | ---: |",
  `| readCapture (dissect + TCP analysis + app layers) | ${load.toFixed(0)} |`,
  `| seqGraph(cap, { stream: 0 }), tcptrace style, both directions | ${seq.toFixed(0)} |`,
  "",
  `seqGraph / load: ${ratio.toFixed(2)} (median of the per-run ratios; issue 5's target: ≤ 1). The figure: ${o.traces} traces, ${o.points} points (${o.jsonMB.toFixed(1)} MB of JSON), WebGL.`,
];
console.log(lines.join("\n"));
if (process.env.BENCH_WRITE) {
  const resPath = path.join(__dirname, "RESULTS.md");
  let text = fs.readFileSync(resPath, "utf8");
  const section = `## Sequence graph (node bench/plot-bench.js)\n\nMeasured ${new Date().toISOString().slice(0, 10)}.\n\n${lines.join("\n")}\n`;
  text = text.includes("## Sequence graph (node bench/plot-bench.js)")
    ? text.replace(/## Sequence graph \(node bench\/plot-bench\.js\)[\s\S]*?(?=\n## |$)/, section)
    : text.trimEnd() + "\n\n" + section;
  fs.writeFileSync(resPath, text);
}
