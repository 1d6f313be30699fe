/**
 * Every figure kind exported to PNG on three captures of different shapes, kept in
 * test-output/figures/ for a human look: data/lab-lossy.pcapng (a lossy TLS download), a big one made
 * by bench/make-big.js (100 000 packets on one connection) and a synthetic one with a 67 s idle
 * gap and a packet stamped an hour before the capture start (test/helpers/odd-captures.ts).
 * For each PNG, the figure is drawn again at the PNG's size and plotly's legend is asked whether it
 * had to clip anything; the HTML export is checked the same way in a 1200×900 page.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { readCapture, type Capture } from "../../lib/capture/capture";
import { closeBrowser, inflightPlot, ioGraph, ladderDiagram, plotlyJs, rttPlot, savePlot, seqGraph, throughputPlot } from "../../lib/plot/index";
import type { Figure } from "../../lib/plot/figure";
import { chromiumAvailable, launchChromium } from "../../lib/plot/browser";
import { legendProbe } from "../../lib/plot/export";
import { TEST_OUTPUT } from "../helpers/browser";
import { idleTransfer } from "../helpers/odd-captures";
import { TA } from "../../lib/tcp/flags";

const ROOT = path.resolve(__dirname, "..", "..");
const OUT = path.join(TEST_OUTPUT, "figures");
process.env.PCAPFRAME_BROWSER_IDLE_MS = "600000";

/** The stream with the most packets. */
function busiest(cap: Capture): number {
  const count = new Map<number, number>();
  const col = cap.packets.tcpStream;
  for (let r = 0; r < cap.length; r++) if (col[r] >= 0) count.set(col[r], (count.get(col[r]) ?? 0) + 1);
  return [...count].sort((a, b) => b[1] - a[1])[0][0];
}

/** Time window (s since capture start) holding the first 90% of the stream's packets. */
function busyWindow(cap: Capture, stream: number): [number, number] {
  const t: number[] = [];
  for (let r = 0; r < cap.length; r++) if (cap.packets.tcpStream[r] === stream) t.push(cap.relativeTime(r));
  t.sort((a, b) => a - b);
  return [t[0], t[Math.floor((t.length - 1) * 0.9)]];
}

const flagged = (r: number, k: Capture) => (k.packets.tcpAnalysis[r] & TA.FLAG_MASK) !== 0;

type Build = (cap: Capture, stream: number) => Figure;
const KINDS: [string, Build][] = [
  ["tcptrace", (c, s) => seqGraph(c, { stream: s })],
  ["tcptrace-b2a", (c, s) => seqGraph(c, { stream: s, direction: "b2a" })],
  ["tcptrace-window", (c, s) => seqGraph(c, { stream: s, time: busyWindow(c, s) })],
  ["stevens", (c, s) => seqGraph(c, { stream: s, style: "stevens", direction: "b2a" })],
  ["rtt", (c, s) => rttPlot(c, { stream: s })],
  ["throughput", (c, s) => throughputPlot(c, { stream: s })],
  ["inflight", (c, s) => inflightPlot(c, { stream: s })],
  ["io", (c) => ioGraph(c, { interval: 0.1, filter: { "TCP analysis flags": flagged } })],
  ["io-window", (c, s) => ioGraph(c, { interval: 0.01, time: busyWindow(c, s), filter: { "TCP analysis flags": flagged } })],
  ["ladder", (c, s) => ladderDiagram(c, { stream: s })],
];

/** PNG width and height from the IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

interface LegendState { entries: number; clipped: number }

let browser: Browser | undefined;
let page: Page | undefined;
async function plotPage(): Promise<Page> {
  if (page) return page;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.setContent(`<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div id="gd"></div><script>${plotlyJs()}</script></body></html>`);
  return page;
}

/** Draw `fig` at width × height and report the legend entries drawn and the pixels plotly had to clip. */
async function legendAt(fig: Figure, width: number, height: number): Promise<LegendState> {
  const p = await plotPage();
  return p.evaluate(async ({ fig, width, height }) => {
    const g = globalThis as unknown as { Plotly: any; document: any };
    const gd = g.document.getElementById("gd");
    await g.Plotly.newPlot(gd, fig.data, { ...fig.layout, width, height }, { staticPlot: true });
    const l = gd._fullLayout.legend;
    const entries = gd.querySelectorAll(".legend .traces").length;
    return { entries, clipped: l && fig.layout.showlegend !== false ? Math.max(0, l._height - l._effHeight) : 0 };
  }, { fig: { data: legendProbe(fig.data), layout: JSON.parse(JSON.stringify(fig.layout)) }, width, height });
}

const legendEntries = (fig: Figure) => (fig.layout.showlegend === false ? 0 : fig.data.filter((t) => t.showlegend !== false).length);

const captures: [string, () => Capture][] = [
  ["lab-lossy", () => readCapture(path.join(ROOT, "data", "lab-lossy.pcapng"))],
  ["big", () => {
    const f = path.join(OUT, "big-100k-1conn.pcap");
    if (!fs.existsSync(f)) execFileSync(process.execPath, [path.join(ROOT, "bench", "make-big.js"), "100000", f, "1"], { stdio: "ignore" });
    return readCapture(f);
  }],
  ["idle-nonchrono", () => {
    const f = path.join(OUT, "idle-nonchrono.pcap");
    fs.writeFileSync(f, idleTransfer());
    return readCapture(idleTransfer());
  }],
];

describe.skipIf(!chromiumAvailable())("every figure kind as PNG on three capture shapes (test-output/figures/)", () => {
  beforeAll(() => fs.mkdirSync(OUT, { recursive: true }));
  afterAll(async () => {
    await closeBrowser();
    await browser?.close();
  });
  const report: Record<string, unknown>[] = [];
  for (const [name, open] of captures) {
    describe(name, () => {
      let cap: Capture;
      let stream: number;
      beforeAll(() => {
        cap = open();
        stream = busiest(cap);
      });
      for (const [kind, build] of KINDS) {
        it(`${kind}: every legend entry visible in the PNG and in the HTML page`, async () => {
          const fig = build(cap, stream);
          const file = await savePlot(fig, path.join(OUT, `${name}-${kind}.png`));
          const [w, h] = pngSize(fs.readFileSync(file));
          const png = await legendAt(fig, w, h);
          expect(png.clipped, `${name} ${kind}: legend pixels clipped in the PNG`).toBe(0);
          expect(png.entries).toBe(legendEntries(fig));
          // the HTML page: the figure's own height in a 1200 px wide page
          const html = await legendAt(fig, 1200, typeof fig.layout.height === "number" ? fig.layout.height : 450);
          expect(html.clipped, `${name} ${kind}: legend pixels clipped in the page`).toBe(0);
          report.push({ capture: name, kind, png: `${w}x${h}`, legendEntries: png.entries });
        }, 400_000);
      }
    });
  }
  it("writes the list of screenshots", () => {
    fs.writeFileSync(path.join(OUT, "figures.json"), JSON.stringify(report, null, 1));
  });
});
