/**
 * The bridge to a running tslab kernel (internal API of tslab 1.0.22: `tslab/dist/jupyter.js` exports
 * `lastWriteDisplayData`). Looks only at already-loaded modules, so it never loads tslab itself.
 */
import * as path from "node:path";

/** MIME type -> payload, as in a Jupyter `display_data` message. */
type Bundle = Record<string, unknown>;

type WriteDisplayData = (msg: { data: Bundle; metadata: Record<string, unknown> }, update: boolean) => void;

let tslabJupyter: { lastWriteDisplayData?: WriteDisplayData | null } | undefined;

/** The display writer of the running tslab kernel's current cell, or undefined outside a tslab kernel. */
function kernelWriter(): WriteDisplayData | undefined {
  if (!tslabJupyter) {
    const suffix = path.join("tslab", "dist", "jupyter.js");
    for (const key of Object.keys(require.cache)) {
      if (key.endsWith(suffix)) {
        tslabJupyter = require.cache[key]?.exports as typeof tslabJupyter;
        break;
      }
    }
  }
  const w = tslabJupyter?.lastWriteDisplayData;
  return typeof w === "function" ? w : undefined;
}

/** True when running inside a tslab kernel cell (rich display possible). */
export function inKernel(): boolean {
  return kernelWriter() !== undefined;
}

/**
 * Send one `display_data` with all MIME types of `bundle`. Returns true if it was displayed, false
 * when not in a kernel.
 */
export function displayBundle(bundle: Bundle, metadata: Record<string, unknown> = {}): boolean {
  const w = kernelWriter();
  if (!w) return false;
  w({ data: bundle, metadata }, false);
  return true;
}
