// Capture.filterRows / Capture.filter and display filters wherever rows are selected (toColumns / toDataFrame / CSV options).
import { describe, expect, test } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { FilterError } from "../../lib/filter/index";
import { miniCapture } from "../filter/mini-capture";

describe("Capture.filter", () => {
  const cap = readCapture(miniCapture());
  test("display filter and predicate give rows", () => {
    expect(Array.from(cap.filterRows("tcp.port == 80"))).toEqual([0, 1, 2, 3]);
    expect(Array.from(cap.filterRows((r, c) => c.packets.wireLen[r] > 100))).toEqual([3]);
  });
  test("cap.filter gives the selection as a Table (frame numbers in `no`)", () => {
    const sel = cap.filter("tcp.port == 80");
    expect(sel.length).toBe(4);
    expect(sel.column("no")).toEqual([1, 2, 3, 4]);
    expect(cap.filter((row) => (row.length ?? 0) > 100).column("no")).toEqual([4]);
    expect(sel.filter("tcp.len > 0").column("no")).toEqual(cap.filter("tcp.port == 80 && tcp.len > 0").column("no"));
  });
  test("rows: a display filter in the table options", () => {
    const t = cap.toColumns({ columns: ["no", "protocol"], rows: "http || dns || arp" });
    expect(t.data.no).toEqual([4, 6, 7]);
    expect(cap.toCSV(["no"], Array.from(cap.filterRows("arp")))).toBe("no\n6\n");
  });
  test("a capture read from memory keeps its bytes for byte filters", () => {
    expect(Array.from(cap.filterRows('frame contains "example"'))).toEqual([3, 6]);
  });
  test("an invalid filter throws FilterError with the position", () => {
    expect(() => cap.filter("tcp.port == ")).toThrow(FilterError);
    expect(() => cap.filterRows(42 as unknown as string)).toThrow(TypeError);
  });
  test("cap.frames picks packets by frame number, in the order given", () => {
    expect(cap.frames([4, 1]).column("no")).toEqual([4, 1]);
    expect(cap.frames(6).get(0, "protocol")).toBe("ARP");
    expect(cap.frames([]).length).toBe(0);
    expect(() => cap.frames([0])).toThrow(RangeError);
    expect(() => cap.frames([cap.length + 1])).toThrow(/out of range/);
    expect(() => cap.frames([1.5])).toThrow(RangeError);
  });
});
