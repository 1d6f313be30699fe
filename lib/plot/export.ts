/**
 * Save figures as .html (standalone, offline: plotly.js inlined), .png or .svg (rendered by
 * plotly.js's `Plotly.toImage` in headless Chromium). One browser with plotly.js loaded is reused for
 * all images of a process; it closes itself after a short idle time, on {@link closeBrowser}, and is
 * killed by playwright when the process exits.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { inKernel } from "../base/tslab";
import { figureHtml, plotlyJs } from "./html";
import { escapeHtml, toPlainJson } from "../base/html";
import { launchChromium } from "./browser";
import type { Figure } from "./figure";

export interface SavePlotOptions {
  /** Image / page width in CSS pixels; default layout.width or 900. */
  width?: number;
  /** Image / page height in CSS pixels; default layout.height or 500. */
  height?: number;
  /** Pixel ratio of PNG output; default 1. */
  scale?: number;
  /** Page title (.html); default the figure title or "pcapframe plot". */
  title?: string;
}

export type ImageFormat = "png" | "svg";

function sized(fig: Figure, opts: SavePlotOptions): Figure {
  const layout = { ...(fig.layout ?? {}) };
  if (opts.width !== undefined) layout.width = opts.width;
  if (opts.height !== undefined) layout.height = opts.height;
  return { data: fig.data, layout, config: fig.config };
}

function titleOf(fig: Figure): string | undefined {
  const t = (fig.layout as { title?: unknown })?.title;
  if (typeof t === "string") return t;
  if (t && typeof t === "object" && typeof (t as { text?: unknown }).text === "string") return (t as { text: string }).text;
  return undefined;
}

/** A complete offline HTML page showing `fig` (plotly.js inlined, no network needed). */
export function figurePageHtml(fig: Figure, opts: SavePlotOptions = {}): string {
  const title = opts.title ?? titleOf(fig) ?? "pcapframe plot";
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    "<style>body { margin: 0; font-family: sans-serif; }</style>",
    "</head><body>",
    figureHtml(sized(fig, opts), { includePlotlyJs: true }),
    "</body></html>",
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Shared browser session

interface Session {
  browser: Browser;
  page: Page;
}

let session: Promise<Session> | undefined;
let queue: Promise<unknown> = Promise.resolve();
let idleTimer: NodeJS.Timeout | undefined;
let pendingJobs = 0;

async function openSession(): Promise<Session> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent(
      `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><script>${plotlyJs()}</script></body></html>`,
      { timeout: 120_000 },
    );
    await page.waitForFunction(() => typeof (globalThis as unknown as { Plotly?: unknown }).Plotly === "object", undefined, {
      timeout: 120_000,
    });
    return { browser, page };
  } catch (e) {
    await browser.close().catch(() => undefined);
    throw e;
  }
}

function getSession(): Promise<Session> {
  if (!session) {
    const s = openSession();
    session = s;
    s.catch(() => {
      if (session === s) session = undefined;
    });
  }
  return session;
}

function scheduleIdleClose(): void {
  if (idleTimer) clearTimeout(idleTimer);
  const ms = Number(process.env.PCAPFRAME_BROWSER_IDLE_MS) || (inKernel() ? 120_000 : 2_000);
  idleTimer = setTimeout(() => void closeBrowser(), ms);
  idleTimer.unref();
}

/** Close the shared export browser (no-op if none is open). */
export async function closeBrowser(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  const s = session;
  session = undefined;
  if (!s) return;
  try {
    const { browser } = await s;
    await browser.close();
  } catch {
    // launch failed or browser already gone
  }
}

function decodeDataUrl(url: string): Buffer {
  const comma = url.indexOf(",");
  if (!url.startsWith("data:") || comma < 0) throw new Error("Plotly.toImage returned no data URL");
  const meta = url.slice(5, comma);
  const body = url.slice(comma + 1);
  return meta.endsWith(";base64") ? Buffer.from(body, "base64") : Buffer.from(decodeURIComponent(body), "utf8");
}

/**
 * The traces of a figure cut to their first few points (per-point arrays sliced, other properties
 * kept): what the legend is drawn from, cheap to render whatever the figure's size.
 */
export function legendProbe(data: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const cut = (v: unknown): unknown => (Array.isArray(v) ? v.slice(0, 3) : v);
  return data.map((t) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(t)) if (k !== "meta") out[k] = k === "marker" || k === "line" || k === "textfont" ? cutObject(v, cut) : cut(v);
    return out;
  });
}

function cutObject(v: unknown, cut: (v: unknown) => unknown): unknown {
  if (!v || typeof v !== "object" || Array.isArray(v)) return cut(v);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = cut(x);
  return out;
}

/** Render `fig` to PNG or SVG bytes with plotly.js in the shared headless Chromium. */
export async function figureToImage(fig: Figure, format: ImageFormat, opts: SavePlotOptions = {}): Promise<Buffer> {
  const plain = toPlainJson({ data: fig.data ?? [], layout: fig.layout ?? {}, config: fig.config ?? {} });
  const width = opts.width ?? (typeof plain.layout.width === "number" ? plain.layout.width : 900);
  const height = opts.height ?? (typeof plain.layout.height === "number" ? plain.layout.height : 500);
  const scale = opts.scale ?? 1;
  // A queued job keeps the browser alive: no idle close may fire between queueing and running it.
  pendingJobs++;
  if (idleTimer) {
    clearTimeout(idleTimer);
    idleTimer = undefined;
  }
  const job = queue.then(async () => {
    const { page } = await getSession();
    // Draw a light copy of the figure (every trace with its first points only: the legend does not
    // depend on the data) at the asked size; while plotly had to clip the legend (its content is taller
    // than the room it got), grow the image by the missing height and measure again. Then render the
    // whole figure once at the final size.
    const url = await page.evaluate(
      async ({ fig, light, o }) => {
        type LegendBox = { _height?: number; _effHeight?: number } | undefined;
        type Gd = { remove(): void; _fullLayout?: Record<string, LegendBox> };
        const doc = (globalThis as unknown as { document: { createElement(tag: string): Gd; body: { appendChild(e: Gd): void } } }).document;
        const P = (globalThis as unknown as {
          Plotly: { newPlot(gd: Gd, d: unknown, l: unknown, c: unknown): Promise<Gd>; toImage(f: unknown, o: unknown): Promise<string>; purge(gd: Gd): void };
        }).Plotly;
        const gd = doc.createElement("div");
        doc.body.appendChild(gd);
        let height = o.height;
        try {
          for (let attempt = 0; attempt < 4; attempt++) {
            await P.newPlot(gd, light, { ...fig.layout, width: o.width, height }, { ...fig.config, responsive: false, staticPlot: true });
            let missing = 0;
            for (const [key, l] of Object.entries(gd._fullLayout ?? {})) {
              if (!/^legend\d*$/.test(key) || !l || typeof l._height !== "number" || typeof l._effHeight !== "number") continue;
              missing = Math.max(missing, l._height - l._effHeight);
            }
            if (missing <= 1) break;
            height += Math.ceil(missing) + 10;
          }
        } finally {
          P.purge(gd);
          gd.remove();
        }
        return P.toImage({ ...fig, layout: { ...fig.layout, height } }, { format: o.format, width: o.width, height, scale: o.scale });
      },
      { fig: plain, light: legendProbe(plain.data), o: { format, width, height, scale } },
    );
    return decodeDataUrl(url);
  });
  queue = job.catch(() => undefined);
  try {
    return await job;
  } finally {
    if (--pendingJobs === 0) scheduleIdleClose();
  }
}

/**
 * Save `fig` to `file`; the extension picks the format: `.html` (standalone offline page), `.png`,
 * `.svg`. Creates the parent directory. Returns the absolute path written.
 */
export async function savePlot(fig: Figure, file: string, opts: SavePlotOptions = {}): Promise<string> {
  const abs = path.resolve(file);
  const ext = path.extname(abs).toLowerCase();
  let content: string | Buffer;
  if (ext === ".html" || ext === ".htm") content = figurePageHtml(fig, opts);
  else if (ext === ".png" || ext === ".svg") content = await figureToImage(fig, ext.slice(1) as ImageFormat, opts);
  else throw new Error(`savePlot: unsupported extension "${ext}" (use .html, .png or .svg)`);
  await fs.promises.mkdir(path.dirname(abs), { recursive: true });
  await fs.promises.writeFile(abs, content);
  return abs;
}
