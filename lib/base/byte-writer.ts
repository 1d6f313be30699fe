/**
 * Text output without a string per cell: numbers and strings are written as UTF-8 straight into one
 * reused byte buffer, handed to the sink in large chunks (the CSV and text writers of the packet and
 * flow tables). The sink must consume or copy a chunk before it returns: the buffer is reused.
 * Every method produces exactly the bytes of the string formatting it replaces (`String(n)`,
 * `csvCell`, `epochString`).
 */
import { csvCell } from "./csv";

const NEEDS_QUOTES = /[",\n\r]/;
/** "00" "01" … "99" as ASCII bytes. */
const DIGIT_PAIRS = Buffer.from(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0")).join(""), "latin1");

export class ByteWriter {
  private buf: Buffer;
  pos = 0;

  constructor(
    private readonly sink: (chunk: Uint8Array) => void,
    private readonly chunk = 1 << 18,
  ) {
    this.buf = Buffer.allocUnsafe(chunk + 1024);
  }

  /** Room for `n` more bytes (flushing first when the chunk is full). */
  room(n: number): Buffer {
    if (this.pos + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n + 1024);
    }
    return this.buf;
  }

  /** Hand what is buffered to the sink. */
  flush(): void {
    if (this.pos > 0) {
      this.sink(this.buf.subarray(0, this.pos));
      this.pos = 0;
    }
  }

  /** Flush when a chunk's worth is buffered (call once per line). */
  endLine(): void {
    this.room(1)[this.pos++] = 10;
    if (this.pos >= this.chunk) this.flush();
  }

  byte(b: number): void {
    if (this.pos < this.buf.length) this.buf[this.pos++] = b;
    else this.room(1)[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    const buf = this.room(n);
    if (n > 64) buf.set(b, this.pos);
    else for (let i = 0, p = this.pos; i < n; i++) buf[p + i] = b[i]; // set() costs more than a short copy
    this.pos += n;
  }

  /** A string as UTF-8, as is. */
  str(s: string): void {
    const buf = this.room(s.length * 3) as Buffer & { utf8Write(s: string, offset: number, length: number): number };
    // Buffer#write's own encoder, without its argument checks (the room is known)
    this.pos += buf.utf8Write(s, this.pos, buf.length - this.pos);
  }

  /** `n` spaces. */
  spaces(n: number): void {
    if (n <= 0) return;
    const buf = this.room(n);
    buf.fill(32, this.pos, this.pos + n);
    this.pos += n;
  }

  /** An integer exactly as String(n) prints it (|n| ≤ 2^53; larger ones through String). */
  int(n: number): void {
    if (n >= 0 && n < 2147483648) {
      // the common case: two digits at a time from a table, into the buffer directly
      let v = n | 0;
      const len = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
      const buf = this.pos + len <= this.buf.length ? this.buf : this.room(len);
      const end = this.pos + len;
      let i = end;
      while (v >= 100) {
        const q = (v / 100) | 0;
        const d = (v - q * 100) << 1;
        buf[--i] = DIGIT_PAIRS[d + 1];
        buf[--i] = DIGIT_PAIRS[d];
        v = q;
      }
      if (v >= 10) {
        buf[--i] = DIGIT_PAIRS[(v << 1) + 1];
        buf[--i] = DIGIT_PAIRS[v << 1];
      } else buf[--i] = 48 + v;
      this.pos = end;
      return;
    }
    if (n < 0) {
      if (n < -9007199254740992) return this.str(String(n));
      this.byte(45);
      n = -n;
      if (n < 2147483648) return this.int(n);
    } else if (n > 9007199254740992 || n !== n) return this.str(String(n));
    // above int32 (uint32 fields such as TSval): the digits above 10^9, then nine more, in int32 arithmetic
    const hi = Math.floor(n / 1e9);
    this.int(hi);
    this.digits9((n - hi * 1e9) | 0);
  }

  /** 0 ≤ v < 10^9 as exactly nine digits. */
  private digits9(v: number): void {
    const buf = this.room(9);
    for (let k = this.pos + 8; k >= this.pos; k--) {
      const q = (v / 10) | 0;
      buf[k] = 48 + v - q * 10;
      v = q;
    }
    this.pos += 9;
  }

  /** An integer left-padded with zeros to `width` digits (0 ≤ n < 10^width). */
  zeroPadded(n: number, width: number): void {
    const buf = this.room(width);
    let v = n;
    for (let i = this.pos + width - 1; i >= this.pos; i--) {
      const q = Math.floor(v / 10);
      buf[i] = 48 + (v - q * 10);
      v = q;
    }
    this.pos += width;
  }

  private epochSec = NaN;
  private epochPrefix: Uint8Array = new Uint8Array(0);

  /** Seconds + nanoseconds exactly as epochString prints them ("1234567890.123456789"). */
  epoch(sec: number, nsec: number): void {
    if (!Number.isInteger(sec) || !(nsec >= 0 && nsec < 1e9) || !Number.isInteger(nsec)) {
      this.str(`${sec}.${"000000000".slice(String(nsec).length)}${nsec}`);
      return;
    }
    // consecutive packets share their second: its digits and the point once
    if (sec !== this.epochSec) {
      this.epochSec = sec;
      this.epochPrefix = Buffer.from(`${sec}.`, "latin1");
    }
    const p = this.epochPrefix;
    const buf = this.room(p.length + 9);
    let i = this.pos;
    for (let k = 0; k < p.length; k++) buf[i++] = p[k];
    let v = nsec | 0;
    for (let k = i + 8; k >= i; k--) {
      const q = (v / 10) | 0;
      buf[k] = 48 + v - q * 10;
      v = q;
    }
    this.pos = i + 9;
  }

  /**
   * A time difference given as whole seconds + nanoseconds (integers, e.g. tsSec[a] − tsSec[b] and
   * tsNsec[a] − tsNsec[b]) exactly as `(dSec + dNsec / 1e9).toFixed(9)` prints it (csvCell's `fixed9`),
   * from its digits: below 10^5 s the double is within 10^-11 of the exact value, so toFixed rounds to it.
   */
  fixed9(dSec: number, dNsec: number): void {
    let ns = dSec * 1e9 + dNsec;
    if (!(ns > -1e14 && ns < 1e14) || !Number.isInteger(ns)) {
      this.str((dSec + dNsec / 1e9).toFixed(9));
      return;
    }
    if (ns < 0) {
      this.byte(45);
      ns = -ns;
    }
    const sec = Math.floor(ns / 1e9);
    this.int(sec);
    this.byte(46);
    this.digits9((ns - sec * 1e9) | 0);
  }

  /** One CSV cell exactly as csvCell(v, fixed9) prints it. */
  csv(v: number | string | boolean | null | undefined, fixed9 = false): void {
    if (v === null || v === undefined) return;
    if (typeof v === "number") {
      if (!fixed9 && Number.isInteger(v)) this.int(v);
      else this.str(csvCell(v, fixed9));
    } else if (typeof v === "string") this.csvString(v);
    else this.byte(v ? 49 : 48);
  }

  /** A string cell: quoted when it holds a comma, quote or line break (RFC 4180). */
  csvString(s: string): void {
    if (s.length === 0) return;
    this.str(NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  }
}

/**
 * The bytes of interned strings, made once per id (for a string column written a million times):
 * `get(id)` is the string's UTF-8, `csv(id)` its CSV cell (quoted when needed).
 */
export class StringBytesCache {
  private readonly plain: (Uint8Array | undefined)[] = [];
  private readonly quoted: (Uint8Array | undefined)[] = [];
  constructor(private readonly lookup: (id: number) => string) {}

  get(id: number): Uint8Array {
    let b = this.plain[id];
    if (b === undefined) b = this.plain[id] = Buffer.from(this.lookup(id), "utf8");
    return b;
  }

  csv(id: number): Uint8Array {
    let b = this.quoted[id];
    if (b === undefined) {
      const s = this.lookup(id);
      b = this.quoted[id] = Buffer.from(NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s, "utf8");
    }
    return b;
  }
}

/** Writers whose bytes are read back as a string (textOf), reused. */
const textPool: { w: ByteWriter; parts: string[] }[] = [];

/**
 * The text a byte-writing function writes, as a string: one implementation serves both the bulk
 * writers (straight into their buffer) and the per-row string accessors (e.g. the Info column).
 */
export function textOf(write: (w: ByteWriter) => void): string {
  let s = textPool.pop();
  if (s === undefined) {
    const parts: string[] = [];
    s = { parts, w: new ByteWriter((b) => parts.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8")), 4096) };
  }
  try {
    write(s.w);
    s.w.flush();
    return s.parts.length === 1 ? s.parts[0] : s.parts.join("");
  } finally {
    s.parts.length = 0;
    s.w.pos = 0;
    textPool.push(s);
  }
}
