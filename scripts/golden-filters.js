#!/usr/bin/env node
// Display-filter goldens from tshark 4.0.17 (the oracle):
//   test/golden/filters/results/<source>/<capture>.tsv.gz   one line per filter of filters.txt:
//       <filter>\t<frame numbers as ranges, e.g. 1-5,9>   (tshark -2 -n -r F -Y <filter>)
//   test/golden/filters/invalid.tsv                       <filter>\t<tshark's error message>
// Captures: data/, ${PCAPFRAME_SHARED:-../shared}/captures, the captures-wave2 files data/ has no copy of,
// and the byte-built encapsulation fixtures of test/fixtures/tunnels. All filters of a capture are
// evaluated in ONE tshark pass (a Lua tap listener per filter, scripts/tshark-multi-filter.lua);
// `--verify N` re-runs N random (filter, capture) pairs with a real `tshark -Y` and fails on any difference.
//   node scripts/golden-filters.js [--verify N]
"use strict";
const { execFileSync, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const zlib = require("node:zlib");

const ROOT = path.resolve(__dirname, "..");
const GOLD = path.join(ROOT, "test", "golden", "filters");
const sharedBase = path.resolve(ROOT, process.env.PCAPFRAME_SHARED || "../shared");
const LUA = path.join(__dirname, "tshark-multi-filter.lua");
const env = { ...process.env, LC_ALL: "C", TZ: "UTC" };

/**
 * Wave-2 captures: those that are not byte-identical copies of a data/ capture (data/ holds copies of the
 * permissively licensed ones, tunnels included). Left out: tls12-dsb, which tshark decrypts with its
 * embedded secrets.
 */
const WAVE2_LEFT_OUT = ["tls12-dsb.pcapng"];
function sameAsData(file) {
  const d = path.join(ROOT, "data", path.basename(file));
  return fs.existsSync(d) && fs.readFileSync(d).equals(fs.readFileSync(file));
}

function readList(file) {
  return fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("#"));
}

function captures() {
  const out = [];
  const isCap = (f) => /\.(pcap|pcapng|cap)(\.gz)?$/.test(f);
  for (const f of fs.readdirSync(path.join(ROOT, "data")).sort()) if (isCap(f)) out.push({ source: "data", name: f, path: path.join(ROOT, "data", f) });
  const sc = path.join(sharedBase, "captures");
  if (fs.existsSync(sc)) for (const f of fs.readdirSync(sc).sort()) if (isCap(f)) out.push({ source: "shared", name: f, path: path.join(sc, f) });
  const w2 = path.join(sharedBase, "captures-wave2");
  if (fs.existsSync(w2)) {
    for (const f of fs.readdirSync(w2).sort()) {
      const p = path.join(w2, f);
      if (isCap(f) && !WAVE2_LEFT_OUT.includes(f) && !sameAsData(p)) out.push({ source: "wave2", name: f, path: p });
    }
  }
  // byte-built encapsulation fixtures (scripts/make-tunnel-fixtures.js)
  const fx = path.join(ROOT, "test", "fixtures", "tunnels");
  if (fs.existsSync(fx)) for (const f of fs.readdirSync(fx).sort()) if (isCap(f)) out.push({ source: "fixture", name: f, path: path.join(fx, f) });
  return out;
}

function ranges(frames) {
  const out = [];
  for (let i = 0; i < frames.length; ) {
    let j = i;
    while (j + 1 < frames.length && frames[j + 1] === frames[j] + 1) j++;
    out.push(j > i ? `${frames[i]}-${frames[j]}` : `${frames[i]}`);
    i = j + 1;
  }
  return out.join(",");
}

function runAll(cap, listFile, n) {
  const res = spawnSync("tshark", ["-2", "-n", "-r", cap.path, "-q", "-X", `lua_script:${LUA}`, "-X", `lua_script1:${listFile}`], { env, encoding: "utf8", maxBuffer: 1 << 30 });
  const lines = new Array(n).fill(null);
  for (const line of res.stdout.split("\n")) {
    const m = /^(\d+)\t(.*)$/.exec(line);
    if (m) lines[Number(m[1]) - 1] = m[2];
  }
  if (lines.some((l) => l === null)) throw new Error(`tshark failed on ${cap.path}: ${res.stderr}`);
  return lines;
}

function tsharkY(capPath, expr) {
  const res = spawnSync("tshark", ["-2", "-n", "-r", capPath, "-Y", expr, "-T", "fields", "-e", "frame.number"], { env, encoding: "utf8", maxBuffer: 1 << 30 });
  const err = res.stderr.split("\n").filter((l) => l && !l.startsWith("Running as user")).join(" ");
  return { frames: res.stdout.split("\n").filter(Boolean).map(Number), err, status: res.status };
}

function main() {
  const verify = process.argv.includes("--verify") ? Number(process.argv[process.argv.indexOf("--verify") + 1] || 20) : 0;
  const filters = readList(path.join(GOLD, "filters.txt"));
  for (const f of filters) if (f.includes("\t")) throw new Error(`tab in filter: ${f}`);
  const tmp = path.join(require("node:os").tmpdir(), `pcapframe-filters-${process.pid}.txt`);
  fs.writeFileSync(tmp, filters.join("\n") + "\n");
  const caps = captures();
  const bad = new Set();
  for (const cap of caps) {
    const lines = runAll(cap, tmp, filters.length);
    const body = filters.map((f, i) => {
      if (lines[i] === "ERR") bad.add(f);
      const frames = lines[i] === "" || lines[i] === "ERR" ? [] : lines[i].split(",").map(Number);
      return `${f}\t${lines[i] === "ERR" ? "ERR" : ranges(frames)}\n`;
    }).join("");
    const dir = path.join(GOLD, "results", cap.source);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${cap.name}.tsv.gz`), zlib.gzipSync(body, { level: 9 }));
    process.stdout.write(`${cap.source}/${cap.name}\n`);
  }
  fs.unlinkSync(tmp);
  if (bad.size) throw new Error(`tshark rejects these filters of filters.txt (move them to invalid.txt):\n${[...bad].join("\n")}`);
  // invalid filters: each must be rejected by tshark; its message is kept
  const small = path.join(ROOT, "data", "tcp-handshake-nano.pcap");
  const inv = readList(path.join(GOLD, "invalid.txt"));
  const out = [];
  for (const f of inv) {
    const r = tsharkY(small, f);
    if (r.status === 0 && !r.err) throw new Error(`tshark accepts "${f}" (listed in invalid.txt)`);
    out.push(`${f}\t${r.err.replace(/\t/g, " ").replace(/^tshark: /, "")}\n`);
  }
  fs.writeFileSync(path.join(GOLD, "invalid.tsv"), out.join(""));
  // spot-check the listener method against real -Y runs
  let seed = 12345;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  for (let k = 0; k < verify; k++) {
    const cap = caps[rnd(caps.length)];
    const f = filters[rnd(filters.length)];
    const gold = zlib.gunzipSync(fs.readFileSync(path.join(GOLD, "results", cap.source, `${cap.name}.tsv.gz`))).toString("utf8").split("\n").find((l) => l.startsWith(f + "\t")).split("\t")[1];
    const real = ranges(tsharkY(cap.path, f).frames);
    if (real !== gold) throw new Error(`listener and -Y differ on ${cap.name} / ${f}: ${gold} vs ${real}`);
  }
  if (verify) console.log(`verified ${verify} random pairs against tshark -Y`);
}

main();
