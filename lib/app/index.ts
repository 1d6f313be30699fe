/**
 * Application layers: TLS, HTTP/1.x, SSH, RTSP, Modbus/TCP, TPKT/COTP, PPTP, Gryphon framing over TCP
 * (with Wireshark-like desegmentation → "[TCP segment of a reassembled PDU]"), DNS/MDNS/LLMNR,
 * DHCP, NTP, NBNS, SSDP, QUIC… over UDP, and ICMP/ICMPv6 Info text.
 *
 * Writes: `proto` (Protocol column string id), lazy `appInfo` (application Info text id), `layers`
 * bits TLS / HTTP / DNS / PDU_SEGMENT. Keeps sparse side tables (TLS handshakes, HTTP messages, DNS
 * messages) and per-stream summaries.
 */
import type { PacketTable } from "../table/packet-table";
import { Layer } from "../table/layers";
import { TA } from "../tcp/flags";
import { FrameCtx } from "./frame";
import { DirReasm, feedSegment, type ParseResult, type SegmentSink } from "./reasm";
import { seqDiff } from "../base/seq";
import { TlsParser, TlsSession, looksLikeTlsRecord, type TlsFrameInfo, type TlsStreamSummary } from "./tls";
import { tlsVersionName } from "./tls-names";
import { parseGryphon, parseModbus, parsePptp, parseTpkt } from "./tcp-misc";
import { HttpParser, HttpSession, looksLikeHttp, type HttpMessage, type HttpStreamSummary } from "./http";
import { SshSession, parseSsh } from "./ssh";
import { UdpApps, type DnsMessage } from "./udp";
import { IcmpApps } from "./icmp";
import { MiscApps } from "./misc";
import { TextSession, parseFtp, parseFtpData, parseImap, parsePop, parseSmtp, parseTelnet, type FtpDataExpect } from "./text";
import { DbSession, parseMysql, parsePgsql } from "./db";
import { sipInfo } from "./sip-snmp";
import { TCP_DISSECTOR_PORTS, type TcpAppKind } from "./ports";

export type { TlsFrameInfo, TlsStreamSummary, TlsClientHello, TlsServerHello, TlsAlert } from "./tls";
export type { HttpMessage, HttpStreamSummary } from "./http";
export type { DnsMessage, DnsAnswer } from "./udp";
export { cipherSuiteName, tlsVersionName, extensionName, CIPHER_SUITES } from "./tls-names";

/**
 * A later stage (TLS decryption) that takes over the TCP payload of TLS streams: it reassembles each
 * direction in sequence order (out-of-order segments buffered, retransmitted bytes dropped) and hands
 * the records to `tlsParser`. Returns -1 to leave the segment to the default path, else a
 * `feedSegment` code (0 nothing dissected, 1 consumed, 3 partly a segment of a PDU).
 */
export interface TlsStreamHook {
  /** False while there is nothing to decrypt with (no key log, no secrets block yet): the default path runs. */
  enabled(): boolean;
  /** HTTP over the decrypted stream (requests, responses, host), if any. */
  httpSummary(stream: number): HttpStreamSummary | undefined;
  segment(stream: number, tls: TlsSession, row: number, seq: number, bytes: Uint8Array, analysis: number, serverPort: number, ctx: FrameCtx): number;
  finish(): void;
}

/** Protocol column names for each kind when a PDU completes (HTTP may refine it per message). */
class TcpStream {
  kind: TcpAppKind | null = null;
  /** Address id and port of the first packet's sender (direction 0). */
  aAddr: number;
  aPort: number;
  dirs: [DirReasm, DirReasm] = [new DirReasm(), new DirReasm()];
  tls: TlsSession | null = null;
  http: HttpSession | null = null;
  ssh: SshSession | null = null;
  text: TextSession | null = null;
  db: DbSession | null = null;
  /** FTP-DATA: the control connection that announced this data connection. */
  ftpData: FtpDataExpect | null = null;
  /** Lower-numbered port first: the candidates from the port table. */
  portKind: TcpAppKind | null;
  /** Server port (the one in the port table) for direction-dependent protocols. */
  serverPort = 0;
  constructor(readonly id: number, aAddr: number, aPort: number, bPort: number) {
    this.aAddr = aAddr;
    this.aPort = aPort;
    const lo = Math.min(aPort, bPort);
    const hi = Math.max(aPort, bPort);
    this.portKind = TCP_DISSECTOR_PORTS[lo] ?? TCP_DISSECTOR_PORTS[hi] ?? null;
    this.serverPort = TCP_DISSECTOR_PORTS[lo] ? lo : TCP_DISSECTOR_PORTS[hi] ? hi : 0;
  }
}

export class AppDissector {
  private readonly ctx = new FrameCtx();
  private readonly streams = new Map<number, TcpStream>();
  private readonly streamsByKey = new Map<string, TcpStream>();
  /** Streams by tcp.stream index (the same objects as in `streams`). */
  private readonly byIndex: (TcpStream | undefined)[] = [];
  private curDir = 0;
  private nextOwnId = 1 << 30;
  readonly tlsParser = new TlsParser();
  readonly httpParser: HttpParser;
  readonly udp: UdpApps;
  readonly icmpApps: IcmpApps;
  readonly miscApps: MiscApps;
  private cur: TcpStream | null = null;
  /** FTP data connections announced by PASV/EPSV/PORT/EPRT, by "address:port". */
  private readonly ftpExpect = new Map<string, FtpDataExpect>();
  private readonly sink: SegmentSink = { parse: (b, at) => this.parseApp(b, at) };

  /** TLS decryption stage (lib/decrypt), set by the reader. */
  tlsHook: TlsStreamHook | null = null;

  constructor(readonly t: PacketTable) {
    this.httpParser = new HttpParser(t);
    this.udp = new UdpApps(t);
    this.icmpApps = new IcmpApps(t);
    this.miscApps = new MiscApps(t);
  }

  /** String id of a Protocol name (StringDict.intern is itself a map lookup: no second cache needed). */
  private pid(s: string): number {
    return this.t.strings.intern(s);
  }

  /** The application state of a row's TCP stream; its direction is left in `this.curDir`. */
  private stream(row: number): TcpStream {
    const t = this.t;
    const sid = t.tcpStream[row];
    let s: TcpStream | undefined;
    if (sid >= 0) {
      s = this.byIndex[sid];
      if (!s) {
        s = new TcpStream(sid, t.ipSrc[row], t.srcPort[row], t.dstPort[row]);
        this.streams.set(sid, s);
        this.byIndex[sid] = s;
        if (this.ftpExpect.size > 0) this.matchFtpData(s, row);
      }
    } else {
      // No TCP analysis stream index: key by the unordered 4-tuple.
      const a = `${t.ipSrc[row]}:${t.srcPort[row]}`;
      const b = `${t.ipDst[row]}:${t.dstPort[row]}`;
      const key = a < b ? `${a}|${b}` : `${b}|${a}`;
      s = this.streamsByKey.get(key);
      if (!s) {
        s = new TcpStream(this.nextOwnId++, t.ipSrc[row], t.srcPort[row], t.dstPort[row]);
        this.streamsByKey.set(key, s);
        this.streams.set(s.id, s);
      }
    }
    this.curDir = t.ipSrc[row] === s.aAddr && t.srcPort[row] === s.aPort ? 0 : 1;
    return s;
  }

  tcpPayload(row: number, buf: Uint8Array, off: number, capLen: number): void {
    const t = this.t;
    const len = t.tcpLen[row];
    if (len === 0) return;
    const s = this.stream(row);
    const dir = this.curDir;
    if (capLen < len) return; // snaplen-cut payload: nothing reassembled
    const ta = t.tcpAnalysis[row];
    const bytes = buf.subarray(off, off + len);
    const seq = t.tcpSeq[row];
    const d = s.dirs[dir];
    if (this.tlsHook !== null && this.tlsHook.enabled() && (s.kind ?? s.portKind ?? heuristicKind(bytes)) === "tls") {
      const ctx = this.ctx;
      ctx.reset(row, dir);
      const fed = this.tlsHook.segment(s.id, (s.tls ??= new TlsSession(s.id)), row, seq, bytes, ta, s.serverPort, ctx);
      if (fed >= 0) {
        s.kind = "tls";
        if (fed === 3) {
          t.layers[row] |= Layer.PDU_SEGMENT;
          if (ctx.hadPdu) (t.appInfo ?? t.touch("appInfo"))[row] = t.strings.intern(ctx.infoText());
          return;
        }
        if (fed === 1) this.commit(row, s);
        return;
      }
    }
    const haveAnalysis = t.tcpStream[row] >= 0;
    // Plain/spurious retransmissions and out-of-order segments are only added to a pending
    // reassembly, never dissected on their own (tcp.no_subdissector_on_error).
    const fast = (ta & TA.FAST_RETRANSMISSION) !== 0;
    if (!fast && ta & (TA.RETRANSMISSION | TA.SPURIOUS_RETRANSMISSION | TA.KEEP_ALIVE)) return;
    let suppress = !fast && (ta & TA.OUT_OF_ORDER) !== 0;
    if (!haveAnalysis && d.maxNext !== null && seqDiff((seq + len) >>> 0, d.maxNext) <= 0) suppress = true;
    if (s.kind === null) {
      if (suppress) return;
      s.kind = s.portKind ?? heuristicKind(bytes);
      if (s.kind === null) return;
    }
    const ctx = this.ctx;
    ctx.reset(row, dir);
    this.cur = s;
    let fed: number;
    if (suppress) {
      fed = feedSegmentMspOnly(d, seq, bytes, this.sink);
    } else fed = feedSegment(d, seq, bytes, this.sink, true);
    this.cur = null;
    if (fed === 3) {
      // Part of the segment completes nothing (segment of a PDU), the rest was dissected.
      t.layers[row] |= Layer.PDU_SEGMENT;
      if (ctx.hadPdu) (t.appInfo ?? t.touch("appInfo"))[row] = t.strings.intern(ctx.infoText());
      return;
    }
    if (fed !== 1) return;
    this.commit(row, s);
  }

  private commit(row: number, s: TcpStream): void {
    const t = this.t;
    const ctx = this.ctx;
    if (ctx.rejected && !ctx.hadPdu) return;
    if (!ctx.hadPdu) {
      t.layers[row] |= Layer.PDU_SEGMENT;
      return;
    }
    t.layers[row] |= ctx.layer;
    let proto = ctx.proto!;
    if (proto === "TLS" && s.tls) proto = s.tls.version ? tlsVersionName(sessionVersion(s.tls.version)) : "SSL";
    else if (proto === "SSH" && s.ssh) proto = s.ssh.protoName();
    t.proto[row] = this.pid(proto);
    let info = ctx.infoText();
    if (s.kind === "ssh" && s.ssh) info = s.ssh.prefix(ctx.dir) + info;
    (t.appInfo ?? t.touch("appInfo"))[row] = t.strings.intern(info);
  }

  private parseApp(b: Uint8Array, _at: number): ParseResult {
    const s = this.cur!;
    const ctx = this.ctx;
    switch (s.kind) {
      case "tls":
        return this.tlsParser.parse((s.tls ??= new TlsSession(s.id)), b, ctx);
      case "http":
      case "rtsp":
        return this.httpParser.parse((s.http ??= new HttpSession(s.id, s.kind === "rtsp")), b, ctx, this.isToServer(s));
      case "ssh": {
        const ss = (s.ssh ??= new SshSession(s.id));
        ss.fromClient = this.isToServer(s);
        return parseSsh(ss, b, ctx);
      }
      case "mbtcp":
        return parseModbus(b, ctx, this.isToServer(s));
      case "tpkt":
        return parseTpkt(b, ctx);
      case "pptp":
        return parsePptp(b, ctx);
      case "gryphon":
        return parseGryphon(b, ctx);
      default:
        // the line-oriented and database protocols (kept out of this hot function: TLS/HTTP rows run it per PDU)
        return this.parseMore(s, b);
    }
    return { consumed: b.length, need: 0 };
  }

  /** FTP, FTP-DATA, SMTP, POP, IMAP, Telnet, MySQL, PostgreSQL, SIP (lib/app/text.ts, db.ts, sip-snmp.ts). */
  private parseMore(s: TcpStream, b: Uint8Array): ParseResult {
    const ctx = this.ctx;
    switch (s.kind) {
      case "ftp": {
        const ts = (s.text ??= new TextSession("ftp"));
        const row = ctx.row;
        const toServer = this.isToServer(s);
        const t = this.t;
        const server = t.strings.get(toServer ? t.ipDst[row] : t.ipSrc[row]);
        const client = t.strings.get(toServer ? t.ipSrc[row] : t.ipDst[row]);
        const { r, announce } = parseFtp(ts, b, ctx, toServer, server, client);
        if (announce && announce.addr !== null) this.ftpExpect.set(`${t.strings.intern(announce.addr)}:${announce.port}`, { mode: announce.mode, control: ts });
        return r;
      }
      case "ftp-data":
        return parseFtpData(s.ftpData, b, ctx);
      case "smtp":
        return parseSmtp((s.text ??= new TextSession("smtp")), b, ctx, this.isToServer(s));
      case "pop":
        return parsePop(b, ctx, this.isToServer(s));
      case "imap":
        return parseImap(b, ctx, this.isToServer(s));
      case "telnet":
        return parseTelnet(b, ctx);
      case "mysql":
        return parseMysql((s.db ??= new DbSession()), b, ctx, this.isToServer(s));
      case "pgsql":
        return parsePgsql((s.db ??= new DbSession()), b, ctx, this.isToServer(s));
      case "sip": {
        const info = sipInfo(b);
        if (info === null) {
          ctx.rejected = true;
          return { consumed: b.length, need: 0 };
        }
        ctx.pdu("SIP", info, 0);
        return { consumed: b.length, need: 0 };
      }
    }
    return { consumed: b.length, need: 0 };
  }

  /** A new stream to an address:port an FTP control connection announced is FTP-DATA. */
  private matchFtpData(s: TcpStream, row: number): void {
    const t = this.t;
    const e = this.ftpExpect.get(`${t.ipDst[row]}:${t.dstPort[row]}`) ?? this.ftpExpect.get(`${t.ipSrc[row]}:${t.srcPort[row]}`);
    if (e === undefined) return;
    s.portKind = "ftp-data";
    s.ftpData = e;
  }

  private isToServer(s: TcpStream): boolean {
    const row = this.ctx.row;
    if (s.serverPort) return this.t.dstPort[row] === s.serverPort;
    return this.t.dstPort[row] < this.t.srcPort[row];
  }

  udpPayload(row: number, buf: Uint8Array, off: number, capLen: number): void {
    this.udp.packet(row, buf, off, capLen);
  }

  icmp(row: number, buf: Uint8Array, off: number, capLen: number): void {
    this.icmpApps.packet(row, buf, off, capLen);
  }

  /** Rows that are neither TCP, UDP nor ICMP: LLC (STP, XID, CDP), LOOP, IGMP, EIGRP, OSPF. */
  other(row: number, buf: Uint8Array, off: number, capLen: number): void {
    this.miscApps.packet(row, buf, off, capLen);
  }

  finish(): void {
    // tshark -2: the TLS session version found in pass 1 names every TLS frame of the session. Without
    // a session or record version (e.g. "Continuation Data" of an unknown session) the column keeps
    // the TLS dissector's initial "SSL".
    const t = this.t;
    for (const s of this.streams.values()) {
      const tls = s.tls;
      if (!tls) continue;
      for (let i = 0; i < tls.rows.length; i++) {
        // decrypted rows whose top protocol is HTTP / HTTP2 keep it
        if (t.layers[tls.rows[i]] & (Layer.PDU_SEGMENT | Layer.HTTP)) continue;
        const v = sessionVersion(tls.version) || tls.rowRecVersion[i];
        t.proto[tls.rows[i]] = this.pid(v ? tlsVersionName(v) : "SSL");
      }
    }
    this.icmpApps.finish();
    this.udp.finish();
    this.tlsHook?.finish();
  }

  // ---- accessors -------------------------------------------------------------------------

  /**
   * Application Info text of a row ("" if none). On a TCP row flagged PDU_SEGMENT it is the text of
   * PDUs that completed after the reassembled-PDU part (rare: tshark prints
   * `<tcp info> [TCP segment of a reassembled PDU], <appText>` with Protocol TCP).
   */
  appText(row: number): string {
    const a = this.t.appInfo;
    return a ? this.t.strings.get(a[row]) : "";
  }

  /**
   * Full Info text given the TCP analysis prefix of the row (e.g. "[TCP Retransmission] "). Mirrors
   * tshark's column fences: TLS appends with ", " after a non-empty prefix, SSH puts its
   * "Client: "/"Server: " before the prefix.
   */
  infoWithPrefix(row: number, prefix: string): string {
    const text = this.appText(row);
    if (!prefix) return text;
    const l = this.t.layers[row];
    // TLS appends its records after a separator; HTTP over TLS and "[TLS segment …]" do not
    if (l & Layer.TLS && !(l & Layer.HTTP) && !text.startsWith("[TLS segment")) return `${prefix}, ${text}`;
    const m = /^(Client|Server): /.exec(text);
    if (m && this.t.strings.get(this.t.proto[row]).startsWith("SSH")) {
      const rest = text.slice(m[0].length);
      return rest ? `${m[0]}${prefix}, ${rest}` : m[0] + prefix;
    }
    return prefix + text;
  }

  /** TLS handshake details of a row (only frames with unencrypted handshake/alert/CCS records). */
  tlsFrame(row: number): TlsFrameInfo | undefined {
    return this.tlsParser.frames.get(row);
  }

  /** All TLS side-table entries, by row. */
  tlsFrames(): Map<number, TlsFrameInfo> {
    return this.tlsParser.frames;
  }

  /** TLS summary of a TCP stream (undefined if the stream carried no TLS). */
  streamTls(stream: number): TlsStreamSummary | undefined {
    const s = this.streams.get(stream);
    return s?.tls?.summary;
  }

  /** HTTP/RTSP message parsed at a row. */
  httpMessage(row: number): HttpMessage | undefined {
    return this.httpParser.messages.get(row);
  }

  httpMessages(): Map<number, HttpMessage> {
    return this.httpParser.messages;
  }

  streamHttp(stream: number): HttpStreamSummary | undefined {
    return this.streams.get(stream)?.http?.summary ?? this.tlsHook?.httpSummary(stream);
  }

  /** DNS/MDNS/LLMNR message of a row. */
  dns(row: number): DnsMessage | undefined {
    return this.udp.dnsMessages.get(row);
  }

  dnsMessages(): Map<number, DnsMessage> {
    return this.udp.dnsMessages;
  }

  /** Application protocol chosen for a TCP stream (by port or heuristics), or null. */
  streamKind(stream: number): string | null {
    return this.streams.get(stream)?.kind ?? null;
  }

  /** Stream ids (tcp.stream) that carried TLS. */
  tlsStreams(): number[] {
    const out: number[] = [];
    for (const s of this.streams.values()) if (s.tls) out.push(s.id);
    return out;
  }
}

/** TLS 1.3 drafts (0x7fxx) and Facebook's experimental versions (0xfbxx) count as TLS 1.3. */
function sessionVersion(v: number): number {
  const hi = v >> 8;
  return hi === 0x7f || hi === 0xfb ? 0x0304 : v;
}

function heuristicKind(b: Uint8Array): TcpAppKind | null {
  if (b.length >= 5 && b[0] === 22 && looksLikeTlsRecord(b, 0)) return "tls";
  if (looksLikeHttp(b)) return "http";
  return null;
}

/** A suppressed segment (retransmission / out-of-order) only joins a pending reassembly. */
function feedSegmentMspOnly(d: DirReasm, seq: number, bytes: Uint8Array, sink: SegmentSink): number {
  for (const m of d.msps) {
    if (seqDiff(seq, m.start) >= 0 && seqDiff(seq, m.end) < 0) return feedSegment(d, seq, bytes, sink, false);
  }
  return 0;
}
