/**
 * The export stage read back by an independent engine: captures converted to a Parquet dataset, read with
 * DuckDB, must give the packet CSV (`pcapframe packets F --csv`, every column) and the flow CSV (every
 * flow column) byte for byte; shards must union to the single run; bad files must not stop a conversion.
 * Captures: data/ and, when present, ../shared/captures (skipped cleanly when absent).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { duckdbSession } from "../helpers/duckdb";
import { readCapture, Capture } from "../../lib/capture/capture";
import { buildFlows } from "../../lib/flows/build";
import { csvCell } from "../../lib/base/csv";
import { findColumn } from "../../lib/capture/columns";
import { epochString } from "../../lib/base/format";
import { cellOf, type StoreTable } from "../../lib/store/column";
import { toArrow } from "../../lib/store/arrow";
import { convert, convertFile, partitionOf, partFileName } from "../../lib/store/convert";
import { flowHashes, packetHashes, parseShard, shardOf } from "../../lib/store/shard";
import { packetStore, packetStoreColumnNames } from "../../lib/store/packets";
import { flowStore } from "../../lib/store/flows";
import { writeParquet } from "../../lib/store/parquet";
import { sql } from "../../lib/store/sql";
import { Table } from "../../lib/frame/table";
import { storeToCSV } from "../../lib/store/csv";
import { sharedCapturesDir, DATA_DIR } from "../helpers/golden";
import { pcap } from "../helpers/pcap-writer";

const shared = sharedCapturesDir();
const isCapture = (f: string) => /\.(pcap|pcapng|cap)(\.gz)?$/.test(f);
const DATA_CAPTURES = fs
  .readdirSync(DATA_DIR)
  .filter((f) => isCapture(f) && !f.startsWith("bad-") && !f.startsWith("my-"))
  .sort()
  .map((f) => path.join(DATA_DIR, f));
const SHARED_CAPTURES = shared ? fs.readdirSync(shared).filter(isCapture).sort().map((f) => path.join(shared, f)) : [];

const duck = duckdbSession("pcapframe-store-");

const q = (s: string) => s.replace(/'/g, "''");

async function rows(query: string): Promise<{ names: string[]; cols: unknown[][]; n: number }> {
  const r = await duck.con.runAndReadAll(query);
  return { names: r.columnNames(), cols: r.getColumnsJS() as unknown[][], n: r.currentRowCount };
}

/** A packet CSV cell as Capture.writeCSV prints it, from the value DuckDB read. */
function packetCell(name: string, v: unknown, timeNs: unknown): string {
  if (name === "time") {
    if (timeNs === null) return v === null ? "" : `~${v}`;
    const ns = timeNs as bigint;
    return epochString(Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n));
  }
  const def = findColumn(name)!;
  return csvCell(typeof v === "bigint" ? Number(v) : (v as string | number | boolean | null), def.type === "float64" && def.unit === "s");
}

/** Compare the DuckDB read of one capture's packets and flows with its CSVs. */
async function expectSameAsCsv(dataset: string, file: string): Promise<{ packets: number; flows: number }> {
  const cap = readCapture(file);
  const names = Capture.columnNames;
  // packets: the CSV of every column, line by line
  const expected = cap.toCSV(names).split("\n");
  const got = await rows(
    `SELECT ${names.map((n) => `"${n}"`).join(", ")}, time_ns FROM read_parquet('${q(dataset)}/packets/**/*.parquet', hive_partitioning = true) WHERE pcap_file = '${q(file)}' ORDER BY no`,
  );
  const timeNs = got.cols[names.length];
  const lines = [names.join(",")];
  for (let i = 0; i < got.n; i++) lines.push(names.map((n, j) => packetCell(n, got.cols[j][i], timeNs[i])).join(","));
  lines.push("");
  expect(lines.length, `${file}: packet rows`).toBe(expected.length);
  // a time beyond int64 nanoseconds has no exact column: the double stands in (compared below)
  const ti = names.indexOf("time");
  for (let i = 1; i + 1 < lines.length; i++) {
    const cells = lines[i].split(",");
    if (cells[ti]?.startsWith("~")) {
      const want = expected[i].split(",")[ti];
      expect(Math.abs(Number(cells[ti].slice(1)) / Number(want) - 1)).toBeLessThan(1e-15);
      cells[ti] = want;
      lines[i] = cells.join(",");
    }
  }
  for (let i = 0; i < lines.length; i++) if (lines[i] !== expected[i]) expect(lines[i], `${file}: packet CSV line ${i + 1}`).toBe(expected[i]);
  // the time column (double) is the CSV's epoch text to within a double's rounding
  const tcol = got.cols[names.indexOf("time")];
  for (let i = 0; i < got.n; i++) {
    if (timeNs[i] === null) continue;
    const text = lines[i + 1].split(",")[names.indexOf("time")];
    expect(Math.abs((tcol[i] as number) - Number(text))).toBeLessThan(1e-6 * Math.max(1, Math.abs(Number(text)) / 2e9));
  }
  // flows: every flow column, rows in the table's order (first_frame)
  const table = buildFlows(cap);
  const fnames = table.columnNames;
  const fexp = table.toCSV(fnames).split("\n");
  const fgot = await rows(
    `SELECT ${fnames.map((n) => `"${n}"`).join(", ")} FROM read_parquet('${q(dataset)}/flows/**/*.parquet', hive_partitioning = true) WHERE pcap_file = '${q(file)}' ORDER BY first_frame, stream NULLS FIRST`,
  );
  const flines = [fnames.join(",")];
  for (let i = 0; i < fgot.n; i++) {
    flines.push(fnames.map((_n, j) => csvCell(((v) => (typeof v === "bigint" ? Number(v) : v))(fgot.cols[j][i]) as never)).join(","));
  }
  flines.push("");
  const sortBody = (ls: string[]) => [ls[0], ...ls.slice(1, -1).sort(), ""];
  expect(sortBody(flines), `${file}: flow CSV`).toEqual(sortBody(fexp));
  return { packets: got.n, flows: fgot.n };
}

describe("toArrow", () => {
  it("wraps typed columns without copying; dictionary strings become Arrow dictionaries; nulls are nulls", () => {
    const cap = readCapture(path.join(DATA_DIR, "lab-lossy.pcapng"));
    const st = packetStore(cap);
    const t = toArrow(st);
    expect(t.numRows).toBe(cap.length);
    expect(t.schema.fields.map((f) => f.name)).toEqual(packetStoreColumnNames());
    const len = st.columns.find((c) => c.name === "length")!;
    expect(t.getChild("length")!.data[0].values.buffer).toBe((len.values as Uint32Array).buffer);
    expect(String(t.getChild("src")!.type)).toMatch(/Dictionary<Int32, Utf8>/);
    for (const name of ["no", "src", "seq", "analysis", "ack_rtt", "sack_perm", "info", "time_ns", "pcap_file"]) {
      const c = st.columns.find((x) => x.name === name)!;
      const v = t.getChild(name)!;
      for (let i = 0; i < cap.length; i += 7) expect(v.get(i), `${name}[${i}]`).toEqual(cellOf(c, i) === null ? null : c.type === "int64" ? BigInt(cellOf(c, i) as number) : cellOf(c, i));
    }
  });
});

describe("writeParquet", () => {
  it("every storage type, with nulls, reads back in DuckDB", async () => {
    const n = 5;
    const nulls = Uint8Array.from([0, 1, 0, 0, 1]);
    const t: StoreTable = {
      length: n,
      columns: [
        { name: "b", type: "bool", values: Uint8Array.from([1, 0, 0, 1, 1]), nulls },
        { name: "i8", type: "int8", values: Int8Array.from([-128, 0, 1, 127, 5]) },
        { name: "u8", type: "uint8", values: Uint8Array.from([0, 1, 2, 255, 3]) },
        { name: "i16", type: "int16", values: Int16Array.from([-32768, 0, 1, 32767, 4]) },
        { name: "u16", type: "uint16", values: Uint16Array.from([0, 1, 2, 65535, 4]), nulls },
        { name: "i32", type: "int32", values: Int32Array.from([-(2 ** 31), 0, -1, 2 ** 31 - 1, 4]) },
        { name: "u32", type: "uint32", values: Uint32Array.from([0, 2 ** 31, 4294967295, 7, 1]) },
        { name: "i64", type: "int64", values: BigInt64Array.from([-(2n ** 63n), 0n, 2n ** 53n + 1n, 2n ** 63n - 1n, 3n]), nulls },
        { name: "f64", type: "float64", values: Float64Array.from([0.1, -0, 1e300, 1795465610.4183204, 5]), nulls },
        { name: "s", type: "string", values: ["a", "é,\"q\"", null, "", "x"] },
        { name: "d", type: "string", values: Uint32Array.from([0, 1, 0, 9, 1]), dictionary: ["tcp", "udp"] },
      ],
    };
    const f = path.join(duck.tmp, "types.parquet");
    writeParquet(t, f, { rowGroupRows: 2 });
    const r = await rows(`SELECT * FROM read_parquet('${q(f)}')`);
    for (const [j, c] of t.columns.entries()) {
      for (let i = 0; i < n; i++) {
        const want = cellOf(c, i);
        const have = r.cols[j][i];
        expect(typeof have === "bigint" && typeof want === "number" ? Number(have) : have, `${c.name}[${i}]`).toEqual(typeof want === "bigint" ? want : want);
      }
    }
    const meta = await rows(`SELECT count(DISTINCT row_group_id)::INT AS g FROM parquet_metadata('${q(f)}')`);
    expect(meta.cols[0][0]).toBe(3);
    // unsigned statistics are right: DuckDB's pushdown keeps the rows ≥ 2^31
    const big = await rows(`SELECT count(*)::INT FROM read_parquet('${q(f)}') WHERE u32 >= 2147483648`);
    expect(big.cols[0][0]).toBe(2);
  });
});

describe("convert: DuckDB reads back the CSVs (data/)", () => {
  it("every capture of data/, packets and flows", async () => {
    const out = path.join(duck.tmp, "data-ds");
    const res = await convert(DATA_CAPTURES, { out, batchRows: 1000, workers: 1 });
    expect(res.files.every((f) => !f.failed)).toBe(true);
    for (const f of DATA_CAPTURES) {
      const { packets, flows } = await expectSameAsCsv(out, f);
      const r = res.files.find((x) => x.file === f)!;
      expect(packets).toBe(r.packets);
      expect(flows).toBe(r.flows);
    }
  });
});

describe.skipIf(!shared)("convert: DuckDB reads back the CSVs (../shared/captures)", () => {
  it("every capture of the shared corpus", async () => {
    const out = path.join(duck.tmp, "shared-ds");
    await convert(SHARED_CAPTURES, { out, workers: 1 });
    for (const f of SHARED_CAPTURES) await expectSameAsCsv(out, f);
  });
});

describe("partitions and row groups", () => {
  it("date=/hour= by each packet's UTC hour, flows by their start; one row group per batch", async () => {
    const t0 = Date.UTC(2024, 0, 31, 23, 59, 0) / 1000;
    const bytes = pcap([
      { t: t0, src: "10.0.0.1", dst: "10.0.0.2", sport: 1000, dport: 80, seq: 1, flags: "S" },
      { t: t0 + 0.5, src: "10.0.0.2", dst: "10.0.0.1", sport: 80, dport: 1000, seq: 9, ack: 2, flags: "SA" },
      { t: t0 + 61, src: "10.0.0.1", dst: "10.0.0.2", sport: 1000, dport: 80, seq: 2, ack: 10, flags: "A" },
      { t: t0 + 3700, src: "10.0.0.3", dst: "10.0.0.2", sport: 1001, dport: 80, seq: 1, flags: "S" },
    ]);
    const file = path.join(duck.tmp, "hours.pcap");
    fs.writeFileSync(file, bytes);
    const out = path.join(duck.tmp, "hours-ds");
    const r = convertFile(file, { out, batchRows: 2 });
    const name = partFileName(file);
    const rel = r.written.map((w) => path.relative(out, w)).sort();
    expect(rel).toEqual([
      `flows/date=2024-01-31/hour=23/${name}`,
      `flows/date=2024-02-01/hour=01/${name}`,
      `packets/date=2024-01-31/hour=23/${name}`,
      `packets/date=2024-02-01/hour=00/${name}`,
      `packets/date=2024-02-01/hour=01/${name}`,
    ]);
    expect(partitionOf(Math.floor(t0 / 3600))).toBe("date=2024-01-31/hour=23");
    const g = await rows(`SELECT count(DISTINCT row_group_id)::INT FROM parquet_metadata('${q(out)}/packets/date=2024-01-31/hour=23/${name}')`);
    expect(g.cols[0][0]).toBe(1);
    const h = await rows(`SELECT date::VARCHAR, hour::INT, count(*)::INT FROM read_parquet('${q(out)}/packets/**/*.parquet', hive_partitioning = true) GROUP BY ALL ORDER BY 1, 2`);
    expect(h.cols).toEqual([["2024-01-31", "2024-02-01", "2024-02-01"], [23, 0, 1], [2, 1, 1]]);
  });
});

describe("shards", () => {
  it("convert validates its options with one clear message", async () => {
    await expect(convert([path.join(DATA_DIR, "lab-lossy.pcapng")], { out: duck.tmp, batchrows: 5 } as never)).rejects.toThrow(/convert: unknown option "batchrows"/);
    await expect(convert([path.join(DATA_DIR, "lab-lossy.pcapng")], { out: "" })).rejects.toThrow(/output directory is required/);
    await expect(convert([path.join(DATA_DIR, "lab-lossy.pcapng")], { out: duck.tmp, shard: { index: 4, count: 3 } })).rejects.toThrow(/shard/);
  });

  it("parses i/n and refuses nonsense", () => {
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    for (const bad of ["0/3", "4/3", "1/0", "x", "1/3/4", ""]) expect(() => parseShard(bad)).toThrow(/--shard/);
  });

  it("3 shards of the corpus union to the single run; a connection's packets and flow row are in one shard", async () => {
    const files = [...DATA_CAPTURES, ...SHARED_CAPTURES];
    const single = path.join(duck.tmp, "single");
    await convert(files, { out: single, workers: 1 });
    const dirs = [1, 2, 3].map((i) => path.join(duck.tmp, `shard${i}`));
    for (let i = 1; i <= 3; i++) await convert(files, { out: dirs[i - 1], shard: { index: i, count: 3 }, workers: 1 });
    const union = (t: string) => `(${dirs.map((d, i) => `SELECT ${i + 1} AS shard, * FROM read_parquet('${q(d)}/${t}/**/*.parquet', hive_partitioning = true)`).join(" UNION ALL ")})`;
    const one = (t: string) => `read_parquet('${q(single)}/${t}/**/*.parquet', hive_partitioning = true)`;
    // the documented query (docs/parquet.md): the union of the shards, EXCLUDE the shard label, is the single run
    for (const t of ["packets", "flows"]) {
      const diff = await rows(
        `SELECT count(*)::INT FROM ((SELECT * EXCLUDE (shard) FROM ${union(t)} EXCEPT ALL SELECT * FROM ${one(t)}) UNION ALL (SELECT * FROM ${one(t)} EXCEPT ALL SELECT * EXCLUDE (shard) FROM ${union(t)}))`,
      );
      expect(diff.cols[0][0], `${t}: rows differing between the union and the single run`).toBe(0);
      const n = await rows(`SELECT count(*)::INT FROM ${one(t)}`);
      expect(n.cols[0][0]).toBeGreaterThan(0);
    }
    // every TCP packet is in the shard of its stream's flow row
    const split = await rows(
      `SELECT count(*)::INT FROM ${union("packets")} p JOIN ${union("flows")} f ON p.pcap_file = f.pcap_file AND p.stream = f.stream WHERE p.shard <> f.shard`,
    );
    expect(split.cols[0][0]).toBe(0);
    // and the shards are not empty nor all alike
    const per = await rows(`SELECT shard, count(*)::INT FROM ${union("flows")} GROUP BY shard ORDER BY shard`);
    expect(per.cols[0]).toEqual([1, 2, 3]);
  });

  it("packet and flow hashes agree (both directions of a connection hash alike)", () => {
    const cap = readCapture(path.join(DATA_DIR, "lab-lossy.pcapng"));
    const ph = packetHashes(cap);
    const flows = buildFlows(cap);
    const fh = flowHashes(flows);
    const stream = flows.raw("stream") as Float64Array;
    for (let r = 0; r < cap.length; r++) {
      const s = cap.packets.tcpStream[r];
      if (s < 0) continue;
      const f = Array.from(stream).indexOf(s);
      expect(ph[r]).toBe(fh[f]);
    }
    expect(shardOf(ph[0], 3)).toBeGreaterThanOrEqual(1);
  });
});

describe("bad input among many files", () => {
  it("keeps every packet before the fault, warns with file and byte offset, goes on with the next file", async () => {
    const files = [path.join(DATA_DIR, "bad-truncated.pcap"), path.join(DATA_DIR, "not-a-capture.txt"), path.join(duck.tmp, "missing.pcap"), path.join(DATA_DIR, "bad-pcapng-blocklen.pcapng"), path.join(DATA_DIR, "tcp-handshake-nano.pcap")];
    const out = path.join(duck.tmp, "bad-ds");
    const res = await convert(files, { out, workers: 1 });
    const byFile = new Map(res.files.map((f) => [path.basename(f.file), f]));
    const trunc = readCapture(files[0]);
    expect(byFile.get("bad-truncated.pcap")!.packets).toBe(trunc.length);
    expect(trunc.length).toBeGreaterThan(0);
    const w = res.warnings.find((x) => x.file === files[0])!;
    expect(w.byteOffset).toBe(trunc.meta.warnings[0].byteOffset);
    expect(w.message).toMatch(/byte offset \d+/);
    expect(res.warnings.some((x) => x.file === files[1])).toBe(true);
    expect(byFile.get("missing.pcap")!.failed).toBe(true);
    expect(byFile.get("bad-pcapng-blocklen.pcapng")!.warnings.length).toBeGreaterThan(0);
    expect(byFile.get("tcp-handshake-nano.pcap")!.packets).toBe(readCapture(files[4]).length);
    await expectSameAsCsv(out, files[0]);
    await expectSameAsCsv(out, files[4]);
  });
});

describe("sql()", () => {
  it("returns typed columns over the views packets and flows", async () => {
    const out = path.join(duck.tmp, "sql-ds");
    const file = path.join(DATA_DIR, "lab-lossy.pcapng");
    convertFile(file, { out });
    const t = await sql(out, "SELECT stream, count(*) AS n, sum(tcp_len) AS bytes, max(ack_rtt) AS rtt, any_value(date) AS date FROM packets WHERE stream IS NOT NULL GROUP BY stream ORDER BY stream");
    const cap = readCapture(file);
    const counts = new Map<number, number>();
    for (let r = 0; r < cap.length; r++) if (cap.packets.tcpStream[r] >= 0) counts.set(cap.packets.tcpStream[r], (counts.get(cap.packets.tcpStream[r]) ?? 0) + 1);
    expect(t.length).toBe(counts.size);
    expect(t.columns.map((c) => [c.name, c.type])).toEqual([["stream", "uint32"], ["n", "int64"], ["bytes", "float64"], ["rtt", "float64"], ["date", "string"]]);
    for (let i = 0; i < t.length; i++) expect(Number(cellOf(t.columns[1], i))).toBe(counts.get(cellOf(t.columns[0], i) as number));
    expect(cellOf(t.columns[4], 0)).toMatch(/^\d{4}-\d\d-\d\d$/);
    // the result is a pcapframe Table too: verbs and display work on it (BIGINT as float64 in that view)
    expect(t).toBeInstanceOf(Table);
    expect(t.schema).toEqual({ stream: "uint32", n: "float64", bytes: "float64", rtt: "float64", date: "string" });
    const top = t.sortBy("n", { descending: true }).head(1).toRecords()[0];
    expect(top.n).toBe(Math.max(...counts.values()));
    expect(t.toString()).toContain("stream");
    const f = await sql(out, "SELECT state, count(*) AS n FROM flows GROUP BY state ORDER BY state");
    expect(storeToCSV(f).split("\n")[0]).toBe("state,n");
    await expect(sql(out, "SELECT nope FROM packets")).rejects.toThrow(/nope/);
    await expect(sql(path.join(duck.tmp, "absent"), "SELECT 1")).rejects.toThrow(TypeError);
  });
});

describe("flow store", () => {
  it("keeps every flow column with its CSV value", () => {
    const cap = readCapture(path.join(DATA_DIR, "lab-lossy.pcapng"));
    const table = buildFlows(cap);
    const st = flowStore(table);
    expect(st.columns.map((c) => c.name)).toEqual(table.columnNames);
    for (const c of st.columns) for (let i = 0; i < st.length; i++) expect(csvCell(cellOf(c, i) as never), c.name).toBe(csvCell(table.get(i, c.name)));
  });
});

describe("progress", () => {
  it("onProgress by bytes: monotonic, ends at the files' total; a one-line text with bar, rate and ETA", async () => {
    const files = ["lab-lossy.pcapng", "modbusBig.pcap", "bad-truncated.pcap"].map((f) => path.join(DATA_DIR, f));
    const seen: import("../../lib/store/convert").ConvertProgress[] = [];
    await convert(files, { out: path.join(duck.tmp, "progress-ds"), workers: 1, batchRows: 2000, onProgress: (p) => seen.push(p) });
    const total = files.reduce((s, f) => s + fs.statSync(f).size, 0);
    expect(seen.length).toBeGreaterThan(files.length);
    for (let i = 1; i < seen.length; i++) expect(seen[i].bytesDone).toBeGreaterThanOrEqual(seen[i - 1].bytesDone);
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ bytesDone: total, bytesTotal: total, filesDone: 3, files: 3 });
    expect(last.packets).toBe(files.reduce((s, f) => s + readCapture(f).length, 0));
    const { formatProgress } = await import("../../lib/base/progress");
    expect(formatProgress({ ...last, bytesDone: total / 2, etaMs: 65_000, bytesPerSecond: 2e6 }, 10)).toMatch(/^\[#####-----\]  50% .* MB \/ .* MB, .* packets, 3\/3 files, 2\.0 MB\/s, ETA 1:05$/);
  });
});

describe("any table", () => {
  it("toArrow and writeParquet take a Capture, a FlowTable or store columns; anything else is a TypeError", async () => {
    const cap = readCapture(path.join(DATA_DIR, "tcp-handshake-nano.pcap"));
    expect(toArrow(cap).numRows).toBe(cap.length);
    expect(toArrow(cap).schema.fields.length).toBe(packetStoreColumnNames().length);
    const flows = buildFlows(cap);
    const f = path.join(duck.tmp, "flows-only.parquet");
    expect(writeParquet(flows, f)).toEqual({ rows: flows.length, rowGroups: 1 });
    const r = await rows(`SELECT count(*)::INT AS n, count(DISTINCT state)::INT AS s FROM read_parquet('${q(f)}')`);
    expect(r.cols[0][0]).toBe(flows.length);
    expect(() => toArrow({} as never)).toThrow(TypeError);
    expect(() => writeParquet([] as never, f)).toThrow(TypeError);
  });
});

describe("int64 without a BigInt per row", () => {
  it("int64FromDoubles is exact up to 2^53; time_ns is sec·10^9 + nsec exactly", async () => {
    const { int64FromDoubles } = await import("../../lib/store/packets");
    const vals = [0, 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER, -5];
    expect([...int64FromDoubles(vals, vals.length, (k) => k)]).toEqual(vals.map((v) => BigInt(v)));
    const t0 = 4102444799; // 2099-12-31T23:59:59Z
    const file = path.join(duck.tmp, "ns.pcap");
    fs.writeFileSync(file, pcap([{ t: t0 + 0.999999, src: "10.0.0.1", dst: "10.0.0.2", sport: 1, dport: 2, seq: 1, flags: "S" }]));
    const cap = readCapture(file);
    const ns = packetStore(cap, { columns: ["time_ns"] }).columns[0].values as BigInt64Array;
    expect(ns[0]).toBe(BigInt(cap.packets.tsSec[0]) * 1_000_000_000n + BigInt(cap.packets.tsNsec[0]));
  });
});

const BIG = path.join(DATA_DIR, "..", "bench", "big.pcap");
describe.skipIf(!process.env.PCAPFRAME_BIG || !fs.existsSync(BIG))("convert: the 1 M-packet benchmark capture (PCAPFRAME_BIG=1, after node bench/make-big.js)", () => {
  it("DuckDB reads back the packet and flow CSVs", async () => {
    const out = path.join(duck.tmp, "big-ds");
    await convert([BIG], { out, workers: 1 });
    const { packets, flows } = await expectSameAsCsv(out, BIG);
    expect(packets).toBe(1_000_001);
    expect(flows).toBeGreaterThan(1000);
  }, 900_000);
});
