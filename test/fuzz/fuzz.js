#!/usr/bin/env node
"use strict";
// The fuzz harness (`npm run fuzz`): mutated real captures from data/ through every reader and the public
// API (test/fuzz/targets.js), each case in a worker thread with a time limit. Fails (exit 1) when anything
// but a CaptureError escapes, a case hangs, or a classic pcap cut at some byte loses or invents records.
//
//   node test/fuzz/fuzz.js [--cases 100000] [--seed 1] [--workers 2] [--timeout 30000] [--sweep all|small|none]
//                          [--out test-output/fuzz] [--replay DIR|none] [--json]
//
// --sweep: also cut each classic pcap seed at every byte (all seeds, only those ≤ 4 KB, or none) and check
// that exactly the complete records are kept (lax) and that strict mode throws unless the cut is at a
// record boundary. Failing cases are written to --out (bytes + what failed) for reproduction; cases kept
// in --replay (default test/fuzz/regressions: inputs that once failed) run first, every time.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { Worker } = require("node:worker_threads");
const { loadSeeds, makeCase } = require("./mutate.js");

const ROOT = path.resolve(__dirname, "..", "..");
const DIST = path.join(ROOT, "dist", "index.js");

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}
const CASES = Number(arg("cases", 100000));
const SEED = Number(arg("seed", 1));
const WORKERS = Math.max(1, Number(arg("workers", Math.min(2, os.availableParallelism ? os.availableParallelism() : os.cpus().length))));
const TIMEOUT = Number(arg("timeout", 30000));
const SWEEP = arg("sweep", "small");
const OUT = path.resolve(arg("out", path.join(ROOT, "test-output", "fuzz")));
const JSON_OUT = process.argv.includes("--json");
const REPLAY = arg("replay", path.join(__dirname, "regressions"));

if (!fs.existsSync(DIST)) {
  console.error("fuzz: dist/ is missing; run `npm run build` first");
  process.exit(2);
}

const seeds = loadSeeds();

/** Every cut of each classic pcap seed: [bytes, expected complete records, at a record boundary]. */
function* sweepCases() {
  if (SWEEP === "none") return;
  for (const s of seeds) {
    if (s.regions.kind !== "pcap" || (SWEEP === "small" && s.bytes.length > 4096)) continue;
    const ends = s.regions.records;
    let k = 0;
    for (let cut = 0; cut <= s.bytes.length; cut++) {
      while (k < ends.length && ends[k] <= cut) k++;
      yield { seed: s.name, kinds: [`cut@${cut}`], bytes: s.bytes.slice(0, cut), expect: k, boundary: cut === 24 || ends.includes(cut), readsOnly: true };
    }
  }
}

function* replayCases() {
  if (REPLAY === "none" || !fs.existsSync(REPLAY)) return;
  for (const f of fs.readdirSync(REPLAY).sort()) if (f.endsWith(".bin")) yield { seed: f, kinds: ["replay"], bytes: new Uint8Array(fs.readFileSync(path.join(REPLAY, f))) };
}

function* allCases() {
  let id = 0;
  for (const c of replayCases()) yield { id: id++, sweep: false, ...c };
  for (const c of sweepCases()) yield { id: id++, sweep: true, ...c };
  for (let i = 0; i < CASES; i++) yield { id: id++, sweep: false, ...makeCase(seeds, SEED, i) };
}

const stats = { cases: 0, sweepCases: 0, escapes: 0, hangs: 0, lostRecords: 0, strictMismatch: 0, refusals: 0, byKind: {}, slowestMs: 0, failures: [] };

function fail(c, what, detail) {
  stats.failures.push({ id: c.id, seed: c.seed, kinds: c.kinds, what, detail });
  if (stats.failures.length <= 200) {
    fs.mkdirSync(OUT, { recursive: true });
    fs.writeFileSync(path.join(OUT, `case-${c.id}.bin`), c.bytes);
    fs.writeFileSync(path.join(OUT, `case-${c.id}.json`), JSON.stringify({ id: c.id, seed: c.seed, kinds: c.kinds, what, detail }, null, 1));
  }
}

function check(c, res) {
  stats.slowestMs = Math.max(stats.slowestMs, res.ms);
  stats.refusals += res.refusals.length;
  for (const e of res.escapes) {
    stats.escapes++;
    fail(c, `escape from ${e.target}`, e);
  }
  if (c.sweep) {
    // lax: exactly the complete records (a cut inside the file header is a CaptureError: 0 records)
    const got = res.records === -1 ? 0 : res.records;
    if (got !== c.expect) {
      stats.lostRecords++;
      fail(c, "records", { expected: c.expect, got: res.records });
    }
    if (c.bytes.length >= 24 && res.strictThrew === c.boundary) {
      stats.strictMismatch++;
      fail(c, "strict", { boundary: c.boundary, threw: res.strictThrew });
    }
  }
}

async function main() {
  const t0 = Date.now();
  const it = allCases();
  let done = false;
  const lanes = [];
  const lane = async () => {
    let w = null;
    const spawn = () => (w = new Worker(path.join(__dirname, "worker.js"), { workerData: { dist: DIST } }));
    spawn();
    for (;;) {
      const next = it.next();
      if (next.done) break;
      const c = next.value;
      if (c.sweep) stats.sweepCases++;
      else stats.cases++;
      for (const k of c.kinds) stats.byKind[k.startsWith("cut@") ? "sweep-cut" : k] = (stats.byKind[k.startsWith("cut@") ? "sweep-cut" : k] || 0) + 1;
      const res = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ hang: true }), TIMEOUT);
        const onMsg = (m) => {
          clearTimeout(timer);
          w.off("error", onErr);
          resolve(m);
        };
        const onErr = (e) => {
          clearTimeout(timer);
          w.off("message", onMsg);
          resolve({ crash: String(e && e.stack) });
        };
        w.once("message", onMsg);
        w.once("error", onErr);
        w.postMessage({ id: c.id, bytes: c.bytes, readsOnly: !!c.readsOnly });
      });
      if (res.hang || res.crash) {
        w.removeAllListeners();
        await w.terminate();
        spawn();
        if (res.hang) {
          stats.hangs++;
          fail(c, "hang", { timeoutMs: TIMEOUT });
        } else {
          stats.escapes++;
          fail(c, "worker crash", { error: res.crash });
        }
        continue;
      }
      check(c, res);
      const n = stats.cases + stats.sweepCases;
      if (!JSON_OUT && n % 5000 === 0) process.stderr.write(`fuzz: ${n} cases, ${stats.escapes} escapes, ${stats.hangs} hangs, ${stats.lostRecords} lost, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    }
    await w.terminate();
  };
  for (let i = 0; i < WORKERS; i++) lanes.push(lane());
  await Promise.all(lanes);
  done = true;
  const seconds = (Date.now() - t0) / 1000;
  const summary = {
    cases: stats.cases,
    sweepCases: stats.sweepCases,
    seeds: seeds.length,
    escapes: stats.escapes,
    hangs: stats.hangs,
    lostRecords: stats.lostRecords,
    strictMismatches: stats.strictMismatch,
    documentedRefusals: stats.refusals,
    slowestCaseMs: Math.round(stats.slowestMs),
    seconds: Math.round(seconds),
    workers: WORKERS,
    seed: SEED,
    mutations: stats.byKind,
    failures: stats.failures.slice(0, 50),
  };
  if (JSON_OUT) process.stdout.write(JSON.stringify(summary) + "\n");
  else {
    console.log(
      `fuzz: ${summary.cases} mutated cases + ${summary.sweepCases} pcap cuts from ${summary.seeds} seeds in ${summary.seconds} s (${WORKERS} workers): ` +
        `${summary.escapes} escapes, ${summary.hangs} hangs, ${summary.lostRecords} lost records, ${summary.strictMismatches} strict mismatches ` +
        `(${summary.documentedRefusals} documented refusals; slowest case ${summary.slowestCaseMs} ms)`,
    );
    for (const f of summary.failures.slice(0, 20)) console.log(`  case ${f.id} (${f.seed}, ${f.kinds.join("+")}): ${f.what} ${JSON.stringify(f.detail).slice(0, 300)}`);
    if (summary.failures.length) console.log(`  failing cases written to ${OUT}`);
  }
  void done;
  process.exit(summary.escapes || summary.hangs || summary.lostRecords || summary.strictMismatches ? 1 : 0);
}

main();
