/** Progress of a long read or conversion, by bytes of the input files, and its one-line text. */

export interface Progress {
  /** Bytes of the input read (or converted) so far, and in all. */
  bytesDone: number;
  bytesTotal: number;
  packets: number;
  /** Input files finished, and in all. */
  filesDone: number;
  files: number;
  elapsedMs: number;
  /** Input bytes per second so far, and the time left at that rate (null until there is a rate). */
  bytesPerSecond: number;
  etaMs: number | null;
}

/** A Progress from the counts, the rate and ETA computed from the start time. */
export function progressAt(start: number, bytesDone: number, bytesTotal: number, packets: number, filesDone: number, files: number): Progress {
  const elapsedMs = performance.now() - start;
  const bytesPerSecond = elapsedMs > 0 ? (bytesDone * 1000) / elapsedMs : 0;
  return {
    bytesDone, bytesTotal, packets, filesDone, files, elapsedMs, bytesPerSecond,
    etaMs: bytesPerSecond > 0 ? (Math.max(0, bytesTotal - bytesDone) * 1000) / bytesPerSecond : null,
  };
}

function mb(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`;
}

function count(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n);
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** `[#####-----]  50% 98.1 MB / 196.2 MB, 500.0 k packets, 1/2 files, 12.3 MB/s, ETA 0:08` */
export function formatProgress(p: Progress, barWidth = 24): string {
  const frac = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : p.files > 0 ? p.filesDone / p.files : 1;
  const full = Math.round(frac * barWidth);
  const bar = "#".repeat(full) + "-".repeat(barWidth - full);
  const eta = p.etaMs === null ? "" : `, ETA ${clock(p.etaMs)}`;
  return `[${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${mb(p.bytesDone)} / ${mb(p.bytesTotal)}, ${count(p.packets)} packets, ${p.filesDone}/${p.files} files, ${mb(p.bytesPerSecond)}/s${eta}`;
}

/**
 * A progress callback drawing `formatProgress` on one line of a terminal stream (stderr), at most every
 * 100 ms; `done()` clears the line. Null when the stream is not a terminal (quiet in pipes and logs).
 */
export function terminalProgress(stream: NodeJS.WriteStream): { update: (p: Progress) => void; done: () => void } | null {
  if (!stream.isTTY) return null;
  let drawn = 0;
  let shown = false;
  return {
    update(p) {
      const now = performance.now();
      if (now - drawn < 100 && p.bytesDone < p.bytesTotal) return;
      drawn = now;
      stream.write(`\r\x1b[K${formatProgress(p, Math.max(10, Math.min(30, (stream.columns ?? 80) - 90)))}`);
      shown = true;
    },
    done() {
      if (shown) stream.write("\r\x1b[K");
      shown = false;
    },
  };
}
