#!/usr/bin/env node
// Writes every user-visible output of the built library (dist/) for each capture of data/ and ../shared/captures
// into DIR, one file per (capture, output), so that two builds can be compared with `diff -r` (used to check
// that a refactoring changes nothing). Usage: node scripts/snapshot-outputs.js DIR [--threads true|false]
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const root = path.resolve(__dirname, "..");
const lib = require(path.join(root, "dist/index.js"));
const out = process.argv[2];
if (!out) { console.error("usage: snapshot-outputs.js DIR [--threads true|false] [--app false]"); process.exit(2); }
const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
const threads = arg("--threads", "auto");
const appLayers = arg("--app", "true") !== "false";
const tcpAnalysis = arg("--tcp", "true") !== "false";
fs.mkdirSync(out, { recursive: true });
const files = [];
for (const dir of [path.join(root, "data"), path.join(root, "..", "shared", "captures"), path.join(root, "..", "shared", "captures-wave2")]) {
  if (!fs.existsSync(dir)) continue;
  for (const f of fs.readdirSync(dir).sort()) if (/\.(pcap|pcapng|gz)$/.test(f)) files.push(path.join(dir, f));
}
const columns = lib.Capture.columnNames;
for (const f of files) {
  const tag = path.basename(path.dirname(f)) + "__" + path.basename(f);
  const w = (what, text) => fs.writeFileSync(path.join(out, `${tag}.${what}`), text);
  let cap;
  try {
    cap = lib.readCapture(f, { threads: threads === "auto" ? "auto" : threads === "true", appLayers, tcpAnalysis });
  } catch (e) {
    w("error", String(e && e.message));
    continue;
  }
  w("packets.csv", cap.toCSV(columns));
  const meta = { ...cap.meta };
  w("meta.json", JSON.stringify(meta, null, 1));
  const flows = lib.buildFlows(cap);
  w("flows.csv", flows.toCSV());
  w("rtt.csv", lib.rttSamples(cap).toCSV());
  w("retrans.csv", lib.retransmissions(cap).toCSV());
  let conn = "";
  const nStreams = cap.tcp.streamCount;
  for (let s = 0; s < Math.min(nStreams, 20); s++) conn += lib.describeConnection(cap, s).text + "\n----\n";
  w("connections.txt", conn);
  let why = "";
  for (let r = 0; r < cap.length; r += Math.max(1, Math.floor(cap.length / 200))) why += JSON.stringify(cap.tcp.why(r)) + "\n";
  w("why.txt", why);
}
console.log(`${files.length} captures → ${out}`);
