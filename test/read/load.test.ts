// The read driver's options: each stage can be switched off on its own.
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { Layer } from "../../lib/table/layers";

const DATA = path.resolve(__dirname, "..", "..", "data");

function tlsRows(cap: ReturnType<typeof readCapture>): number {
  let n = 0;
  for (let r = 0; r < cap.length; r++) if (cap.packets.layers[r] & Layer.TLS) n++;
  return n;
}

describe("readCapture options", () => {
  it("appLayers works with tcpAnalysis: false (the TLS rows of a TLS capture stay TLS)", () => {
    const full = readCapture(path.join(DATA, "lab-clean.pcapng"));
    const noTcp = readCapture(path.join(DATA, "lab-clean.pcapng"), { tcpAnalysis: false });
    expect(tlsRows(full)).toBe(80);
    expect(tlsRows(noTcp)).toBe(80);
    expect(noTcp.column("stream").every((s) => s === null)).toBe(true);
    const proto = (c: typeof full) => c.column("protocol").filter((p) => p === "TLSv1.2").length;
    expect(proto(noTcp)).toBe(proto(full));
  });

  it("appLayers: false keeps the TCP analysis and drops only the application columns", () => {
    const cap = readCapture(path.join(DATA, "lab-clean.pcapng"), { appLayers: false });
    expect(tlsRows(cap)).toBe(0);
    expect(cap.column("stream").filter((s) => s !== null).length).toBeGreaterThan(900);
  });

  it("rejects an unknown option with its name", () => {
    expect(() => readCapture(path.join(DATA, "lab-clean.pcapng"), { tcpanalysis: false } as never)).toThrow(/unknown option "tcpanalysis"/);
  });
});
