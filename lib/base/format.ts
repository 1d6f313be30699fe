/** Address formatting as Wireshark prints addresses without name resolution. */

export function ipv4ToString(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** 48-bit MAC (as a number) → "00:11:22:33:44:55". */
export function macToString(m: number): string {
  let s = "";
  for (let i = 5; i >= 0; i--) {
    const b = Math.floor(m / Math.pow(2, i * 8)) & 255;
    s += (b < 16 ? "0" : "") + b.toString(16) + (i > 0 ? ":" : "");
  }
  return s;
}

/** IPv6 text form per RFC 5952 (lower case, longest run of ≥2 zero groups compressed, IPv4-mapped tail). */
export function ipv6ToString(b: Uint8Array, off: number): string {
  const g = new Array<number>(8);
  for (let i = 0; i < 8; i++) g[i] = (b[off + 2 * i] << 8) | b[off + 2 * i + 1];
  // IPv4-mapped / compatible forms as inet_ntop prints them.
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && (g[5] === 0xffff || (g[5] === 0 && (g[6] !== 0 || g[7] > 1)))) {
    const v4 = `${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;
    if (g[5] === 0xffff) return `::ffff:${v4}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] === 0) {
      let j = i;
      while (j < 8 && g[j] === 0) j++;
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    } else i++;
  }
  let s = "";
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += "::";
      i += bestLen - 1;
      continue;
    }
    if (s.length > 0 && !s.endsWith(":")) s += ":";
    s += g[i].toString(16);
  }
  return s;
}

/** Seconds + nanoseconds → "1234567890.123456789" (exact, as tshark prints frame.time_epoch). */
export function epochString(sec: number, nsec: number): string {
  const ns = String(nsec);
  return `${sec}.${"000000000".slice(ns.length)}${ns}`;
}

/**
 * A duration for people: "850 µs", "12.345 ms", "1.234 s", "2 min 5.0 s" (three decimals below a minute;
 * negative durations keep their sign; null/NaN → "—").
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "—";
  if (!Number.isFinite(seconds)) return seconds > 0 ? "∞" : "−∞";
  const sign = seconds < 0 ? "-" : "";
  const s = Math.abs(seconds);
  if (s === 0) return "0 s";
  if (s < 1e-3) return `${sign}${(s * 1e6).toFixed(s < 1e-5 ? 3 : 0)} µs`;
  if (s < 1) return `${sign}${(s * 1e3).toFixed(3)} ms`;
  if (s < 60) return `${sign}${s.toFixed(3)} s`;
  const min = Math.floor(s / 60);
  return `${sign}${min} min ${(s - min * 60).toFixed(1)} s`;
}

/** A byte count for people, in SI units as Wireshark's statistics show them: "512 B", "1.5 kB", "23.4 MB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || Number.isNaN(bytes)) return "—";
  const a = Math.abs(bytes);
  if (a < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB", "PB"];
  let v = bytes / 1000;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(Math.abs(v) < 10 ? 2 : 1)} ${units[i]}`;
}

/** Epoch seconds as an ISO 8601 date and time (UTC); "(out of range)" beyond the calendar's ±275 760 years (a damaged timestamp). */
export function isoTime(sec: number): string {
  const d = new Date(sec * 1000);
  return Number.isFinite(d.getTime()) ? d.toISOString() : "(out of range)";
}
