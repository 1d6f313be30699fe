// The packet table and the flow table as frame Tables, checked against tshark's goldens (issue 14):
// valueCounts("stream") on TCP rows = tshark's stream count, Protocol labels kept as strings, every
// column equal to the Capture's own column getter, DataFrames with the schema's dtypes.
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { analyzeFlows, buildFlows } from "../../lib/flows/index";
import { Table } from "../../lib/frame/table";
import { DATA_DIR, readPacketsGolden } from "../helpers/golden";

const CAPTURES = ["lab-lossy.pcapng", "four_ipv6_http_streams.pcap", "retransmit-fast009.pcap", "http2-nghttp2.pcap"];

function counts(values: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) if (v !== "") m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

describe.each(CAPTURES)("packet table of %s", (name) => {
  const cap = readCapture(path.join(DATA_DIR, name));
  const golden = readPacketsGolden(name);

  it("valueCounts(stream) = tshark's tcp.stream counts (no null group)", () => {
    const vc = cap.valueCounts("stream");
    const want = counts(golden.columns["tcp.stream"]);
    expect(vc.length).toBe(want.size);
    expect(vc.schema).toEqual({ stream: "uint32", count: "int32" });
    const got = new Map(vc.toRecords().map((r) => [String(r.stream), r.count]));
    expect(got).toEqual(want);
    expect(cap.groupBy("stream").count().length).toBe(want.size);
  });

  // (HTTP/2 Protocol labels are not at parity with tshark yet: not a table matter)
  it.skipIf(name.startsWith("http2"))("valueCounts(protocol) = tshark's Protocol column, labels as strings", () => {
    const vc = cap.valueCounts("protocol");
    const got = new Map(vc.toRecords().map((r) => [r.protocol as string, r.count]));
    expect(got).toEqual(counts(golden.columns["_ws.col.Protocol"]));
    for (const r of vc.toRecords()) expect(typeof r.protocol).toBe("string");
  });

  it("every column equals the Capture's column getter", () => {
    const t = cap.table();
    expect(t.length).toBe(cap.length);
    for (const c of t.columnNames) {
      const want = cap.column(c).map((v) => (v === "" ? null : v));
      expect(t.column(c), c).toEqual(want);
    }
  });
});

describe("packet table verbs on a capture", () => {
  const cap = readCapture(path.join(DATA_DIR, "lab-lossy.pcapng"));

  it("head/tail/filter/select/describe chain and stay Tables", () => {
    expect(cap.head(3).column("no")).toEqual([1, 2, 3]);
    expect(cap.tail(1).column("no")).toEqual([cap.length]);
    const retrans = cap.filter((r) => typeof r.analysis === "string" && r.analysis.includes("retransmission"));
    expect(retrans.length).toBeGreaterThan(0);
    const d = cap.describe(["length", "ack_rtt"]).toRecords();
    expect(d[0].count).toBe(cap.length);
    expect(d[1].count).toBe(cap.column("ack_rtt").filter((v) => v !== null).length);
    const top = cap
      .groupBy("stream")
      .agg({ length: ["count", "sum"] })
      .sortBy("length_sum", { descending: true })
      .head(1);
    expect(top.length).toBe(1);
    expect(top.toHTML()).toContain("length_sum");
  });

  it("toDataFrame: schema dtypes, RangeError for rows out of range", () => {
    const df = cap.toDataFrame({ columns: ["no", "analysis", "stream", "time", "src"] });
    expect(df.dtypes).toEqual(["int32", "string", "int32", "float32", "string"]); // uint32 → int32 when every value fits
    expect(() => cap.toDataFrame({ rows: [cap.length] })).toThrow(RangeError);
    expect(() => cap.toRecords({ rows: [5000] })).toThrow(RangeError);
    expect(() => cap.column("length", [cap.length])).toThrow(RangeError);
    expect(() => cap.toCSV(["no"], [-1])).toThrow(RangeError);
    expect(cap.toCSV(["no"], [0, 2])).toBe("no\n1\n3\n");
    expect(cap.toDataFrame({ rows: [0, 1] }).shape).toEqual([2, 7]);
  }, 60_000);

  it("the flow table is a Table with its declared types, and buildFlows takes a packet selection", () => {
    const flows = analyzeFlows(cap).table;
    expect(flows).toBeInstanceOf(Table);
    expect(flows.schema.stream).toBe("uint32");
    expect(flows.schema.proto).toBe("string");
    expect(flows.valueCounts("proto").column("proto")).toContain("tcp");
    const tcp = flows.filter((r) => r.proto === "tcp");
    expect(tcp.length).toBe(flows.column("proto").filter((p) => p === "tcp").length);
    expect(flows.get(0, "stream")).toBe(flows.column("stream")[0]);
    // buildFlows(cap, { filter }) keeps the flows with a selected packet, with the statistics of all their packets
    const s = flows.get(flows.length - 1, "stream") as number;
    const one = buildFlows(cap, { filter: `tcp.stream == ${s}` });
    expect(one.length).toBe(1);
    expect(one.toRecords()[0]).toEqual(flows.toRecords({ rows: [flows.length - 1] })[0]);
    expect(buildFlows(cap, { filter: cap.filter(`tcp.stream == ${s}`).head(1) }).toCSV()).toBe(one.toCSV());
    expect(() => buildFlows(cap, { filter: "tcp.bogus" })).toThrow(/tcp\.bogus/);
    expect(() => buildFlows(cap, { filtre: "tcp" } as never)).toThrow(/unknown option "filtre"/);
    expect(flows.sortBy("stream").head(2).length).toBe(Math.min(2, flows.length));
  });
});
