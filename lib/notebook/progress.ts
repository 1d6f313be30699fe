/**
 * A progress line in a notebook: one output that updates in place (Jupyter's update_display_data) while
 * a long read or conversion runs, and shows the final figures when it ends.
 */
import { displayBundle } from "../base/tslab";
import { escapeHtml } from "../base/html";
import { formatProgress, type Progress } from "../base/progress";

export interface NotebookProgress {
  /** Pass as `onProgress` to readCapture or convert. */
  update: (p: Progress) => void;
  /** Show the last figures (call after the read or conversion). */
  done: () => void;
}

let seq = 0;

function bundle(p: Progress, final: boolean): Record<string, string> {
  const text = formatProgress(p);
  const frac = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : final ? 1 : 0;
  const line = final ? `done in ${(p.elapsedMs / 1000).toFixed(1)} s: ${text}` : text;
  return {
    "text/html": `<div><progress max="1" value="${frac.toFixed(3)}" style="width:12em;vertical-align:middle"></progress> <code>${escapeHtml(line)}</code></div>`,
    "text/plain": line,
  };
}

/**
 * A progress line for the current cell: nothing for the first `delayMs` (default 1 s: short reads stay
 * quiet), then one line updated at most every `intervalMs` (default 250 ms); `done()` shows the final
 * figures (on that line, or as a line of its own when the work was too short to show one). Outside a
 * notebook kernel it shows nothing.
 */
export function notebookProgress(options: { delayMs?: number; intervalMs?: number } = {}): NotebookProgress {
  const delay = options.delayMs ?? 1000;
  const interval = options.intervalMs ?? 250;
  const id = `pcapframe-progress-${process.pid}-${++seq}`;
  let shown = false;
  let last: Progress | null = null;
  let drawnAt = -Infinity;
  return {
    update(p: Progress) {
      last = p;
      if (p.elapsedMs < delay || p.elapsedMs - drawnAt < interval) return;
      drawnAt = p.elapsedMs;
      shown = displayBundle(bundle(p, false), {}, { id, update: shown }) || shown;
    },
    done() {
      if (last) displayBundle(bundle(last, true), {}, { id, update: shown });
    },
  };
}
