#!/usr/bin/env node
"use strict";
// Measures our Parquet writer (lib/store/parquet-format.ts) and those of the npm registry on the packet table of a capture (every packet column,
// as `pcapframe convert` writes it): write time, file size, and whether DuckDB reads the file back with the
// same row count and column sums. Usage: node bench/parquet-writers.js [bench/big.pcap] [batch rows=65536]
// (run `npm run build` and `node bench/make-big.js` first). Writers that are not installed are skipped: the
// comparison needs `npm install --no-save parquet-wasm @dsnp/parquetjs` (not dependencies of pcapframe).
// CPU time (all threads) is reported beside wall time: on a shared machine it is the steadier figure.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const root = path.join(__dirname, "..");
const { readCapture } = require(path.join(root, "dist", "capture", "capture"));
const { packetStore } = require(path.join(root, "dist", "store", "packets"));
const { ParquetFileWriter, parquetValues } = require(path.join(root, "dist", "store", "parquet"));
const { toArrow } = require(path.join(root, "dist", "store", "arrow"));

const file = process.argv[2] || path.join(__dirname, "big.pcap");
const batchRows = Number(process.argv[3] || 65536);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pqbench-"));
const tryRequire = (m) => {
  try {
    return require(m);
  } catch {
    return null;
  }
};

async function main() {
  let t0 = performance.now();
  const cap = readCapture(file);
  const readMs = performance.now() - t0;
  t0 = performance.now();
  const batches = [];
  for (let s = 0; s < cap.length; s += batchRows) batches.push(packetStore(cap, { start: s, end: Math.min(cap.length, s + batchRows) }));
  const extractMs = performance.now() - t0;
  console.log(`${path.basename(file)}: ${cap.length} packets, ${batches[0].columns.length} columns; read ${readMs.toFixed(0)} ms, columns materialised ${extractMs.toFixed(0)} ms (${batches.length} batches of ${batchRows})`);
  const results = [];
  const run = async (name, fn) => {
    const out = path.join(tmp, name.replace(/\W+/g, "_") + ".parquet");
    global.gc?.();
    const t = performance.now();
    const c = process.cpuUsage();
    try {
      const note = await fn(out);
      const ms = performance.now() - t;
      const cu = process.cpuUsage(c);
      results.push({ name, ms, cpu: (cu.user + cu.system) / 1000, bytes: fs.statSync(out).size, out, note });
    } catch (e) {
      results.push({ name, ms: NaN, bytes: NaN, out, note: `failed: ${e.message.split("\n")[0]}` });
    }
  };

  for (const engine of ["pcapframe", "hyparquet-writer"]) {
    for (const codec of ["SNAPPY", "UNCOMPRESSED"]) {
      await run(`${engine} ${codec}`, async (out) => {
        const w = new ParquetFileWriter(out, { codec, engine });
        for (const b of batches) w.append(b);
        w.close();
      });
    }
  }
  const pw = tryRequire("parquet-wasm");
  const arrow = tryRequire("apache-arrow");
  if (pw && arrow) {
    for (const codec of ["SNAPPY", "ZSTD"]) {
      await run(`parquet-wasm ${codec} (via Arrow IPC)`, async (out) => {
        const tables = batches.map((b) => toArrow(b));
        const table = new arrow.Table(tables.flatMap((t) => t.batches));
        const ipc = arrow.tableToIPC(table, "stream");
        const wasmTable = pw.Table.fromIPCStream(ipc);
        const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression[codec]).setMaxRowGroupSize(batchRows).build();
        fs.writeFileSync(out, pw.writeParquet(wasmTable, props));
      });
    }
  }
  const pq = tryRequire("@dsnp/parquetjs");
  if (pq) {
    const limit = Math.min(cap.length, 131072);
    await run(`@dsnp/parquetjs SNAPPY (first ${limit} rows)`, async (out) => {
      const fields = {};
      const t = {
        bool: "BOOLEAN", int8: "INT32", uint8: "INT32", int16: "INT32", uint16: "INT32", int32: "INT32", uint32: "INT64",
        int64: "INT64", float64: "DOUBLE", string: "UTF8",
      };
      for (const c of batches[0].columns) fields[c.name] = { type: t[c.type], optional: true, compression: "SNAPPY" };
      const w = await pq.ParquetWriter.openFile(new pq.ParquetSchema(fields), out, { rowGroupSize: batchRows });
      let done = 0;
      for (const b of batches) {
        const cols = b.columns.map((c) => parquetValues(c));
        for (let i = 0; i < b.length && done < limit; i++, done++) {
          const row = {};
          b.columns.forEach((c, j) => {
            const v = cols[j][i];
            if (v !== null && v !== undefined) row[c.name] = v;
          });
          await w.appendRow(row);
        }
        if (done >= limit) break;
      }
      await w.close();
    });
    const r = results[results.length - 1];
    if (Number.isFinite(r.ms)) r.note = `${limit} rows; ×${(cap.length / limit).toFixed(1)} ≈ ${((r.ms * cap.length) / limit / 1000).toFixed(1)} s for all`;
  }

  // DuckDB reads each file back: rows and a few column sums must equal the in-memory values.
  const duck = tryRequire("@duckdb/node-api");
  let expect = null;
  if (duck) {
    const inst = await duck.DuckDBInstance.create(":memory:");
    const con = await inst.connect();
    const q = (f) => `SELECT count(*)::BIGINT AS n, sum(length)::BIGINT AS len, sum(seq_raw)::BIGINT AS seq, count(analysis)::BIGINT AS an, count(info)::BIGINT AS info, sum(ack_rtt) AS rtt FROM read_parquet('${f}')`;
    for (const r of results) {
      if (!Number.isFinite(r.bytes)) continue;
      try {
        const row = (await con.runAndReadAll(q(r.out))).getRowObjectsJS()[0];
        const got = JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? v.toString() : typeof v === "number" ? Number(v.toPrecision(12)) : v));
        if (!r.name.startsWith("@dsnp")) expect ??= got;
        r.duckdb = r.name.startsWith("@dsnp") ? `reads (${row.n} rows)` : got === expect ? "reads, sums equal" : `DIFFERS ${got}`;
      } catch (e) {
        r.duckdb = `fails: ${e.message.split("\n")[0]}`;
      }
    }
  }
  console.log("| writer | write ms (wall) | CPU ms | MB | DuckDB | note |\n|---|---:|---:|---:|---|---|");
  for (const r of results) console.log(`| ${r.name} | ${r.ms.toFixed(0)} | ${(r.cpu ?? NaN).toFixed(0)} | ${(r.bytes / 1e6).toFixed(2)} | ${r.duckdb ?? "-"} | ${r.note ?? ""} |`);
  fs.rmSync(tmp, { recursive: true, force: true });
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
