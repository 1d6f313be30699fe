// Issue 2 "done when": our packet list agrees with `tshark -2 -n` on every capture with goldens
// (data/ always; ../shared/captures when present): packet count on every file; time, length, src, dst
// and ports on ≥ 99.9% of rows; Info on ≥ 99% of the rows whose (tshark) Protocol is TCP. Issue 18 (tunnels,
// application protocols; captures-wave2 and test/fixtures/tunnels included): Protocol and TCP Info ≥ 99.5%, the
// remaining differences listed by reason in docs/protocol-differences.md.
import { describe, expect, it } from "vitest";
import { listGoldenCaptures } from "../helpers/golden";
import { comparePackets, pct, type FieldStats, type PacketParity } from "../helpers/packet-parity";

const captures = listGoldenCaptures();
const results: PacketParity[] = [];

describe("packet table vs tshark goldens", () => {
  it("has goldens for the data/ captures", () => {
    expect(captures.filter((c) => c.source === "data").length).toBeGreaterThanOrEqual(10);
  });

  for (const cap of captures) {
    it(`${cap.source}/${cap.name}: same packet count`, () => {
      const r = comparePackets(cap.name, cap.path);
      results.push(r);
      expect(r.ourCount).toBe(r.tsharkCount);
    });
  }

  it("agrees on time, length, src, dst, ports (≥ 99.9%), Protocol and TCP Info (≥ 99.5%) over all captures", () => {
    const total: Record<string, FieldStats> = {};
    for (const r of results)
      for (const [k, s] of Object.entries(r.fields)) {
        const t = (total[k] ??= { compared: 0, agree: 0, examples: [] });
        t.compared += s.compared;
        t.agree += s.agree;
        for (const e of s.examples) if (t.examples.length < 12) t.examples.push({ ...e, frame: e.frame, ours: `${r.name}#${e.frame}: ${e.ours}` });
      }
    const report = Object.fromEntries(Object.entries(total).map(([k, s]) => [k, `${pct(s).toFixed(3)}% of ${s.compared}`]));
    console.log("packet parity vs tshark:", report);
    for (const k of ["time", "length", "src", "dst", "srcport", "dstport"]) {
      expect(pct(total[k]), `${k}: ${JSON.stringify(total[k].examples.slice(0, 4))}`).toBeGreaterThanOrEqual(99.9);
    }
    expect(pct(total.info_tcp), JSON.stringify(total.info_tcp.examples.slice(0, 6))).toBeGreaterThanOrEqual(99.5);
    expect(pct(total.protocol), JSON.stringify(total.protocol.examples.slice(0, 6))).toBeGreaterThanOrEqual(99.5);
  });
});
