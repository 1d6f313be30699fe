/**
 * TLS key schedules and record protection on node:crypto.
 *
 * TLS 1.2 (RFC 5246 §5, §6.2–6.3): key_block = PRF(master, "key expansion", server_random ‖ client_random);
 * AEAD nonce = fixed IV ‖ explicit nonce (GCM, CCM: RFC 5288, 6655) or fixed IV XOR seq (ChaCha20, RFC 7905);
 * AAD = seq ‖ type ‖ version ‖ plaintext length. CBC: MAC-then-encrypt, or encrypt_then_mac (RFC 7366).
 * TLS 1.0/1.1 PRF = P_MD5 ⊕ P_SHA1; TLS 1.0 CBC chains the IV across records.
 * TLS 1.3 (RFC 8446 §5.2–5.3, §7.1–7.3): key/iv = HKDF-Expand-Label(traffic secret, "key"/"iv", "", n);
 * nonce = iv XOR seq; AAD = the record header; inner plaintext = content ‖ type ‖ zeros.
 * Every AEAD tag and every MAC is verified; a failure is a status, never an exception.
 */
import * as crypto from "node:crypto";
import type { Suite } from "./suites";

/** Record status in the decrypted-record table. */
export const RecordStatus = {
  /** Authenticated and decrypted. */
  DECRYPTED: 0,
  /** Sent before encryption started (plaintext record): nothing to decrypt. */
  PLAINTEXT: 1,
  /** No secret for this session (or this direction / epoch). */
  NO_KEY: 2,
  /** The AEAD tag or the MAC did not verify (wrong key, or corrupted / out-of-sync record). */
  BAD_MAC: 3,
  /** The negotiated cipher suite is not one this reader decrypts. */
  UNSUPPORTED: 4,
  /** Bytes of the TCP stream before this record were never captured: its sequence number is unknown. */
  GAP: 5,
  /** The record is shorter than its cipher's overhead (explicit nonce, tag, MAC, padding). */
  MALFORMED: 6,
} as const;
export const RECORD_STATUS_NAMES = ["decrypted", "plaintext", "no key", "bad MAC/tag", "unsupported cipher", "gap", "malformed"];

export function hmac(hash: string, key: Uint8Array, ...data: Uint8Array[]): Buffer {
  const h = crypto.createHmac(hash, key);
  for (const d of data) h.update(d);
  return h.digest();
}

function pHash(hash: string, secret: Uint8Array, seed: Uint8Array, len: number): Buffer {
  const out = Buffer.alloc(len);
  let a: Uint8Array = seed;
  let o = 0;
  while (o < len) {
    a = hmac(hash, secret, a);
    const chunk = hmac(hash, secret, a, seed);
    chunk.copy(out, o, 0, Math.min(chunk.length, len - o));
    o += chunk.length;
  }
  return out;
}

/** TLS 1.2 PRF (RFC 5246 §5) with the suite's hash. */
export function prf12(hash: "sha256" | "sha384", secret: Uint8Array, label: string, seed: Uint8Array, len: number): Buffer {
  return pHash(hash, secret, Buffer.concat([Buffer.from(label, "latin1"), seed]), len);
}

/** TLS 1.0/1.1 PRF (RFC 2246 §5): P_MD5(S1) XOR P_SHA1(S2). */
export function prf10(secret: Uint8Array, label: string, seed: Uint8Array, len: number): Buffer {
  const half = Math.ceil(secret.length / 2);
  const s1 = secret.subarray(0, half);
  const s2 = secret.subarray(secret.length - half);
  const ls = Buffer.concat([Buffer.from(label, "latin1"), seed]);
  const a = pHash("md5", s1, ls, len);
  const b = pHash("sha1", s2, ls, len);
  for (let i = 0; i < len; i++) a[i] ^= b[i];
  return a;
}

/** HKDF-Expand (RFC 5869) on HMAC. */
export function hkdfExpand(hash: string, prk: Uint8Array, info: Uint8Array, len: number): Buffer {
  const out = Buffer.alloc(len);
  let t: Uint8Array = new Uint8Array(0);
  let o = 0;
  for (let i = 1; o < len; i++) {
    t = hmac(hash, prk, t, info, Uint8Array.of(i));
    Buffer.from(t.buffer, t.byteOffset, t.byteLength).copy(out, o, 0, Math.min(t.length, len - o));
    o += t.length;
  }
  return out;
}

/** HKDF-Expand-Label (RFC 8446 §7.1). */
export function hkdfExpandLabel(hash: string, secret: Uint8Array, label: string, context: Uint8Array, len: number): Buffer {
  const full = Buffer.from("tls13 " + label, "latin1");
  const info = Buffer.alloc(2 + 1 + full.length + 1 + context.length);
  info.writeUInt16BE(len, 0);
  info[2] = full.length;
  full.copy(info, 3);
  info[3 + full.length] = context.length;
  Buffer.from(context.buffer, context.byteOffset, context.byteLength).copy(info, 4 + full.length);
  return hkdfExpand(hash, secret, info, len);
}

export function hashLen(hash: string): number {
  return hash === "sha384" ? 48 : hash === "sha1" ? 20 : hash === "md5" ? 16 : 32;
}

/** Result of one record: status, the plaintext (content only) and the content type (inner type under TLS 1.3). */
export interface Opened {
  status: number;
  plaintext: Uint8Array | null;
  type: number;
}

const TAG_FAIL: Opened = { status: RecordStatus.BAD_MAC, plaintext: null, type: 0 };
const SHORT: Opened = { status: RecordStatus.MALFORMED, plaintext: null, type: 0 };

/** The 64-bit record sequence number, big-endian, at `o` (node:crypto copies nonce and AAD: buffers are reused). */
function writeSeq(b: Uint8Array, o: number, seq: number): void {
  const hi = Math.floor(seq / 4294967296);
  const lo = seq >>> 0;
  b[o] = hi >>> 24;
  b[o + 1] = hi >>> 16;
  b[o + 2] = hi >>> 8;
  b[o + 3] = hi;
  b[o + 4] = lo >>> 24;
  b[o + 5] = lo >>> 16;
  b[o + 6] = lo >>> 8;
  b[o + 7] = lo;
}

/** iv XOR the sequence number (RFC 8446 §5.3, RFC 7905) into `out`. */
function xorNonce(out: Uint8Array, iv: Uint8Array, seq: number): Uint8Array {
  out.set(iv);
  const o = iv.length - 8;
  const hi = Math.floor(seq / 4294967296);
  const lo = seq >>> 0;
  out[o] ^= hi >>> 24;
  out[o + 1] ^= hi >>> 16;
  out[o + 2] ^= hi >>> 8;
  out[o + 3] ^= hi;
  out[o + 4] ^= lo >>> 24;
  out[o + 5] ^= lo >>> 16;
  out[o + 6] ^= lo >>> 8;
  out[o + 7] ^= lo;
  return out;
}

const TAG16 = { authTagLength: 16 };
const TAG8 = { authTagLength: 8 };

/**
 * One AEAD record open. node:crypto makes a cipher context per call (about 7 µs here, more than the
 * AES-GCM work on a 16 KB record); what this side allocates per record is kept to the output.
 */
function aeadOpen(suite: Suite, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ct: Uint8Array, tag: Uint8Array): Buffer | null {
  try {
    const tagLen = tag.length;
    const opts = tagLen === 16 ? TAG16 : tagLen === 8 ? TAG8 : { authTagLength: tagLen };
    if (suite.mode === "ccm" || suite.mode === "ccm8") {
      const d = crypto.createDecipheriv(suite.cipher as crypto.CipherCCMTypes, key, nonce, opts);
      d.setAuthTag(tag);
      d.setAAD(aad, { plaintextLength: ct.length });
      const p = d.update(ct);
      d.final();
      return p;
    }
    const d = crypto.createDecipheriv(suite.cipher as crypto.CipherGCMTypes, key, nonce, opts as crypto.CipherGCMOptions);
    d.setAuthTag(tag);
    d.setAAD(aad);
    const p = d.update(ct);
    const f = d.final();
    return f.length ? Buffer.concat([p, f]) : p;
  } catch {
    return null;
  }
}

/** One direction's record protection: keys plus the record sequence number. */
export interface RecordDecoder {
  seq: number;
  open(type: number, version: number, fragment: Uint8Array): Opened;
}

/** TLS 1.3 record protection for one traffic secret. */
export class Tls13Decoder implements RecordDecoder {
  seq = 0;
  private readonly key: Buffer;
  private readonly iv: Buffer;
  private readonly nonce = new Uint8Array(12);
  private readonly aad = new Uint8Array(5);
  constructor(readonly suite: Suite, readonly secret: Uint8Array) {
    this.key = hkdfExpandLabel(suite.hash, secret, "key", new Uint8Array(0), suite.keyLen);
    this.iv = hkdfExpandLabel(suite.hash, secret, "iv", new Uint8Array(0), 12);
  }

  /** The decoder of the next generation after a KeyUpdate (RFC 8446 §7.2). */
  next(): Tls13Decoder {
    const s = hkdfExpandLabel(this.suite.hash, this.secret, "traffic upd", new Uint8Array(0), hashLen(this.suite.hash));
    return new Tls13Decoder(this.suite, s);
  }

  open(type: number, version: number, frag: Uint8Array): Opened {
    const tagLen = this.suite.mode === "ccm8" ? 8 : 16;
    if (frag.length < tagLen + 1) return SHORT;
    const aad = this.aad;
    aad[0] = type;
    aad[1] = version >> 8;
    aad[2] = version;
    aad[3] = frag.length >> 8;
    aad[4] = frag.length;
    const nonce = xorNonce(this.nonce, this.iv, this.seq);
    const p = aeadOpen(this.suite, this.key, nonce, aad, frag.subarray(0, frag.length - tagLen), frag.subarray(frag.length - tagLen));
    if (!p) return TAG_FAIL;
    this.seq++;
    let e = p.length;
    while (e > 0 && p[e - 1] === 0) e--;
    if (e === 0) return { status: RecordStatus.MALFORMED, plaintext: null, type: 0 };
    return { status: RecordStatus.DECRYPTED, plaintext: p.subarray(0, e - 1), type: p[e - 1] };
  }
}

/** TLS 1.2 (and 1.0/1.1 CBC) record protection for one direction. */
export class Tls12Decoder implements RecordDecoder {
  seq = 0;
  constructor(
    readonly suite: Suite,
    readonly key: Uint8Array,
    /** AEAD fixed IV; CBC: the key block IV (used by TLS 1.0 only, then the last ciphertext block). */
    private iv: Uint8Array,
    readonly macKey: Uint8Array,
    /** Record-layer version of the session (0x0301 = TLS 1.0: implicit CBC IV). */
    readonly version: number,
    readonly encryptThenMac: boolean,
  ) {}

  private readonly aadBuf = new Uint8Array(13);
  private readonly nonce = new Uint8Array(12);

  /** seq ‖ type ‖ version ‖ length (RFC 5246 §6.2.3.3), in a buffer reused by every record. */
  private aad(type: number, version: number, len: number): Uint8Array {
    const a = this.aadBuf;
    writeSeq(a, 0, this.seq);
    a[8] = type;
    a[9] = version >> 8;
    a[10] = version;
    a[11] = len >> 8;
    a[12] = len;
    return a;
  }

  open(type: number, version: number, frag: Uint8Array): Opened {
    const s = this.suite;
    if (s.mode === "cbc") return this.openCbc(type, version, frag);
    const tagLen = s.mode === "ccm8" ? 8 : 16;
    let nonce: Uint8Array;
    let ct: Uint8Array;
    if (s.mode === "chacha") {
      if (frag.length < tagLen) return SHORT;
      nonce = xorNonce(this.nonce, this.iv, this.seq);
      ct = frag.subarray(0, frag.length - tagLen);
    } else {
      if (frag.length < 8 + tagLen) return SHORT;
      // fixed IV (4 bytes) ‖ explicit nonce (8 bytes, RFC 5288 §3)
      nonce = this.nonce;
      nonce.set(this.iv.subarray(0, 4));
      for (let i = 0; i < 8; i++) nonce[4 + i] = frag[i];
      ct = frag.subarray(8, frag.length - tagLen);
    }
    const p = aeadOpen(s, this.key, nonce, this.aad(type, version, ct.length), ct, frag.subarray(frag.length - tagLen));
    if (!p) return TAG_FAIL;
    this.seq++;
    return { status: RecordStatus.DECRYPTED, plaintext: p, type };
  }

  private openCbc(type: number, version: number, frag: Uint8Array): Opened {
    const s = this.suite;
    const bs = s.ivLen;
    const macLen = hashLen(s.mac!);
    const explicitIv = this.version >= 0x0302;
    let body = frag;
    if (this.encryptThenMac) {
      if (frag.length < macLen + bs) return SHORT;
      body = frag.subarray(0, frag.length - macLen);
      const mac = hmac(s.mac!, this.macKey, this.aad(type, version, body.length), body);
      if (!timingSafeEq(mac, frag.subarray(frag.length - macLen))) return TAG_FAIL;
    }
    const minLen = (explicitIv ? bs : 0) + bs;
    if (body.length < minLen || body.length % bs !== 0) return SHORT;
    let iv: Uint8Array;
    let ct: Uint8Array;
    if (explicitIv) {
      iv = body.subarray(0, bs);
      ct = body.subarray(bs);
    } else {
      iv = this.iv;
      ct = body;
    }
    let p: Buffer;
    try {
      const d = crypto.createDecipheriv(s.cipher, this.key, iv);
      d.setAutoPadding(false);
      p = Buffer.concat([d.update(ct), d.final()]);
    } catch {
      return TAG_FAIL;
    }
    const pad = p[p.length - 1];
    let contentEnd = p.length - pad - 1;
    let padOk = contentEnd >= 0;
    if (padOk) for (let i = contentEnd; i < p.length - 1; i++) if (p[i] !== pad) padOk = false;
    if (this.encryptThenMac) {
      if (!padOk) return TAG_FAIL;
      if (!explicitIv) this.iv = Uint8Array.from(ct.subarray(ct.length - bs));
      this.seq++;
      return { status: RecordStatus.DECRYPTED, plaintext: p.subarray(0, contentEnd), type };
    }
    contentEnd -= macLen;
    if (!padOk || contentEnd < 0) return TAG_FAIL;
    const content = p.subarray(0, contentEnd);
    const mac = hmac(s.mac!, this.macKey, this.aad(type, version, content.length), content);
    if (!timingSafeEq(mac, p.subarray(contentEnd, contentEnd + macLen))) return TAG_FAIL;
    if (!explicitIv) this.iv = Uint8Array.from(ct.subarray(ct.length - bs));
    this.seq++;
    return { status: RecordStatus.DECRYPTED, plaintext: content, type };
  }
}

function timingSafeEq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** The two directions' TLS ≤ 1.2 decoders from the master secret (client, server). */
export function tls12Decoders(suite: Suite, version: number, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, etm: boolean): [Tls12Decoder, Tls12Decoder] {
  const macLen = suite.mode === "cbc" ? hashLen(suite.mac!) : 0;
  const n = 2 * macLen + 2 * suite.keyLen + 2 * suite.ivLen;
  const seed = Buffer.concat([serverRandom, clientRandom]);
  const kb = version >= 0x0303 ? prf12(suite.hash, master, "key expansion", seed, n) : prf10(master, "key expansion", seed, n);
  let o = 0;
  const take = (l: number) => kb.subarray(o, (o += l));
  const cMac = take(macLen);
  const sMac = take(macLen);
  const cKey = take(suite.keyLen);
  const sKey = take(suite.keyLen);
  const cIv = take(suite.ivLen);
  const sIv = take(suite.ivLen);
  const useEtm = etm && suite.mode === "cbc";
  return [new Tls12Decoder(suite, cKey, cIv, cMac, version, useEtm), new Tls12Decoder(suite, sKey, sIv, sMac, version, useEtm)];
}
