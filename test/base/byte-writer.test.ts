import { describe, expect, it } from "vitest";
import { ByteWriter, textOf } from "../../lib/base/byte-writer";
import { csvCell } from "../../lib/base/csv";

/** Everything a write function wrote, as a string (through a tiny chunk size, so that flushing is exercised). */
function written(write: (w: ByteWriter) => void, chunk = 16): string {
  const parts: Buffer[] = [];
  const w = new ByteWriter((b) => parts.push(Buffer.from(b)), chunk);
  write(w);
  w.flush();
  return Buffer.concat(parts).toString("utf8");
}

describe("ByteWriter.fixed9", () => {
  it("prints a time difference exactly as csvCell(seconds, true) (toFixed(9))", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const cases: [number, number][] = [[0, 1], [0, -1], [1, -999999999], [-1, 999999999], [0, 999999999], [99999, 999999999], [-99999, -999999999], [100000, 0], [123456789, 5], [-3, 7]];
    for (let i = 0; i < 20000; i++) cases.push([Math.floor((rnd() - 0.5) * 2 * 10 ** Math.floor(rnd() * 8)), Math.floor((rnd() - 0.5) * 2e9)]);
    for (const [s, ns] of cases) {
      const want = csvCell(s + ns / 1e9, true);
      expect(written((w) => w.fixed9(s, ns)), `${s} s ${ns} ns`).toBe(want);
    }
  });

  it("falls back to toFixed for non-integer parts", () => {
    expect(written((w) => w.fixed9(0.5, 0))).toBe("0.500000000");
  });
});

describe("textOf", () => {
  it("reads back what a byte-writing function wrote, across chunk flushes and nested calls", () => {
    const long = "\u2192x".repeat(3000);
    expect(textOf((w) => { w.str("a,"); w.int(-42); w.str(long); })).toBe(`a,-42${long}`);
    expect(textOf((w) => { w.str(textOf((v) => v.int(7))); w.byte(33); })).toBe("7!");
    expect(textOf(() => {})).toBe("");
  });
});
