/**
 * Browser side of the lab harness. Runs inside the client network namespace:
 *
 *   ip netns exec pf-cli-XXXX node dist/lab/client.js '<json config>'
 *
 * Starts headless Chromium through playwright-core with a fresh profile and
 * SSLKEYLOGFILE set, loads the page, starts the (muted) audio and video,
 * waits until both are fully buffered, lingers so idle keep-alive connections
 * are closed by the server, then closes the browser (closing what is left).
 * Prints one JSON line with what happened on stdout.
 */

interface ClientConfig {
  url: string;
  executablePath: string;
  /** Chromium flags: the project's headless/offline set (lib/plot/browser.ts) plus the lab's own. */
  args: string[];
  userDataDir: string;
  keylog: string;
  lingerMs: number;
  mediaTimeoutMs: number;
  playMs: number;
  abortDownload?: boolean;
  playwright?: string;
  screenshot?: string;
}


// The page functions below run in the browser; the project compiles without DOM
// typings, so give them just enough of a shape here.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const fetch: any;
declare const AbortController: any;
type HTMLMediaElement = any;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? "{}") as ClientConfig;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pw = require(cfg.playwright ?? "playwright-core") as typeof import("playwright-core");
  const t0 = Date.now();
  const context = await pw.chromium.launchPersistentContext(cfg.userDataDir, {
    executablePath: cfg.executablePath,
    headless: true,
    args: cfg.args,
    env: { ...process.env, SSLKEYLOGFILE: cfg.keylog } as Record<string, string>,
    ignoreHTTPSErrors: true,
    viewport: { width: 1000, height: 900 },
    timeout: 20_000,
  });
  const browserVersion = context.browser()?.version() ?? null;
  const result: Record<string, unknown> = { ev: "client", browserVersion };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const resp = await page.goto(cfg.url, { waitUntil: "load", timeout: 20_000 });
    result.status = resp?.status() ?? null;
    result.loadMs = Date.now() - t0;
    result.title = await page.title();
    // Start playback of every media element (muted: no user gesture needed).
    await page.evaluate(async () => {
      for (const m of Array.from(document.querySelectorAll("audio, video")) as HTMLMediaElement[]) {
        m.muted = true;
        m.preload = "auto";
        try {
          await m.play();
        } catch {
          /* play() may reject while still loading; buffering continues */
        }
      }
    });
    // Wait until every media element has buffered its whole resource.
    const deadline = Date.now() + cfg.mediaTimeoutMs;
    let media: unknown = null;
    for (;;) {
      media = await page.evaluate(() =>
        (Array.from(document.querySelectorAll("audio, video")) as HTMLMediaElement[]).map((m) => ({
          tag: m.tagName.toLowerCase(),
          src: m.currentSrc,
          readyState: m.readyState,
          duration: m.duration,
          buffered: m.buffered.length ? m.buffered.end(m.buffered.length - 1) : 0,
          currentTime: m.currentTime,
          paused: m.paused,
          error: m.error ? m.error.code : null,
        })),
      );
      const list = media as Array<{ duration: number; buffered: number; error: number | null }>;
      const done = list.every((m) => m.error !== null || (m.duration > 0 && m.buffered >= m.duration - 0.05));
      if (done || Date.now() > deadline) break;
      await sleep(200);
    }
    result.media = media;
    result.mediaMs = Date.now() - t0;
    result.imageLoaded = await page.evaluate(() =>
      Array.from(document.images as any[]).every((i: any) => i.complete && i.naturalWidth > 0),
    );
    if (cfg.playMs > 0) await sleep(cfg.playMs);
    if (cfg.abortDownload) {
      // A cancelled download: read the first chunk, then abort. Chromium
      // closes that HTTP/1.1 connection with data still unread → RST.
      result.abort = await page.evaluate(async () => {
        const ctl = new AbortController();
        try {
          const r = await fetch("/clip.webm?cancelled-download", { cache: "no-store", signal: ctl.signal });
          const first = await r.body.getReader().read();
          ctl.abort();
          return { status: r.status, firstChunk: first.value ? first.value.length : 0 };
        } catch (e) {
          return { error: String(e) };
        }
      });
    }
    if (cfg.screenshot) await page.screenshot({ path: cfg.screenshot, fullPage: true });
    // Let idle keep-alive connections time out on the server (FIN from server).
    await sleep(cfg.lingerMs);
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  } finally {
    await context.close().catch(() => undefined);
  }
  result.totalMs = Date.now() - t0;
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(result.error ? 2 : 0);
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ ev: "client", error: String(err?.stack ?? err) }) + "\n");
  process.exit(1);
});
