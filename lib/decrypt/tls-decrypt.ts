/**
 * The TLS decryption stage, run inside the read (the payload bytes are still in the reader's buffer):
 *
 * 1. TCP: each direction of a TLS stream is reassembled in sequence order — out-of-order segments wait
 *    for the hole before them, retransmitted bytes are dropped — like Wireshark with
 *    `tcp.reassemble_out_of_order:TRUE`; a record is dissected in the frame that completes it.
 * 2. TLS: records are framed by the app layer's TlsParser, which hands each one to `record()` first.
 *    Handshake messages in clear give the randoms, cipher suite, version, extensions and ALPN; the
 *    key log / DSB secrets (by client random, or by session id / ticket for resumed TLS ≤ 1.2
 *    sessions) give the keys; every protected record is authenticated and decrypted.
 * 3. Plaintext: decrypted handshake messages and alerts get their Info text, application data goes
 *    to HTTP/1.x (lib/app/http.ts) or HTTP/2 (./h2.ts) through a second desegmentation layer (records
 *    that only feed a PDU are "[TLS segment of a reassembled PDU]", as tshark shows them).
 *
 * Every record gets a row in the record table with its status; nothing here throws on capture data.
 */
import type { AppDissector, TlsStreamHook } from "../app/index";
import { FrameCtx } from "../app/frame";
import { DirReasm, MAX_MSP, feedSegment, type ParseResult, type SegmentSink } from "../app/reasm";
import { seqDiff } from "../base/seq";
import type { TlsParser, TlsRecordHook, TlsSession } from "../app/tls";
import { HttpParser, HttpSession, concatParts, looksLikeHttp, type HttpStreamSummary } from "../app/http";
import { isH2Preface } from "../app/http2";
import { ALERT_DESCRIPTIONS, ALERT_LEVELS, HANDSHAKE_NAMES } from "../app/tls-names";
import { Layer } from "../table/layers";
import { TA } from "../tcp/flags";
import { RecordStatus, Tls13Decoder, tls12Decoders, type RecordDecoder } from "./crypto";
import { bytesToHex, type KeyStore, type SessionSecrets } from "./keylog";
import { RecordColumns } from "./records";
import { suiteInfo, type Suite } from "./suites";
import { H2Connection } from "./h2";
import { ObjectCollector } from "./objects";

const HRR_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c";
const SEGMENT_TEXT = "[TLS segment of a reassembled PDU]";
const EMPTY_INFO: [number, string] = [0, ""];
const EMPTY = new Uint8Array(0);
/**
 * A hole is declared a capture gap (bytes the capture never saw) when this many bytes wait behind it,
 * or when it stays open this many seconds (a retransmission fills a real loss within a few RTOs).
 */
const MAX_OOO = 2 << 20;
const MAX_HOLE_SECONDS = 5;

class Dir {
  // --- TCP, in sequence order
  started = false;
  next = 0;
  ooo: { seq: number; bytes: Uint8Array }[] = [];
  oooBytes = 0;
  /** Capture time (seconds) when the current hole opened. */
  holeSince = 0;
  /** Bytes of this direction were never captured: records after the hole cannot be framed / decrypted. */
  gap = false;
  // --- record framing
  buf: Uint8Array = EMPTY;
  have = 0;
  /** Bytes needed before the framing parser is called again (0 = call on any new data). */
  need = 0;
  // --- protection
  encrypted = false;
  decoder: RecordDecoder | null = null;
  /** TLS 1.3: the decoder to switch to when the current one fails (application keys, handshake keys after early data). */
  candidate: RecordDecoder | null = null;
  /** Status for protected records when there is no decoder. */
  noKeyStatus: number = RecordStatus.NO_KEY;
  records = 0;
  /** A capture gap lost the record sequence number: the next protected record is tried at the next few numbers. */
  lostSeq = false;
  /** TLS 1.3 handshake messages spanning records. */
  hs: Uint8Array | null = null;
  // --- application data
  app = new DirReasm();
  appSeq = 0;
  plain: Uint8Array[] = [];
  plainBytes = 0;
  failures = 0;
  /**
   * An HTTP/1.x message whose Content-Length body is still arriving: its bytes so far as views of the
   * plaintext records (which are never reused), instead of a reassembly buffer they would be copied into.
   */
  body: { parts: Uint8Array[]; have: number; total: number } | null = null;
}

class Sess {
  dirs: [Dir, Dir] = [new Dir(), new Dir()];
  clientDir = -1;
  clientRandom: Uint8Array | null = null;
  serverRandom: Uint8Array | null = null;
  clientSessionId: Uint8Array | null = null;
  serverSessionId: Uint8Array | null = null;
  clientTicket: Uint8Array | null = null;
  suite = -1;
  version = 0;
  etm = false;
  alpn: string | null = null;
  secrets: SessionSecrets | undefined;
  master: Uint8Array | null = null;
  /** "http" | "h2" | null (opaque) | undefined (not decided yet). */
  app: "http" | "h2" | null | undefined = undefined;
  http: HttpSession | null = null;
  h2: H2Connection | null = null;
  keysBuilt = false;
  warned = false;
  earlyOffered = false;
  earlyDecoder: Tls13Decoder | null = null;
  constructor(readonly id: number, readonly serverPort: number) {}
}

export interface DecryptWarning {
  stream: number;
  message: string;
}

export class TlsDecryptor implements TlsStreamHook, TlsRecordHook {
  readonly records = new RecordColumns();
  /** Followed streams (null: left to the default path). */
  private readonly sessions = new Map<number, Sess | null>();
  private readonly byTls = new WeakMap<TlsSession, Sess>();
  private readonly parser: TlsParser;
  private readonly http: HttpParser;
  private readonly inner = new FrameCtx();
  private cur: Sess | null = null;
  /** "[TLS segment of a reassembled PDU]" was already set in this TLS dissector call (col_set_str: once). */
  private segTextInCall = false;
  /** Protocol column value fixed by the first PDU of the segment (null: writable). */
  private protoLock: string | null = null;
  /** Row whose Info already holds an HTTP/1.x message line. */
  private httpRow = -1;
  /** Info fragments when the current TLS dissector call began (HTTP's Info replaces what the call wrote). */
  private callStart: [number, string] = [0, ""];
  private curDir = 0;
  private readonly sink: SegmentSink = { parse: (b, at) => this.parseApp(b, at) };
  /** Per record: start (plaintext seq) and what its application parse calls did. */
  private recStart = 0;
  private reassembledPdu = false;
  private lastNeed = 0;
  readonly warnings: DecryptWarning[] = [];
  /** Plaintext kept per stream direction up to this many bytes in total. */
  plaintextBudget = 256 << 20;
  private plaintextKept = 0;
  private plaintextDropped = 0;

  /** HTTP/1.x bodies for the export of objects (plain and decrypted HTTP alike). */
  readonly objects = new ObjectCollector();

  constructor(readonly app: AppDissector, readonly keys: KeyStore, readonly keylogGiven: boolean) {
    this.parser = app.tlsParser;
    this.http = app.httpParser;
    const objects = this.objects;
    this.http.onMessage = (m, body, chunked, s) => objects.onHttp(m, body, chunked, s);
    app.tlsHook = this;
    this.parser.hook = this;
    DECRYPTORS.set(app, this);
  }

  // ---- TCP: in-order reassembly --------------------------------------------------------------

  httpSummary(stream: number): HttpStreamSummary | undefined {
    const S = this.sessions.get(stream);
    if (!S) return undefined;
    if (S.http) return S.http.summary;
    if (!S.h2) return undefined;
    // HTTP/2: the same summary from the decoded exchanges
    const sum: HttpStreamSummary = { stream, host: null, hosts: [], requests: 0, responses: 0, userAgent: null, statuses: [] };
    for (const m of S.h2.messages.values()) {
      if (m.method !== null) {
        sum.requests++;
        sum.host ??= m.authority;
        if (m.authority !== null && !sum.hosts.includes(m.authority)) sum.hosts.push(m.authority);
        sum.userAgent ??= m.requestHeaders.find(([k]) => k === "user-agent")?.[1] ?? null;
      }
      if (m.status !== null) {
        sum.responses++;
        sum.statuses.push(m.status);
      }
    }
    return sum;
  }

  enabled(): boolean {
    return this.keylogGiven || this.keys.size > 0;
  }

  segment(stream: number, tls: TlsSession, row: number, seq: number, bytes: Uint8Array, ta: number, serverPort: number, ctx: FrameCtx): number {
    let S = this.sessions.get(stream);
    if (S === undefined) {
      // a stream the default path had begun before the first secret arrived (a secrets block in the middle
      // of the capture) stays with it; the others follow Wireshark's out-of-order reassembly from here
      if (tls.summary.recordFrames > 0 || tls.clientDir >= 0) {
        this.sessions.set(stream, null);
        return -1;
      }
      S = new Sess(stream, serverPort);
      this.sessions.set(stream, S);
      this.byTls.set(tls, S);
    } else if (S === null) return -1;
    const d = S.dirs[ctx.dir];
    if (!d.started) {
      if (ta & (TA.RETRANSMISSION | TA.SPURIOUS_RETRANSMISSION)) return 0;
      d.started = true;
      d.next = seq;
    }
    const len = bytes.length;
    const off = seqDiff(d.next, seq);
    if (off >= len) return 0; // all old: retransmitted bytes
    if (off < 0) {
      // a hole before this segment: keep it until the hole is filled
      if (d.gap) return this.afterGap(S, d, tls, seq, bytes, ctx);
      const now = this.app.t.tsSec[row];
      if (d.ooo.length === 0) d.holeSince = now;
      if (d.ooo.length < 4096) {
        insertOoo(d, seq, bytes.slice());
        d.oooBytes += len;
      }
      if (d.oooBytes > MAX_OOO || now - d.holeSince > MAX_HOLE_SECONDS) return this.declareGap(S, d, tls, ctx);
      return 1;
    }
    let data = off > 0 ? bytes.subarray(off) : bytes;
    d.next = (seq + len) >>> 0;
    const fill = d.ooo.length > 0;
    if (fill) data = this.drainOoo(d, data);
    this.cur = S;
    this.curDir = ctx.dir;
    this.frame(S, d, tls, data, ctx, fill && data.length > len - off);
    this.cur = null;
    return 1;
  }

  private drainOoo(d: Dir, first: Uint8Array): Uint8Array {
    const parts = [first];
    while (d.ooo.length) {
      const o = d.ooo[0];
      const off = seqDiff(d.next, o.seq);
      if (off < 0) break;
      d.ooo.shift();
      d.oooBytes -= o.bytes.length;
      if (off >= o.bytes.length) continue;
      const b = o.bytes.subarray(off);
      parts.push(b);
      d.next = (o.seq + o.bytes.length) >>> 0;
    }
    return parts.length === 1 ? first : concatParts(parts);
  }

  /** The hole before the buffered bytes was never captured: continue after it, marking what it broke. */
  private declareGap(S: Sess, d: Dir, tls: TlsSession, ctx: FrameCtx): number {
    d.gap = true;
    const first = d.ooo.shift()!;
    d.oooBytes -= first.bytes.length;
    d.next = (first.seq + first.bytes.length) >>> 0;
    const data = d.ooo.length ? this.drainOoo(d, first.bytes) : first.bytes;
    this.resync(S, d, ctx.row);
    this.cur = S;
    this.curDir = ctx.dir;
    this.frame(S, d, tls, data, ctx);
    this.cur = null;
    return 1;
  }

  private afterGap(S: Sess, d: Dir, tls: TlsSession, seq: number, bytes: Uint8Array, ctx: FrameCtx): number {
    d.next = (seq + bytes.length) >>> 0;
    this.resync(S, d, ctx.row);
    this.cur = S;
    this.curDir = ctx.dir;
    this.frame(S, d, tls, bytes, ctx);
    this.cur = null;
    return 1;
  }

  /** After a gap the record boundary and the record sequence number are unknown: drop the framing state. */
  private resync(S: Sess, d: Dir, row: number): void {
    d.have = 0;
    d.need = 0;
    d.hs = null;
    this.records.add(row, S.id, this.dirOf(S, this.curDirFor(S, d)), d.records++, 0, 0, 0, -1, RecordStatus.GAP);
    d.gap = true;
    d.lostSeq = true;
  }

  private curDirFor(S: Sess, d: Dir): number {
    return S.dirs[0] === d ? 0 : 1;
  }

  /**
   * Feed in-order bytes to the record framing. Like Wireshark's TCP desegmentation, a record completed
   * from buffered bytes is dissected in a call of its own and the rest of the segment in the next one
   * (Info texts of separate calls are concatenated, those of one call replace each other); bytes
   * released by filling a hole (`oooFill`) are dissected in one call.
   */
  private frame(S: Sess, d: Dir, tls: TlsSession, data: Uint8Array, ctx: FrameCtx, oooFill = false): void {
    this.protoLock = null;
    this.frameRecords(S, d, tls, data, ctx, oooFill);
    if (this.protoLock !== null) ctx.proto = this.protoLock;
    if (d.have === 0 && d.buf.length > 0) releaseBuf(d);
  }

  private frameRecords(S: Sess, d: Dir, tls: TlsSession, data: Uint8Array, ctx: FrameCtx, oooFill: boolean): void {
    if (d.have > 0 && d.need > 0 && !oooFill) {
      const take = Math.min(data.length, d.need - d.have);
      ensure(d, d.need);
      d.buf.set(data.subarray(0, take), d.have);
      d.have += take;
      data = data.subarray(take);
      if (d.have < d.need) return;
      const all = d.buf.subarray(0, d.have);
      const r = this.parseRecords(tls, all, ctx, d);
      // TCP makes the Protocol column read-only for the PDUs after the first one of a segment
      if (ctx.proto !== null && data.length > 0) this.protoLock = ctx.proto;
      const rest = all.subarray(r.consumed);
      if (r.need !== 0 && rest.length > 0) {
        // still incomplete (should not happen for a full record): keep it with the new bytes
        const keepLen = rest.length;
        d.buf.copyWithin(0, r.consumed, d.have);
        d.have = keepLen;
        d.need = r.need > 0 ? r.need : 0;
        if (data.length === 0) return;
      } else {
        d.have = 0;
        d.need = 0;
      }
      if (data.length === 0) return;
    }
    if (d.have === 0) {
      const r = this.parseRecords(tls, data, ctx, d);
      this.keep(d, data.subarray(r.consumed), r.need);
      return;
    }
    ensure(d, d.have + data.length);
    d.buf.set(data, d.have);
    d.have += data.length;
    if (d.need > 0 && d.have < d.need) return;
    const all = d.buf.subarray(0, d.have);
    const r = this.parseRecords(tls, all, ctx, d);
    const rest = all.subarray(r.consumed);
    if (r.need === 0 || rest.length === 0) {
      d.have = 0;
      d.need = 0;
      return;
    }
    d.buf.copyWithin(0, r.consumed, d.have);
    d.have = rest.length;
    d.need = r.need > 0 ? r.need : 0;
  }

  private keep(d: Dir, rest: Uint8Array, need: number): void {
    if (need === 0 || rest.length === 0) {
      d.have = 0;
      d.need = 0;
      return;
    }
    ensure(d, Math.max(rest.length, need > 0 ? need : 0));
    d.buf.set(rest, 0);
    d.have = rest.length;
    d.need = need > 0 ? need : 0;
  }

  private parseRecords(tls: TlsSession, b: Uint8Array, ctx: FrameCtx, d: Dir): ParseResult {
    this.segTextInCall = false;
    this.callStart = ctx.snapshot();
    if (d.gap) {
      // find the next plausible record header after a gap
      const at = findRecordStart(b);
      if (at < 0) return { consumed: b.length, need: 0 };
      d.gap = false;
      const r = this.parser.parse(tls, b.subarray(at), ctx);
      return { consumed: at + r.consumed, need: r.need };
    }
    return this.parser.parse(tls, b, ctx);
  }

  // ---- TLS records ---------------------------------------------------------------------------

  record(tls: TlsSession, ct: number, ver: number, body: Uint8Array, ctx: FrameCtx): boolean {
    const S = this.byTls.get(tls);
    if (S === undefined) return false;
    const dir = ctx.dir;
    const d = S.dirs[dir];
    const recNo = d.records++;
    const tls13 = S.version === 0x0304;
    const prot = tls13 ? ct === 23 && d.encrypted : d.encrypted;
    if (!prot && ct === 23 && dir === S.clientDir && S.earlyOffered && S.version === 0 && S.secrets?.clientEarly) {
      // 0-RTT data before the ServerHello: the suite is not known yet, try the TLS 1.3 ones
      for (const id of [0x1301, 0x1302, 0x1303, 0x1304]) {
        const dec = new Tls13Decoder(suiteInfo(id)!, S.secrets.clientEarly);
        const r = dec.open(ct, ver, body);
        if (r.status === RecordStatus.DECRYPTED) {
          d.decoder = dec;
          d.encrypted = true;
          S.earlyDecoder = dec;
          this.records.add(ctx.row, S.id, this.dirOf(S, dir), recNo, ct, r.type, body.length, r.plaintext!.length, RecordStatus.DECRYPTED);
          this.inner13(S, tls, d, dir, r.type, ver, r.plaintext!, ctx);
          return true;
        }
      }
    }
    if (!prot) {
      if (ct === 22) this.clearHandshake(S, dir, body);
      else if (ct === 20 && !tls13) this.changeCipherSpec(S, dir);
      this.records.add(ctx.row, S.id, this.dirOf(S, dir), recNo, ct, ct, body.length, body.length, RecordStatus.PLAINTEXT);
      return false;
    }
    if (d.decoder === null && d.candidate === null) {
      this.records.add(ctx.row, S.id, this.dirOf(S, dir), recNo, ct, 0, body.length, -1, d.noKeyStatus);
      return false;
    }
    let r = d.decoder ? d.decoder.open(ct, ver, body) : null;
    if ((r === null || r.status !== RecordStatus.DECRYPTED) && d.candidate) {
      const r2 = d.candidate.open(ct, ver, body);
      if (r2.status === RecordStatus.DECRYPTED) {
        d.decoder = d.candidate;
        d.candidate = null;
        r = r2;
      }
    }
    if (r !== null && r.status === RecordStatus.BAD_MAC && d.decoder && d.lostSeq) {
      // after a capture gap: try the next record numbers
      r = this.tryAhead(d.decoder, ct, ver, body) ?? r;
    }
    d.lostSeq = false;
    if (r === null || r.status !== RecordStatus.DECRYPTED) {
      d.failures++;
      this.records.add(ctx.row, S.id, this.dirOf(S, dir), recNo, ct, 0, body.length, -1, r ? r.status : RecordStatus.NO_KEY);
      return false;
    }
    const p = r.plaintext!;
    this.records.add(ctx.row, S.id, this.dirOf(S, dir), recNo, ct, r.type, body.length, p.length, RecordStatus.DECRYPTED);
    this.inner13(S, tls, d, dir, r.type, ver, p, ctx);
    return true;
  }

  private tryAhead(dec: RecordDecoder, ct: number, ver: number, body: Uint8Array): ReturnType<RecordDecoder["open"]> | null {
    const base = dec.seq;
    for (let k = 1; k <= 64; k++) {
      dec.seq = base + k;
      const r = dec.open(ct, ver, body);
      if (r.status === RecordStatus.DECRYPTED) return r;
    }
    dec.seq = base;
    return null;
  }

  private dirOf(S: Sess, dir: number): number {
    return S.clientDir < 0 ? -1 : dir === S.clientDir ? 0 : 1;
  }

  /** A decrypted record's content: handshake messages, alert, application data, heartbeat. */
  private inner13(S: Sess, tls: TlsSession, d: Dir, dir: number, type: number, ver: number, p: Uint8Array, ctx: FrameCtx): void {
    const parser = this.parser;
    switch (type) {
      case 20:
        parser.emit(tls, ctx, "Change Cipher Spec", ver);
        return;
      case 21: {
        if (p.length < 2) {
          parser.emit(tls, ctx, "Encrypted Alert", ver);
          return;
        }
        const level = p[0];
        const desc = p[1];
        const text = `Alert (Level: ${ALERT_LEVELS[level] ?? `Unknown (${level})`}, Description: ${ALERT_DESCRIPTIONS[desc] ?? `Unknown (${desc})`})`;
        const a = { level, description: desc, text };
        const fi = parser.frameInfo(tls, ctx);
        fi.contentTypes.push(21);
        fi.recordVersions.push(ver);
        (fi.alerts ??= []).push(a);
        tls.summary.alerts.push(a);
        parser.emit(tls, ctx, text, ver);
        return;
      }
      case 22:
        this.protectedHandshake(S, tls, d, dir, ver, p, ctx);
        return;
      case 23:
        tls.summary.applicationDataRecords++;
        this.applicationData(S, tls, d, dir, ver, p, ctx);
        return;
      case 24:
        parser.emit(tls, ctx, "Heartbeat", ver);
        return;
    }
    parser.emit(tls, ctx, "Ignored Unknown Record", ver);
  }

  private protectedHandshake(S: Sess, tls: TlsSession, d: Dir, dir: number, ver: number, p: Uint8Array, ctx: FrameCtx): void {
    let b = p;
    if (d.hs) {
      b = concatParts([d.hs, p]);
      d.hs = null;
    }
    let o = 0;
    const fi = this.parser.frameInfo(tls, ctx);
    fi.contentTypes.push(22);
    fi.recordVersions.push(ver);
    let any = false;
    while (o + 4 <= b.length) {
      const type = b[o];
      const len = (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
      if (o + 4 + len > b.length) break;
      const msg = b.subarray(o + 4, o + 4 + len);
      fi.handshakeTypes.push(type);
      this.parser.emit(tls, ctx, HANDSHAKE_NAMES[type] ?? `Unknown Handshake Message (${type})`, ver);
      any = true;
      this.afterHandshakeMessage(S, d, dir, type, msg);
      o += 4 + len;
    }
    if (o < b.length) {
      if (b.length - o > 1 << 20) d.hs = null;
      else d.hs = b.slice(o);
      if (!any) this.segmentText(tls, ctx, ver);
    }
  }

  /** Key changes that follow a protected handshake message. */
  private afterHandshakeMessage(S: Sess, d: Dir, dir: number, type: number, msg: Uint8Array): void {
    if (S.version === 0x0304) {
      if (type === 8 && msg.length >= 2) {
        // EncryptedExtensions: TLS 1.3 carries the ALPN choice here
        forExtensions(msg, 0, (t, e) => {
          if (t === 16 && e.length >= 3) S.alpn = Buffer.from(e.subarray(3, 3 + e[2])).toString("latin1");
        });
      } else if (type === 20) {
        // Finished: this direction moves to its application traffic keys
        const suite = suiteInfo(S.suite);
        const sec = S.secrets;
        const app = suite && sec ? (dir === S.clientDir ? sec.clientTraffic0 : sec.serverTraffic0) : undefined;
        d.decoder = suite && app ? new Tls13Decoder(suite, app) : null;
        d.candidate = null;
        if (!d.decoder) d.noKeyStatus = RecordStatus.NO_KEY;
      } else if (type === 24 && d.decoder instanceof Tls13Decoder) {
        d.decoder = d.decoder.next();
      }
    } else if (type === 4 && S.master) {
      // TLS 1.2 NewSessionTicket after CCS does not occur; kept for completeness
      this.rememberTicket(S, msg);
    }
  }

  private rememberTicket(S: Sess, msg: Uint8Array): void {
    if (msg.length < 6 || !S.master) return;
    const tl = (msg[4] << 8) | msg[5];
    if (6 + tl <= msg.length) this.keys.rememberSession(msg.subarray(6, 6 + tl), S.master);
  }

  // ---- clear handshake: randoms, suite, version, extensions ----------------------------------

  private clearHandshake(S: Sess, dir: number, body: Uint8Array): void {
    let o = 0;
    while (o + 4 <= body.length) {
      const type = body[o];
      const len = (body[o + 1] << 16) | (body[o + 2] << 8) | body[o + 3];
      const m = body.subarray(o + 4, Math.min(body.length, o + 4 + len));
      if (type === 1) this.clientHello(S, dir, m);
      else if (type === 2) this.serverHello(S, dir, m);
      else if (type === 4) {
        this.ensureMaster(S);
        this.rememberTicket(S, m);
      }
      o += 4 + len;
    }
  }

  private clientHello(S: Sess, dir: number, m: Uint8Array): void {
    if (m.length < 35) return;
    S.clientDir = dir;
    S.clientRandom = m.slice(2, 34);
    const sl = m[34];
    S.clientSessionId = m.slice(35, 35 + sl);
    S.secrets = this.keys.get(S.clientRandom);
    let o = 35 + sl;
    if (o + 2 > m.length) return;
    o += 2 + ((m[o] << 8) | m[o + 1]);
    if (o >= m.length) return;
    o += 1 + m[o];
    forExtensions(m, o, (t, e) => {
      if (t === 35 && e.length) S.clientTicket = e.slice();
      else if (t === 42) S.earlyOffered = true;
    });
  }

  private serverHello(S: Sess, dir: number, m: Uint8Array): void {
    if (m.length < 38) return;
    if (S.clientDir < 0) S.clientDir = dir ^ 1;
    const legacy = (m[0] << 8) | m[1];
    const random = m.slice(2, 34);
    const sl = m[34];
    S.serverSessionId = m.slice(35, 35 + sl);
    let o = 35 + sl;
    if (o + 3 > m.length) return;
    const suite = (m[o] << 8) | m[o + 1];
    o += 3;
    let version = legacy;
    let etm = false;
    let alpn: string | null = null;
    forExtensions(m, o, (t, e) => {
      if (t === 43 && e.length >= 2) version = (e[0] << 8) | e[1];
      else if (t === 22) etm = true;
      else if (t === 16 && e.length >= 3) alpn = Buffer.from(e.subarray(3, 3 + e[2])).toString("latin1");
    });
    if (bytesToHex(random) === HRR_RANDOM) {
      // HelloRetryRequest: the real ServerHello follows the second ClientHello
      S.version = version;
      S.suite = suite;
      return;
    }
    S.serverRandom = random;
    S.suite = suite;
    S.version = version >> 8 === 0x7f ? 0x0304 : version;
    S.etm = etm;
    S.alpn = alpn;
    if (S.version === 0x0304) this.tls13Keys(S);
  }

  private tls13Keys(S: Sess): void {
    const suite = suiteInfo(S.suite);
    const sec = S.secrets ?? (S.clientRandom ? this.keys.get(S.clientRandom) : undefined);
    S.secrets = sec;
    const cd = S.clientDir < 0 ? 0 : S.clientDir;
    const client = S.dirs[cd];
    const server = S.dirs[cd ^ 1];
    server.encrypted = true;
    client.encrypted = true;
    if (!suite || !suite.tls13) {
      client.noKeyStatus = server.noKeyStatus = RecordStatus.UNSUPPORTED;
      this.warn(S, `cipher suite 0x${S.suite.toString(16).padStart(4, "0")} is not supported: records not decrypted`);
      return;
    }
    if (!sec) {
      this.noKey(S);
      return;
    }
    const mk = (s?: Uint8Array) => (s ? new Tls13Decoder(suite, s) : null);
    server.decoder = mk(sec.serverHandshake);
    server.candidate = server.decoder ? null : mk(sec.serverTraffic0);
    // 0-RTT data not yet ended (EndOfEarlyData): early keys first, then the handshake keys
    const early = S.earlyOffered && sec.clientEarly ? S.earlyDecoder ?? mk(sec.clientEarly) : null;
    client.decoder = early ?? mk(sec.clientHandshake);
    client.candidate = early ? mk(sec.clientHandshake) : client.decoder ? null : mk(sec.clientTraffic0);
    if (!server.decoder && !server.candidate) server.noKeyStatus = RecordStatus.NO_KEY;
  }

  private changeCipherSpec(S: Sess, dir: number): void {
    const d = S.dirs[dir];
    d.encrypted = true;
    if (!S.keysBuilt) this.tls12Keys(S);
    const dec = S.dirs[dir].decoder;
    if (dec) dec.seq = 0;
  }

  private ensureMaster(S: Sess): void {
    if (S.master) return;
    const sec = S.secrets ?? (S.clientRandom ? this.keys.get(S.clientRandom) : undefined);
    S.secrets = sec;
    let master = sec?.masterSecret ?? null;
    const resumed = S.serverSessionId && S.clientSessionId && S.serverSessionId.length > 0 && bytesToHex(S.serverSessionId) === bytesToHex(S.clientSessionId);
    if (!master && resumed) master = this.keys.masterBySession(S.serverSessionId!) ?? null;
    if (!master && S.clientTicket) master = this.keys.masterBySession(S.clientTicket) ?? null;
    S.master = master;
    if (master && S.serverSessionId && S.serverSessionId.length) this.keys.rememberSession(S.serverSessionId, master);
  }

  private tls12Keys(S: Sess): void {
    S.keysBuilt = true;
    const suite = suiteInfo(S.suite);
    const cd = S.clientDir < 0 ? 0 : S.clientDir;
    if (!suite || suite.tls13 || S.version < 0x0301 || S.version > 0x0303 || (suite.mode !== "cbc" && S.version < 0x0303)) {
      S.dirs[0].noKeyStatus = S.dirs[1].noKeyStatus = RecordStatus.UNSUPPORTED;
      this.warn(S, `cipher suite 0x${S.suite.toString(16).padStart(4, "0")} is not supported: records not decrypted`);
      return;
    }
    this.ensureMaster(S);
    if (!S.master || !S.clientRandom || !S.serverRandom) {
      this.noKey(S);
      return;
    }
    const [c, s] = tls12Decoders(suite as Suite, S.version, S.master, S.clientRandom, S.serverRandom, S.etm);
    S.dirs[cd].decoder = c;
    S.dirs[cd ^ 1].decoder = s;
  }

  private noKey(S: Sess): void {
    if (this.keylogGiven || this.keys.size > 0) {
      const cr = S.clientRandom ? bytesToHex(S.clientRandom) : "(no ClientHello seen)";
      this.warn(S, `no secret for client random ${cr}: records not decrypted`);
    }
  }

  private warn(S: Sess, message: string): void {
    if (S.warned) return;
    S.warned = true;
    if (this.warnings.length < 1000) this.warnings.push({ stream: S.id, message: `TLS stream ${S.id}: ${message}` });
  }

  // ---- application data ----------------------------------------------------------------------

  private applicationData(S: Sess, tls: TlsSession, d: Dir, dir: number, ver: number, p: Uint8Array, ctx: FrameCtx): void {
    if (this.plaintextKept + p.length <= this.plaintextBudget) {
      d.plain.push(p); // a fresh buffer from the decipher: kept as it is
      this.plaintextKept += p.length;
    } else this.plaintextDropped += p.length;
    d.plainBytes += p.length;
    if (S.app === undefined) S.app = this.chooseApp(S, p);
    if (S.app === null || p.length === 0) {
      this.parser.emit(tls, ctx, "Application Data", ver);
      return;
    }
    const inner = this.inner;
    inner.reset(ctx.row, dir);
    if (S.app === "http") inner.sep = ""; // pipelined messages: one line after the other
    this.cur = S;
    this.curDir = dir;
    this.recStart = d.appSeq;
    this.reassembledPdu = false;
    this.lastNeed = 0;
    if (d.body !== null) this.feedBody(S, d, p);
    else feedSegment(d.app, d.appSeq, p, this.sink, true);
    d.appSeq = (d.appSeq + p.length) >>> 0;
    if (inner.rejected && !inner.hadPdu) {
      this.parser.emit(tls, ctx, "Application Data", ver);
      return;
    }
    if (inner.hadPdu) {
      if (S.app === "http" && this.httpRow === ctx.row && !this.reassembledPdu) {
        // a further HTTP message of the frame: tshark appends its line without a separator
        ctx.pdu(inner.proto!, null, inner.layer | Layer.HTTP);
        ctx.appendText(inner.infoText());
      } else {
        // HTTP/1.x sets the Info column; a PDU reassembled from several records clears it first
        // (desegment_ssl's col_clear): either way the TLS texts of this call before it disappear
        if (this.reassembledPdu) ctx.restore(EMPTY_INFO);
        else if (S.app === "http") ctx.restore(this.callStart);
        ctx.pdu(inner.proto!, inner.infoText(), inner.layer | Layer.HTTP);
      }
      if (S.app === "http") this.httpRow = ctx.row;
      // a reassembled PDU whose record's tail starts a PDU it does not complete: the segment text follows
      if (this.reassembledPdu && this.lastNeed !== 0) ctx.appendText(SEGMENT_TEXT);
    } else this.segmentText(tls, ctx, ver);
  }

  /** tshark's col_set_str(INFO, "[TLS segment of a reassembled PDU]"): once per TLS dissector call. */
  private segmentText(tls: TlsSession, ctx: FrameCtx, ver: number): void {
    if (this.segTextInCall) return;
    this.segTextInCall = true;
    this.parser.emit(tls, ctx, SEGMENT_TEXT, ver, true);
  }

  private chooseApp(S: Sess, p: Uint8Array): "http" | "h2" | null {
    if (S.alpn === "h2") return "h2";
    if (S.alpn !== null && /^http\/1/.test(S.alpn)) return "http";
    if (isH2Preface(p)) return "h2";
    if (looksLikeHttp(p)) return "http";
    if (S.serverPort === 443) return "http";
    return null;
  }

  private parseApp(b: Uint8Array, at: number): ParseResult {
    const S = this.cur!;
    const dir = this.curDir;
    const toServer = dir === S.clientDir;
    if (at !== this.recStart) this.reassembledPdu = true;
    let r: ParseResult;
    if (S.app === "h2") r = (S.h2 ??= new H2Connection(S.id)).parse(b, this.inner, toServer);
    else {
      if (S.http === null) {
        S.http = new HttpSession(S.id, false);
        S.http.ownsBytes = true;
      }
      r = this.http.parse(S.http, b, this.inner, toServer);
      const tail = b.length - r.consumed;
      if (r.need > tail && r.need <= MAX_MSP && !S.http.h2) {
        // a Content-Length body continues in later records: collect it as views (feedBody), where the
        // TCP reassembly would copy it into a buffer of its own
        const d = S.dirs[dir];
        d.body = { parts: [b.subarray(r.consumed)], have: tail, total: r.need };
        this.lastNeed = r.need;
        return { consumed: b.length, need: 0 };
      }
    }
    this.lastNeed = r.need;
    return r;
  }

  /**
   * Plaintext of a record while an HTTP/1.x body is pending: a part of it, or the end of it (the
   * message is then parsed from its parts, in this record's frame, and the rest of the record follows).
   */
  private feedBody(S: Sess, d: Dir, p: Uint8Array): void {
    const b = d.body!;
    const want = b.total - b.have;
    if (p.length < want) {
      b.parts.push(p);
      b.have += p.length;
      return;
    }
    b.parts.push(want === p.length ? p : p.subarray(0, want));
    d.body = null;
    this.reassembledPdu = true;
    const r = this.http.parse(S.http!, b.parts[0], this.inner, this.curDir === S.clientDir, b.parts.slice(1));
    this.lastNeed = r.need;
    if (want < p.length) feedSegment(d.app, (d.appSeq + want) >>> 0, p.subarray(want), this.sink, true);
  }

  finish(): void {
    for (const S of this.sessions.values()) {
      if (S === null) continue;
      for (let i = 0; i < 2; i++) {
        const d = S.dirs[i];
        if (d.ooo.length) {
          // bytes after a hole that was never filled
          this.records.add(-1, S.id, this.dirOf(S, i), d.records++, 0, 0, d.oooBytes, -1, RecordStatus.GAP);
        }
        if (d.failures > 0) this.warn(S, `${d.failures} record(s) failed authentication (wrong key or corrupted data)`);
      }
    }
    if (this.plaintextDropped > 0) {
      this.warnings.push({ stream: -1, message: `TLS plaintext: ${this.plaintextDropped} decrypted bytes past the ${this.plaintextBudget >> 20} MiB budget were not kept (tlsPlaintext() is incomplete)` });
    }
    if (this.objects.dropped > 0) {
      this.warnings.push({ stream: -1, message: `HTTP objects: ${this.objects.dropped} body(ies) past the ${this.objects.budget >> 20} MiB budget were not kept` });
    }
  }

  // ---- accessors -----------------------------------------------------------------------------

  /** Decrypted application data of one direction of a stream (0 = client → server, 1 = server → client). */
  plaintext(stream: number, direction: 0 | 1): Uint8Array {
    const S = this.sessions.get(stream);
    if (!S) return new Uint8Array(0);
    const cd = S.clientDir < 0 ? 0 : S.clientDir;
    const d = S.dirs[direction === 0 ? cd : cd ^ 1];
    return d.plain.length === 1 ? d.plain[0].slice() : concatParts(d.plain);
  }

  /** Streams the stage followed. */
  streams(): number[] {
    const out: number[] = [];
    for (const [id, S] of this.sessions) if (S !== null) out.push(id);
    return out;
  }

  /** Per-stream facts: suite, version, ALPN, whether keys were found, HTTP/2 connection. */
  session(stream: number): { suite: number; version: number; alpn: string | null; keys: boolean; h2: H2Connection | null; clientDir: number } | undefined {
    const S = this.sessions.get(stream);
    if (!S) return undefined;
    const keys = S.dirs.some((d) => d.decoder !== null);
    return { suite: S.suite, version: S.version, alpn: S.alpn, keys, h2: S.h2, clientDir: S.clientDir };
  }
}

const DECRYPTORS = new WeakMap<AppDissector, TlsDecryptor>();

/** The decryption stage attached to a capture's application layers (null when none ran). */
export function decryptorOf(app: AppDissector): TlsDecryptor | null {
  return DECRYPTORS.get(app) ?? null;
}

function forExtensions(m: Uint8Array, o: number, f: (type: number, body: Uint8Array) => void): void {
  if (o + 2 > m.length) return;
  const end = Math.min(m.length, o + 2 + ((m[o] << 8) | m[o + 1]));
  o += 2;
  while (o + 4 <= end) {
    const t = (m[o] << 8) | m[o + 1];
    const l = (m[o + 2] << 8) | m[o + 3];
    f(t, m.subarray(o + 4, Math.min(end, o + 4 + l)));
    o += 4 + l;
  }
}

function insertOoo(d: Dir, seq: number, bytes: Uint8Array): void {
  let i = d.ooo.length;
  while (i > 0 && seqDiff(d.ooo[i - 1].seq, seq) > 0) i--;
  d.ooo.splice(i, 0, { seq, bytes });
}

/**
 * Record-framing buffers are only needed while a record is incomplete: an idle direction gives its buffer
 * back and the next one that needs one takes it (memory already touched, in cache), instead of every
 * direction of every connection keeping a buffer of its own for the rest of the read.
 */
const BUF_POOL: Uint8Array[] = [];

function releaseBuf(d: Dir): void {
  if (d.buf.length <= 1 << 16 && BUF_POOL.length < 512) BUF_POOL.push(d.buf);
  d.buf = EMPTY;
}

function ensure(d: Dir, n: number): void {
  if (n <= d.buf.length) return;
  let b: Uint8Array | undefined;
  if (d.have === 0 && n <= 1 << 15) {
    b = BUF_POOL.pop();
    if (b !== undefined && b.length < n) b = undefined;
  }
  b ??= new Uint8Array(Math.max(n, d.buf.length * 2, 1 << 15));
  b.set(d.buf.subarray(0, d.have));
  d.buf = b;
}

/** Offset of the first plausible TLS record header (type 20–23, version 3.x, length ≤ 2^14 + 2048). */
function findRecordStart(b: Uint8Array): number {
  for (let i = 0; i + 5 <= b.length; i++) {
    const t = b[i];
    if (t < 20 || t > 23 || b[i + 1] !== 3 || b[i + 2] > 4) continue;
    const len = (b[i + 3] << 8) | b[i + 4];
    if (len === 0 || len > 18432) continue;
    if (i + 5 + len + 3 <= b.length) {
      const n = i + 5 + len;
      if (b[n] < 20 || b[n] > 23 || b[n + 1] !== 3) continue;
    }
    return i;
  }
  return -1;
}
