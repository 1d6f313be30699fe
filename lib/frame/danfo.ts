/**
 * Lazy danfojs-node loader. Importing pcapframe never loads danfo (it takes seconds: tfjs); the first
 * call to {@link loadDanfo} does, and also
 *  - calls `tensorflow.enableProdMode()` (silences the tfjs "Hi, looks like you are running
 *    TensorFlow.js in Node.js" banner on stderr), and
 *  - defines `util.inspect.custom` on danfo's shared NDframe prototype, so a bare `df` as a cell's last
 *    expression (or `console.log(df)`) prints danfo's table instead of its internals. NDframe is the
 *    base of both danfojs-node's classes and danfojs-base's Series (which `df["col"]` returns).
 */
import * as util from "node:util";

type Danfo = typeof import("danfojs-node");

let danfo: Danfo | undefined;

const PATCHED = Symbol.for("pcapframe.danfoInspectPatched");

/** Apply the inspect patch to a loaded danfo module (idempotent). Exported for tests. */
export function patchDanfoInspect(dfd: Danfo): void {
  const proto = (dfd as unknown as { NDframe?: { prototype: Record<PropertyKey, unknown> } }).NDframe?.prototype;
  if (!proto || proto[PATCHED]) return;
  Object.defineProperty(proto, util.inspect.custom, {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function inspectNDframe(this: { toString(): string; constructor: { name: string } }): string {
      try {
        return this.toString();
      } catch {
        return `[danfo ${this.constructor?.name ?? "NDframe"}]`;
      }
    },
  });
  Object.defineProperty(proto, PATCHED, { value: true });
}

/** danfojs-node, loaded on first call (prod mode + inspect patch applied), then cached. */
export function loadDanfo(): Danfo {
  if (!danfo) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const dfd = require("danfojs-node") as Danfo;
    try {
      (dfd as unknown as { tensorflow?: { enableProdMode?: () => void } }).tensorflow?.enableProdMode?.();
    } catch {
      // already in prod mode, or tfjs API changed: only the banner is at stake
    }
    patchDanfoInspect(dfd);
    danfo = dfd;
  }
  return danfo;
}

/** True once {@link loadDanfo} has loaded danfo in this process. */
export function danfoLoaded(): boolean {
  return danfo !== undefined;
}
