/** Open exported HTML in headless Chromium with the network blocked, and report what rendered. */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { chromiumAvailable, launchChromium } from "../../lib/plot/browser";

export { chromiumAvailable };

export const TEST_OUTPUT = path.resolve(__dirname, "..", "..", "test-output");

export interface OfflinePageResult {
  /** Elements with class js-plotly-plot (one per drawn plot). */
  plots: number;
  /** `.main-svg` elements (plotly draws 2–3 per plot). */
  mainSvgs: number;
  /** Scatter markers drawn (`.scatterlayer .point`). */
  points: number;
  /**
   * Per plot (document order): for every trace carrying `meta.kind` (pcapframe's figures), the frame
   * numbers (`customdata`) of the SVG points plotly actually drew, by kind.
   */
  drawn: Record<string, number[]>[];
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
  /** console.error messages. */
  consoleErrors: string[];
  /** Non-file: requests that were aborted (the page wanted the network). */
  blockedRequests: string[];
  /** Absolute path of the screenshot (PNG). */
  screenshot: string;
  title: string;
  /** From navigation start until the expected plots were drawn (or the wait gave up). */
  renderMs: number;
}

/**
 * Open `htmlPath` via file:// with every non-file request aborted, wait until `expectPlots` plots are
 * drawn (default 1; gives up after `timeoutMs` without throwing), take a screenshot into test-output/.
 */
export async function openHtmlOffline(
  htmlPath: string,
  opts: { expectPlots?: number; timeoutMs?: number; screenshotName?: string; viewport?: { width: number; height: number }; browser?: Browser } = {},
): Promise<OfflinePageResult> {
  const expectPlots = opts.expectPlots ?? 1;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  fs.mkdirSync(TEST_OUTPUT, { recursive: true });
  const screenshot = path.join(
    TEST_OUTPUT,
    opts.screenshotName ?? path.basename(htmlPath).replace(/\.html?$/i, "") + ".png",
  );
  const browser = opts.browser ?? (await launchChromium());
  try {
    const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1200, height: 900 } });
    const pageErrors: string[] = [];
    const consoleErrors: string[] = [];
    const blockedRequests: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    await page.route("**", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
      blockedRequests.push(url);
      return route.abort();
    });
    const t0 = Date.now();
    await page.goto(pathToFileURL(path.resolve(htmlPath)).href, { waitUntil: "load", timeout: timeoutMs });
    await page
      .waitForFunction(
        (n) => document.querySelectorAll(".js-plotly-plot .main-svg").length > 0 &&
          document.querySelectorAll(".js-plotly-plot").length >= n,
        expectPlots,
        { timeout: Math.max(1000, timeoutMs - (Date.now() - t0)) },
      )
      .catch(() => undefined);
    const renderMs = Date.now() - t0;
    const counts = await page.evaluate(() => ({
      plots: document.querySelectorAll(".js-plotly-plot").length,
      mainSvgs: document.querySelectorAll(".main-svg").length,
      points: document.querySelectorAll(".scatterlayer .point").length,
      title: document.title,
      drawn: [...document.querySelectorAll(".js-plotly-plot")].map((gd) => {
        const kinds: Record<string, number[]> = {};
        gd.querySelectorAll(".scatterlayer .trace").forEach((el) => {
          // plotly binds each trace group to its calcdata; cd[0].trace is the full trace, point data carry the input index i
          const cd = (el as unknown as { __data__?: { trace?: { meta?: { kind?: string }; customdata?: number[] } }[] }).__data__;
          const tr = cd?.[0]?.trace;
          const kind = tr?.meta?.kind;
          if (!tr || !kind) return;
          const frames = [...el.querySelectorAll(".point")].map((pt) => {
            const i = (pt as unknown as { __data__: { i: number } }).__data__.i;
            return tr.customdata ? tr.customdata[i] : i;
          });
          (kinds[kind] ??= []).push(...frames);
        });
        return kinds;
      }),
    }));
    await page.screenshot({ path: screenshot, fullPage: true });
    await page.close();
    return { ...counts, pageErrors, consoleErrors, blockedRequests, screenshot, renderMs };
  } finally {
    if (!opts.browser) await browser.close();
  }
}
