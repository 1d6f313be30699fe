#!/usr/bin/env node
"use strict";
// Decryption benchmark (issue 15: decrypting the TLS streams of a 1 M-packet capture ≤ 1.5× the read
// without decryption). bench/tls.pcap + bench/tls.keylog come from bench/make-tls.js (TLS 1.2
// AES-128-GCM, HTTP/1.1 responses of 20–400 KB, ~0.95 GB for 1 M packets). Each run is a fresh node
// process reading the capture with readCapture (dist/), alternately without and with the key log; we
// report medians of wall time and of CPU time (user + system, all threads), and an AES-128-GCM
// throughput probe of the same moment (node:crypto, 16 KB records) — the decryption's floor.
// Usage: npm run build && node bench/tls-bench.js [packets=1000000] [runs=5]
const { spawnSync, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const packets = Number(process.argv[2] || 1_000_000);
const runs = Number(process.argv[3] || 5);
const file = path.join(__dirname, packets === 1_000_000 ? "tls.pcap" : `tls-${packets}.pcap`);
const keylog = file.replace(/\.pcap$/, ".keylog");
if (!fs.existsSync(file) || !fs.existsSync(keylog)) {
  console.log(`generating ${file} …`);
  execFileSync(process.execPath, [path.join(__dirname, "make-tls.js"), String(packets), file], { stdio: "inherit" });
}
const dist = path.resolve(__dirname, "..", "dist", "capture", "capture.js");

function once(withKeys) {
  const code = `
    const { readCapture } = require(${JSON.stringify(dist)});
    const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
    const cap = readCapture(${JSON.stringify(file)}, ${withKeys ? `{ keylog: ${JSON.stringify(keylog)} }` : "{}"});
    const ms = Number(process.hrtime.bigint() - t0) / 1e6, cu = process.cpuUsage(c0);
    console.log(JSON.stringify({ ms, cpu: (cu.user + cu.system) / 1000, rows: cap.length }));`;
  const r = spawnSync(process.execPath, ["--max-old-space-size=6144", "-e", code], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

function gcmProbe() {
  const code = `
    const c = require("crypto"); const key = c.randomBytes(16), iv = c.randomBytes(12), buf = c.randomBytes(16384);
    const t = process.hrtime.bigint(); for (let i = 0; i < 4000; i++) { const d = c.createCipheriv("aes-128-gcm", key, iv); d.update(buf); d.final(); }
    console.log((4000 * 16384 / 1e6) / (Number(process.hrtime.bigint() - t) / 1e9));`;
  return Number(spawnSync(process.execPath, ["-e", code], { encoding: "utf8" }).stdout);
}

// The node:crypto floor: CPU time of opening as many 16 KB AES-128-GCM records as the capture carries, the way
// the reader does (one decipher per record: createDecipheriv, setAuthTag, setAAD, update, final), keeping the
// first 256 MiB of plaintext as the reader keeps it for tlsPlaintext/exportObjects.
function cryptoFloor(records) {
  const code = `
    const c = require("crypto"); const key = c.randomBytes(16), iv = c.randomBytes(12), aad = Buffer.alloc(13);
    const recs = [];
    for (let i = 0; i < 16; i++) { const e = c.createCipheriv("aes-128-gcm", key, iv); e.setAAD(aad); const ct = Buffer.concat([e.update(c.randomBytes(16384)), e.final()]); recs.push([ct, e.getAuthTag()]); }
    const kept = []; let keptBytes = 0; const c0 = process.cpuUsage();
    for (let i = 0; i < ${records}; i++) {
      const [ct, tag] = recs[i & 15]; const d = c.createDecipheriv("aes-128-gcm", key, iv, { authTagLength: 16 });
      d.setAuthTag(tag); d.setAAD(aad); const p = d.update(ct); d.final();
      if (keptBytes < 256 << 20) { kept.push(p); keptBytes += p.length; }
    }
    const u = process.cpuUsage(c0); console.log((u.user + u.system) / 1000);`;
  return Number(spawnSync(process.execPath, ["-e", code], { encoding: "utf8" }).stdout);
}

const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const plain = [], keys = [], gcm = [], floor = [];
const records = Math.round(fs.statSync(file).size / 16500);
for (let i = 0; i < runs; i++) {
  plain.push(once(false));
  keys.push(once(true));
  gcm.push(gcmProbe());
  floor.push(cryptoFloor(records));
}
const row = (name, xs) => `| ${name} | ${med(xs.map((x) => x.ms)).toFixed(0)} | ${med(xs.map((x) => x.cpu)).toFixed(0)} |`;
console.log(`\n${path.basename(file)}: ${plain[0].rows} packets, ${(fs.statSync(file).size / 1e6).toFixed(0)} MB, medians of ${runs} runs\n`);
console.log("| read | wall ms | CPU ms |\n|---|---:|---:|");
console.log(row("readCapture (no key log)", plain));
console.log(row("readCapture with the key log (every record decrypted and authenticated)", keys));
console.log(`\nratio with/without: wall ${(med(keys.map((x) => x.ms)) / med(plain.map((x) => x.ms))).toFixed(2)}×, CPU ${(med(keys.map((x) => x.cpu)) / med(plain.map((x) => x.cpu))).toFixed(2)}×; AES-128-GCM probe ${med(gcm).toFixed(0)} MB/s`);
const p = med(plain.map((x) => x.cpu)), f = med(floor);
console.log(`node:crypto alone on ${records} records of 16 KB: ${f.toFixed(0)} ms CPU — the ratio if everything else were free: ${((p + f) / p).toFixed(2)}×; the rest of the decryption stage: ${(med(keys.map((x) => x.cpu)) - p - f).toFixed(0)} ms`);
