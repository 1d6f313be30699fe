/**
 * TCP analysis in a worker thread (lib/tcp/parallel.ts) must give exactly the one-thread results.
 * The worker runs compiled JavaScript, so these tests drive the built library (dist/) in a child
 * Node process, reading every capture twice (`threads: false` and `threads: true`) and comparing
 * every packet column, every why() record, the stream summaries, the capture metadata, the flow
 * table and tcptrace's RTT samples and retransmissions (the worker also runs the tcptrace pass). One synthetic capture has packets so small that the table outgrows its first allocation
 * while the worker is running (the reallocation must wait for the worker, or its results would be lost);
 * another is a SYN scan (one stream per packet), for which the reader may give the worker up.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { pcap, type TcpPacketSpec } from "../helpers/pcap-writer";

const ROOT = path.resolve(__dirname, "..", "..");
const DIST = path.join(ROOT, "dist");
const built = fs.existsSync(path.join(DIST, "read", "worker.js"));
const DATA = path.join(ROOT, "data");
const SHARED = path.resolve(ROOT, "..", "shared", "captures");

/** Child-process comparison of threads:false and threads:true; returns its JSON report. */
function compare(files: string[]): { files: number; rows: number; workerRuns: number; workerTraces: number; diffs: string[] } {
  const script = `
    const D = ${JSON.stringify(DIST)};
    const P = require(D + "/read/parallel.js");
    let workerRuns = 0;
    const fin = P.ParallelAnalysis.prototype.finish;
    P.ParallelAnalysis.prototype.finish = function () { const r = fin.call(this); workerRuns++; return r; };
    let workerTraces = 0;
    const take = P.ParallelAnalysis.prototype.takeTrace;
    P.ParallelAnalysis.prototype.takeTrace = function () { const r = take.call(this); if (r) workerTraces++; return r; };
    const { readCapture } = require(D + "/capture/capture.js");
    const { PACKET_COLUMNS } = require(D + "/capture/columns.js");
    const { buildFlows, rttSamples, retransmissions } = require(D + "/flows/index.js");
    const frame = (ft) => { let s = ""; ft.writeCSV((x) => (s += x)); return s; };
    const names = PACKET_COLUMNS.map((c) => c.name);
    const files = ${JSON.stringify(files)};
    const diffs = [];
    let rows = 0;
    const streams = (c) => JSON.stringify(c.tcp.streams().map((s) => ({ ...s, addrA: c.packets.strings.get(s.addrA), addrB: c.packets.strings.get(s.addrB) })));
    const csv = (c) => { let s = ""; c.writeCSV(names, (x) => (s += x)); return s; };
    const flows = (c) => { let s = ""; buildFlows(c).writeCSV((x) => (s += x)); return s; };
    for (const f of files) for (const appLayers of [true, false]) {
      const tag = require("path").basename(f) + (appLayers ? "" : " (no app layers)");
      let a, b;
      try { a = readCapture(f, { threads: false, appLayers }); } catch (e) { a = e; }
      try { b = readCapture(f, { threads: true, appLayers }); } catch (e) { b = e; }
      if (a instanceof Error || b instanceof Error) { if (String(a) !== String(b)) diffs.push(tag + ": " + a + " / " + b); continue; }
      rows += a.length;
      if (a.length !== b.length) { diffs.push(tag + ": packet count"); continue; }
      if (csv(a) !== csv(b)) diffs.push(tag + ": packet columns");
      for (let r = 0; r < a.length; r++) if (JSON.stringify(a.tcp.why(r)) !== JSON.stringify(b.tcp.why(r))) { diffs.push(tag + ": why() of row " + r); break; }
      if (streams(a) !== streams(b)) diffs.push(tag + ": streams()");
      if (JSON.stringify(a.meta) !== JSON.stringify(b.meta)) diffs.push(tag + ": metadata");
      if (flows(a) !== flows(b)) diffs.push(tag + ": flow table");
      if (frame(rttSamples(a)) !== frame(rttSamples(b))) diffs.push(tag + ": rttSamples");
      if (frame(retransmissions(a)) !== frame(retransmissions(b))) diffs.push(tag + ": retransmissions");
    }
    console.log(JSON.stringify({ files: files.length, rows, workerRuns, workerTraces, diffs }));
  `;
  const r = spawnSync(process.execPath, ["--max-old-space-size=4096", "-e", script], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

function captures(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(pcap|pcapng|cap)(\.gz)?$/.test(f))
    .map((f) => path.join(dir, f))
    .sort();
}

/** A raw-IP (link type 101) pcap of one connection with `n` segments of 40-byte packets (56 bytes per record). */
function tinyPacketCapture(n: number): Uint8Array {
  const pk: TcpPacketSpec[] = [];
  const c = { src: "10.0.0.1", dst: "10.0.0.2", sport: 40000, dport: 80 };
  const s = { src: c.dst, dst: c.src, sport: c.dport, dport: c.sport };
  let t = 1_700_000_000;
  pk.push({ ...c, t: (t += 0.001), seq: 1000, flags: "S" });
  pk.push({ ...s, t: (t += 0.001), seq: 5000, ack: 1001, flags: "SA" });
  pk.push({ ...c, t: (t += 0.001), seq: 1001, ack: 5001, flags: "A" });
  let seq = 1001;
  for (let i = 0; i < n; i++) {
    // a one-byte segment every 7th packet; between them the server's ACKs repeat (dup ACKs), with a
    // window update now and then
    if (i % 7 === 0) {
      pk.push({ ...c, t: (t += 0.0001), seq, ack: 5001, flags: "PA", len: 1 });
      seq += 1;
    } else pk.push({ ...s, t: (t += 0.0001), seq: 5001, ack: seq, flags: "A", win: i % 11 === 0 ? 2000 + (i % 3) : 1000 });
  }
  const eth = pcap(pk);
  // strip the Ethernet headers: link type 101 (raw IP), record lengths minus 14
  const dv = new DataView(eth.buffer, eth.byteOffset, eth.length);
  const out = new Uint8Array(eth.length - 14 * pk.length);
  out.set(eth.subarray(0, 24));
  new DataView(out.buffer).setUint32(20, 101, true);
  let i = 24;
  let o = 24;
  while (i < eth.length) {
    const cap = dv.getUint32(i + 8, true);
    const odv = new DataView(out.buffer, o, 16);
    odv.setUint32(0, dv.getUint32(i, true), true);
    odv.setUint32(4, dv.getUint32(i + 4, true), true);
    odv.setUint32(8, cap - 14, true);
    odv.setUint32(12, cap - 14, true);
    out.set(eth.subarray(i + 16 + 14, i + 16 + cap), o + 16);
    i += 16 + cap;
    o += 16 + cap - 14;
  }
  return out;
}

describe("TCP analysis in a worker thread", () => {
  it.skipIf(!built)("gives the one-thread results on every capture in data/", () => {
    const files = captures(DATA);
    const r = compare(files);
    expect(r.files).toBe(files.length);
    expect(r.rows).toBeGreaterThan(10_000);
    expect(r.workerRuns).toBeGreaterThanOrEqual(files.length); // the worker really ran (no silent fallback)
    expect(r.workerTraces).toBe(r.workerRuns); // and its tcptrace pass was the one the flow table used
    expect(r.diffs).toEqual([]);
  });

  it.skipIf(!built || !fs.existsSync(SHARED))("gives the one-thread results on the corpus in ../shared/captures", () => {
    const files = captures(SHARED);
    const r = compare(files);
    expect(r.files).toBe(files.length);
    expect(r.diffs).toEqual([]);
  });

  it.skipIf(!built)("keeps every result when the table is reallocated while the worker runs", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcapframe-par-"));
    const file = path.join(dir, "tiny-packets.pcap");
    const bytes = tinyPacketCapture(20_000);
    fs.writeFileSync(file, bytes);
    // the reader's first allocation is one row per 60 bytes of file: these records are 56 bytes
    const rows = 20_003;
    expect(Math.ceil(bytes.length / 60)).toBeLessThan(rows);
    const r = compare([file]);
    expect(r.rows).toBe(2 * rows);
    expect(r.workerRuns).toBe(2);
    expect(r.workerTraces).toBe(2);
    expect(r.diffs).toEqual([]);
    // and the analysis itself did its work on those rows (dup ACKs, window updates)
    const cap = readCapture(file, { threads: false });
    const flags = new Set(cap.column("analysis").filter(Boolean) as string[]);
    expect([...flags].join("|")).toMatch(/duplicate_ack/);
    expect([...flags].join("|")).toMatch(/window_update/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // Whether the reader gives the worker up here depends on how far the worker got while the file was
  // read (timing); either way the results must be the one-thread results.
  it.skipIf(!built)("a capture of many short streams (a SYN scan) gives the one-thread results", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcapframe-par-"));
    const file = path.join(dir, "syn-scan.pcap");
    const pk: TcpPacketSpec[] = [];
    for (let i = 0; i < 12_000; i++) {
      pk.push({ t: 1_700_000_000 + i / 1000, src: "10.0.0.1", dst: `10.0.${1 + (i >> 16)}.2`, sport: 40000, dport: 1 + (i & 0xffff), seq: i * 7919, flags: "S", win: 1024 });
    }
    fs.writeFileSync(file, pcap(pk));
    const r = compare([file]);
    expect(r.rows).toBe(2 * 12_000);
    expect(r.diffs).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!built)("with tcptrace: false the worker stops after the analysis, and a flow table built anyway is the same", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcapframe-par-"));
    const file = path.join(dir, "tiny-packets.pcap");
    fs.writeFileSync(file, tinyPacketCapture(5_000));
    const script = `
      const D = ${JSON.stringify(DIST)};
      const P = require(D + "/read/parallel.js");
      let runs = 0, traces = 0;
      const fin = P.ParallelAnalysis.prototype.finish;
      P.ParallelAnalysis.prototype.finish = function () { runs++; return fin.call(this); };
      const take = P.ParallelAnalysis.prototype.takeTrace;
      P.ParallelAnalysis.prototype.takeTrace = function () { traces++; return take.call(this); };
      const { readCapture } = require(D + "/capture/capture.js");
      const { buildFlows } = require(D + "/flows/index.js");
      const flows = (c) => { let s = ""; buildFlows(c).writeCSV((x) => (s += x)); return s; };
      const a = flows(readCapture(${JSON.stringify(file)}, { threads: false }));
      const b = flows(readCapture(${JSON.stringify(file)}, { threads: true, tcptrace: false }));
      console.log(JSON.stringify({ runs, traces, same: a === b, rows: a.split("\\n").length }));
    `;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
    expect(out).toEqual({ runs: 1, traces: 0, same: true, rows: 3 });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("rejects a bad threads option with a message naming it", () => {
    expect(() => readCapture(path.join(DATA, "tcp-flags-lab.pcap"), { threads: "yes" as never })).toThrow(/"threads"/);
  });
});
