/**
 * Figures rendered by plotly.js in headless Chromium (skipped without /usr/bin/chromium): standalone
 * .html opened offline, counted, screenshotted into test-output/; PNGs of every kind for a human look.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import {
  closeBrowser,
  ioGraph,
  ladderDiagram,
  packetListHtml,
  plotCommand,
  PLOT_KINDS,
  savePlot,
  seqGraph,
} from "../../lib/plot/index";
import type { Figure } from "../../lib/plot/figure";
import { chromiumAvailable, openHtmlOffline, TEST_OUTPUT } from "../helpers/browser";

const ROOT = path.resolve(__dirname, "..", "..");
const LOSSY = fs.existsSync(path.join(ROOT, "data/lab-lossy.pcapng"))
  ? path.join(ROOT, "data/lab-lossy.pcapng")
  : path.join(ROOT, "data/syn_retransmit_with_ts.pcap");
const SYN = path.join(ROOT, "data/syn_retransmit_with_ts.pcap");

/** Markers plotly draws as `.point` (SVG scatter traces whose mode includes markers). */
function expectedPoints(fig: Figure): number {
  let n = 0;
  for (const t of fig.data) {
    if (t.type !== "scatter" || !String(t.mode).includes("markers")) continue;
    n += (t.x as unknown[]).filter((x, i) => x !== null && t.y[i] !== null).length;
  }
  return n;
}

// export.ts closes its shared browser after 2 s idle outside a kernel, and a job starting while the
// timer fires loses the page; with slow capture reads between plots keep the browser open instead.
process.env.PCAPFRAME_BROWSER_IDLE_MS = "600000";

const caps = new Map<string, ReturnType<typeof readCapture>>();
function cap(file: string): ReturnType<typeof readCapture> {
  let c = caps.get(file);
  if (!c) caps.set(file, (c = readCapture(file)));
  return c;
}

afterAll(async () => {
  await closeBrowser();
});

describe.skipIf(!chromiumAvailable())("plots in Chromium", () => {
  it.each([
    ["tcptrace", SYN, () => seqGraph(cap(SYN), { stream: 0 })],
    ["tcptrace-lossy", LOSSY, () => seqGraph(cap(LOSSY), { stream: 0 })],
    ["ladder", LOSSY, () => ladderDiagram(cap(LOSSY), { stream: 0, frames: [1, 30] })],
  ] as const)("%s: offline .html renders every trace and point", async (name, _file, build) => {
    const fig = build();
    const html = await savePlot(fig, path.join(TEST_OUTPUT, `plot-${name}.html`));
    const res = await openHtmlOffline(html, { screenshotName: `plot-${name}-page.png` });
    expect(res.pageErrors).toEqual([]);
    expect(res.blockedRequests).toEqual([]);
    expect(res.plots).toBe(1);
    expect(res.mainSvgs).toBeGreaterThan(0);
    expect(res.points).toBe(expectedPoints(fig));
    expect(fs.statSync(res.screenshot).size).toBeGreaterThan(10_000);
  });

  it("trace count in the page equals the figure's", async () => {
    const fig = seqGraph(cap(SYN), { stream: 0 });
    const html = await savePlot(fig, path.join(TEST_OUTPUT, "plot-tracecount.html"));
    const { launchChromium } = await import("../../lib/plot/browser");
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto("file://" + html);
      await page.waitForFunction(() => document.querySelectorAll(".js-plotly-plot .main-svg").length > 0, undefined, { timeout: 120_000 });
      const traces = await page.evaluate(() => document.querySelectorAll(".scatterlayer .trace").length);
      expect(traces).toBe(fig.data.length);
    } finally {
      await browser.close();
    }
  });

  it.each(PLOT_KINDS)("plotCommand %s → PNG", async (kind) => {
    const out = await plotCommand(cap(LOSSY), { stream: 0, kind, out: path.join(TEST_OUTPUT, `plot-${kind}.png`) });
    const png = fs.readFileSync(out);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.length).toBeGreaterThan(10_000);
  });

  it("several streams on one time axis, SVG and io graph", async () => {
    const c = cap(LOSSY);
    const streams = c.tcp.streams().map((s) => s.index).slice(0, 2);
    await savePlot(seqGraph(c, { streams, direction: "b2a" }), path.join(TEST_OUTPUT, "plot-streams.png"), { width: 1100 });
    const svg = await savePlot(seqGraph(c, { stream: 0, style: "stevens" }), path.join(TEST_OUTPUT, "plot-stevens.svg"));
    expect(fs.readFileSync(svg, "utf8")).toContain("<svg");
    await savePlot(ioGraph(c, { interval: 0.1, filter: { TLS: (r, k) => k.protocol(r).startsWith("TLS") } }), path.join(TEST_OUTPUT, "plot-io.png"));
  });

  it("packet list page", async () => {
    const file = path.join(TEST_OUTPUT, "plot-packet-list.html");
    fs.mkdirSync(TEST_OUTPUT, { recursive: true });
    fs.writeFileSync(file, `<!DOCTYPE html><meta charset="utf-8"><body>${packetListHtml(cap(LOSSY), { maxRows: 60 })}</body>`);
    const res = await openHtmlOffline(file, { expectPlots: 0, timeoutMs: 1500, screenshotName: "plot-packet-list.png" });
    expect(res.pageErrors).toEqual([]);
  });
});
