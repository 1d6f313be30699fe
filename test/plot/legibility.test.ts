/**
 * Figures a reader can trust at a glance (no browser): distinct marker kinds, legend text equal to the
 * text drawn, seqGraph windows, ioGraph spans on a capture out of time order, and legends given room.
 */
import * as path from "node:path";
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { ioGraph, seqGraph, SEQ_MARKERS, type TraceMeta } from "../../lib/plot/index";
import { LEGEND_ENTRY_PX } from "../../lib/plot/common";
import type { Figure } from "../../lib/plot/figure";
import { idleTransfer } from "../helpers/odd-captures";
import { pcap } from "../helpers/pcap-writer";

const ROOT = path.resolve(__dirname, "..", "..");
const LOSSY = path.join(ROOT, "data", "lab-lossy.pcapng");

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
/** Glyph family: plotly's symbol name without the -open / -dot variants and orientations (a rotated glyph is the same glyph). */
const family = (symbol: string) =>
  symbol.replace(/-open|-dot/g, "").replace(/-(up|down|left|right|ne|nw|se|sw|tall|wide|ew|ns)$/, "").replace(/^bowtie$/, "hourglass");

describe("seqGraph marker kinds", () => {
  it("every kind has its own colour (clearly apart) and its own glyph", () => {
    const ms = SEQ_MARKERS;
    for (let i = 0; i < ms.length; i++) {
      for (let j = i + 1; j < ms.length; j++) {
        const [a, b] = [ms[i], ms[j]];
        expect(family(a.symbol), `${a.key} / ${b.key} glyph`).not.toBe(family(b.symbol));
        const d = Math.hypot(...rgb(a.color).map((v, k) => v - rgb(b.color)[k]));
        expect(d, `${a.key} ${a.color} / ${b.key} ${b.color} colour distance`).toBeGreaterThan(60);
      }
    }
    const rst = ms.find((m) => m.key === "rst")!;
    const zw = ms.find((m) => m.key === "zero_window")!;
    expect(Math.hypot(...rgb(rst.color).map((v, k) => v - rgb(zw.color)[k]))).toBeGreaterThan(200);
  });

  it("the legend says exactly the text drawn: '<label>: <meaning>', or the meaning alone when nothing is drawn", () => {
    for (const m of SEQ_MARKERS) expect(m.name).toBe(m.label ? `${m.label}: ${m.what}` : m.what);
    expect(SEQ_MARKERS.find((m) => m.key === "spurious_retransmission")!.name).toBe("Sp: spurious retransmission");
    expect(SEQ_MARKERS.find((m) => m.key === "dup_ack_3")!.name).toBe("3: 3 dup ACKs (fast retransmit trigger)");
    const c = readCapture(idleTransfer());
    const fig = seqGraph(c, { stream: 0 });
    const kinds = new Set<string>();
    for (const t of fig.data) {
      const m = SEQ_MARKERS.find((k) => k.key === (t.meta as TraceMeta).kind);
      if (!m) continue;
      kinds.add(m.key);
      expect(t.name).toBe(m.name);
      expect(new Set(t.text)).toEqual(new Set([m.label]));
      expect(t.marker.color).toBe(m.color);
      expect(t.marker.symbol).toBe(m.symbol);
    }
    // the synthetic capture shows most kinds: fast retransmission, 3 dup ACKs, zero window, probe, keep-alive, RST …
    for (const k of ["fast_retransmission", "spurious_retransmission", "duplicate_ack", "dup_ack_3", "zero_window", "zero_window_probe", "zero_window_probe_ack", "window_update", "keep_alive", "keep_alive_ack", "rst", "rst_in", "syn"]) {
      expect(kinds, k).toContain(k);
    }
  });
});

describe("legend room", () => {
  it("a vertical legend gets the height it needs (one direction, many kinds)", () => {
    const c = readCapture(idleTransfer());
    const fig = seqGraph(c, { stream: 0, direction: "b2a" });
    const entries = fig.data.filter((t) => t.showlegend !== false).length;
    expect(entries).toBeGreaterThan(12);
    const m = fig.layout.margin as { t: number; b: number };
    expect(fig.layout.height as number).toBeGreaterThanOrEqual(m.t + m.b + entries * LEGEND_ENTRY_PX);
  });
});

describe("seqGraph time / frame window", () => {
  const c = readCapture(idleTransfer());
  const rowsIn = (fig: Figure, kind: string) => fig.data.filter((t) => (t.meta as TraceMeta).kind === kind).flatMap((t) => (t.meta as TraceMeta).rows!);
  it("keeps only the packets inside, and fits the y axis to them", () => {
    const whole = seqGraph(c, { stream: 0, direction: "b2a" });
    const fig = seqGraph(c, { stream: 0, direction: "b2a", time: [0, 0.12] });
    for (const r of rowsIn(fig, "data").concat(rowsIn(fig, "ack"))) {
      expect(c.relativeTime(r)).toBeGreaterThanOrEqual(0);
      expect(c.relativeTime(r)).toBeLessThanOrEqual(0.12);
    }
    expect(rowsIn(fig, "data").length).toBeGreaterThan(50);
    expect(rowsIn(fig, "data").length).toBeLessThan(rowsIn(whole, "data").length);
    const xr = (fig.layout.xaxis as { range: number[] }).range;
    expect(xr[0]).toBeCloseTo(-0.0024, 9); // the window, 2% wider each side
    expect(xr[1]).toBeCloseTo(0.1224, 9);
    const y = (fig.layout.yaxis as { range: number[] }).range;
    const yWhole = (whole.layout.yaxis as { range: number[] }).range;
    expect(y[1]).toBeLessThan(yWhole[1] / 2); // the later data does not stretch the axis
    let top = 0;
    for (const r of rowsIn(fig, "data")) top = Math.max(top, c.tcp.relSeq(r) + c.packets.tcpLen[r]);
    expect(y[1]).toBeGreaterThanOrEqual(top);
    expect(y[1]).toBeLessThan(top * 1.1 + 10);
  });
  it("frames: 1-based inclusive, combinable with time", () => {
    const fig = seqGraph(c, { stream: 0, frames: [10, 60] });
    const rows = rowsIn(fig, "data").concat(rowsIn(fig, "ack"));
    expect(Math.min(...rows)).toBeGreaterThanOrEqual(9);
    expect(Math.max(...rows)).toBeLessThanOrEqual(59);
    expect(rows).toContain(9);
  });
  it("an empty or reversed window is a clear error", () => {
    expect(() => seqGraph(c, { stream: 0, time: [10, 20] })).toThrow(/seqGraph: stream 0 has no packets in time \[10, 20\] s \(its packets are frames 1…\d+, at 0…68\.8\d* s\)/);
    expect(() => seqGraph(c, { stream: 0, time: [2, 1] })).toThrow(/seqGraph: option "time"/);
    expect(() => seqGraph(c, { stream: 0, frames: [0, 3] })).toThrow(/seqGraph: option "frames/);
  });
});

describe("ioGraph span", () => {
  const c = readCapture(idleTransfer());
  it("bins from the earliest to the latest timestamp (a packet an hour before frame 1 gets its own bin)", () => {
    const fig = ioGraph(c, { interval: 1 });
    const x = fig.data[0].x as number[];
    const y = fig.data[0].y as number[];
    expect(x[0]).toBe(-3600);
    expect(x[x.length - 1]).toBe(68);
    expect(y.length).toBe(3600 + 69);
    expect(y.reduce((a, b) => a + b, 0)).toBe(c.length);
    expect(y[0]).toBe(1); // the early SYN, not clamped into bin 0 of the transfer
    expect(y[3600]).toBe(c.length - 6); // 0 ≤ t < 1 s: all but the early SYN, the keep-alive and its ACK, the last three packets
  });
  it("the span is that of the packets counted, and a time window narrows it", () => {
    const only = ioGraph(c, { interval: 0.5, all: false, filter: (r) => r > 200 });
    expect((only.data[0].x as number[])[0]).toBeGreaterThanOrEqual(0);
    const w = ioGraph(c, { interval: 0.01, time: [0, 0.2] });
    expect((w.data[0].x as number[]).length).toBe(21);
    expect((w.data[0].y as number[]).reduce((a, b) => a + b, 0)).toBe(
      Array.from({ length: c.length }, (_, r) => c.relativeTime(r)).filter((t) => t >= 0 && t <= 0.2).length,
    );
  });
  it("a span too large for the interval is an error naming the extreme frames and the ways out", () => {
    expect(() => ioGraph(c, { interval: 0.0001 })).toThrow(
      /ioGraph: 3668\.\d+ s \(earliest packet: frame \d+ at -3600 s, latest: frame \d+ at 68\.\d+ s, relative to frame 1; the capture is not in time order\) at "interval" 0\.0001 s would need \d+ intervals \(at most 1000000\): give a time window \(option "time"/,
    );
    // absurd timestamps (a bogus year-2106 stamp in a 1970 capture): the same error, no huge allocation
    const bogus = readCapture(pcap([
      { t: 10, src: "10.0.0.1", dst: "10.0.0.2", sport: 1, dport: 2, seq: 1, flags: "S" },
      { t: 4_294_967_000, src: "10.0.0.1", dst: "10.0.0.2", sport: 1, dport: 2, seq: 1, flags: "S" },
    ]));
    expect(() => ioGraph(bogus, { interval: 0.001 })).toThrow(/would need 4294966990001 intervals/);
    expect(ioGraph(bogus, { interval: 0.001, time: [0, 1] }).data[0].y.length).toBe(1001);
  });
  it.skipIf(!fs.existsSync(LOSSY))("an ordinary capture: same bins as before (0 … last packet)", () => {
    const k = readCapture(LOSSY);
    const fig = ioGraph(k, { interval: 0.25 });
    const x = fig.data[0].x as number[];
    expect(x[0]).toBe(0);
    expect(x.length).toBe(Math.floor(k.relativeTime(k.length - 1) / 0.25) + 1);
  });
});
