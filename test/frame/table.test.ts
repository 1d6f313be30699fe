import * as util from "node:util";
import { describe, expect, it } from "vitest";
import { Table } from "../../lib/frame/table";
import type { Vector } from "../../lib/frame/vector";

// A small "packet-like" table: a protocol label column whose values look like numbers, a stream column
// that is null for non-TCP rows, a float column with nulls, a null-led string column.
function sample() {
  return Table.from(
    {
      no: [1, 2, 3, 4, 5, 6, 7, 8],
      protocol: ["TCP", "0x890d", "TCP", "UDP", "0x890d", "TCP", "TLSv1.3", "TCP"],
      stream: [0, null, 0, null, null, 1, 1, 2],
      length: [60, 1514, 60, 90, 1514, 66, 583, 54],
      rtt: [null, null, 0.001, null, null, 0.25, null, 0.003],
      analysis: [null, null, "retransmission", null, null, "dup_ack", null, "retransmission"],
      syn: [true, false, false, false, false, true, false, null],
    },
    { no: "uint32", stream: "int32", length: "uint16", rtt: "float64", syn: "bool" },
  );
}

describe("Table basics", () => {
  it("has a typed schema, length and shape", () => {
    const t = sample();
    expect(t.length).toBe(8);
    expect(t.shape).toEqual([8, 7]);
    expect(t.schema).toEqual({ no: "uint32", protocol: "string", stream: "int32", length: "uint16", rtt: "float64", analysis: "string", syn: "bool" });
  });

  it("keeps nulls as null (never NaN or 0), and string labels as strings", () => {
    const t = sample();
    expect(t.column("stream")).toEqual([0, null, 0, null, null, 1, 1, 2]);
    expect(t.column("rtt")).toEqual([null, null, 0.001, null, null, 0.25, null, 0.003]);
    expect(t.column("protocol")[1]).toBe("0x890d");
    expect(t.column("analysis")[0]).toBeNull();
    expect(t.column("syn")).toEqual([true, false, false, false, false, true, false, null]);
  });

  it("wraps typed arrays without copying; Float64Array NaN reads as null", () => {
    const x = new Float64Array([1.5, NaN, 3]);
    const t = Table.from({ x });
    expect(t.schema).toEqual({ x: "float64" });
    expect(t.vector("x").values).toBe(x);
    expect(t.column("x")).toEqual([1.5, null, 3]);
  });

  it("rejects values a declared integer type cannot store", () => {
    expect(() => Table.from({ a: [1, 2.5] }, { a: "int32" })).toThrow(TypeError);
    expect(() => Table.from({ a: [70000] }, { a: "uint16" })).toThrow(TypeError);
    expect(() => Table.from({ a: ["x"] }, { a: "float64" })).toThrow(TypeError);
    expect(() => Table.from({ a: [1] }, { a: "float128" as never })).toThrow(/unknown type/);
  });

  it("head, tail (with pandas' negative n), select share the columns", () => {
    const t = sample();
    expect(t.head(3).column("no")).toEqual([1, 2, 3]);
    expect(t.tail(2).column("no")).toEqual([7, 8]);
    expect(t.head(-6).column("no")).toEqual([1, 2]);
    expect(t.tail(-6).column("no")).toEqual([7, 8]);
    expect(t.head(100).length).toBe(8);
    const s = t.select(["length", "no"]);
    expect(s.columnNames).toEqual(["length", "no"]);
    expect(s.vector("no")).toBe(t.vector("no"));
    expect(() => t.select(["nope" as "no"])).toThrow(/unknown column "nope"/);
    expect(t.head().tail(2).column("no")).toEqual([4, 5]);
  });

  it("out-of-range rows are a RangeError, never made-up values", () => {
    const t = sample();
    expect(() => t.toRecords({ rows: [5000] })).toThrow(RangeError);
    expect(() => t.take([8])).toThrow(RangeError);
    expect(() => t.take([-1])).toThrow(RangeError);
    expect(() => t.get(8, "no")).toThrow(RangeError);
    expect(() => t.head(2).toRecords({ rows: [2] })).toThrow(RangeError);
    expect(t.head(3).toRecords({ rows: [2], columns: ["no"] })).toEqual([{ no: 3 }]);
  });

  it("filter by predicate, mask and (only with a compiler) display filter", () => {
    const t = sample();
    const big = t.filter((r) => r.length > 100);
    expect(big.column("no")).toEqual([2, 5, 7]);
    expect(big.filter((r) => r.protocol === "TLSv1.3").column("no")).toEqual([7]);
    expect(t.filter([true, false, true, false, false, false, false, false]).column("no")).toEqual([1, 3]);
    expect(() => t.filter(new Uint8Array(3))).toThrow(RangeError);
    expect(() => t.filter("tcp.port == 443")).toThrow(/display-filter compiler/);
    // the seam: a compiler over base rows, kept through select/head/filter
    const withDf = new Table(
      { no: t.vector("no"), stream: t.vector("stream") },
      { filterCompiler: (expr) => (expr === "tcp" ? (r: number) => r !== 1 && r !== 3 && r !== 4 : new Uint8Array(8)) },
    );
    expect(withDf.hasDisplayFilter).toBe(true);
    expect(withDf.tail(5).select(["no"]).filter("tcp").column("no")).toEqual([6, 7, 8]);
    expect(withDf.filter("none").length).toBe(0);
    expect(withDf.valueCounts("stream").hasDisplayFilter).toBe(false);
  });

  it("sortBy: stable, nulls last in both directions, strings in code-unit order, several keys", () => {
    const t = sample();
    expect(t.sortBy("rtt").column("no")).toEqual([3, 8, 6, 1, 2, 4, 5, 7]);
    expect(t.sortBy("rtt", { descending: true }).column("no")).toEqual([6, 8, 3, 1, 2, 4, 5, 7]);
    expect(t.sortBy("protocol").column("protocol")).toEqual(["0x890d", "0x890d", "TCP", "TCP", "TCP", "TCP", "TLSv1.3", "UDP"]);
    expect(t.sortBy("length").column("no")).toEqual([8, 1, 3, 6, 4, 7, 2, 5]);
    expect(t.sortBy(["protocol", "length"], { descending: [false, true] }).column("no")).toEqual([2, 5, 6, 1, 3, 8, 7, 4]);
    expect(t.filter((r) => r.stream !== null).sortBy("stream", { descending: true }).column("no")).toEqual([8, 6, 7, 1, 3]);
    // integer keys take the counting sort: same order rules
    expect(t.sortBy("stream", { descending: true }).column("no")).toEqual([8, 6, 7, 1, 3, 2, 4, 5]);
    expect(t.sortBy("stream").column("no")).toEqual([1, 3, 6, 7, 8, 2, 4, 5]);
    const big = Table.from({ k: new Float64Array([2 ** 40, 1, NaN, -5, 1]) });
    expect(big.sortBy("k").column("k")).toEqual([-5, 1, 1, 2 ** 40, null]);
  });

  it("valueCounts: counts first, label types kept, nulls dropped unless asked", () => {
    const t = sample();
    const vc = t.valueCounts("protocol");
    expect(vc.schema).toEqual({ protocol: "string", count: "int32" });
    expect(vc.toRecords()).toEqual([
      { protocol: "TCP", count: 4 },
      { protocol: "0x890d", count: 2 },
      { protocol: "TLSv1.3", count: 1 },
      { protocol: "UDP", count: 1 },
    ]);
    const s = t.valueCounts("stream");
    expect(s.schema).toEqual({ stream: "int32", count: "int32" });
    expect(s.length).toBe(3); // three streams: the non-TCP rows are not a group
    expect(s.toRecords()).toEqual([
      { stream: 0, count: 2 },
      { stream: 1, count: 2 },
      { stream: 2, count: 1 },
    ]);
    expect(t.valueCounts("stream", { dropNull: false }).toRecords()[0]).toEqual({ stream: null, count: 3 });
    expect(t.valueCounts("analysis").toRecords()).toEqual([
      { analysis: "retransmission", count: 2 },
      { analysis: "dup_ack", count: 1 },
    ]);
  });

  it("unique in order of first appearance", () => {
    const t = sample();
    expect(t.unique("protocol").column("protocol")).toEqual(["TCP", "0x890d", "UDP", "TLSv1.3"]);
    expect(t.unique("stream").column("stream")).toEqual([0, null, 1, 2]);
    expect(t.unique("stream", { dropNull: true }).column("stream")).toEqual([0, 1, 2]);
  });

  it("groupBy().agg(): groups in key order, null keys dropped, typed results", () => {
    const t = sample();
    const g = t.groupBy("stream").agg({
      length: ["count", "sum", "mean", "min", "max", "median", "nunique", "first", "last"],
      rtt: ["count", "mean"],
      protocol: ["first", "max", "nunique"],
    });
    expect(g.schema).toEqual({
      stream: "int32",
      length_count: "int32",
      length_sum: "float64",
      length_mean: "float64",
      length_min: "uint16",
      length_max: "uint16",
      length_median: "float64",
      length_nunique: "int32",
      length_first: "uint16",
      length_last: "uint16",
      rtt_count: "int32",
      rtt_mean: "float64",
      protocol_first: "string",
      protocol_max: "string",
      protocol_nunique: "int32",
    });
    expect(g.length).toBe(3);
    expect(g.toRecords()[0]).toEqual({
      stream: 0,
      length_count: 2,
      length_sum: 120,
      length_mean: 60,
      length_min: 60,
      length_max: 60,
      length_median: 60,
      length_nunique: 1,
      length_first: 60,
      length_last: 60,
      rtt_count: 1,
      rtt_mean: 0.001,
      protocol_first: "TCP",
      protocol_max: "TCP",
      protocol_nunique: 1,
    });
    expect(g.toRecords()[1]).toMatchObject({ stream: 1, length_median: 324.5, length_first: 66, length_last: 583, protocol_max: "TLSv1.3", protocol_nunique: 2 });
    const withNull = t.groupBy("stream", { dropNull: false }).count();
    expect(withNull.toRecords()).toEqual([
      { stream: 0, count: 2 },
      { stream: 1, count: 2 },
      { stream: 2, count: 1 },
      { stream: null, count: 3 },
    ]);
    // a group whose values are all null: mean is null, first is null
    const r = t.groupBy("stream").agg({ rtt: ["mean", "first", "sum"] }).toRecords();
    expect(r[0]).toEqual({ stream: 0, rtt_mean: 0.001, rtt_first: 0.001, rtt_sum: 0.001 });
    expect(t.groupBy("protocol").agg({ rtt: "mean" }).toRecords()[0]).toEqual({ protocol: "0x890d", rtt_mean: null });
    expect(() => t.groupBy("stream").agg({ protocol: "sum" })).toThrow(/numeric/);
    expect(() => t.groupBy("stream").agg({ length: "avg" as never })).toThrow(/unknown operation/);
  });

  it("groupBy on several keys", () => {
    const t = sample();
    const g = t.groupBy(["protocol", "syn"]).count();
    expect(g.toRecords()).toEqual([
      { protocol: "0x890d", syn: false, count: 2 },
      { protocol: "TCP", syn: false, count: 1 },
      { protocol: "TCP", syn: true, count: 2 },
      { protocol: "TLSv1.3", syn: false, count: 1 },
      { protocol: "UDP", syn: false, count: 1 },
    ]);
  });

  it("describe: numeric and string statistics as pandas computes them", () => {
    const t = sample();
    const d = t.describe();
    const rows = d.toRecords();
    const len = rows.find((r) => r.column === "length")!;
    // pandas: pd.Series([60,1514,60,90,1514,66,583,54]).describe() (Python statistics.stdev / quantiles inclusive agree)
    expect(len.count).toBe(8);
    expect(len.mean).toBeCloseTo(492.625, 9);
    expect(len.std).toBeCloseTo(655.2445426818, 9);
    expect(len.min).toBe(54);
    expect(len["25%"]).toBe(60);
    expect(len["50%"]).toBe(78);
    expect(len["75%"]).toBe(815.75);
    expect(len.max).toBe(1514);
    expect(len.top).toBeNull();
    const rtt = rows.find((r) => r.column === "rtt")!;
    expect(rtt.count).toBe(3);
    expect(rtt["50%"]).toBe(0.003);
    const proto = rows.find((r) => r.column === "protocol")!;
    expect(proto).toMatchObject({ count: 8, unique: 4, top: "TCP", freq: 4, mean: null });
    const an = rows.find((r) => r.column === "analysis")!;
    expect(an).toMatchObject({ count: 3, unique: 2, top: "retransmission", freq: 2 });
    expect(t.select([]).describe().length).toBe(0);
    expect(Table.from({ x: [null, null] }, { x: "float64" }).describe().toRecords()[0]).toMatchObject({ count: 0, mean: null, min: null });
  });

  it("describe on large float and int columns matches a sort-based computation", () => {
    const n = 10001;
    const f = new Float64Array(n);
    const u = new Uint32Array(n);
    let s = 7;
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      f[i] = (s / 2 ** 32) * 1000 - 500;
      u[i] = s % 5000;
    }
    const d = Table.from({ f, u }).describe().toRecords();
    for (const [row, data] of [[d[0], f], [d[1], u]] as const) {
      const sorted = Float64Array.from(data).sort();
      const q = (p: number) => {
        const pos = p * (n - 1);
        const k = Math.floor(pos);
        return sorted[k] + (sorted[Math.min(k + 1, n - 1)] - sorted[k]) * (pos - k);
      };
      expect(row["25%"]).toBeCloseTo(q(0.25), 9);
      expect(row["50%"]).toBeCloseTo(q(0.5), 9);
      expect(row["75%"]).toBeCloseTo(q(0.75), 9);
      expect(row.min).toBe(sorted[0]);
      expect(row.max).toBe(sorted[n - 1]);
    }
  });

  it("toRecords, toColumns, CSV", () => {
    const t = sample().select(["no", "protocol", "rtt", "syn"]).head(3);
    expect(t.toRecords()).toEqual([
      { no: 1, protocol: "TCP", rtt: null, syn: true },
      { no: 2, protocol: "0x890d", rtt: null, syn: false },
      { no: 3, protocol: "TCP", rtt: 0.001, syn: false },
    ]);
    expect(t.toColumns({ columns: ["no"] })).toEqual({ columns: ["no"], data: { no: [1, 2, 3] }, rows: 3 });
    expect(t.toCSV()).toBe("no,protocol,rtt,syn\n1,TCP,,1\n2,0x890d,,0\n3,TCP,0.001,0\n");
    const q = Table.from({ s: ['a,"b"', "c\nd", null] });
    expect(q.toCSV({ header: false })).toBe('"a,""b"""\n"c\nd"\n\n');
    const epoch = Table.from({ t: new Float64Array([1700000000.123456]) });
    expect(epoch.toCSV()).toBe("t\n1700000000.123456\n");
  });

  it("dictionary strings with a null id (the packet table's StringDict) and null masks", () => {
    const dict = ["", "10.0.0.1", "10.0.0.2"];
    const src: Vector = { type: "string", values: new Uint32Array([1, 0, 2, 1]), dict, nullId: 0 };
    const len: Vector = { type: "uint16", values: new Uint16Array([5, 0, 7, 9]), nulls: new Uint8Array([0, 1, 0, 0]) };
    const t = new Table({ src, len });
    expect(t.column("src")).toEqual(["10.0.0.1", null, "10.0.0.2", "10.0.0.1"]);
    expect(t.column("len")).toEqual([5, null, 7, 9]);
    expect(t.valueCounts("src").toRecords()).toEqual([
      { src: "10.0.0.1", count: 2 },
      { src: "10.0.0.2", count: 1 },
    ]);
    expect(t.describe().toRecords()[1]).toMatchObject({ count: 3, min: 5, max: 9 });
    // derived key columns share the dictionary
    expect(t.valueCounts("src").vector("src").dict).toBe(dict);
  });

  it("lazy columns are built once, on first use, and shared by derived tables", () => {
    let built = 0;
    const t = new Table(
      {
        n: { type: "int32", values: new Int32Array([3, 1, 2]) },
        info: { type: "string", make: () => (built++, { type: "string", values: new Uint32Array([0, 1, 0]), dict: ["a", "b"] }) },
      },
      {},
    );
    expect(built).toBe(0);
    const s = t.sortBy("n");
    expect(built).toBe(0);
    expect(s.column("info")).toEqual(["b", "a", "a"]);
    expect(t.column("info")).toEqual(["a", "b", "a"]);
    expect(built).toBe(1);
    expect(() => new Table({ x: { type: "int32", make: () => ({ type: "int32", values: new Int32Array(1) }) } })).toThrow(/length/);
  });
});

describe("Table display", () => {
  it("HTML: shape, head and tail around an ellipsis row, escaped strings", () => {
    const n = 100;
    const t = Table.from({ i: Array.from({ length: n }, (_, k) => k), s: Array.from({ length: n }, (_, k) => (k === 99 ? "<script>x</script>" : `r${k}`)) }, { i: "int32" });
    const html = t.toHTML();
    expect(html).toContain("100 rows × 2 columns");
    expect(html).toContain("<td>r4</td>");
    expect(html).not.toContain("<td>r5</td>");
    expect(html).toContain("<th>…</th>");
    expect(html).toContain("&lt;script&gt;x&lt;/script&gt;");
    expect(html).not.toContain("<script>");
    expect(t.head(3).toHTML()).not.toContain("…");
  });

  it("wide tables show the first and last columns around a … column, as pandas", () => {
    const wide = Table.from(Object.fromEntries(Array.from({ length: 30 }, (_, k) => [`c${k}`, [k]])));
    const html = wide.toHTML();
    expect(html).toContain("<th>c9</th><th>…</th><th>c20</th>");
    expect(html).not.toContain("<th>c10</th>");
    expect(html).toContain("1 row × 30 columns");
    expect(wide.toString().split("\n")[0]).toMatch(/c9\s+…\s+c20/);
    expect(wide.toHTML({ maxColumns: 100 })).toContain("<th>c15</th>");
  });

  it("text repr for console.log (util.inspect) instead of internals", () => {
    const t = sample().select(["no", "protocol", "rtt"]);
    const text = util.inspect(t);
    expect(text).toContain("[8 rows × 3 columns]");
    expect(text).toContain("0x890d");
    expect(text).toContain("null");
    expect(text).not.toContain("slots");
    expect(text.split("\n")[0]).toMatch(/^\s+no\s+protocol\s+rtt$/);
    const long = Table.from({ i: Array.from({ length: 1000 }, (_, k) => k) }).toString();
    expect(long.split("\n")).toHaveLength(1 + 10 + 1 + 2);
  });
});
