/** HPACK (RFC 7541): header block decoding with the static table, a dynamic table and Huffman strings. */

const STATIC: [string, string][] = [
  [":authority", ""], [":method", "GET"], [":method", "POST"], [":path", "/"], [":path", "/index.html"],
  [":scheme", "http"], [":scheme", "https"], [":status", "200"], [":status", "204"], [":status", "206"],
  [":status", "304"], [":status", "400"], [":status", "404"], [":status", "500"], ["accept-charset", ""],
  ["accept-encoding", "gzip, deflate"], ["accept-language", ""], ["accept-ranges", ""], ["accept", ""],
  ["access-control-allow-origin", ""], ["age", ""], ["allow", ""], ["authorization", ""], ["cache-control", ""],
  ["content-disposition", ""], ["content-encoding", ""], ["content-language", ""], ["content-length", ""],
  ["content-location", ""], ["content-range", ""], ["content-type", ""], ["cookie", ""], ["date", ""],
  ["etag", ""], ["expect", ""], ["expires", ""], ["from", ""], ["host", ""], ["if-match", ""],
  ["if-modified-since", ""], ["if-none-match", ""], ["if-range", ""], ["if-unmodified-since", ""],
  ["last-modified", ""], ["link", ""], ["location", ""], ["max-forwards", ""], ["proxy-authenticate", ""],
  ["proxy-authorization", ""], ["range", ""], ["referer", ""], ["refresh", ""], ["retry-after", ""],
  ["server", ""], ["set-cookie", ""], ["strict-transport-security", ""], ["transfer-encoding", ""],
  ["user-agent", ""], ["vary", ""], ["via", ""], ["www-authenticate", ""],
];

/** Code lengths of symbols 0..255 (RFC 7541 Appendix B); the code is canonical, EOS = 30 one bits. */
const CODE_LEN = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
];

/** Canonical codes, and a binary decoding tree in flat arrays (child index per bit; leaf = -(sym + 1)). */
export const HUFFMAN_CODES: number[] = new Array(256);
const tree0: number[] = [0];
const tree1: number[] = [0];
(function build() {
  const order = Array.from({ length: 256 }, (_, i) => i).sort((a, b) => CODE_LEN[a] - CODE_LEN[b] || a - b);
  let code = 0;
  let prev = 0;
  for (const sym of order) {
    code = code * 2 ** (CODE_LEN[sym] - prev);
    HUFFMAN_CODES[sym] = code;
    code++;
    prev = CODE_LEN[sym];
  }
  for (let sym = 0; sym < 256; sym++) {
    let node = 0;
    const len = CODE_LEN[sym];
    for (let i = len - 1; i >= 0; i--) {
      const bit = Math.floor(HUFFMAN_CODES[sym] / 2 ** i) & 1;
      const arr = bit ? tree1 : tree0;
      if (i === 0) {
        arr[node] = -(sym + 1);
        break;
      }
      let next = arr[node];
      if (!next) {
        next = tree0.length;
        tree0.push(0);
        tree1.push(0);
        arr[node] = next;
      }
      node = next;
    }
  }
})();

/** Decode a Huffman string (null when invalid). */
export function huffmanDecode(b: Uint8Array): string | null {
  let node = 0;
  let out = "";
  let depth = 0;
  let ones = true;
  for (let i = 0; i < b.length; i++) {
    const byte = b[i];
    for (let k = 7; k >= 0; k--) {
      const bit = (byte >> k) & 1;
      const next = bit ? tree1[node] : tree0[node];
      if (next === 0 || next === undefined) return null;
      depth++;
      if (!bit) ones = false;
      if (next < 0) {
        out += String.fromCharCode(-next - 1);
        node = 0;
        depth = 0;
        ones = true;
      } else node = next;
    }
  }
  if (node !== 0 && (depth > 7 || !ones)) return null;
  return out;
}

export class HpackError extends Error {}

/** One direction's decoder state (the dynamic table). */
export class HpackDecoder {
  private table: [string, string][] = [];
  private size = 0;
  maxSize = 4096;

  private add(name: string, value: string): void {
    this.table.unshift([name, value]);
    this.size += name.length + value.length + 32;
    this.evict();
  }

  private evict(): void {
    while (this.size > this.maxSize && this.table.length) {
      const [n, v] = this.table.pop()!;
      this.size -= n.length + v.length + 32;
    }
  }

  private entry(i: number): [string, string] {
    if (i >= 1 && i <= STATIC.length) return STATIC[i - 1];
    const e = this.table[i - STATIC.length - 1];
    if (!e) throw new HpackError(`header index ${i} out of range`);
    return e;
  }

  /** Decode a header block; throws HpackError on a malformed block (the caller turns it into a status). */
  decode(b: Uint8Array): [string, string][] {
    const out: [string, string][] = [];
    let o = 0;
    const int = (prefix: number): number => {
      const mask = (1 << prefix) - 1;
      let v = b[o++] & mask;
      if (v < mask) return v;
      let m = 0;
      for (;;) {
        if (o >= b.length) throw new HpackError("truncated integer");
        const c = b[o++];
        v += (c & 0x7f) * 2 ** m;
        m += 7;
        if (!(c & 0x80)) return v;
        if (m > 28) throw new HpackError("integer too large");
      }
    };
    const str = (): string => {
      if (o >= b.length) throw new HpackError("truncated string");
      const h = b[o] & 0x80;
      const len = int(7);
      if (o + len > b.length) throw new HpackError("truncated string");
      const s = b.subarray(o, o + len);
      o += len;
      if (h) {
        const d = huffmanDecode(s);
        if (d === null) throw new HpackError("bad Huffman string");
        return d;
      }
      return Buffer.from(s).toString("latin1");
    };
    while (o < b.length) {
      const c = b[o];
      if (c & 0x80) {
        out.push(this.entry(int(7)));
      } else if (c & 0x40) {
        const idx = int(6);
        const name = idx ? this.entry(idx)[0] : str();
        const value = str();
        out.push([name, value]);
        this.add(name, value);
      } else if (c & 0x20) {
        this.maxSize = int(5);
        this.evict();
      } else {
        const idx = int(4);
        const name = idx ? this.entry(idx)[0] : str();
        out.push([name, str()]);
      }
    }
    return out;
  }
}
