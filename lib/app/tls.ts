/**
 * TLS over TCP: record framing across segments, Info text and Protocol column as tshark 4.0 (-2),
 * handshake details (ClientHello / ServerHello) into a sparse per-frame side table.
 */
import { RowValues } from "./row-values";
import { Layer } from "../table/layers";
import type { FrameCtx } from "./frame";
import { ONE_MORE, type ParseResult } from "./reasm";
import {
  ALERT_DESCRIPTIONS,
  ALERT_LEVELS,
  HANDSHAKE_NAMES,
  cipherSuiteName,
  extensionName,
  isGrease,
  tlsVersionName,
} from "./tls-names";

export interface TlsClientHello {
  /** Version field of the ClientHello body (legacy_version). */
  version: number;
  sni: string | null;
  alpn: string[];
  cipherSuites: number[];
  /** supported_versions extension (client list), empty if absent. */
  supportedVersions: number[];
  /** Extension type ids in order. */
  extensions: number[];
  supportedGroups: number[];
  ecPointFormats: number[];
  sessionIdLength: number;
  /** JA3 string `version,ciphers,extensions,groups,formats` (GREASE removed). */
  ja3: string;
}

export interface TlsServerHello {
  /** legacy_version field. */
  legacyVersion: number;
  /** Negotiated version: supported_versions extension if present, else legacyVersion. */
  version: number;
  versionName: string;
  cipherSuite: number;
  cipherName: string;
  compression: number;
  extensions: number[];
  extensionNames: string[];
  alpn: string | null;
  sessionIdLength: number;
}

export interface TlsAlert {
  level: number;
  description: number;
  text: string;
}

/** Sparse side-table entry: only frames carrying unencrypted handshake / alert / CCS records get one. */
export interface TlsFrameInfo {
  row: number;
  stream: number;
  /** Content types of the records completed in this frame. */
  contentTypes: number[];
  /** Record-layer versions of those records. */
  recordVersions: number[];
  /** Unencrypted handshake message types, in order. */
  handshakeTypes: number[];
  clientHello?: TlsClientHello;
  serverHello?: TlsServerHello;
  alerts?: TlsAlert[];
}

export interface TlsStreamSummary {
  stream: number;
  sni: string | null;
  /** Negotiated version number (0 if no ServerHello seen). */
  version: number;
  versionName: string | null;
  cipher: number | null;
  cipherName: string | null;
  alpn: string | null;
  /** ALPN list offered by the client. */
  alpnOffered: string[];
  clientHelloFrame: number | null;
  serverHelloFrame: number | null;
  ja3: string | null;
  /** Number of frames where at least one TLS record completed. */
  recordFrames: number;
  applicationDataRecords: number;
  alerts: TlsAlert[];
}

/** The negotiated TLS version of a stream as text ("TLSv1.2"; "0x7f1c" for an unnamed one; null before a ServerHello). */
export function tlsVersionText(x: TlsStreamSummary | null | undefined): string | null {
  if (!x) return null;
  if (x.versionName) return x.versionName;
  return x.version > 0 ? "0x" + x.version.toString(16).padStart(4, "0") : null;
}

/** Per TCP stream TLS state. */
export class TlsSession {
  /** Session version after ServerHello (0 = unknown). */
  version = 0;
  /** First record version seen (for the Protocol column while the session version is unknown). */
  ccs: [boolean, boolean] = [false, false];
  /** Rows where a TLS PDU completed (their Protocol is rewritten with the final session version). */
  rows: number[] = [];
  /** Record version to use per row while the session version is unknown. */
  rowRecVersion: number[] = [];
  summary: TlsStreamSummary;
  /** Direction of the client (ClientHello sender), -1 until known. */
  clientDir = -1;

  constructor(readonly stream: number) {
    this.summary = {
      stream,
      sni: null,
      version: 0,
      versionName: null,
      cipher: null,
      cipherName: null,
      alpn: null,
      alpnOffered: [],
      clientHelloFrame: null,
      serverHelloFrame: null,
      ja3: null,
      recordFrames: 0,
      applicationDataRecords: 0,
      alerts: [],
    };
  }
}

/** The ServerHello random that marks a HelloRetryRequest (RFC 8446 §4.1.3: SHA-256 of "HelloRetryRequest"). */
const HRR_RANDOM = [
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

export function isHelloRetryRandom(serverHello: Uint8Array): boolean {
  if (serverHello.length < 34) return false;
  for (let i = 0; i < 32; i++) if (serverHello[2 + i] !== HRR_RANDOM[i]) return false;
  return true;
}

function isTls13(v: number): boolean {
  return v === 0x0304 || v >> 8 === 0x7f || v >> 8 === 0xfb;
}

export function isTlsContentType(b: number): boolean {
  return b >= 20 && b <= 24;
}

/** ssl_looks_like_sslv3: valid content type followed by a known SSLv3/TLS record version. */
export function looksLikeTlsRecord(b: Uint8Array, o: number): boolean {
  if (b.length - o < 3) return false;
  if (!isTlsContentType(b[o])) return false;
  const v = (b[o + 1] << 8) | b[o + 2];
  return v === 0x0300 || v === 0x0301 || v === 0x0302 || v === 0x0303 || v === 0x0101;
}

/** A later stage (decryption) that sees every complete record first; true = it dissected the record. */
export interface TlsRecordHook {
  record(s: TlsSession, contentType: number, version: number, body: Uint8Array, ctx: FrameCtx): boolean;
}

export class TlsParser {
  /** Sparse side table. */
  readonly frames = new Map<number, TlsFrameInfo>();
  /** Every record dissected, by row: content type << 16 | record version (tls.record.* for display filters). */
  readonly records = new RowValues();
  /** Decryption stage (set by the reader when secrets may exist). */
  hook: TlsRecordHook | null = null;

  /** Parse TLS records from `b` (new data or a reassembled PDU) for session `s`. */
  parse(s: TlsSession, b: Uint8Array, ctx: FrameCtx): ParseResult {
    let o = 0;
    const n = b.length;
    while (o < n) {
      const avail = n - o;
      // Only SSLv3…TLS 1.2 sessions take the "known version" path; unknown and TLS 1.3 sessions
      // check the record header first and lump anything else into "Continuation Data".
      const known = s.version >= 0x0300 && s.version <= 0x0303;
      if (!known && !looksLikeTlsRecord(b, o)) {
        if (avail < 5 && isTlsContentType(b[o])) return { consumed: o, need: ONE_MORE };
        this.emit(s, ctx, "Continuation Data", 0);
        return { consumed: n, need: 0 };
      }
      if (avail < 5) return { consumed: o, need: ONE_MORE };
      const ct = b[o];
      const ver = (b[o + 1] << 8) | b[o + 2];
      const len = (b[o + 3] << 8) | b[o + 4];
      if (!isTlsContentType(ct)) {
        this.emit(s, ctx, "Ignored Unknown Record", 0);
        return { consumed: n, need: 0 };
      }
      if (avail < 5 + len) return { consumed: o, need: 5 + len };
      this.record(s, ct, ver, b.subarray(o + 5, o + 5 + len), ctx);
      o += 5 + len;
    }
    return { consumed: n, need: 0 };
  }

  /** Record one TLS PDU of the frame (`append`: text joined to the previous fragment without a separator). */
  emit(s: TlsSession, ctx: FrameCtx, info: string, recVersion: number, append = false): void {
    if (append) {
      ctx.pdu("TLS", null, Layer.TLS);
      ctx.appendText(info);
    } else ctx.pdu("TLS", info, Layer.TLS);
    const last = s.rows.length - 1;
    if (last < 0 || s.rows[last] !== ctx.row) {
      s.rows.push(ctx.row);
      s.rowRecVersion.push(recVersion);
      s.summary.recordFrames++;
    } else if (recVersion && !s.rowRecVersion[last]) s.rowRecVersion[last] = recVersion;
  }

  frameInfo(s: TlsSession, ctx: FrameCtx): TlsFrameInfo {
    let fi = this.frames.get(ctx.row);
    if (!fi) {
      fi = { row: ctx.row, stream: s.stream, contentTypes: [], recordVersions: [], handshakeTypes: [] };
      this.frames.set(ctx.row, fi);
    }
    return fi;
  }

  private record(s: TlsSession, ct: number, ver: number, body: Uint8Array, ctx: FrameCtx): void {
    this.records.add(ctx.row, ct * 65536 + ver);
    if (this.hook !== null && this.hook.record(s, ct, ver, body, ctx)) return;
    const dir = ctx.dir;
    switch (ct) {
      case 20: {
        this.emit(s, ctx, "Change Cipher Spec", ver);
        s.ccs[dir] = true;
        const fi = this.frameInfo(s, ctx);
        fi.contentTypes.push(ct);
        fi.recordVersions.push(ver);
        return;
      }
      case 21: {
        const fi = this.frameInfo(s, ctx);
        fi.contentTypes.push(ct);
        fi.recordVersions.push(ver);
        if ((s.ccs[dir] && !isTls13(s.version)) || body.length !== 2) {
          this.emit(s, ctx, "Encrypted Alert", ver);
          return;
        }
        const level = body[0];
        const desc = body[1];
        const text = `Alert (Level: ${ALERT_LEVELS[level] ?? `Unknown (${level})`}, Description: ${ALERT_DESCRIPTIONS[desc] ?? `Unknown (${desc})`})`;
        const a = { level, description: desc, text };
        (fi.alerts ??= []).push(a);
        s.summary.alerts.push(a);
        this.emit(s, ctx, text, ver);
        return;
      }
      case 22: {
        // under TLS 1.3 a CCS is only for middleboxes: handshake records after it are still in clear
        // (protected ones have the outer type 23), e.g. the second ClientHello after a HelloRetryRequest
        if (s.ccs[dir] && !isTls13(s.version)) {
          this.emit(s, ctx, "Encrypted Handshake Message", ver);
          const fi = this.frameInfo(s, ctx);
          fi.contentTypes.push(ct);
          fi.recordVersions.push(ver);
          return;
        }
        this.handshake(s, ver, body, ctx);
        return;
      }
      case 23:
        s.summary.applicationDataRecords++;
        this.emit(s, ctx, "Application Data", ver);
        return;
      case 24:
        this.emit(s, ctx, s.ccs[dir] ? "Encrypted Heartbeat" : "Heartbeat Request", ver);
        return;
    }
  }

  private handshake(s: TlsSession, ver: number, body: Uint8Array, ctx: FrameCtx): void {
    // Messages in this record; an "encrypted" one is detected by an implausible header.
    let o = 0;
    const names: number[] = [];
    const hrr: boolean[] = [];
    let encrypted = false;
    while (o < body.length) {
      if (body.length - o < 4) {
        encrypted = names.length === 0;
        break;
      }
      const type = body[o];
      const mlen = (body[o + 1] << 16) | (body[o + 2] << 8) | body[o + 3];
      if (HANDSHAKE_NAMES[type] === undefined || (mlen > body.length - o - 4 && names.length === 0 && o === 0 && mlen > 0x4000 * 4)) {
        encrypted = names.length === 0;
        break;
      }
      names.push(type);
      const msg = body.subarray(o + 4, Math.min(body.length, o + 4 + mlen));
      hrr.push(type === 2 && isHelloRetryRandom(msg));
      if (type === 1) this.clientHello(s, msg, ctx);
      else if (type === 2) this.serverHello(s, msg, ctx);
      o += 4 + mlen;
    }
    const fi = this.frameInfo(s, ctx);
    fi.contentTypes.push(22);
    fi.recordVersions.push(ver);
    if (encrypted) {
      this.emit(s, ctx, "Encrypted Handshake Message", ver);
      return;
    }
    for (let i = 0; i < names.length; i++) {
      const t = names[i];
      fi.handshakeTypes.push(t);
      this.emit(s, ctx, t === 2 && hrr[i] ? "Hello Retry Request" : HANDSHAKE_NAMES[t], ver);
    }
  }

  private clientHello(s: TlsSession, m: Uint8Array, ctx: FrameCtx): void {
    if (m.length < 38) return;
    const version = (m[0] << 8) | m[1];
    let o = 34;
    const sidLen = m[o];
    o += 1 + sidLen;
    if (o + 2 > m.length) return;
    const csLen = (m[o] << 8) | m[o + 1];
    o += 2;
    const suites: number[] = [];
    for (let i = 0; i + 1 < csLen && o + i + 1 < m.length; i += 2) suites.push((m[o + i] << 8) | m[o + i + 1]);
    o += csLen;
    if (o >= m.length) return;
    o += 1 + m[o];
    const ch: TlsClientHello = {
      version,
      sni: null,
      alpn: [],
      cipherSuites: suites,
      supportedVersions: [],
      extensions: [],
      supportedGroups: [],
      ecPointFormats: [],
      sessionIdLength: sidLen,
      ja3: "",
    };
    if (o + 2 <= m.length) {
      const extEnd = Math.min(m.length, o + 2 + ((m[o] << 8) | m[o + 1]));
      o += 2;
      while (o + 4 <= extEnd) {
        const et = (m[o] << 8) | m[o + 1];
        const el = (m[o + 2] << 8) | m[o + 3];
        const e = m.subarray(o + 4, Math.min(extEnd, o + 4 + el));
        ch.extensions.push(et);
        if (et === 0 && e.length >= 5) {
          const nl = (e[3] << 8) | e[4];
          if (e[2] === 0) ch.sni = latin1(e.subarray(5, 5 + nl));
        } else if (et === 16 && e.length >= 2) {
          ch.alpn = alpnList(e);
        } else if (et === 43 && e.length >= 1) {
          for (let i = 1; i + 1 < e.length && i <= e[0]; i += 2) ch.supportedVersions.push((e[i] << 8) | e[i + 1]);
        } else if (et === 10 && e.length >= 2) {
          for (let i = 2; i + 1 < e.length; i += 2) ch.supportedGroups.push((e[i] << 8) | e[i + 1]);
        } else if (et === 11 && e.length >= 1) {
          for (let i = 1; i < e.length && i <= e[0]; i++) ch.ecPointFormats.push(e[i]);
        }
        o += 4 + el;
      }
    }
    const ng = (a: number[]) => a.filter((x) => !isGrease(x)).join("-");
    ch.ja3 = `${version},${ng(suites)},${ng(ch.extensions)},${ng(ch.supportedGroups)},${ch.ecPointFormats.join("-")}`;
    this.frameInfo(s, ctx).clientHello = ch;
    s.clientDir = ctx.dir;
    const sum = s.summary;
    if (sum.clientHelloFrame === null) {
      sum.clientHelloFrame = ctx.row + 1;
      sum.sni = ch.sni;
      sum.alpnOffered = ch.alpn;
      sum.ja3 = ch.ja3;
    }
  }

  private serverHello(s: TlsSession, m: Uint8Array, ctx: FrameCtx): void {
    if (m.length < 38) return;
    const legacy = (m[0] << 8) | m[1];
    let o = 34;
    const sidLen = m[o];
    o += 1 + sidLen;
    if (o + 3 > m.length) return;
    const cs = (m[o] << 8) | m[o + 1];
    const comp = m[o + 2];
    o += 3;
    let version = legacy;
    const exts: number[] = [];
    let alpn: string | null = null;
    if (o + 2 <= m.length) {
      const extEnd = Math.min(m.length, o + 2 + ((m[o] << 8) | m[o + 1]));
      o += 2;
      while (o + 4 <= extEnd) {
        const et = (m[o] << 8) | m[o + 1];
        const el = (m[o + 2] << 8) | m[o + 3];
        const e = m.subarray(o + 4, Math.min(extEnd, o + 4 + el));
        exts.push(et);
        if (et === 43 && e.length >= 2) version = (e[0] << 8) | e[1];
        else if (et === 16 && e.length >= 2) alpn = alpnList(e)[0] ?? null;
        o += 4 + el;
      }
    }
    const sh: TlsServerHello = {
      legacyVersion: legacy,
      version,
      versionName: tlsVersionName(version),
      cipherSuite: cs,
      cipherName: cipherSuiteName(cs),
      compression: comp,
      extensions: exts,
      extensionNames: exts.map(extensionName),
      alpn,
      sessionIdLength: sidLen,
    };
    this.frameInfo(s, ctx).serverHello = sh;
    s.version = version;
    const sum = s.summary;
    sum.version = version;
    sum.versionName = sh.versionName;
    sum.cipher = cs;
    sum.cipherName = sh.cipherName;
    sum.alpn = alpn;
    if (sum.serverHelloFrame === null) sum.serverHelloFrame = ctx.row + 1;
  }
}

function alpnList(e: Uint8Array): string[] {
  const out: string[] = [];
  const end = Math.min(e.length, 2 + ((e[0] << 8) | e[1]));
  let i = 2;
  while (i < end) {
    const l = e[i];
    out.push(latin1(e.subarray(i + 1, i + 1 + l)));
    i += 1 + l;
  }
  return out;
}

export function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}
