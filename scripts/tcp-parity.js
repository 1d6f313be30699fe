#!/usr/bin/env node
/*
 * TCP-analysis parity with tshark 4.0 over the corpus.
 *   node node_modules/typescript/bin/tsc -p tsconfig.json --outDir .qb && node scripts/tcp-parity.js [files…]
 * Options: --diffs N (print N disagreements per file), --only FIELD (print only that field's diffs), --no-info
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const ROOT = path.resolve(__dirname, "..");
const QB = process.env.PCAPFRAME_QB || path.join(ROOT, ".qb");
const { compareWithTshark } = require(path.join(QB, "tcp/compare.js"));
const { loadCapture } = require(path.join(QB, "capture.js"));

const args = process.argv.slice(2);
let nDiffs = 0;
let only = null;
let info = true;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--diffs") nDiffs = Number(args[++i]);
  else if (args[i] === "--only") only = args[++i];
  else if (args[i] === "--no-info") info = false;
  else files.push(args[i]);
}
if (!files.length) {
  const shared = path.resolve(ROOT, process.env.PCAPFRAME_SHARED || "../shared", "captures");
  const seen = new Set();
  for (const dir of [shared, path.join(ROOT, "data")]) {
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).sort()) {
      if (!/\.(pcap|pcapng)(\.gz)?$/.test(f) || /^bad-/.test(f) || seen.has(f)) continue;
      seen.add(f);
      files.push(path.join(dir, f));
    }
  }
}

const tot = { fields: {}, flags: {}, flagSet: { compared: 0, agree: 0 } };
const pct = (a, b) => (b ? ((100 * a) / b).toFixed(3) : "100.000");
const worst = {};
for (const file of files) {
  const t0 = performance.now();
  const cap = loadCapture(file);
  const r = compareWithTshark({ meta: cap.meta, packets: cap.table, tcp: cap.tcp }, { info, maxDiffsPerField: 100000 });
  const ms = (performance.now() - t0).toFixed(0);
  const bad = [];
  for (const [f, s] of Object.entries(r.fields)) {
    const T = (tot.fields[f] ??= { compared: 0, agree: 0 });
    T.compared += s.compared;
    T.agree += s.agree;
    if (s.agree < s.compared) {
      bad.push(`${f.replace("tcp.analysis.", "")} ${pct(s.agree, s.compared)}% (${s.compared - s.agree})`);
      (worst[f] ??= []).push([path.basename(file), s.agree / s.compared, s.compared - s.agree]);
    }
  }
  for (const [f, s] of Object.entries(r.flags)) {
    const T = (tot.flags[f] ??= { tp: 0, fp: 0, fn: 0 });
    T.tp += s.tp;
    T.fp += s.fp;
    T.fn += s.fn;
    if (s.fp || s.fn) bad.push(`flag ${f} tp=${s.tp} fp=${s.fp} fn=${s.fn}`);
  }
  tot.flagSet.compared += r.flagSet.compared;
  tot.flagSet.agree += r.flagSet.agree;
  console.log(`${path.basename(file)}: ${r.tcpRows} tcp rows, flag-set ${pct(r.flagSet.agree, r.flagSet.compared)}% (${ms} ms)${bad.length ? "\n   " + bad.join("\n   ") : ""}`);
  if (nDiffs) {
    const ds = r.diffs.filter((d) => !only || d.field === only).slice(0, nDiffs);
    for (const d of ds) console.log(`     #${d.frame} ${d.field}: ours=${JSON.stringify(d.ours)} tshark=${JSON.stringify(d.tshark)}`);
  }
}
console.log("\n== TOTAL ==");
console.log(`flag-set equality: ${pct(tot.flagSet.agree, tot.flagSet.compared)}% of ${tot.flagSet.compared}`);
for (const [f, s] of Object.entries(tot.fields)) console.log(`${f.padEnd(36)} ${pct(s.agree, s.compared).padStart(8)}%  (${s.compared - s.agree} of ${s.compared} differ)`);
console.log("flag                          tshark   tp   fp   fn  precision  recall");
for (const [f, s] of Object.entries(tot.flags)) {
  const n = s.tp + s.fn;
  const p = s.tp + s.fp ? s.tp / (s.tp + s.fp) : 1;
  const rc = n ? s.tp / n : 1;
  console.log(`${f.padEnd(28)} ${String(n).padStart(7)} ${String(s.tp).padStart(4)} ${String(s.fp).padStart(4)} ${String(s.fn).padStart(4)}  ${(100 * p).toFixed(2).padStart(8)}% ${(100 * rc).toFixed(2).padStart(7)}%${n >= 20 && (p < 0.99 || rc < 0.99) ? "  <-- below 99%" : ""}`);
}
const w = Object.entries(worst);
if (w.length) {
  console.log("\nworst files per field:");
  for (const [f, l] of w) console.log(`  ${f}: ${l.sort((a, b) => a[1] - b[1]).slice(0, 3).map(([n, r, c]) => `${n} ${(100 * r).toFixed(2)}% (${c})`).join(", ")}`);
}
