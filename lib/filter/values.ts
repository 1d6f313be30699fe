/**
 * Values of display-filter fields and literals: ftype categories, literal conversion with
 * Wireshark 4.0's rules (integers in decimal/hex/octal/binary or value names, booleans as numbers or
 * their true/false strings, IPv4/IPv6 with CIDR, MAC and byte strings, strings), and comparisons.
 */
import { WS_TFS, WS_VALUES } from "./wireshark-fields";

/** Comparison domain of a value. */
export type Cat = "num" | "bool" | "time" | "ipv4" | "ipv6" | "ether" | "bytes" | "str" | "none";
/** A value in evaluation: numbers (integers, booleans 0/1, IPv4 as uint32, times in seconds), strings, bytes. */
export type Value = number | string | Uint8Array;

export function catOf(ftype: string): Cat {
  if (/^(U?INT\d+|FRAMENUM|CHAR|DOUBLE|FLOAT|IEEE_11073_S?FLOAT)$/.test(ftype)) return "num";
  if (ftype === "BOOLEAN") return "bool";
  if (ftype === "RELATIVE_TIME" || ftype === "ABSOLUTE_TIME") return "time";
  if (ftype === "IPv4") return "ipv4";
  if (ftype === "IPv6") return "ipv6";
  if (ftype === "ETHER") return "ether";
  if (/^(STRING|STRINGZ|UINT_STRING|STRINGZPAD|STRINGZTRUNC)$/.test(ftype)) return "str";
  if (ftype === "NONE") return "none";
  return "bytes";
}

/** How an ftype is named in messages ("tcp.port is an unsigned integer"). */
export function describeFtype(ftype: string): string {
  if (/^UINT\d+$/.test(ftype) || ftype === "FRAMENUM") return "an unsigned integer";
  if (/^INT\d+$/.test(ftype)) return "a signed integer";
  switch (ftype) {
    case "BOOLEAN":
      return "a boolean";
    case "RELATIVE_TIME":
      return "a time offset";
    case "ABSOLUTE_TIME":
      return "a date and time";
    case "IPv4":
      return "an IPv4 address";
    case "IPv6":
      return "an IPv6 address";
    case "ETHER":
      return "an Ethernet (MAC) address";
    case "NONE":
      return "a label (existence only)";
    case "PROTOCOL":
      return "a protocol";
    case "DOUBLE":
    case "FLOAT":
      return "a floating-point number";
  }
  return catOf(ftype) === "str" ? "a string" : "a byte sequence";
}

/** A converted literal. CIDR masks for addresses; `isFloat` for numbers written with a fraction. */
export interface Lit {
  cat: Cat;
  v: Value;
  /** IPv4/IPv6 prefix length (CIDR), or -1. */
  bits: number;
}

export class LiteralError extends Error {}

/** Integer literal as Wireshark 4.0 reads it: decimal, 0x hex, 0 octal, 0b binary, optional sign. Null if not one. */
export function parseInt4(s: string): number | null {
  const m = /^([+-]?)(0[xX][0-9A-Fa-f]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return null;
  const body = m[2];
  let v: number;
  if (/^0[xX]/.test(body)) v = parseInt(body.slice(2), 16);
  else if (/^0[bB]/.test(body)) v = parseInt(body.slice(2), 2);
  else if (body.length > 1 && body[0] === "0") v = parseInt(body, 8);
  else v = parseInt(body, 10);
  return m[1] === "-" ? -v : v;
}

export function parseIPv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const p = m.slice(1).map(Number);
  if (p.some((x) => x > 255)) return null;
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
}

export function parseIPv6(s: string): Uint8Array | null {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || !s.includes(":")) return null;
  let tail4: number | null = null;
  let str = s;
  const lastColon = s.lastIndexOf(":");
  if (s.slice(lastColon + 1).includes(".")) {
    tail4 = parseIPv4(s.slice(lastColon + 1));
    if (tail4 === null) return null;
    str = s.slice(0, lastColon + 1) + "0:0";
  }
  const halves = str.split("::");
  if (halves.length > 2) return null;
  const parse = (h: string) => (h === "" ? [] : h.split(":"));
  const a = parse(halves[0]);
  const b = halves.length === 2 ? parse(halves[1]) : [];
  if (halves.length === 1 && a.length !== 8) return null;
  if (halves.length === 2 && a.length + b.length > 7) return null;
  const groups = [...a, ...new Array(8 - a.length - b.length).fill("0"), ...b];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(groups[i])) return null;
    const g = parseInt(groups[i], 16);
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 255;
  }
  if (tail4 !== null) {
    out[12] = tail4 >>> 24;
    out[13] = (tail4 >>> 16) & 255;
    out[14] = (tail4 >>> 8) & 255;
    out[15] = tail4 & 255;
  }
  return out;
}

/** Byte strings: aa:bb:cc, aa-bb-cc, aa.bb.cc, aabb.ccdd (MAC dot form), a single byte "45", or 6 bytes aabbccddeeff for MACs. */
export function parseBytes(s: string, mac = false): Uint8Array | null {
  let m: RegExpExecArray | null;
  if (/^[0-9A-Fa-f]{1,2}([:.-][0-9A-Fa-f]{1,2})*$/.test(s)) {
    const parts = s.split(/[:.-]/);
    const seps = s.replace(/[0-9A-Fa-f]/g, "");
    if (new Set(seps).size > 1) return null;
    return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
  }
  if ((m = /^([0-9A-Fa-f]{4})\.([0-9A-Fa-f]{4})\.([0-9A-Fa-f]{4})$/.exec(s))) return hexBytes(m[1] + m[2] + m[3]);
  if (mac && /^[0-9A-Fa-f]{12}$/.test(s)) return hexBytes(s);
  if (!mac && /^([0-9A-Fa-f]{2})+$/.test(s)) return hexBytes(s);
  return null;
}

function hexBytes(h: string): Uint8Array {
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
/** Strings from literals use raw bytes for characters below 256 written as escapes (\xff): latin1-encode those. */
export function strBytes(s: string): Uint8Array {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\xff]*$/.test(s)) return Uint8Array.from(s, (c) => c.charCodeAt(0));
  return utf8(s);
}

export function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode.apply(null, Array.from(b.subarray(i, i + 8192)));
  return s;
}

/** Value names of a field ("Client Hello" → 1), case-insensitive as in Wireshark. */
export function valueByName(field: string, name: string): number | null {
  const list = WS_VALUES[field];
  if (!list) return null;
  const lc = name.toLowerCase();
  for (const [v, n] of list) if (n.toLowerCase() === lc) return v;
  return null;
}

export function boolByName(field: string, name: string): number | null {
  const tfs = WS_TFS[field] ?? ["True", "False"];
  const lc = name.toLowerCase();
  if (tfs[0].toLowerCase() === lc) return 1;
  if (tfs[1].toLowerCase() === lc) return 0;
  return null;
}

/** Seconds from a relative-time literal ("1", "0.25", "-1.5"); null if not one. */
export function parseSeconds(s: string): number | null {
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s) ? Number(s) : null;
}

/** Absolute times as tshark 4.0 reads them ("2020-01-01", "2020-01-01 12:00:00.5", "Jan  1, 2020 00:00:00"), in UTC. */
export function parseAbsTime(s: string): number | null {
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?Z?$/.exec(s.trim()))) {
    const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) / 1000;
    return t + (m[7] ? Number(m[7]) : 0);
  }
  const months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
  if ((m = /^([A-Za-z]{3})\s+(\d{1,2}),\s*(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?$/.exec(s.trim()))) {
    const mo = months.indexOf(m[1].toLowerCase());
    if (mo < 0) return null;
    const t = Date.UTC(+m[3], mo, +m[2], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) / 1000;
    return t + (m[7] ? Number(m[7]) : 0);
  }
  return null;
}

/** memcmp-style comparison of byte strings. */
export function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

export function eqBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function containsBytes(hay: Uint8Array, needle: Uint8Array): boolean {
  const n = needle.length;
  if (n === 0) return true;
  const first = needle[0];
  const last = hay.length - n;
  outer: for (let i = hay.indexOf(first); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    for (let j = 1; j < n; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Does `v` (16 bytes) fall in the IPv6 prefix `net`/`bits`? */
export function inPrefix6(v: Uint8Array, net: Uint8Array, bits: number): boolean {
  let b = 0;
  for (let i = 0; i < 16 && b < bits; i++, b += 8) {
    const take = Math.min(8, bits - b);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((v[i] & mask) !== (net[i] & mask)) return false;
  }
  return true;
}

/** JavaScript RegExp for a Wireshark (PCRE2) pattern, case-insensitive; throws LiteralError for PCRE-only syntax. */
export function toRegExp(pattern: string): RegExp {
  let p = pattern;
  if (p.startsWith("(?i)")) p = p.slice(4);
  const pcreOnly: [RegExp, string][] = [
    [/\(\?[a-zA-Z-]+\)|\(\?[a-zA-Z-]+:/, "inline option groups such as (?s) or (?x:…)"],
    [/\(\?>/, "atomic groups (?>…)"],
    [/\(\?[R0-9+&P]/, "recursion and subroutine calls"],
    [/\(\?#/, "comments (?#…)"],
    [/\\[AZzGKQEhHRXCVN]/, "PCRE escapes such as \\A, \\Z, \\z, \\G, \\K, \\Q…\\E, \\h, \\R, \\X"],
    [/[*+?}]\+/, "possessive quantifiers (*+, ++, ?+)"],
    [/\[\[:[a-z]+:\]/, "POSIX classes such as [[:alpha:]]"],
    [/\\[pP]\{/, "Unicode property escapes (not supported on bytes)"],
  ];
  for (const [re, what] of pcreOnly) {
    if (re.test(p)) throw new LiteralError(`the regular expression "${pattern}" uses ${what}, which pcapframe's JavaScript regular expressions lack`);
  }
  try {
    return new RegExp(p, "i");
  } catch (e) {
    throw new LiteralError(`"${pattern}" is not a valid regular expression: ${(e as Error).message}`);
  }
}
