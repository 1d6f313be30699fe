/** One-line progress text (a bar, bytes, packets, rate, ETA) for a terminal or a notebook line. */
import type { ConvertProgress } from "./convert";

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

export function formatProgress(p: ConvertProgress, barWidth = 24): string {
  const frac = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : p.files > 0 ? p.filesDone / p.files : 1;
  const full = Math.round(frac * barWidth);
  const bar = "#".repeat(full) + "-".repeat(barWidth - full);
  const eta = p.etaMs === null ? "" : `, ETA ${clock(p.etaMs)}`;
  return `[${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${mb(p.bytesDone)} / ${mb(p.bytesTotal)}, ${count(p.packets)} packets, ${p.filesDone}/${p.files} files, ${mb(p.bytesPerSecond)}/s${eta}`;
}
