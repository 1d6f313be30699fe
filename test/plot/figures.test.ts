/** Figure data checked against the packet table and the TCP analysis (no browser). */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readCapture, type Capture } from "../../lib/capture/capture";
import { TcpFlag } from "../../lib/table/layers";
import { TA } from "../../lib/tcp/flags";
import {
  buildPlot,
  colorRule,
  inflightPlot,
  ioGraph,
  ladderDiagram,
  movingRate,
  movingRateSteps,
  packetListHtml,
  PLOT_KINDS,
  rttPlot,
  seqGraph,
  throughputPlot,
  type TraceMeta,
} from "../../lib/plot/index";
import type { Figure } from "../../lib/plot/figure";

const ROOT = path.resolve(__dirname, "..", "..");
const CAPTURES = [
  path.join(ROOT, "data/syn_retransmit_with_ts.pcap"),
  "/work/shared/captures/no_sni.pcap",
  "/work/shared/captures/tcp_dupack.pcapng",
  path.join(ROOT, "data/lab-lossy.pcapng"),
].filter((f) => fs.existsSync(f));

const RETX_ANY = TA.RETRANSMISSION | TA.FAST_RETRANSMISSION | TA.SPURIOUS_RETRANSMISSION;
const HOSTILE = `</script><img src=x onerror="alert(1)"><b>&amp;`;

const cache = new Map<string, Capture>();
function cap(file: string): Capture {
  let c = cache.get(file);
  if (!c) cache.set(file, (c = readCapture(file)));
  return c;
}

function streamsOf(c: Capture): number[] {
  const s = new Set<number>();
  for (let r = 0; r < c.length; r++) if (c.packets.tcpStream[r] >= 0) s.add(c.packets.tcpStream[r]);
  return [...s].sort((a, b) => a - b).slice(0, 12);
}

function rowsOf(c: Capture, stream: number, dir: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < c.length; r++) if (c.packets.tcpStream[r] === stream && c.tcp.dir(r) === dir) out.push(r);
  return out;
}

const traces = (fig: Figure, kind: string) => fig.data.filter((t) => (t.meta as TraceMeta | undefined)?.kind === kind);
const points = (fig: Figure, kind: string) => traces(fig, kind).reduce((n, t) => n + t.x.length, 0);

function checkHover(fig: Figure): void {
  for (const t of fig.data) {
    if (t.type === "bar") continue;
    expect(t.hovertext, `trace ${t.name}`).toHaveLength(t.x.length);
    t.x.forEach((x: number | null, i: number) => {
      if (x === null) return;
      expect(t.hovertext[i], `trace ${t.name} point ${i}`).toMatch(/#\d+/);
    });
  }
}

describe.each(CAPTURES)("seqGraph on %s", (file) => {
  const c = cap(file);
  const streams = streamsOf(c);

  it("has TCP streams", () => expect(streams.length).toBeGreaterThan(0));

  it.each(["a2b", "b2a"] as const)("direction %s: markers, bars, ACK line and window line match the tables", (direction) => {
    const dir = direction === "a2b" ? 0 : 1;
    for (const stream of streams) {
      const fig = seqGraph(c, { stream, direction });
      const fwd = rowsOf(c, stream, dir);
      const rev = rowsOf(c, stream, dir ^ 1);
      const a = (r: number) => c.packets.tcpAnalysis[r];
      const ctx = `${path.basename(file)} stream ${stream} ${direction}`;
      // one bar (two points + gap) per data segment
      const bars = traces(fig, "data")[0];
      expect(bars.x.length / 3, ctx).toBe(fwd.filter((r) => c.packets.tcpLen[r] > 0).length);
      expect(bars.x.filter((x: unknown) => x === null).length, ctx).toBe(bars.x.length / 3);
      // retransmission markers: R + fast + spurious together = every packet flagged retransmission
      const flagged = fwd.filter((r) => a(r) & RETX_ANY).length;
      expect(points(fig, "retransmission") + points(fig, "fast_retransmission") + points(fig, "spurious_retransmission"), ctx).toBe(flagged);
      expect(points(fig, "retransmission"), ctx).toBe(
        fwd.filter((r) => a(r) & TA.RETRANSMISSION && !(a(r) & (TA.FAST_RETRANSMISSION | TA.SPURIOUS_RETRANSMISSION))).length,
      );
      expect(points(fig, "fast_retransmission"), ctx).toBe(fwd.filter((r) => a(r) & TA.FAST_RETRANSMISSION).length);
      expect(points(fig, "out_of_order"), ctx).toBe(fwd.filter((r) => a(r) & TA.OUT_OF_ORDER).length);
      // duplicate ACKs: the 3rd ("3", fast retransmit trigger) and the others are two kinds
      const dupNum = (r: number) => c.packets.tcpDupAckNum?.[r] ?? 0;
      expect(points(fig, "duplicate_ack"), ctx).toBe(rev.filter((r) => a(r) & TA.DUPLICATE_ACK && dupNum(r) !== 3).length);
      expect(points(fig, "dup_ack_3"), ctx).toBe(rev.filter((r) => a(r) & TA.DUPLICATE_ACK && dupNum(r) === 3).length);
      expect(points(fig, "zero_window"), ctx).toBe(rev.filter((r) => a(r) & TA.ZERO_WINDOW).length);
      expect(points(fig, "syn"), ctx).toBe(fwd.filter((r) => c.packets.tcpFlags[r] & TcpFlag.SYN).length);
      expect(points(fig, "fin"), ctx).toBe(fwd.filter((r) => c.packets.tcpFlags[r] & TcpFlag.FIN).length);
      // ACK step line = the relative ack column of the reverse direction (rows with the ACK flag)
      const ackRows = rev.filter((r) => c.packets.tcpFlags[r] & TcpFlag.ACK);
      const ack = traces(fig, "ack")[0];
      expect(ack.line.shape).toBe("hv");
      expect(ack.y, ctx).toEqual(c.column("ack", ackRows));
      expect(ack.customdata, ctx).toEqual(c.column("no", ackRows));
      const win = traces(fig, "window")[0];
      const w = c.column("win", ackRows) as number[];
      expect(win.y, ctx).toEqual((c.column("ack", ackRows) as number[]).map((v, i) => v + w[i]));
      checkHover(fig);
    }
  });

  it("both directions: every analysis flag of every packet has exactly one marker, on the packet's frame", () => {
    // Independent of SEQ_MARKERS: which side a flag is drawn on (data sender's or ACKer's), per Wireshark's meaning.
    const fwdFlags = [TA.OUT_OF_ORDER, TA.LOST_SEGMENT, TA.WINDOW_FULL, TA.ZERO_WINDOW_PROBE, TA.KEEP_ALIVE, TA.REUSED_PORTS];
    const revFlags = [TA.DUPLICATE_ACK, TA.ZERO_WINDOW, TA.WINDOW_UPDATE, TA.ZERO_WINDOW_PROBE_ACK, TA.KEEP_ALIVE_ACK, TA.ACK_LOST_SEGMENT];
    const kindOf = new Map<number, string>([
      [TA.OUT_OF_ORDER, "out_of_order"], [TA.LOST_SEGMENT, "lost_segment"], [TA.WINDOW_FULL, "window_full"],
      [TA.ZERO_WINDOW_PROBE, "zero_window_probe"], [TA.KEEP_ALIVE, "keep_alive"], [TA.REUSED_PORTS, "reused_ports"],
      [TA.DUPLICATE_ACK, "duplicate_ack"], [TA.ZERO_WINDOW, "zero_window"], [TA.WINDOW_UPDATE, "window_update"],
      [TA.ZERO_WINDOW_PROBE_ACK, "zero_window_probe_ack"], [TA.KEEP_ALIVE_ACK, "keep_alive_ack"], [TA.ACK_LOST_SEGMENT, "ack_lost_segment"],
    ]);
    expect(fwdFlags.concat(revFlags, [TA.RETRANSMISSION, TA.FAST_RETRANSMISSION, TA.SPURIOUS_RETRANSMISSION]).reduce((m, b) => m | b, 0)).toBe(TA.FLAG_MASK);
    for (const stream of streams) {
      const fig = seqGraph(c, { stream });
      const rows = [...rowsOf(c, stream, 0), ...rowsOf(c, stream, 1)].sort((x, y) => x - y);
      const kinds = (kind: string) => (kind === "duplicate_ack" ? ["duplicate_ack", "dup_ack_3"] : [kind]);
      const frames = (kind: string) => kinds(kind).flatMap((k) => traces(fig, k)).flatMap((t) => t.customdata as number[]).sort((x, y) => x - y);
      const ctx = `${path.basename(file)} stream ${stream}`;
      for (const bit of [...fwdFlags, ...revFlags]) {
        expect(frames(kindOf.get(bit)!), `${ctx} ${kindOf.get(bit)}`).toEqual(rows.filter((r) => c.packets.tcpAnalysis[r] & bit).map((r) => r + 1));
      }
      const retx = ["retransmission", "fast_retransmission", "spurious_retransmission"].flatMap(frames).sort((x, y) => x - y);
      expect(retx, `${ctx} retransmissions`).toEqual(rows.filter((r) => c.packets.tcpAnalysis[r] & RETX_ANY).map((r) => r + 1));
    }
  });

  it("both directions, several streams: one panel per stream and direction on one time axis", () => {
    const some = streams.slice(0, 2);
    const fig = seqGraph(c, { streams: some });
    const yaxes = Object.keys(fig.layout).filter((k) => /^yaxis\d*$/.test(k));
    expect(yaxes).toHaveLength(some.length * 2);
    expect(fig.data.every((t) => t.xaxis === undefined)).toBe(true);
    const stevens = seqGraph(c, { stream: some[0], style: "stevens", direction: "a2b" });
    expect(points(stevens, "segments")).toBe(rowsOf(c, some[0], 0).length);
    checkHover(stevens);
  });
});

describe("seqGraph options and large captures", () => {
  const c = cap(CAPTURES[0]);
  it("one clear message naming a bad option", () => {
    expect(() => seqGraph(c, { stream: 0, direction: "up" as "a2b" })).toThrow(/seqGraph: option "direction"/);
    expect(() => seqGraph(c, { stream: 0, strem: 1 } as never)).toThrow(/unknown option "strem"/);
    expect(() => seqGraph(c, {})).toThrow(/option "stream"/);
    expect(() => seqGraph(c, { stream: 999 })).toThrow(/stream 999/);
  });
  it("switches to scattergl above the threshold and keeps flagged packets when downsampling", () => {
    const gl = seqGraph(c, { stream: 0, glThreshold: 10 });
    expect(gl.data.every((t) => t.type === "scattergl")).toBe(true);
    const small = seqGraph(c, { stream: 0, direction: "b2a", maxSegments: 20 });
    const kept = (traces(small, "data")[0].meta as TraceMeta).rows!;
    const flaggedData = rowsOf(c, 0, 1).filter((r) => c.packets.tcpLen[r] > 0 && c.packets.tcpAnalysis[r] & TA.FLAG_MASK);
    for (const r of flaggedData) expect(kept).toContain(r);
    expect(kept.length).toBeLessThan(rowsOf(c, 0, 1).length);
  });
  it("escapes hostile Info text in hover text", () => {
    const h = readCapture(CAPTURES[0]);
    h.info = () => HOSTILE;
    const fig = seqGraph(h, { stream: 0 });
    const all = fig.data.flatMap((t) => t.hovertext as string[]).join("\n");
    expect(all).not.toMatch(/<img|<\/script|<b>/);
    expect(all).toContain("&lt;img");
  });
});

describe("other figures", () => {
  const c = cap(CAPTURES[0]);
  it("rttPlot: one point per ack_rtt sample (or per tcptrace sample)", () => {
    const fig = rttPlot(c, { stream: 0, source: "ack_rtt" });
    const n = (c.column("ack_rtt") as (number | null)[]).filter((v, r) => v !== null && c.packets.tcpStream[r] === 0).length;
    expect(fig.data.reduce((s, t) => s + t.x.length, 0)).toBe(n);
    checkHover(fig);
    checkHover(rttPlot(c, { stream: 0 }));
  });
  it("throughputPlot: moving window in bits/s", () => {
    expect(movingRate([0, 0.5, 1.0, 1.6], [100, 100, 100, 100], 1)).toEqual([800, 1600, 1600, 1600]);
    // step function: enters at t, leaves at t + window; simultaneous events collapse
    expect(movingRateSteps([0, 0.5, 1.0, 1.6], [100, 100, 100, 100], 1)).toMatchObject({
      x: [0, 0.5, 1.0, 1.5, 1.6, 2.0, 2.6],
      y: [800, 1600, 1600, 800, 1600, 800, 0],
    });
    const fig = throughputPlot(c, { stream: 0, window: 0.5 });
    expect(traces(fig, "throughput").length).toBeGreaterThan(0);
    expect(traces(fig, "goodput").length).toBeGreaterThan(0);
    checkHover(fig);
    expect(() => throughputPlot(c, { stream: 0, window: -1 })).toThrow(/throughputPlot: option "window"/);
  });
  it("inflightPlot: bytes in flight = tcp.analysis.bytes_in_flight", () => {
    const fig = inflightPlot(c, { stream: 0, direction: "b2a" });
    const t = traces(fig, "bytes_in_flight")[0];
    expect(t.y).toEqual(c.column("bytes_in_flight", (t.meta as TraceMeta).rows!));
    checkHover(fig);
  });
  it("ioGraph: bins add up to the capture", () => {
    const fig = ioGraph(c, { interval: 0.25 });
    expect(fig.data[0].y.reduce((a: number, b: number) => a + b, 0)).toBe(c.length);
    const bytes = ioGraph(c, { interval: 1, unit: "bytes", filter: { syn: (r, k) => (k.packets.tcpFlags[r] & TcpFlag.SYN) !== 0 } });
    let total = 0;
    for (let r = 0; r < c.length; r++) total += c.packets.wireLen[r];
    expect(bytes.data[0].y.reduce((a: number, b: number) => a + b, 0)).toBe(total);
    expect(bytes.data[1].name).toBe("syn");
    expect(() => ioGraph(c, { filter: 3 as never })).toThrow(/ioGraph: option "filter"/);
  });
  it("ladderDiagram: one arrow per frame in range", () => {
    for (const file of CAPTURES) {
      const k = cap(file);
      const stream = streamsOf(k)[0];
      const rows = rowsOf(k, stream, 0).concat(rowsOf(k, stream, 1)).sort((a, b) => a - b);
      const from = rows[0] + 1;
      const to = rows[Math.min(rows.length, 25) - 1] + 1;
      const fig = ladderDiagram(k, { stream, frames: [from, to] });
      const arrows = (fig.layout.annotations as { showarrow?: boolean }[]).filter((a) => a.showarrow);
      const expected = rows.filter((r) => r + 1 >= from && r + 1 <= to).length;
      expect(arrows, path.basename(file)).toHaveLength(expected);
      expect(fig.data[0].x).toHaveLength(expected);
      checkHover(fig);
    }
    expect(() => ladderDiagram(c, { stream: 0, frames: [10, 2] })).toThrow(/ladderDiagram: option "frames"/);
  });
  it("ladder labels escape hostile strings", () => {
    const h = readCapture(CAPTURES[0]);
    h.info = () => HOSTILE;
    h.protocol = () => "<i>X</i>";
    const fig = ladderDiagram(h, { stream: 0, frames: [1, 10] });
    const text = JSON.stringify(fig.layout.annotations) + JSON.stringify(fig.data);
    expect(text).not.toMatch(/<img|<i>|<\/script/);
  });
  it.each(PLOT_KINDS)("buildPlot kind %s", (kind) => {
    const fig = buildPlot(c, { stream: 0, kind });
    expect(fig.data.length).toBeGreaterThan(0);
  });
});

describe("packetListHtml", () => {
  const c = cap(CAPTURES[0]);
  it("colours rows with Wireshark's default rules", () => {
    const html = packetListHtml(c, { maxRows: 1000 });
    const retx = [...Array(c.length).keys()].find((r) => c.packets.tcpAnalysis[r] & TA.RETRANSMISSION)!;
    expect(colorRule(c, retx)?.name).toBe("Bad TCP");
    expect(colorRule(c, retx)?.background).toBe("#12272E");
    expect(colorRule(c, retx)?.foreground).toBe("#F78787");
    // port 80: the HTTP rule comes before TCP SYN/FIN and TCP
    const plain = [...Array(c.length).keys()].find((r) => !(c.packets.tcpAnalysis[r] & TA.FLAG_MASK))!;
    expect(colorRule(c, plain)?.name).toBe("HTTP");
    expect(html).toContain('style="background:#12272E;color:#F78787"');
    expect(html).toContain("background:#E4FFC7");
  });
  it("limits rows and escapes every capture string", () => {
    const h = readCapture(CAPTURES[0]);
    h.info = () => HOSTILE;
    const html = packetListHtml(h, { maxRows: 5 });
    expect(html.match(/<tr /g) ?? []).toHaveLength(5);
    expect(html).toContain(`showing 5 of ${h.length} packets`);
    expect(html).not.toMatch(/<img|<\/script|<b>/);
    expect(html).toContain("&lt;img src=x onerror=&#34;alert(1)&#34;&gt;");
    expect(() => packetListHtml(h, { columns: ["nope"] })).toThrow(/unknown column "nope"/);
    expect(packetListHtml(h, { rows: (r) => r < 3 }).match(/<tr /g) ?? []).toHaveLength(3);
  });
});

describe("rttPlot with lib/flows", () => {
  it("uses tcptrace samples (Karn-valid vs ambiguous) when rttSamples is available", async () => {
    const flows = await import("../../lib/flows/index").catch(() => undefined);
    if (!flows || typeof (flows as { rttSamples?: unknown }).rttSamples !== "function") return;
    const c = cap(CAPTURES[0]);
    const fig = rttPlot(c, { stream: 0 });
    expect(String((fig.layout.title as { text: string }).text)).toContain("Karn");
    const kinds = new Set(fig.data.map((t) => (t.meta as TraceMeta).kind));
    expect([...kinds].every((k) => ["valid", "ambiguous", "post_loss"].includes(k))).toBe(true);
    const table = flows.rttSamples(c, 0);
    const rtt = table.raw("rtt") as Float64Array;
    let n = 0;
    for (let k = 0; k < table.length; k++) if (Number.isFinite(rtt[k])) n++;
    expect(fig.data.reduce((s, t) => s + t.x.length, 0)).toBe(n);
    checkHover(fig);
  });
});
