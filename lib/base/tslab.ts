/**
 * The bridge to a running tslab kernel (internal API of tslab 1.0.22: `tslab/dist/jupyter.js` exports
 * `lastWriteDisplayData`). Looks only at already-loaded modules, so it never loads tslab itself.
 */
import * as path from "node:path";

/** MIME type -> payload, as in a Jupyter `display_data` message. */
type Bundle = Record<string, unknown>;

type WriteDisplayData = (msg: { data: Bundle; metadata: Record<string, unknown>; transient?: { display_id: string } }, update: boolean) => void;

type TslabJupyter = { lastWriteDisplayData?: WriteDisplayData | null };

const JUPYTER_SUFFIX = path.join("tslab", "dist", "jupyter.js");

/**
 * The display writer of the tslab kernel running the current cell, or undefined outside a tslab kernel.
 * Several copies of tslab may be loaded (a global tslab running the kernel plus the project's own,
 * loaded by a cell's import): the running one is the copy whose `lastWriteDisplayData` is set (tslab
 * 1.0.22 sets it at each execute request; a copy that was only required has null), wherever it sits in
 * require.cache. Scans at each call (a display is rare; modules may come and go).
 */
export function kernelWriter(): WriteDisplayData | undefined {
  for (const key of Object.keys(require.cache)) {
    if (!key.endsWith(JUPYTER_SUFFIX)) continue;
    const w = (require.cache[key]?.exports as TslabJupyter | undefined)?.lastWriteDisplayData;
    if (typeof w === "function") return w;
  }
  return undefined;
}

/** True when running inside a tslab kernel cell (rich display possible). */
export function inKernel(): boolean {
  return kernelWriter() !== undefined;
}

/**
 * Send one `display_data` with all MIME types of `bundle`. Returns true if it was displayed, false
 * when not in a kernel.
 */
export function displayBundle(bundle: Bundle, metadata: Record<string, unknown> = {}, display?: { id: string; update: boolean }): boolean {
  const w = kernelWriter();
  if (!w) return false;
  // with a display id, a later `update: true` replaces this output in place (Jupyter's update_display_data)
  if (display) w({ data: bundle, metadata, transient: { display_id: display.id } }, display.update);
  else w({ data: bundle, metadata }, false);
  return true;
}
