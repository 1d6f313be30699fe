// Table.toDataFrame: explicit dtypes, only the rows/columns asked for, and what danfo does with them
// (these facts are the README's "DataFrames" section; a danfo upgrade that changes them fails here).
import { describe, expect, it } from "vitest";
import { Table } from "../../lib/frame/table";

function sample() {
  return Table.from(
    {
      analysis: [null, null, "retransmission", null, "dup_ack"],
      protocol: ["TCP", "0x890d", "TCP", "UDP", "0x890d"],
      stream: [0, null, 0, null, 1],
      epoch: [1700000000.123456, 1700000000.223457, 1700000001.000001, null, 1700000002.5],
      seq_raw: [1, 2, 3000000000, 4, 5],
      syn: [true, false, null, true, true],
    },
    { stream: "int32", seq_raw: "uint32", syn: "bool" },
  );
}

describe("Table.toDataFrame", () => {
  it("passes explicit dtypes: null-led strings stay strings, ints int32, booleans boolean", () => {
    const df = sample().toDataFrame();
    expect(df.columns).toEqual(["analysis", "protocol", "stream", "epoch", "seq_raw", "syn"]);
    // seq_raw holds a value ≥ 2^31: labelled float32 (an int32 tensor would wrap it)
    expect(df.dtypes).toEqual(["string", "string", "int32", "float32", "float32", "boolean"]);
    // the bug of issue 14: a null-led string column typed float32 made .str throw
    expect(df["analysis"].str.includes("retr").values).toEqual([NaN, NaN, true, NaN, false]);
    expect(df["stream"].values).toEqual([0, null, 0, null, 1]);
  }, 60_000);

  it("only the rows and columns asked for; rows out of range are a RangeError", () => {
    const t = sample();
    const df = t.toDataFrame({ columns: ["protocol", "epoch"], rows: [4, 1] });
    expect(df.shape).toEqual([2, 2]);
    expect(df["protocol"].values).toEqual(["0x890d", "0x890d"]);
    expect(() => t.toDataFrame({ rows: [5000] })).toThrow(RangeError);
    expect(t.filter((r) => r.stream !== null).toDataFrame().shape).toEqual([3, 6]);
  }, 60_000);

  it("float values stay float64 in the frame; tensor-backed operations round them to float32", () => {
    const df = sample().toDataFrame();
    const e = df["epoch"];
    expect(e.values[0]).toBe(1700000000.123456);
    expect(e.add(1).values[0]).toBe(1700000001.123456); // Series arithmetic: plain JS
    expect(e.max()).toBe(1700000002.5);
    expect(e.min()).toBe(1700000000.123456);
    expect(e.median()).toBeCloseTo(1700000000.6117291, 6);
    // through tfjs float32 tensors: µs are lost
    expect(Array.from(e.tensor.dataSync())[0]).toBe(1700000000);
    expect(df.loc({ columns: ["epoch"] }).add(1).values[0]).toEqual([1700000000]);
  }, 60_000);

  it("danfo limitations the Table verbs avoid (documented in the README)", () => {
    const df = sample().toDataFrame();
    // valueCounts turns the string label "0x890d" into a number even with dtype string
    expect(df["protocol"].valueCounts().index).toContain(35085);
    expect(sample().valueCounts("protocol").column("protocol")).toContain("0x890d");
    // groupby keeps a null group (no dropna)
    expect(df.groupby(["stream"]).agg({ epoch: "count" }).values.length).toBe(3);
    expect(sample().groupBy("stream").count().length).toBe(2);
    // describe throws on a column with nulls
    expect(() => df.loc({ columns: ["epoch"] }).describe()).toThrow();
    expect(sample().describe(["epoch"]).toRecords()[0].count).toBe(4);
    // arithmetic reads null as 0
    expect(df["stream"].add(1).values).toEqual([1, 1, 1, 1, 2]);
  }, 60_000);
});
