import * as zlib from "node:zlib";
import { CaptureError, type CaptureErrorCode } from "../base/errors";
import { ByteSource } from "./source";
import { linkTypeName } from "./link-type";
import type { CaptureFormat, CaptureWarning, DecryptionSecrets, InterfaceInfo, RecordSink } from "./types";

/** Largest captured length accepted for one record (Wireshark's limit for most link types). */
export const MAX_RECORD_CAPLEN = 262144 * 4;

export interface ReadResult {
  format: CaptureFormat;
  compressed: boolean;
  byteOrder: "little" | "big";
  /** pcap version or pcapng SHB version of the first section, as "major.minor". */
  version: string;
  interfaces: InterfaceInfo[];
  sections: number;
  comments: string[];
  secrets: DecryptionSecrets[];
  /** Name-resolution records from pcapng NRBs: address → names. */
  nameRecords: { address: string; names: string[] }[];
  /** Interface statistics (pcapng ISB): per interface, dropped/received counters if present. */
  interfaceStats: { ifIndex: number; received?: number; dropped?: number }[];
  packets: number;
  warnings: CaptureWarning[];
  fileSize: number;
}

export interface ReadOptions {
  strict: boolean;
}

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Framing-level context shared by both readers: warnings vs strict throwing, packet counting. */
class Walker {
  packets = 0;
  stopped = false;
  readonly warnings: CaptureWarning[] = [];
  constructor(readonly strict: boolean) {}
  fault(code: CaptureErrorCode, offset: number, detail: string): void {
    const err = new CaptureError(code, offset, this.packets, detail);
    if (this.strict) throw err;
    this.warnings.push({ code, byteOffset: offset, recordIndex: this.packets, message: err.message });
    this.stopped = true;
  }
  /**
   * A fault before the first record could be framed (no capture header, an unknown magic number, an
   * unsupported version): the input is not a capture we can read, there are no packets to keep, so it
   * throws in lax mode too.
   */
  fatal(code: CaptureErrorCode, offset: number, detail: string): never {
    throw new CaptureError(code, offset, this.packets, detail);
  }
}

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/**
 * Open `input` (a path or bytes), detect the container by its magic number, and walk every record,
 * feeding packets to `sink` in file order. Never throws except CaptureError in strict mode.
 */
export function readRecords(input: string | Uint8Array, sink: RecordSink, opts: ReadOptions): ReadResult {
  const walker = new Walker(opts.strict);
  let src: ByteSource;
  let compressed = false;
  try {
    src = typeof input === "string" ? ByteSource.fromFile(input) : ByteSource.fromBytes(input);
  } catch (e) {
    throw new CaptureError("io_error", 0, 0, `cannot open capture: ${(e as Error).message}`);
  }
  const result: ReadResult = {
    format: "pcap",
    compressed: false,
    byteOrder: "little",
    version: "",
    interfaces: [],
    sections: 0,
    comments: [],
    secrets: [],
    nameRecords: [],
    interfaceStats: [],
    packets: 0,
    warnings: walker.warnings,
    fileSize: src.size,
  };
  try {
    if (src.ensure(0, 2) && isGzip(src.buf.subarray(0, 2))) {
      // gzip: decompress in one go (Z_SYNC_FLUSH keeps whatever a truncated stream yields).
      const whole = readAll(src);
      src.close();
      let out: Buffer;
      try {
        out = zlib.gunzipSync(whole, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      } catch (e) {
        // Corrupt deflate data (or a bad CRC): keep the longest prefix that decompresses, as a lax read
        // keeps the packets before a fault; nothing at all means it is not a (readable) capture.
        out = gunzipPrefix(whole);
        if (out.length === 0) walker.fatal("gzip_error", 0, `gzip data could not be decompressed: ${(e as Error).message}`);
        walker.fault("gzip_error", 0, `gzip data is corrupt after ${out.length} decompressed bytes: ${(e as Error).message}`);
        walker.stopped = false; // frame what was decompressed (its own faults follow)
      }
      compressed = true;
      src = ByteSource.fromBytes(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    }
    result.compressed = compressed;
    if (sink.beforeRefill) src.onRefill = () => sink.beforeRefill!();
    if (!src.ensure(0, 4)) {
      if (src.size === 0) walker.fatal("empty_file", 0, `empty ${compressed ? "gzip-compressed " : ""}file: not a capture`);
      else walker.fatal("truncated_file_header", 0, `file too short to hold a capture header (${src.size} bytes${compressed ? " after decompression" : ""})`);
    } else {
      const le = src.view.getUint32(0, true);
      const be = src.view.getUint32(0, false);
      if (le === PCAPNG_SHB) {
        result.format = "pcapng";
        readPcapng(src, sink, walker, result);
      } else if (le === PCAP_MAGIC_US || be === PCAP_MAGIC_US || le === PCAP_MAGIC_NS || be === PCAP_MAGIC_NS) {
        readPcap(src, sink, walker, result);
      } else {
        const hex = Array.from(src.buf.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
        walker.fatal("bad_magic", 0, `not a pcap, pcapng or gzip file (${compressed ? "decompressed data starts with" : "magic bytes"} ${hex})`);
      }
    }
  } catch (e) {
    if (e instanceof CaptureError) throw e;
    // An I/O error while reading on (EIO, a file that shrank…): not a capture-level bug, a typed error.
    const err = e as NodeJS.ErrnoException;
    if (typeof err?.code === "string") throw new CaptureError("io_error", src.base + src.filled, walker.packets, `cannot read capture: ${err.message}`);
    throw e;
  } finally {
    src.close();
  }
  result.packets = walker.packets;
  return result;
}

/**
 * Gzip-compressed capture bytes decompressed as the reader does: all of them, or the longest decompressible
 * prefix of corrupt data (whose packets a lax read keeps). Used to read packet bytes back after the read.
 */
export function gunzipLax(whole: Uint8Array): Uint8Array {
  try {
    return zlib.gunzipSync(whole, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch {
    return gunzipPrefix(whole);
  }
}

/** The longest decompressible prefix of corrupt gzip data (binary search on the input length). */
function gunzipPrefix(whole: Uint8Array): Buffer {
  const tryLen = (n: number): Buffer | null => {
    try {
      return zlib.gunzipSync(whole.subarray(0, n), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch {
      return null;
    }
  };
  let lo = 0;
  let best: Buffer = Buffer.alloc(0);
  let hi = whole.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    const b = tryLen(mid);
    if (b) {
      lo = mid;
      best = b;
    } else hi = mid - 1;
  }
  return best;
}

function readAll(src: ByteSource): Uint8Array {
  if (!src.ensure(0, src.size)) {
    // ensure grows the buffer to the whole file
  }
  return src.buf.subarray(0, Math.min(src.filled, src.size));
}

// ---------------------------------------------------------------- pcap

function readPcap(src: ByteSource, sink: RecordSink, w: Walker, r: ReadResult): void {
  if (!src.ensure(0, 24)) {
    w.fatal("truncated_file_header", 0, `pcap file header is shorter than 24 bytes (${src.available(0)} bytes)`);
  }
  const magicLe = src.view.getUint32(0, true);
  const little = magicLe === PCAP_MAGIC_US || magicLe === PCAP_MAGIC_NS;
  const nsec = magicLe === PCAP_MAGIC_NS || src.view.getUint32(0, false) === PCAP_MAGIC_NS;
  r.format = nsec ? "pcap-nsec" : "pcap";
  r.byteOrder = little ? "little" : "big";
  const v = src.view;
  const major = v.getUint16(4, little);
  const minor = v.getUint16(6, little);
  r.version = `${major}.${minor}`;
  if (major !== 2) {
    w.fatal("unsupported_version", 4, `pcap version ${major}.${minor} is not supported`);
  }
  const snapLen = v.getUint32(16, little);
  const linkType = v.getUint32(20, little) & 0x0fffffff & 0xffff;
  r.interfaces.push({
    index: 0,
    section: 0,
    linkType,
    linkTypeName: linkTypeName(linkType),
    snapLen,
    tsResolution: nsec ? 1e-9 : 1e-6,
    tsOffset: 0,
    packets: 0,
  });
  sink.onInterface(r.interfaces[0]);
  r.sections = 1;
  const fracScale = nsec ? 1 : 1000;
  let pos = 24;
  const ifc = r.interfaces[0];
  let packets = 0;
  for (;;) {
    // Fast path: header and data already in the buffer; otherwise ensure() reads on (or reports the end).
    let o = pos - src.base;
    if (o + 16 > src.filled) {
      if (!src.ensure(pos, 16)) {
        const left = src.available(pos);
        if (left > 0) w.fault("truncated_record", pos, `pcap record header cut short: ${left} of 16 bytes`);
        break;
      }
      o = pos - src.base;
    }
    const dv = src.view;
    const capLen = dv.getUint32(o + 8, little);
    if (capLen > MAX_RECORD_CAPLEN) {
      w.fault("bad_caplen", pos, `pcap record captured length ${capLen} is larger than ${MAX_RECORD_CAPLEN}`);
      break;
    }
    if (o + 16 + capLen > src.filled) {
      if (!src.ensure(pos, 16 + capLen)) {
        w.fault("truncated_record", pos, `pcap record data cut short: record needs ${capLen} bytes, ${src.available(pos + 16)} left`);
        break;
      }
      o = pos - src.base;
    }
    const v = src.view;
    const tsSec = v.getUint32(o, little);
    const tsFrac = v.getUint32(o + 4, little);
    const wireLen = v.getUint32(o + 12, little);
    sink.onPacket(src.buf, o + 16, capLen, wireLen, tsSec, tsFrac * fracScale, 0, pos + 16);
    packets++;
    w.packets++;
    pos += 16 + capLen;
  }
  ifc.packets = packets;
}

// ---------------------------------------------------------------- pcapng

interface SectionIface {
  global: number;
  /** Units per second as a bigint-free pair: resolution exponent handling. */
  unitsPerSec: number;
  /** true when unitsPerSec is 10^6 (fast exact path with doubles). */
  micro: boolean;
  tsOffset: number;
  snapLen: number;
}

function readPcapng(src: ByteSource, sink: RecordSink, w: Walker, r: ReadResult): void {
  let pos = 0;
  let little = true;
  let ifaces: SectionIface[] = [];
  let firstSection = true;
  const decoder = new TextDecoder("utf-8", { fatal: false });
  // Before the first section header is read there is nothing to keep: not a capture we can read.
  const fault = (code: CaptureErrorCode, offset: number, detail: string): void => (firstSection ? w.fatal(code, offset, detail) : w.fault(code, offset, detail));

  for (;;) {
    if (w.stopped) break;
    if (!src.ensure(pos, 12)) {
      const left = src.available(pos);
      if (left > 0) fault("truncated_block", pos, `pcapng block header cut short: ${left} bytes left`);
      break;
    }
    let o = pos - src.base;
    const typeLe = src.view.getUint32(o, true);
    if (typeLe === PCAPNG_SHB) {
      // Byte order of the new section comes from its byte-order magic.
      const bom = src.view.getUint32(o + 8, true);
      if (bom === BYTE_ORDER_MAGIC) little = true;
      else if (src.view.getUint32(o + 8, false) === BYTE_ORDER_MAGIC) little = false;
      else {
        fault("bad_magic", pos + 8, "pcapng section header has no valid byte-order magic");
        break;
      }
      if (firstSection) r.byteOrder = little ? "little" : "big";
    } else if (firstSection) {
      fault("no_section_header", pos, "pcapng file does not start with a section header block");
      break;
    }
    const type = src.view.getUint32(o, little);
    const len = src.view.getUint32(o + 4, little);
    if (len < 12 || len % 4 !== 0) {
      fault("bad_block_length", pos, `pcapng block of type 0x${type.toString(16)} has invalid length ${len}`);
      break;
    }
    if (len > MAX_RECORD_CAPLEN + 4096 && type !== 0x0a && type !== 4) {
      fault("bad_block_length", pos, `pcapng block of type 0x${type.toString(16)} claims ${len} bytes`);
      break;
    }
    if (!src.ensure(pos, len)) {
      fault("truncated_block", pos, `pcapng block of type 0x${type.toString(16)} needs ${len} bytes, ${src.available(pos)} left`);
      break;
    }
    o = pos - src.base;
    const v = src.view;
    const trailer = v.getUint32(o + len - 4, little);
    if (trailer !== len) {
      fault("block_length_mismatch", pos, `pcapng block of type 0x${type.toString(16)}: trailing length ${trailer} ≠ leading length ${len}`);
      break;
    }
    const body = o + 8;
    const bodyEnd = o + len - 4;
    switch (type) {
      case PCAPNG_SHB: {
        const major = v.getUint16(body + 4, little);
        const minor = v.getUint16(body + 6, little);
        if (firstSection) r.version = `${major}.${minor}`;
        if (major !== 1) {
          fault("unsupported_version", pos, `pcapng section version ${major}.${minor} is not supported`);
          break;
        }
        r.sections++;
        firstSection = false;
        ifaces = [];
        walkOptions(v, body + 16, bodyEnd, little, (code, oo, ol) => {
          if (code === 1) r.comments.push(decoder.decode(src.buf.subarray(oo, oo + ol)));
        });
        break;
      }
      case 1: {
        // Interface Description Block
        const linkType = v.getUint16(body, little);
        const snapLen = v.getUint32(body + 4, little);
        let resol = 6;
        let pow2 = false;
        let tsOffset = 0;
        let name: string | undefined;
        let description: string | undefined;
        walkOptions(v, body + 8, bodyEnd, little, (code, oo, ol) => {
          if (code === 9 && ol >= 1) {
            const b = src.buf[oo];
            pow2 = (b & 0x80) !== 0;
            resol = b & 0x7f;
          } else if (code === 14 && ol >= 8) {
            const hi = v.getInt32(little ? oo + 4 : oo, little);
            const lo = v.getUint32(little ? oo : oo + 4, little);
            tsOffset = hi * 4294967296 + lo;
          } else if (code === 2) name = decoder.decode(src.buf.subarray(oo, oo + ol));
          else if (code === 3) description = decoder.decode(src.buf.subarray(oo, oo + ol));
          else if (code === 1) r.comments.push(decoder.decode(src.buf.subarray(oo, oo + ol)));
        });
        const unitsPerSec = pow2 ? Math.pow(2, resol) : Math.pow(10, resol);
        const global = r.interfaces.length;
        r.interfaces.push({
          index: global,
          section: r.sections - 1,
          linkType,
          linkTypeName: linkTypeName(linkType),
          snapLen,
          name,
          description,
          tsResolution: 1 / unitsPerSec,
          tsOffset,
          packets: 0,
        });
        sink.onInterface(r.interfaces[global]);
        ifaces.push({ global, unitsPerSec, micro: !pow2 && resol === 6, tsOffset, snapLen });
        break;
      }
      case 6:
      case 2: {
        // Enhanced Packet Block / obsolete Packet Block
        const isEpb = type === 6;
        const ifId = isEpb ? v.getUint32(body, little) : v.getUint16(body, little);
        const tsHi = v.getUint32(body + 4, little);
        const tsLo = v.getUint32(body + 8, little);
        const capLen = v.getUint32(body + 12, little);
        const wireLen = v.getUint32(body + 16, little);
        const data = body + 20;
        if (ifId >= ifaces.length) {
          fault("unknown_interface", pos, `packet block refers to interface ${ifId}, but the section declares ${ifaces.length}`);
          break;
        }
        if (data + capLen > bodyEnd) {
          fault("bad_caplen", pos, `packet block captured length ${capLen} runs past the block (${bodyEnd - data} bytes of data)`);
          break;
        }
        const ifc = ifaces[ifId];
        const [sec, nsec] = pcapngTime(tsHi, tsLo, ifc);
        sink.onPacket(src.buf, data, capLen, wireLen, sec, nsec, ifc.global, src.base + data);
        r.interfaces[ifc.global].packets++;
        w.packets++;
        break;
      }
      case 3: {
        // Simple Packet Block: interface 0, no timestamp (signalled to the sink as tsSec = NaN).
        if (ifaces.length === 0) {
          fault("unknown_interface", pos, "simple packet block before any interface description block");
          break;
        }
        const wireLen = v.getUint32(body, little);
        const ifc = ifaces[0];
        const room = bodyEnd - (body + 4);
        let capLen = Math.min(wireLen, room);
        if (ifc.snapLen > 0) capLen = Math.min(capLen, ifc.snapLen);
        sink.onPacket(src.buf, body + 4, capLen, wireLen, NaN, 0, ifc.global, src.base + body + 4);
        r.interfaces[ifc.global].packets++;
        w.packets++;
        break;
      }
      case 4: {
        // Name Resolution Block
        let p = body;
        while (p + 4 <= bodyEnd) {
          const recType = v.getUint16(p, little);
          const recLen = v.getUint16(p + 2, little);
          if (recType === 0) break;
          const rv = p + 4;
          if (rv + recLen > bodyEnd) break;
          const addrLen = recType === 1 ? 4 : recType === 2 ? 16 : 0;
          if (addrLen > 0 && recLen > addrLen) {
            const a = src.buf.subarray(rv, rv + addrLen);
            const address = addrLen === 4 ? Array.from(a).join(".") : Array.from(a, (x) => x.toString(16).padStart(2, "0")).join("");
            const names = decoder.decode(src.buf.subarray(rv + addrLen, rv + recLen)).split("\0").filter((s) => s.length > 0);
            r.nameRecords.push({ address, names });
          }
          p = rv + ((recLen + 3) & ~3);
        }
        break;
      }
      case 5: {
        // Interface Statistics Block
        const ifId = v.getUint32(body, little);
        const st: { ifIndex: number; received?: number; dropped?: number } = { ifIndex: ifaces[ifId]?.global ?? ifId };
        walkOptions(v, body + 12, bodyEnd, little, (code, oo, ol) => {
          if (ol < 8) return;
          const hi = v.getUint32(little ? oo + 4 : oo, little);
          const lo = v.getUint32(little ? oo : oo + 4, little);
          const val = hi * 4294967296 + lo;
          if (code === 4) st.received = val;
          else if (code === 5) st.dropped = val;
        });
        r.interfaceStats.push(st);
        break;
      }
      case 0x0a: {
        // Decryption Secrets Block
        const secretsType = v.getUint32(body, little);
        const secretsLen = v.getUint32(body + 4, little);
        if (body + 8 + secretsLen <= bodyEnd) {
          const sec: DecryptionSecrets = {
            type: secretsType,
            typeName: secretsTypeName(secretsType),
            data: src.buf.slice(body + 8, body + 8 + secretsLen),
            afterPacket: w.packets,
          };
          r.secrets.push(sec);
          sink.onSecrets?.(sec);
        }
        break;
      }
      case 0x00000bad:
      case 0x40000bad:
        // Custom blocks: Wireshark lists them as frames (Protocol PCAPNG); we keep a row for them too.
        if (sink.onCustomBlock && bodyEnd - body >= 4) {
          sink.onCustomBlock(v.getUint32(body, little), type === 0x00000bad, bodyEnd - body - 4, src.base + body);
          w.packets++;
        }
        break;
      default:
        // Unknown blocks are skipped.
        break;
    }
    pos += len;
  }
}

function secretsTypeName(t: number): string {
  switch (t) {
    case 0x544c534b:
      return "TLS key log";
    case 0x57474b4c:
      return "WireGuard key log";
    case 0x5353484b:
      return "SSH key log";
    case 0x5a4e574b:
      return "ZigBee NWK key";
    default:
      return `0x${t.toString(16)}`;
  }
}

function walkOptions(v: DataView, start: number, end: number, little: boolean, fn: (code: number, off: number, len: number) => void): void {
  let p = start;
  while (p + 4 <= end) {
    const code = v.getUint16(p, little);
    const len = v.getUint16(p + 2, little);
    if (code === 0) break;
    if (p + 4 + len > end) break;
    fn(code, p + 4, len);
    p += 4 + ((len + 3) & ~3);
  }
}

const TWO32 = 4294967296;

/** Convert a pcapng 64-bit timestamp to (seconds, nanoseconds), exactly. */
function pcapngTime(hi: number, lo: number, ifc: SectionIface): [number, number] {
  let sec: number;
  let nsec: number;
  if (ifc.micro) {
    const t = hi * TWO32 + lo; // < 2^53 for any date before year 2255
    if (t <= Number.MAX_SAFE_INTEGER) {
      sec = Math.floor(t / 1e6);
      nsec = (t - sec * 1e6) * 1000;
    } else {
      const big = (BigInt(hi) << 32n) | BigInt(lo);
      sec = Number(big / 1000000n);
      nsec = Number(big % 1000000n) * 1000;
    }
  } else {
    const big = (BigInt(hi) << 32n) | BigInt(lo);
    const ups = BigInt(Math.round(ifc.unitsPerSec));
    sec = Number(big / ups);
    nsec = Math.floor((Number(big % ups) * 1e9) / ifc.unitsPerSec);
  }
  if (ifc.tsOffset !== 0) sec += ifc.tsOffset;
  return [sec, nsec];
}
