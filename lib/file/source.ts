import * as fs from "node:fs";

/**
 * A sliding window over a file or an in-memory buffer. Readers ask `ensure(pos, len)` for the
 * bytes [pos, pos+len) and then read them at `buf[pos - base]`. A file is read in chunks into
 * one reused buffer (default 4 MiB), so the whole file is never in memory at once; the buffer
 * grows only if a single record is larger than it.
 */
export class ByteSource {
  buf: Uint8Array;
  view: DataView;
  /** File offset of buf[0]. */
  base = 0;
  /** Number of valid bytes in buf. */
  filled = 0;
  private eof = false;
  private readonly fd: number | null;
  /** Total size when known (file size or buffer length). */
  readonly size: number;

  private constructor(fd: number | null, buf: Uint8Array, filled: number, size: number) {
    this.fd = fd;
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.filled = filled;
    this.size = size;
    this.eof = fd === null;
  }

  static fromBytes(bytes: Uint8Array): ByteSource {
    return new ByteSource(null, bytes, bytes.length, bytes.length);
  }

  static fromFile(path: string, chunkSize = 4 << 20): ByteSource {
    const fd = fs.openSync(path, "r");
    const st = fs.fstatSync(fd);
    if (!st.isFile() && !st.isFIFO() && !st.isCharacterDevice()) {
      fs.closeSync(fd);
      throw new Error(`${path} is ${st.isDirectory() ? "a directory" : "not a regular file"}`);
    }
    const size = st.size;
    const buf = new Uint8Array(Math.max(64 << 10, Math.min(chunkSize, size + 16)));
    const src = new ByteSource(fd, buf, 0, size);
    return src;
  }

  close(): void {
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already closed */
      }
    }
  }

  /** True when [pos, pos+len) is available (reading more of the file if needed); false at end of data. */
  ensure(pos: number, len: number): boolean {
    const end = pos + len;
    if (pos >= this.base && end <= this.base + this.filled) return true;
    if (this.eof) return false;
    return this.refill(pos, len);
  }

  /** Called before buffered bytes are moved or replaced (see RecordSink.beforeRefill). */
  onRefill: (() => void) | null = null;

  private refill(pos: number, len: number): boolean {
    if (this.onRefill !== null) this.onRefill();
    // Keep bytes from `pos` on, move them to the front, read more behind them.
    const keepFrom = Math.max(0, Math.min(pos - this.base, this.filled));
    const keep = this.filled - keepFrom;
    if (len > this.buf.length) {
      const bigger = new Uint8Array(Math.max(len, this.buf.length * 2));
      bigger.set(this.buf.subarray(keepFrom, this.filled));
      this.buf = bigger;
      this.view = new DataView(bigger.buffer);
    } else if (keepFrom > 0) {
      this.buf.copyWithin(0, keepFrom, this.filled);
    }
    this.base += keepFrom;
    this.filled = keep;
    while (this.filled < this.buf.length) {
      const n = fs.readSync(this.fd!, this.buf, this.filled, this.buf.length - this.filled, this.base + this.filled);
      if (n <= 0) {
        this.eof = true;
        break;
      }
      this.filled += n;
    }
    return pos >= this.base && pos + len <= this.base + this.filled;
  }

  /** Bytes available from `pos` to the end of the data (reads ahead as far as the buffer allows). */
  available(pos: number): number {
    this.ensure(pos, 1);
    return Math.max(0, this.base + this.filled - pos);
  }
}
