/**
 * Line-oriented TCP protocols, with the Protocol/Info text of tshark 4.0: FTP (and the FTP-DATA connections
 * its PASV/EPSV/PORT/EPRT set up), SMTP, POP, IMAP, Telnet.
 *
 * Each TCP segment is one PDU (Wireshark's FTP, POP and IMAP dissectors work per segment); SMTP and IMAP
 * wait for the end of a line split across segments, as their line desegmentation does.
 */
import type { FrameCtx } from "./frame";
import { ONE_MORE, type ParseResult } from "./reasm";

/** Per-stream state of the text protocols. */
export class TextSession {
  /** SMTP: after DATA + 354, the client sends the message until "." on a line of its own. */
  smtpData = false;
  smtpDataPending = false;
  /** FTP: the last transfer command line (RETR, STOR, LIST…), named in the FTP-DATA Info. */
  lastCommand = "";
  constructor(readonly kind: string) {}
}

/** An FTP data connection announced on a control connection: FTP-DATA names its rows. */
export interface FtpDataExpect {
  /** "PASV", "EPSV", "PORT", "EPRT" */
  mode: string;
  control: TextSession;
}

/** What the FTP parser announces: a data connection to (address text, port). */
export interface FtpAnnounce {
  addr: string | null;
  port: number;
  mode: string;
}

/** Lines of a payload (without their CR LF); the last element is the unterminated rest ("" if none). */
function lines(b: Uint8Array): string[] {
  const out: string[] = [];
  let s = "";
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 10) {
      out.push(s.endsWith("\r") ? s.slice(0, -1) : s);
      s = "";
    } else s += String.fromCharCode(c);
  }
  out.push(s);
  return out;
}

function hasLf(b: Uint8Array): boolean {
  return b.indexOf(10) >= 0;
}

/** The first line of a payload (up to CR or LF), as Wireshark's tvb_find_line_end. */
function firstLine(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 13 || c === 10) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** FTP: "Request: <line>" / "Response: <line>" (first line). Returns a data connection it announces. */
export function parseFtp(s: TextSession, b: Uint8Array, ctx: FrameCtx, toServer: boolean, serverAddr: string, clientAddr: string): { r: ParseResult; announce: FtpAnnounce | null } {
  const line = firstLine(b);
  ctx.pdu("FTP", `${toServer ? "Request" : "Response"}: ${line}`, 0);
  let announce: FtpAnnounce | null = null;
  if (toServer) {
    // the transfer command named by the FTP-DATA rows of the data connection
    if (/^(RETR|STOR|STOU|APPE|LIST|NLST|MLSD)\b/i.test(line)) s.lastCommand = line;
    let m = /^PORT\s+(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)/i.exec(line);
    if (m) announce = { addr: `${m[1]}.${m[2]}.${m[3]}.${m[4]}`, port: Number(m[5]) * 256 + Number(m[6]), mode: "PORT" };
    m = /^EPRT\s+(.)(\d)\1([^|]*)\1(\d+)\1/i.exec(line);
    if (m) announce = { addr: m[3] || clientAddr, port: Number(m[4]), mode: "EPRT" };
  } else {
    let m = /^227[ -].*?(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)/.exec(line);
    if (m) announce = { addr: `${m[1]}.${m[2]}.${m[3]}.${m[4]}`, port: Number(m[5]) * 256 + Number(m[6]), mode: "PASV" };
    m = /^229[ -].*\((.)\1\1(\d+)\1\)/.exec(line);
    if (m) announce = { addr: serverAddr, port: Number(m[2]), mode: "EPSV" };
  }
  return { r: { consumed: b.length, need: 0 }, announce };
}

/** FTP-DATA: "FTP Data: N bytes (PASV) (RETR name)". */
export function parseFtpData(e: FtpDataExpect | null, b: Uint8Array, ctx: FrameCtx): ParseResult {
  let info = `FTP Data: ${b.length} bytes`;
  if (e) {
    info += ` (${e.mode})`;
    if (e.control.lastCommand) info += ` (${e.control.lastCommand})`;
  }
  ctx.pdu("FTP-DATA", info, 0);
  return { consumed: b.length, need: 0 };
}

/** SMTP: "C: <commands joined by ' | '>" / "S: <reply lines, continuation codes stripped, joined by ' | '>". */
export function parseSmtp(s: TextSession, b: Uint8Array, ctx: FrameCtx, toServer: boolean): ParseResult {
  if (toServer && s.smtpData) {
    // message body: fragments until the line with a single "."
    const text = lines(b);
    const ended = text.some((l, i) => l === "." && i < text.length - 1);
    if (ended) {
      s.smtpData = false;
      ctx.pdu("SMTP/IMF", null, 0);
    } else ctx.pdu("SMTP", `C: DATA fragment, ${b.length} byte${b.length === 1 ? "" : "s"}`, 0);
    return { consumed: b.length, need: 0 };
  }
  if (!hasLf(b)) return { consumed: 0, need: ONE_MORE };
  const ls = lines(b);
  if (ls[ls.length - 1] === "") ls.pop();
  if (toServer) {
    if (ls.some((l) => /^DATA$/i.test(l.trim()))) s.smtpDataPending = true;
    ctx.pdu("SMTP", `C: ${ls.join(" | ")}`, 0);
  } else {
    const parts = ls.map((l, i) => (i === 0 ? l : l.length >= 4 && /^\d{3}[ -]/.test(l) ? l.slice(4) : l));
    if (/^354/.test(ls[0] ?? "") && s.smtpDataPending) {
      s.smtpData = true;
      s.smtpDataPending = false;
    }
    ctx.pdu("SMTP", `S: ${parts.join(" | ")}`, 0);
  }
  return { consumed: b.length, need: 0 };
}

/** POP: "C: <first line>" / "S: <first line>". */
export function parsePop(b: Uint8Array, ctx: FrameCtx, toServer: boolean): ParseResult {
  ctx.pdu("POP", `${toServer ? "C" : "S"}: ${firstLine(b)}`, 0);
  return { consumed: b.length, need: 0 };
}

/** IMAP: "Request: <line>" / "Response: <line>" of the segment's last line (each line overwrites the column). */
export function parseImap(b: Uint8Array, ctx: FrameCtx, toServer: boolean): ParseResult {
  if (!hasLf(b)) return { consumed: 0, need: ONE_MORE };
  const ls = lines(b);
  if (ls[ls.length - 1] === "") ls.pop();
  ctx.pdu("IMAP", `${toServer ? "Request" : "Response"}: ${ls[ls.length - 1] ?? ""}`, 0);
  return { consumed: b.length, need: 0 };
}

/** Telnet: tshark names every segment "Telnet Data ...". */
export function parseTelnet(b: Uint8Array, ctx: FrameCtx): ParseResult {
  ctx.pdu("TELNET", "Telnet Data ...", 0);
  return { consumed: b.length, need: 0 };
}
