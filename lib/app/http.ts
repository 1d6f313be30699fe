/**
 * HTTP/1.x and RTSP over TCP: header + body desegmentation (Content-Length, chunked), Info text as
 * tshark 4.0 (`GET /x HTTP/1.1 `, `HTTP/1.1 200 OK  (text/html)`, RTSP `Reply: RTSP/1.0 200 OK`),
 * media sub-protocols that change the Protocol column (OCSP, HTTP/JSON, PKIX-CRL, RTSP/SDP).
 */
import type { PacketTable } from "../table/packet-table";
import { Layer } from "../table/layers";
import type { FrameCtx } from "./frame";
import { ONE_MORE, type ParseResult } from "./reasm";
import { H2_PREFACE, isH2Preface, parseHttp2 } from "./http2";

export interface HttpMessage {
  row: number;
  stream: number;
  isRequest: boolean;
  method: string | null;
  uri: string | null;
  version: string;
  status: number | null;
  reason: string | null;
  host: string | null;
  contentType: string | null;
  contentLength: number | null;
  userAgent: string | null;
  /** Header count. */
  headers: [string, string][];
  bodyLength: number;
}

export interface HttpStreamSummary {
  stream: number;
  /** Host of the first request that named one. */
  host: string | null;
  /** Every distinct host the requests named (Host header; HTTP/2 :authority), in order. */
  hosts: string[];
  requests: number;
  responses: number;
  userAgent: string | null;
  statuses: number[];
}

export class HttpSession {
  summary: HttpStreamSummary;
  /** Methods of requests not yet answered (HEAD → response without body). */
  pendingMethods: string[] = [];
  /** A request or response line was seen (before that, non-HTTP data is not claimed at all). */
  seenMessage = false;
  /** Switched to HTTP/2 (connection preface seen, or 101 Switching Protocols to h2c). */
  h2 = false;
  /** The bytes handed to `parse` are never reused (decrypted plaintext): listeners may keep views of them. */
  ownsBytes = false;
  constructor(readonly stream: number, readonly rtsp: boolean) {
    this.summary = { stream, host: null, hosts: [], requests: 0, responses: 0, userAgent: null, statuses: [] };
  }
}

const METHODS = [
  "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "TRACE", "PATCH", "PROPFIND", "PROPPATCH",
  "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE", "M-SEARCH",
  "REPORT", "MKACTIVITY", "CHECKOUT", "MERGE",
];
const RTSP_METHODS = ["DESCRIBE", "ANNOUNCE", "GET_PARAMETER", "OPTIONS", "PAUSE", "PLAY", "RECORD", "REDIRECT", "SETUP", "SET_PARAMETER", "TEARDOWN"];

function startsWithAscii(b: Uint8Array, o: number, s: string): boolean {
  if (b.length - o < s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[o + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** Does the data start like an HTTP request or response line? */
export function looksLikeHttp(b: Uint8Array, o = 0): boolean {
  if (startsWithAscii(b, o, "HTTP/1.")) return true;
  for (const m of METHODS) if (startsWithAscii(b, o, m + " ")) return true;
  return false;
}

function looksLikeRtsp(b: Uint8Array, o: number): boolean {
  if (startsWithAscii(b, o, "RTSP/1.")) return true;
  for (const m of RTSP_METHODS) if (startsWithAscii(b, o, m + " ")) return true;
  return false;
}

function findHeaderEnd(b: Uint8Array, o: number): number {
  for (let i = o; i + 1 < b.length; i++) {
    if (b[i] === 10) {
      if (b[i + 1] === 10) return i + 2;
      if (b[i + 1] === 13 && i + 2 < b.length && b[i + 2] === 10) return i + 3;
    }
  }
  return -1;
}

function ascii(b: Uint8Array, s: number, e: number): string {
  let out = "";
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i]);
  return out;
}

/** Info text of the media type as Wireshark's media/image dissectors print it. */
export function mediaText(ct: string, body: Uint8Array): { proto: string | null; info: string; replace?: boolean } {
  const base = ct.split(";")[0].trim().toLowerCase();
  switch (base) {
    case "application/ocsp-request":
      return { proto: "OCSP", info: "Request", replace: true };
    case "application/ocsp-response":
      return { proto: "OCSP", info: "Response", replace: true };
    case "application/pkix-crl":
      return { proto: "PKIX-CRL", info: "Certificate Revocation List", replace: true };
    case "application/json":
      return { proto: "HTTP/JSON", info: `, JavaScript Object Notation (${base})` };
    case "application/sdp":
      return { proto: "SDP", info: "" };
    case "image/jpeg":
      return { proto: null, info: " (JPEG JFIF image)" };
    case "image/gif":
      return { proto: null, info: body.length >= 6 ? ` (${ascii(body, 0, 6)})` : " (GIF)" };
    case "image/png":
      return { proto: null, info: " (PNG)" };
    case "application/octet-stream":
      return { proto: null, info: "" };
  }
  // media types the XML dissector registers for (text/xml, application/xml, the "+xml" family): no suffix
  if (base === "text/xml" || base === "application/xml" || base.endsWith("+xml")) return { proto: "HTTP/XML", info: "" };
  return { proto: null, info: ` (${base})` };
}

/**
 * Sees every HTTP message with its body bytes as consecutive parts (still chunk-framed when `chunked`;
 * views valid during the call only, unless the session `ownsBytes`).
 */
export type HttpMessageListener = (m: HttpMessage, body: Uint8Array[], chunked: boolean, s: HttpSession) => void;

export class HttpParser {
  readonly messages = new Map<number, HttpMessage>();
  /** Messages displaced from `messages` by a later one that completed in the same frame (pipelining). */
  readonly earlier: HttpMessage[] = [];
  /** Set by a later stage (the export of objects) to see message bodies. */
  onMessage: HttpMessageListener | null = null;
  constructor(readonly t: PacketTable) {}

  /**
   * Parse the messages in `b`. `rest` (decrypted data only) holds the bytes that follow `b` when `b`
   * starts a message whose Content-Length body ends exactly at the end of `rest`: the message is then
   * complete without copying its body into one buffer (the body is handed on as parts).
   */
  parse(s: HttpSession, b: Uint8Array, ctx: FrameCtx, toServer: boolean, rest: Uint8Array[] | null = null): ParseResult {
    let o = 0;
    while (o < b.length) {
      if (s.h2) {
        const r = parseHttp2(b.subarray(o), ctx);
        return { consumed: o + r.consumed, need: r.need };
      }
      if (!s.rtsp && b[o] === 0x50 && b.length - o >= 3 && b[o + 1] === 0x52 && b[o + 2] === 0x49) {
        if (b.length - o < H2_PREFACE.length) return { consumed: o, need: ONE_MORE };
        if (isH2Preface(b, o)) {
          s.h2 = true;
          s.seenMessage = true;
          continue;
        }
      }
      const ok = s.rtsp ? looksLikeRtsp(b, o) : looksLikeHttp(b, o);
      if (!ok) {
        // RTSP interleaved binary data ($ channel len) — framing only.
        if (s.rtsp && b[o] === 0x24) {
          if (b.length - o < 4) return { consumed: o, need: ONE_MORE };
          const l = 4 + ((b[o + 2] << 8) | b[o + 3]);
          if (b.length - o < l) return { consumed: o, need: l };
          ctx.pdu("RTSP", "Interleaved channel 0x" + b[o + 1].toString(16).padStart(2, "0") + ", " + (l - 4) + " bytes", 0);
          o += l;
          continue;
        }
        if (!s.seenMessage && o === 0) {
          // Wireshark takes data starting with a printable character as the start of an HTTP line and,
          // without a line end yet, asks for the next segment (packet-http.c, http_desegment_headers);
          // checked with tshark 4.0: "hello, world\0…" is a segment of a reassembled PDU, zeros are not
          if (!s.rtsp && b[0] >= 0x20 && b[0] < 0x7f && b.indexOf(10) < 0) return { consumed: 0, need: ONE_MORE };
          ctx.rejected = true;
          return { consumed: b.length, need: 0 };
        }
        ctx.pdu(s.rtsp ? "RTSP" : "HTTP", "Continuation", Layer.HTTP);
        return { consumed: b.length, need: 0 };
      }
      s.seenMessage = true;
      const he = findHeaderEnd(b, o);
      if (he < 0) return { consumed: o, need: ONE_MORE };
      // Parse the head.
      const head = ascii(b, o, he);
      const lines = head.split(/\r?\n/);
      const first = lines[0];
      const headers: [string, string][] = [];
      let cl: number | null = null;
      let chunked = false;
      let ct: string | null = null;
      let host: string | null = null;
      let ua: string | null = null;
      for (let i = 1; i < lines.length; i++) {
        const l = lines[i];
        if (!l) continue;
        const c = l.indexOf(":");
        if (c <= 0) continue;
        const k = l.slice(0, c).trim();
        const v = l.slice(c + 1).trim();
        headers.push([k, v]);
        const kl = k.toLowerCase();
        if (kl === "content-length") cl = parseInt(v, 10);
        else if (kl === "transfer-encoding" && /chunked/i.test(v)) chunked = true;
        else if (kl === "content-type") ct = v;
        else if (kl === "host") host = v;
        else if (kl === "user-agent") ua = v;
      }
      const isResponse = first.startsWith("HTTP/") || first.startsWith("RTSP/");
      let method: string | null = null;
      let uri: string | null = null;
      let version = "";
      let status: number | null = null;
      let reason: string | null = null;
      if (isResponse) {
        const m = /^(\S+)\s+(\d{3})\s?(.*)$/.exec(first);
        version = m?.[1] ?? first;
        status = m ? parseInt(m[2], 10) : null;
        reason = m?.[3] ?? null;
      } else {
        const m = /^(\S+)\s+(\S+)\s+(\S+)/.exec(first);
        method = m?.[1] ?? first.split(" ")[0];
        uri = m?.[2] ?? null;
        version = m?.[3] ?? "";
      }
      // Body length.
      let bodyLen = 0;
      let total = he - o;
      if (isResponse && !s.rtsp && (status! < 200 || status === 204 || status === 304 || s.pendingMethods[0] === "HEAD")) {
        bodyLen = 0;
      } else if (chunked && !s.rtsp) {
        const r = chunkedEnd(b, he);
        if (r < 0) return { consumed: o, need: ONE_MORE };
        bodyLen = r - he;
        total = r - o;
      } else if (cl !== null && cl > 0) {
        bodyLen = cl;
        total += cl;
        if (b.length - o < total && (rest === null || o !== 0 || b.length + partsLength(rest) !== total)) return { consumed: o, need: total };
      } else if (isResponse && !s.rtsp && cl === null && !chunked) {
        // No length: the body runs to the end of the data at hand.
        bodyLen = b.length - he;
        total = b.length - o;
      }
      const inB = Math.min(bodyLen, b.length - he);
      const body0 = b.subarray(he, he + inB);
      const body = inB === bodyLen ? [body0] : [body0, ...rest!];
      if (isResponse) {
        s.pendingMethods.shift();
        s.summary.responses++;
        if (status !== null) s.summary.statuses.push(status);
      } else {
        s.pendingMethods.push(method ?? "");
        s.summary.requests++;
        if (host && s.summary.host === null) s.summary.host = host;
        if (host && !s.summary.hosts.includes(host)) s.summary.hosts.push(host);
        if (ua && s.summary.userAgent === null) s.summary.userAgent = ua;
      }
      const earlier = this.messages.get(ctx.row);
      if (earlier !== undefined) this.earlier.push(earlier);
      const msg: HttpMessage = {
        row: ctx.row,
        stream: s.stream,
        isRequest: !isResponse,
        method,
        uri,
        version,
        status,
        reason,
        host,
        contentType: ct,
        contentLength: cl,
        userAgent: ua,
        headers,
        bodyLength: bodyLen,
      };
      this.messages.set(ctx.row, msg);
      if (this.onMessage !== null && !s.rtsp) this.onMessage(msg, body, chunked, s);
      let proto = s.rtsp ? "RTSP" : "HTTP";
      let info = s.rtsp ? (isResponse ? `Reply: ${first}` : first) : `${first} `;
      if (bodyLen > 0 && ct) {
        const m = mediaText(ct, body0.length >= 6 || body.length === 1 ? body0 : concatParts(body, 6));
        if (s.rtsp) {
          if (m.proto === "SDP") proto = "RTSP/SDP";
        } else if (m.replace) {
          proto = m.proto!;
          info = m.info;
        } else {
          if (m.proto) proto = m.proto;
          info += m.info;
        }
      }
      ctx.pdu(proto, info, Layer.HTTP);
      o += total;
      if (isResponse && status === 101 && headers.some(([k, v]) => k.toLowerCase() === "upgrade" && /^h2c$/i.test(v))) s.h2 = true;
      void toServer;
    }
    return { consumed: o, need: 0 };
  }
}

function partsLength(parts: Uint8Array[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}

/** The first `max` bytes of consecutive parts, in one buffer. */
export function concatParts(parts: Uint8Array[], max = Infinity): Uint8Array {
  if (parts.length === 1 && parts[0].length <= max) return parts[0];
  const out = new Uint8Array(Math.min(max, partsLength(parts)));
  let o = 0;
  for (const p of parts) {
    if (o >= out.length) break;
    const take = Math.min(p.length, out.length - o);
    out.set(take === p.length ? p : p.subarray(0, take), o);
    o += take;
  }
  return out;
}

/** End offset of a chunked body starting at `o` (after the trailers), or -1 if incomplete. */
function chunkedEnd(b: Uint8Array, o: number): number {
  for (;;) {
    let e = o;
    while (e + 1 < b.length && !(b[e] === 13 && b[e + 1] === 10)) e++;
    if (e + 1 >= b.length) return -1;
    const size = parseInt(ascii(b, o, e).split(";")[0].trim(), 16);
    if (!Number.isFinite(size)) return e + 2;
    o = e + 2;
    if (size === 0) {
      // Trailers until an empty line.
      for (;;) {
        let f = o;
        while (f + 1 < b.length && !(b[f] === 13 && b[f + 1] === 10)) f++;
        if (f + 1 >= b.length) return -1;
        if (f === o) return f + 2;
        o = f + 2;
      }
    }
    if (b.length < o + size + 2) return -1;
    o += size + 2;
  }
}
