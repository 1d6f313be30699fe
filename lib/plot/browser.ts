/**
 * Headless Chromium via playwright-core (Debian's /usr/bin/chromium; playwright can't download a
 * browser here). One place for the executable and the flags: without the network flags Chromium keeps
 * trying to reach update/sync services at start-up.
 */
import * as fs from "node:fs";
import type { Browser, LaunchOptions } from "playwright-core";

/** Chromium executable; override with PCAPFRAME_CHROMIUM. */
export const CHROMIUM_PATH: string = process.env.PCAPFRAME_CHROMIUM || "/usr/bin/chromium";

export const CHROMIUM_ARGS: readonly string[] = Object.freeze([
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
]);

/** True if the Chromium executable exists. */
export function chromiumAvailable(): boolean {
  try {
    fs.accessSync(CHROMIUM_PATH, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Launch headless Chromium with {@link CHROMIUM_ARGS}. The caller closes it. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!chromiumAvailable()) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set PCAPFRAME_CHROMIUM)`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require("playwright-core") as typeof import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    chromiumSandbox: false,
    ...options,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}
