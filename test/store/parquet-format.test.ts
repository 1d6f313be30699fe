/**
 * Our Parquet writer (lib/store/parquet-format.ts) byte by byte on small chunks (Thrift compact page
 * headers, RLE/bit-packed levels and indices, PLAIN values), and read back by DuckDB: every storage type
 * with nulls, both codecs, wide dictionaries and many row groups, against the values written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { duckdbSession } from "../helpers/duckdb";
import { encodeChunk } from "../../lib/store/parquet-format";
import { ParquetFileWriter, writeParquet } from "../../lib/store/parquet";
import { cellOf, type StoreTable } from "../../lib/store/column";

const duck = duckdbSession("pcapframe-pqfmt-");

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("column chunks, byte by byte", () => {
  it("uint8 [1, 2, 3], no nulls: a v1 data page of RLE definition levels and PLAIN INT32 values", () => {
    const e = encodeChunk({ name: "x", type: "uint8", values: Uint8Array.from([1, 2, 3]) }, "UNCOMPRESSED", null);
    // page header: type 0, sizes 18/18, data_page_header {3 values, PLAIN, RLE, RLE}
    const header = "1500" + "1524" + "1524" + "2c" + "1506" + "1500" + "1506" + "1506" + "00" + "00";
    // levels: 4-byte length 2, one RLE run of 3 ones; values: 1, 2, 3 as little-endian int32
    const body = "02000000" + "0601" + "01000000" + "02000000" + "03000000";
    expect(hex(e.bytes)).toBe(header + body);
    expect(e.hasDictionary).toBe(false);
    expect(e.uncompressedSize).toBe(e.bytes.length);
  });

  it("dictionary strings with a null and an unknown code: a dictionary page of the used strings, bit-packed levels and indices", () => {
    const e = encodeChunk({ name: "p", type: "string", values: Uint32Array.from([1, 1, 0, 7, 1]), dictionary: ["udp", "tcp"], nulls: Uint8Array.from([0, 0, 0, 0, 1]) }, "UNCOMPRESSED", null);
    // dictionary page (type 2, 14 bytes, dictionary_page_header, field 7 = delta 4 after field 3: {2 values, PLAIN}): "tcp" (first used), "udp"
    const dict = "1504" + "151c" + "151c" + "4c" + "1504" + "1500" + "00" + "00" + "03000000746370" + "03000000756470";
    expect(hex(e.bytes.subarray(0, e.dataPageAt))).toBe(dict);
    // data page: levels (2 bytes) 1,1,1,0,0 (code 7 is past the dictionary: null) in one bit-packed group (header 03): 0b00111 = 07;
    // indices: bit width 1, one group of 0,0,1 → 0b100 = 04
    const data = e.bytes.subarray(e.dataPageAt);
    const body = "02000000" + "0307" + "01" + "0304";
    expect(hex(data.subarray(data.length - body.length / 2))).toBe(body);
    expect(e.encodings).toEqual([0, 3, 8]);
  });

  it("a file is PAR1, the chunks, the footer, its length, PAR1", () => {
    const f = path.join(duck.tmp, "frame.parquet");
    writeParquet({ length: 2, columns: [{ name: "a", type: "int32", values: Int32Array.from([5, -5]) }] }, f, { codec: "UNCOMPRESSED" });
    const b = fs.readFileSync(f);
    expect(b.subarray(0, 4).toString()).toBe("PAR1");
    expect(b.subarray(b.length - 4).toString()).toBe("PAR1");
    const footer = b.readUInt32LE(b.length - 8);
    expect(footer).toBeGreaterThan(20);
    expect(footer).toBeLessThan(b.length - 12);
  });
});

function mixed(n: number, seed: number): StoreTable {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296);
  const nulls = new Uint8Array(n).map(() => (rnd() < 0.3 ? 1 : 0));
  const dictionary = Array.from({ length: 300 }, (_, i) => `s${i}·${"x".repeat(i % 7)}`);
  return {
    length: n,
    columns: [
      { name: "b", type: "bool", values: new Uint8Array(n).map(() => (rnd() < 0.5 ? 1 : 0)), nulls },
      { name: "i8", type: "int8", values: new Int8Array(n).map(() => Math.floor(rnd() * 256) - 128) },
      { name: "u16", type: "uint16", values: new Uint16Array(n).map(() => Math.floor(rnd() * 65536)), nulls },
      { name: "u32", type: "uint32", values: new Uint32Array(n).map(() => Math.floor(rnd() * 4294967296)), nulls },
      { name: "i64", type: "int64", values: new BigInt64Array(n).map(() => BigInt(Math.floor((rnd() - 0.5) * 2 ** 53))) },
      { name: "f64", type: "float64", values: new Float64Array(n).map(() => (rnd() - 0.5) * 1e6), nulls },
      { name: "d", type: "string", values: new Uint32Array(n).map(() => Math.floor(rnd() * 310)), dictionary, nulls },
      { name: "one", type: "string", values: new Uint32Array(n), dictionary: ["only"] },
      { name: "s", type: "string", values: Array.from({ length: n }, (_, i) => (nulls[i] ? null : `row ${i} ✓`)) },
    ],
  };
}

describe("read back by DuckDB", () => {
  it.each([
    ["SNAPPY", "pcapframe"],
    ["UNCOMPRESSED", "pcapframe"],
    ["SNAPPY", "hyparquet-writer"],
  ] as const)("%s (%s): every value of 10 000 rows in 3 row groups, wide dictionaries, 30 percent nulls", async (codec, engine) => {
    const t = mixed(10_000, 7);
    const f = path.join(duck.tmp, `mixed-${codec}-${engine}.parquet`);
    writeParquet(t, f, { codec, engine, rowGroupRows: 4096 });
    const r = await duck.con.runAndReadAll(`SELECT * FROM read_parquet('${f}')`);
    const cols = r.getColumnsJS() as unknown[][];
    expect(r.currentRowCount).toBe(t.length);
    for (const [j, c] of t.columns.entries()) {
      for (let i = 0; i < t.length; i++) {
        const want = cellOf(c, i);
        const have = cols[j][i];
        if ((typeof have === "bigint" ? Number(have) : have) !== (typeof want === "bigint" ? Number(want) : want)) {
          expect(have, `${c.name}[${i}]`).toEqual(want);
        }
      }
    }
    const g = await duck.con.runAndReadAll(`SELECT count(DISTINCT row_group_id)::INT FROM parquet_metadata('${f}')`);
    expect(g.getColumnsJS()[0][0]).toBe(3);
  });

  it("numeric chunks carry min/max (unsigned order for UINT_*, -0 for a zero minimum) and null counts; DuckDB prunes with them", async () => {
    const f = path.join(duck.tmp, "stats.parquet");
    const nulls = Uint8Array.from([0, 1, 0, 0]);
    writeParquet(
      {
        length: 4,
        columns: [
          { name: "u32", type: "uint32", values: Uint32Array.from([7, 1, 4294967295, 2 ** 31]), nulls },
          { name: "i64", type: "int64", values: BigInt64Array.from([-5n, 99n, 3n, 2n ** 60n]) },
          { name: "f", type: "float64", values: Float64Array.from([0, NaN, 2.5, 1]), nulls },
          { name: "s", type: "string", values: ["a", "b", null, "c"] },
        ],
      },
      f,
    );
    const r = await duck.con.runAndReadAll(`SELECT path_in_schema AS c, stats_min_value AS lo, stats_max_value AS hi, stats_null_count::INT AS nulls FROM parquet_metadata('${f}') ORDER BY column_id`);
    expect(r.getRowObjectsJS()).toEqual([
      { c: "u32", lo: "7", hi: "4294967295", nulls: 1 },
      { c: "i64", lo: "-5", hi: String(2n ** 60n), nulls: 0 },
      { c: "f", lo: "-0.0", hi: "2.5", nulls: 1 },
      { c: "s", lo: null, hi: null, nulls: null },
    ]);
    const big = await duck.con.runAndReadAll(`SELECT count(*)::INT FROM read_parquet('${f}') WHERE u32 >= 2147483648`);
    expect(big.getColumnsJS()[0][0]).toBe(2);
  });

  it("values stored in another array than their type's (a Float64Array under int32, numbers under uint16 and int64) are written as the type", async () => {
    const f = path.join(duck.tmp, "coerce.parquet");
    writeParquet(
      {
        length: 3,
        columns: [
          { name: "a", type: "int32", values: Float64Array.from([1, -2, 3.9]) },
          { name: "b", type: "uint16", values: [7, 65535, 0] as unknown as Uint16Array },
          { name: "c", type: "int64", values: Float64Array.from([5, Infinity, -9]) },
        ],
      },
      f,
    );
    const r = await duck.con.runAndReadAll(`SELECT a, b, c::INT AS c FROM read_parquet('${f}')`);
    expect(r.getRowObjectsJS()).toEqual([{ a: 1, b: 7, c: 5 }, { a: -2, b: 65535, c: 0 }, { a: 3, b: 0, c: -9 }]);
  });

  it("an empty table gives a file with its schema; the writer's footer carries key/value metadata", async () => {
    const f = path.join(duck.tmp, "empty.parquet");
    writeParquet({ length: 0, columns: [{ name: "a", type: "uint32", values: new Uint32Array(0) }] }, f);
    const r = await duck.con.runAndReadAll(`SELECT count(*)::INT AS n FROM read_parquet('${f}')`);
    expect(r.getColumnsJS()[0][0]).toBe(0);
    const g = path.join(duck.tmp, "kv.parquet");
    const w = new ParquetFileWriter(g, { metadata: { "pcapframe.source": "x.pcap" } });
    w.append({ length: 1, columns: [{ name: "a", type: "float64", values: Float64Array.from([1.5]) }] });
    expect(w.close()).toBe(true);
    const kv = await duck.con.runAndReadAll(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${g}')`);
    expect(kv.getRowObjectsJS()).toEqual([{ k: "pcapframe.source", v: "x.pcap" }]);
  });
});
