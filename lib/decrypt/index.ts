/**
 * TLS decryption, public side: the decrypted-record table, the plaintext of each stream direction, the
 * HTTP/2 exchanges of decrypted h2 connections, and the export of HTTP objects. Decryption itself runs
 * inside `readCapture(f, { keylog })` (./tls-decrypt.ts); pcapng Decryption Secrets Blocks are used
 * without any option.
 */
import type { AppDissector } from "../app/index";
import { decryptorOf } from "./tls-decrypt";
import type { KeyLogWarning } from "./keylog";
import { toRecordTable, type TlsRecordTable } from "./records";
import { ObjectTable, h2Object, type HttpExchange, type HttpObject } from "./objects";
import type { H2Frame, H2Message } from "./h2";

export { RecordStatus, RECORD_STATUS_NAMES } from "./crypto";
export { KeyStore, IGNORED_LABELS, type KeyLogWarning, type SessionSecrets } from "./keylog";
export { suiteInfo, type Suite } from "./suites";
export { ObjectTable, type HttpObject, type HttpExchange } from "./objects";
export type { TlsRecordTable } from "./records";
export type { H2Message, H2Frame } from "./h2";

/** What these functions need of a Capture: its application layers. */
export interface WithApp {
  readonly app: AppDissector;
}

/**
 * One row per TLS record of the streams followed by the decryption stage (every TLS stream when a key
 * log or a secrets block was present): frame, stream, direction (0 client → server), record number,
 * outer and inner content type, length, plaintext length and status (see `statusNames`).
 */
export function tlsRecords(cap: WithApp): TlsRecordTable {
  const d = decryptorOf(cap.app);
  if (!d) throw new TypeError("tlsRecords: this capture was read without its application layers");
  return toRecordTable(d.records);
}

/** Decrypted application data of one direction of a TCP stream (0 = client → server, 1 = server → client). */
export function tlsPlaintext(cap: WithApp, stream: number, direction: 0 | 1): Uint8Array {
  if (direction !== 0 && direction !== 1) throw new TypeError("tlsPlaintext: direction must be 0 (client → server) or 1 (server → client)");
  const d = decryptorOf(cap.app);
  return d ? d.plaintext(stream, direction) : new Uint8Array(0);
}

/**
 * What the key log and the secrets blocks gave: usable lines, the labels ignored (count and reason) and
 * the malformed lines (also in `meta.warnings`, code "keylog").
 */
export function tlsKeyLog(cap: WithApp): { loaded: number; ignored: { label: string; count: number; reason: string }[]; warnings: KeyLogWarning[] } {
  const d = decryptorOf(cap.app);
  if (!d) return { loaded: 0, ignored: [], warnings: [] };
  const k = d.keys;
  return { loaded: k.loaded, ignored: [...k.ignored].map(([label, v]) => ({ label, count: v.count, reason: v.reason })), warnings: [...k.warnings] };
}

/** TCP streams whose TLS the decryption stage followed, with suite, version, ALPN and whether keys were found. */
export function tlsSessions(cap: WithApp): { stream: number; suite: number; version: number; alpn: string | null; keys: boolean }[] {
  const d = decryptorOf(cap.app);
  if (!d) return [];
  return d.streams().map((s) => {
    const x = d.session(s)!;
    return { stream: s, suite: x.suite, version: x.version, alpn: x.alpn, keys: x.keys };
  });
}

/** HTTP/2 exchanges (one per HTTP/2 stream) of the decrypted h2 connections, by TCP stream. */
export function http2Messages(cap: WithApp): { tcpStream: number; message: H2Message }[] {
  const d = decryptorOf(cap.app);
  const out: { tcpStream: number; message: H2Message }[] = [];
  if (!d) return out;
  for (const s of d.streams()) {
    const h2 = d.session(s)?.h2;
    if (h2) for (const m of h2.messages.values()) out.push({ tcpStream: s, message: m });
  }
  return out;
}

/**
 * Every HTTP request with its response, in request order — HTTP/1.x (plain or decrypted; pipelined
 * requests paired in order) and HTTP/2 of decrypted h2 connections — with the rows of both, method,
 * URI, host, Range, status, content type, Content-Range and body size: the page's exchanges (HTML,
 * images, media range requests and their 206 responses). Times: `cap.relativeTime(row)`.
 */
export function httpExchanges(cap: WithApp): HttpExchange[] {
  const d = decryptorOf(cap.app);
  if (!d) return [];
  const out: HttpExchange[] = [...d.objects.exchanges];
  for (const { tcpStream, message: m } of http2Messages(cap)) {
    out.push({
      stream: tcpStream, protocol: "http2", h2Stream: m.streamId, requestRow: m.requestRow,
      responseRow: m.lastDataRow >= 0 ? m.lastDataRow : m.responseRow, method: m.method, uri: m.path, host: m.authority,
      range: m.requestHeaders.find(([k]) => k === "range")?.[1] ?? null, status: m.status, contentType: m.contentType,
      contentRange: m.responseHeaders.find(([k]) => k === "content-range")?.[1] ?? null, bodyLength: m.bodyLength,
    });
  }
  const key = (x: HttpExchange) => (x.requestRow >= 0 ? x.requestRow : x.responseRow);
  return out.sort((a, b) => key(a) - key(b));
}

/**
 * The HTTP/2 frames that completed in a packet (0-based row) of a decrypted h2 connection, with the
 * decoded header block of HEADERS frames: the data behind the http2.type, http2.streamid and
 * http2.headers.* display-filter fields. Empty for other packets.
 */
export function http2Frames(cap: WithApp, row: number): H2Frame[] {
  const d = decryptorOf(cap.app);
  if (!d || row < 0 || row >= cap.app.t.length) return [];
  const sid = cap.app.t.tcpStream[row];
  if (sid >= 0) return d.session(sid)?.h2?.frames.get(row) ?? [];
  for (const s of d.streams()) {
    const f = d.session(s)?.h2?.frames.get(row);
    if (f) return f;
  }
  return [];
}

/**
 * The capture's HTTP objects, as Wireshark's Export Objects → HTTP lists them (frame, hostname,
 * content type, filename, size) plus the bytes with the content encoding undone; `save(dir)` writes
 * them under tshark's file names. Includes HTTP/2 responses of decrypted connections (protocol "http2").
 */
export function exportObjects(cap: WithApp): ObjectTable {
  const d = decryptorOf(cap.app);
  if (!d) return new ObjectTable([]);
  const rows: HttpObject[] = [...d.objects.objects];
  for (const { tcpStream, message } of http2Messages(cap)) {
    const o = h2Object(tcpStream, message);
    if (o) rows.push(o);
  }
  rows.sort((a, b) => a.frame - b.frame);
  return new ObjectTable(rows);
}
