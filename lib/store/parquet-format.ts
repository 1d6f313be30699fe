/**
 * A small Parquet writer for store columns: the file format written straight from the typed arrays, with
 * no value per row boxed on the way. One data page (format v1) per column chunk; every column OPTIONAL
 * (definition levels, RLE/bit-packed hybrid, bit width 1);
 *   numbers  PLAIN (INT32 for 8-, 16- and 32-bit integers — unsigned ones tagged UINT_8/16/32 —, INT64, DOUBLE),
 *   booleans PLAIN (bit-packed),
 *   strings  with a dictionary (the packet table's interned strings): a dictionary page of the strings the
 *            chunk uses and RLE_DICTIONARY indices (bit-packed); without one (Info, SACK): PLAIN byte arrays;
 * pages compressed with SNAPPY (hyparquet-writer's encoder; a column it does not shrink by a tenth on its first
 * chunk stays uncompressed) or not at all. The footer (FileMetaData) and
 * page headers are Thrift compact protocol, written by the few lines of `Thrift` below.
 * Reference: the Apache Parquet format specification (parquet.thrift, Encodings.md).
 */
import * as fs from "node:fs";
import { allocValues, type StoreColumn, type StoreType, type StoreTypedValues } from "./column";

// parquet.thrift enums
const T_BOOLEAN = 0, T_INT32 = 1, T_INT64 = 2, T_DOUBLE = 5, T_BYTE_ARRAY = 6;
const E_PLAIN = 0, E_RLE = 3, E_RLE_DICTIONARY = 8;
const CT_UTF8 = 0, CT_UINT_8 = 11, CT_UINT_16 = 12, CT_UINT_32 = 13, CT_INT_8 = 15, CT_INT_16 = 16;
const PAGE_DATA = 0, PAGE_DICTIONARY = 2;
const OPTIONAL = 1;
export const CODEC = { UNCOMPRESSED: 0, SNAPPY: 1 } as const;
export type Codec = keyof typeof CODEC;

/** Physical type and converted type of each store type. */
const PHYSICAL: Record<StoreType, { type: number; converted?: number }> = {
  bool: { type: T_BOOLEAN },
  int8: { type: T_INT32, converted: CT_INT_8 },
  uint8: { type: T_INT32, converted: CT_UINT_8 },
  int16: { type: T_INT32, converted: CT_INT_16 },
  uint16: { type: T_INT32, converted: CT_UINT_16 },
  int32: { type: T_INT32 },
  uint32: { type: T_INT32, converted: CT_UINT_32 },
  int64: { type: T_INT64 },
  float64: { type: T_DOUBLE },
  string: { type: T_BYTE_ARRAY, converted: CT_UTF8 },
};

/** A growable byte buffer. */
export class Bytes {
  buf: Uint8Array;
  n = 0;
  constructor(cap = 1 << 16) {
    this.buf = new Uint8Array(cap);
  }
  need(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.n + k, this.buf.length * 2));
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }
  byte(v: number): void {
    this.need(1);
    this.buf[this.n++] = v;
  }
  u32(v: number): void {
    this.need(4);
    this.u32At(this.n, v);
    this.n += 4;
  }
  /** Overwrite 4 bytes at `at` (a length written after what it measures). */
  u32At(at: number, v: number): void {
    const b = this.buf;
    b[at] = v & 255;
    b[at + 1] = (v >>> 8) & 255;
    b[at + 2] = (v >>> 16) & 255;
    b[at + 3] = (v >>> 24) & 255;
  }
  /** Unsigned LEB128 (up to 2^53). */
  varint(v: number): void {
    this.need(10);
    while (v >= 128) {
      this.buf[this.n++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.n++] = v;
  }
  bytes(b: Uint8Array): void {
    this.need(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
  reset(): this {
    this.n = 0;
    return this;
  }
}

// ------------------------------------------------------------------ Thrift compact protocol

const TC_TRUE = 1, TC_FALSE = 2, TC_I32 = 5, TC_I64 = 6, TC_BINARY = 8, TC_LIST = 9, TC_STRUCT = 12;
const utf8 = new TextEncoder();

/** Writes Thrift compact structs: fields in increasing id order, `end()` closes a struct. */
class Thrift {
  private last: number[] = [0];
  constructor(readonly out: Bytes) {}
  private field(id: number, type: number): void {
    const d = id - this.last[this.last.length - 1];
    if (d > 0 && d <= 15) this.out.byte((d << 4) | type);
    else {
      this.out.byte(type);
      this.zigzag(id);
    }
    this.last[this.last.length - 1] = id;
  }
  private zigzag(v: number): void {
    this.out.varint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  i32(id: number, v: number): this {
    this.field(id, TC_I32);
    this.zigzag(v);
    return this;
  }
  i64(id: number, v: number): this {
    this.field(id, TC_I64);
    this.zigzag(v);
    return this;
  }
  bool(id: number, v: boolean): this {
    this.field(id, v ? TC_TRUE : TC_FALSE);
    return this;
  }
  binary(id: number, b: Uint8Array): this {
    this.field(id, TC_BINARY);
    this.out.varint(b.length);
    this.out.bytes(b);
    return this;
  }
  string(id: number, s: string): this {
    this.field(id, TC_BINARY);
    const b = utf8.encode(s);
    this.out.varint(b.length);
    this.out.bytes(b);
    return this;
  }
  /** A list field: header, then `write(i)` for each element (elements: i32, binary or struct). */
  list(id: number, elemType: "i32" | "string" | "struct", n: number, write: (i: number) => void): this {
    this.field(id, TC_LIST);
    const t = elemType === "i32" ? TC_I32 : elemType === "string" ? TC_BINARY : TC_STRUCT;
    if (n < 15) this.out.byte((n << 4) | t);
    else {
      this.out.byte(0xf0 | t);
      this.out.varint(n);
    }
    for (let i = 0; i < n; i++) write(i);
    return this;
  }
  listI32(v: number): void {
    this.zigzag(v);
  }
  listString(s: string): void {
    const b = utf8.encode(s);
    this.out.varint(b.length);
    this.out.bytes(b);
  }
  /** Open a struct (as a field, or as a list element when id is null). */
  begin(id: number | null): this {
    if (id !== null) this.field(id, TC_STRUCT);
    this.last.push(0);
    return this;
  }
  end(): this {
    this.out.byte(0);
    this.last.pop();
    return this;
  }
}

// ------------------------------------------------------------------ encodings

/** Bit-pack values[0..n) with `width` bits each (LSB first), as whole groups of 8, after a bit-packed run header. */
function bitPackRun(out: Bytes, values: ArrayLike<number>, n: number, width: number): void {
  const groups = Math.ceil(n / 8);
  out.varint(groups * 2 + 1);
  out.need(groups * width);
  const b = out.buf;
  let o = out.n;
  const total = groups * 8;
  if (width <= 24) {
    // fewer than 8 bits wait in the accumulator: a value shifted onto them stays below 2^31
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < total; i++) {
      acc |= (i < n ? values[i] : 0) << bits;
      bits += width;
      while (bits >= 8) {
        b[o++] = acc & 255;
        acc >>>= 8;
        bits -= 8;
      }
    }
  } else {
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < total; i++) {
      acc += (i < n ? values[i] : 0) * 2 ** bits; // up to 32 + 7 bits: exact in a double
      bits += width;
      while (bits >= 8) {
        b[o++] = acc % 256;
        acc = Math.floor(acc / 256);
        bits -= 8;
      }
    }
  }
  out.n = o;
}

/** Definition levels of a page (1 = present), RLE/bit-packed hybrid with its 4-byte length. */
function defLevels(out: Bytes, n: number, nulls: Uint8Array | undefined, nullAt: ((i: number) => boolean) | null): number {
  const at = out.n;
  out.u32(0);
  let present = n;
  if (!nulls && !nullAt) {
    // one RLE run of n ones
    out.varint(n * 2);
    out.byte(1);
  } else {
    const lv = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const isNull = (nulls !== undefined && nulls[i] !== 0) || (nullAt !== null && nullAt(i));
      lv[i] = isNull ? 0 : 1;
      if (isNull) present--;
    }
    if (present === n) {
      out.varint(n * 2);
      out.byte(1);
    } else if (present === 0) {
      out.varint(n * 2);
      out.byte(0);
    } else bitPackRun(out, lv, n, 1);
  }
  out.u32At(at, out.n - at - 4);
  return present;
}

/** PLAIN BYTE_ARRAY of one string. */
function plainString(out: Bytes, s: string): void {
  // a UTF-8 string takes at most 3 bytes per UTF-16 unit
  out.need(4 + s.length * 3);
  const len = utf8.encodeInto(s, out.buf.subarray(out.n + 4)).written;
  out.u32At(out.n, len);
  out.n += 4 + len;
}

export interface EncodedChunk {
  /** The pages (dictionary page, if any, then the data page), headers included. */
  bytes: Uint8Array;
  /** Offset of the data page's header within `bytes` (0 without a dictionary page). */
  dataPageAt: number;
  hasDictionary: boolean;
  encodings: number[];
  uncompressedSize: number;
  numValues: number;
  /** Numbers: min and max (PLAIN bytes, in the column's order: unsigned for UINT_*) and the null count. */
  stats: { min: Uint8Array; max: Uint8Array; nulls: number } | null;
}

type Compress = (b: Uint8Array) => Uint8Array;

/** Buffers an encoder reuses from chunk to chunk (the chunk's bytes are a view of `out`: write them before the next one). */
export interface Scratch {
  out: Bytes;
  body: Bytes;
  dict: Bytes;
}
export const newScratch = (): Scratch => ({ out: new Bytes(), body: new Bytes(), dict: new Bytes() });

/** A page: its header (Thrift) and body, compressed. */
function page(out: Bytes, type: number, body: Uint8Array, compress: Compress | null, header: (t: Thrift) => void): number {
  const data = compress ? compress(body) : body;
  const t = new Thrift(out);
  const start = out.n;
  t.begin(null).i32(1, type).i32(2, body.length).i32(3, data.length);
  header(t);
  t.end();
  const headerLen = out.n - start;
  out.bytes(data);
  return headerLen + body.length;
}

/** Encode one column chunk (all rows of `c`). */
export function encodeChunk(col: StoreColumn, codec: Codec, compress: Compress | null, scratch: Scratch = newScratch()): EncodedChunk {
  const c = storageOf(col);
  const n = c.values.length;
  const out = scratch.out.reset();
  const body = scratch.body.reset();
  const cmp = codec === "SNAPPY" ? compress : null;
  let uncompressed = 0;
  let dataPageAt = 0;
  let hasDictionary = false;
  let encoding = E_PLAIN;
  let stats: EncodedChunk["stats"] = null;
  if (c.type === "string" && !Array.isArray(c.values)) {
    // dictionary codes: the chunk's own dictionary of the strings it uses, in order of first use
    const codes = c.values as Uint32Array;
    const dict = c.dictionary ?? [];
    const nulls = c.nulls;
    const remap = new Int32Array(dict.length).fill(-1);
    const used: number[] = [];
    const idx = new Uint32Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const code = codes[i];
      if ((nulls !== undefined && nulls[i] !== 0) || code >= dict.length) continue;
      let m = remap[code];
      if (m < 0) {
        m = remap[code] = used.length;
        used.push(code);
      }
      idx[k++] = m;
    }
    const dbody = scratch.dict.reset();
    for (const code of used) plainString(dbody, dict[code]);
    uncompressed += page(out, PAGE_DICTIONARY, dbody.view(), cmp, (t) => t.begin(7).i32(1, used.length).i32(2, E_PLAIN).end());
    dataPageAt = out.n;
    hasDictionary = true;
    encoding = E_RLE_DICTIONARY;
    defLevels(body, n, nulls, (i) => codes[i] >= dict.length);
    let width = 1;
    while (2 ** width < used.length) width++;
    body.byte(width);
    if (k > 0) bitPackRun(body, idx, k, width);
  } else if (c.type === "string") {
    const vals = c.values as (string | null)[];
    const nulls = c.nulls;
    defLevels(body, n, nulls, (i) => vals[i] === null || vals[i] === undefined);
    for (let i = 0; i < n; i++) {
      const s = vals[i];
      if (s === null || s === undefined || (nulls !== undefined && nulls[i] !== 0)) continue;
      plainString(body, s);
    }
  } else {
    const v = c.values as StoreTypedValues;
    const nulls = c.nulls;
    const present = defLevels(body, n, nulls, null);
    const all = present === n;
    if (c.type !== "bool") stats = minMax(v, n, all ? undefined : nulls, present);
    if (c.type === "bool") {
      const bits = new Uint8Array(present);
      let k = 0;
      for (let i = 0; i < n; i++) if (all || !nulls![i]) bits[k++] = (v as Uint8Array)[i] ? 1 : 0;
      const bytes = new Uint8Array(Math.ceil(present / 8));
      for (let i = 0; i < present; i++) if (bits[i]) bytes[i >> 3] |= 1 << (i & 7);
      body.bytes(bytes);
    } else if (v instanceof Uint32Array || v instanceof Int32Array || v instanceof Float64Array || v instanceof BigInt64Array) {
      // PLAIN of 32-/64-bit values is their little-endian bytes (uint32 as the int32 of the same bits)
      const width = v.BYTES_PER_ELEMENT;
      if (all) body.bytes(new Uint8Array(v.buffer, v.byteOffset, n * width));
      else {
        const dst = new (v.constructor as new (k: number) => typeof v)(present);
        let k = 0;
        for (let i = 0; i < n; i++) if (!nulls![i]) (dst as Float64Array)[k++] = (v as Float64Array)[i];
        body.bytes(new Uint8Array(dst.buffer, 0, present * width));
      }
    } else {
      // 8- and 16-bit integers widen to INT32
      const dst = new Int32Array(present);
      let k = 0;
      for (let i = 0; i < n; i++) if (all || !nulls![i]) dst[k++] = (v as Uint16Array)[i];
      body.bytes(new Uint8Array(dst.buffer));
    }
  }
  uncompressed += page(out, PAGE_DATA, body.view(), cmp, (t) => t.begin(5).i32(1, n).i32(2, encoding).i32(3, E_RLE).i32(4, E_RLE).end());
  return { bytes: out.view(), dataPageAt, hasDictionary, encodings: hasDictionary ? [E_PLAIN, E_RLE, E_RLE_DICTIONARY] : [E_PLAIN, E_RLE], uncompressedSize: uncompressed, numValues: n, stats };
}

/**
 * The column with the storage its type declares (PLAIN copies the bytes of the typed array as they are, so
 * a float64 array under an int32 type, or a plain array of numbers, is converted first; what does not fit
 * the type wraps as a typed-array store does).
 */
function storageOf(c: StoreColumn): StoreColumn {
  if (c.type === "string") return c;
  const want = allocValues(c.type, 0).constructor;
  if (c.values.constructor === want) return c;
  const n = c.values.length;
  const out = allocValues(c.type, n);
  const src = c.values as ArrayLike<unknown>;
  if (out instanceof BigInt64Array) {
    for (let i = 0; i < n; i++) {
      const x = src[i];
      const v = Number(x);
      out[i] = typeof x === "bigint" ? x : Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
    }
  } else for (let i = 0; i < n; i++) out[i] = Number(src[i]);
  return { ...c, values: out };
}

/**
 * Min and max of the present values as PLAIN bytes (so readers can skip row groups): integers in their
 * own order (a Uint32Array's order is the unsigned one its UINT_32 tag declares), doubles without NaN, a
 * zero minimum written as -0 and a zero maximum as +0 (the format's rule). Null when no value is present.
 */
function minMax(v: StoreTypedValues, n: number, nulls: Uint8Array | undefined, present: number): EncodedChunk["stats"] {
  if (present === 0) return null;
  let lo: number | bigint | null = null;
  let hi: number | bigint | null = null;
  if (v instanceof BigInt64Array) {
    for (let i = 0; i < n; i++) {
      if (nulls !== undefined && nulls[i]) continue;
      const x = v[i];
      if (lo === null || x < lo) lo = x;
      if (hi === null || x > hi) hi = x;
    }
    const b = new BigInt64Array([lo as bigint, hi as bigint]);
    return { min: new Uint8Array(b.buffer, 0, 8), max: new Uint8Array(b.buffer, 8, 8), nulls: n - present };
  }
  let a = Infinity;
  let z = -Infinity;
  for (let i = 0; i < n; i++) {
    if (nulls !== undefined && nulls[i]) continue;
    const x = v[i] as number;
    if (x < a) a = x;
    if (x > z) z = x;
  }
  if (a > z) return null; // only NaN
  if (v instanceof Float64Array) {
    const b = new Float64Array([a === 0 ? -0 : a, z === 0 ? 0 : z]);
    return { min: new Uint8Array(b.buffer, 0, 8), max: new Uint8Array(b.buffer, 8, 8), nulls: n - present };
  }
  const b = new Int32Array([a | 0, z | 0]);
  return { min: new Uint8Array(b.buffer, 0, 4), max: new Uint8Array(b.buffer, 4, 4), nulls: n - present };
}

interface ChunkMeta {
  codec: Codec;
  stats: EncodedChunk["stats"];
  type: number;
  name: string;
  offset: number;
  dataPageOffset: number;
  dictionaryPageOffset: number | null;
  encodings: number[];
  numValues: number;
  uncompressed: number;
  compressed: number;
}

/**
 * A Parquet file written row group by row group to a file descriptor (nothing kept but the footer's
 * metadata); `finish` writes the footer. Every column is OPTIONAL.
 */
export class ParquetStream {
  private readonly fd: number;
  private offset = 0;
  private readonly groups: { rows: number; bytes: number; chunks: ChunkMeta[] }[] = [];
  private rows = 0;
  private readonly scratch = newScratch();
  /** Per column: SNAPPY did not pay on its first chunk (undefined: not tried yet). */
  private readonly incompressible: (boolean | undefined)[] = [];

  constructor(
    file: string,
    private readonly columns: readonly Pick<StoreColumn, "name" | "type">[],
    private readonly codec: Codec,
    private readonly compress: Compress | null,
    private readonly kv: Record<string, string> = {},
  ) {
    this.fd = fs.openSync(file, "w");
    this.write(new Uint8Array([0x50, 0x41, 0x52, 0x31])); // PAR1
  }

  private write(b: Uint8Array): void {
    let done = 0;
    while (done < b.length) done += fs.writeSync(this.fd, b, done, b.length - done);
    this.offset += b.length;
  }

  /** One row group of the columns (same names and types as the schema, equal lengths). */
  rowGroup(cols: readonly StoreColumn[], n: number): void {
    const chunks: ChunkMeta[] = [];
    let bytes = 0;
    cols.forEach((c, j) => {
      // a column whose first chunk SNAPPY shrank by less than a tenth (times, RTTs: random low bits) is
      // written uncompressed from then on: compressing it costs time and saves nothing (the codec is per chunk)
      const codec = this.codec === "SNAPPY" && this.incompressible[j] ? "UNCOMPRESSED" : this.codec;
      const e = encodeChunk(c, codec, this.compress, this.scratch);
      if (codec === "SNAPPY" && this.incompressible[j] === undefined) this.incompressible[j] = e.bytes.length > 0.9 * e.uncompressedSize;
      const at = this.offset;
      this.write(e.bytes);
      chunks.push({
        codec,
        stats: e.stats,
        type: PHYSICAL[this.columns[j].type].type, name: this.columns[j].name, offset: at,
        dataPageOffset: at + e.dataPageAt, dictionaryPageOffset: e.hasDictionary ? at : null,
        encodings: e.encodings, numValues: e.numValues, uncompressed: e.uncompressedSize, compressed: e.bytes.length,
      });
      bytes += e.uncompressedSize;
    });
    this.groups.push({ rows: n, bytes, chunks });
    this.rows += n;
  }

  /** Write the footer and close the file. */
  finish(): void {
    const out = new Bytes(4096);
    const t = new Thrift(out);
    t.begin(null);
    t.i32(1, 1);
    t.list(2, "struct", this.columns.length + 1, (i) => {
      t.begin(null);
      if (i === 0) t.string(4, "schema").i32(5, this.columns.length);
      else {
        const c = this.columns[i - 1];
        const p = PHYSICAL[c.type];
        t.i32(1, p.type).i32(3, OPTIONAL).string(4, c.name);
        if (p.converted !== undefined) t.i32(6, p.converted);
      }
      t.end();
    });
    t.i64(3, this.rows);
    t.list(4, "struct", this.groups.length, (g) => {
      const rg = this.groups[g];
      t.begin(null);
      t.list(1, "struct", rg.chunks.length, (k) => {
        const c = rg.chunks[k];
        t.begin(null).i64(2, c.offset).begin(3);
        t.i32(1, c.type);
        t.list(2, "i32", c.encodings.length, (e) => t.listI32(c.encodings[e]));
        t.list(3, "string", 1, () => t.listString(c.name));
        t.i32(4, CODEC[c.codec]).i64(5, c.numValues).i64(6, c.uncompressed).i64(7, c.compressed).i64(9, c.dataPageOffset);
        if (c.dictionaryPageOffset !== null) t.i64(11, c.dictionaryPageOffset);
        if (c.stats) t.begin(12).i64(3, c.stats.nulls).binary(5, c.stats.max).binary(6, c.stats.min).end();
        t.end().end();
      });
      t.i64(2, rg.bytes).i64(3, rg.rows);
      t.end();
    });
    const kv = Object.entries(this.kv);
    if (kv.length) t.list(5, "struct", kv.length, (i) => t.begin(null).string(1, kv[i][0]).string(2, kv[i][1]).end());
    t.string(6, "pcapframe");
    t.end();
    const len = out.n;
    out.u32(len);
    out.bytes(new Uint8Array([0x50, 0x41, 0x52, 0x31]));
    this.write(out.view());
    fs.closeSync(this.fd);
  }

  /** Close without a footer (after a failure). */
  abandon(): void {
    fs.closeSync(this.fd);
  }
}
