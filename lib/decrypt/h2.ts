/**
 * HTTP/2 over decrypted TLS (ALPN h2): frames, HPACK header blocks, and the Info text tshark 4.0 shows
 * (`Magic`, `SETTINGS[0]`, `HEADERS[1]: GET /`, `HEADERS[1]: 200 OK`, `DATA[1] (text/html)`), plus the
 * messages (request and response headers, body bytes) for the export of objects.
 */
import { Layer } from "../table/layers";
import type { FrameCtx } from "../app/frame";
import { ONE_MORE, type ParseResult } from "../app/reasm";
import { H2_PREFACE, h2FrameHeader, h2FrameText, isH2Preface, partialH2Preface } from "../app/http2";
import { mediaText } from "../app/http";
import { HpackDecoder, HpackError } from "./hpack";

export const HTTP_REASONS: Record<number, string> = {
  100: "Continue", 101: "Switching Protocols", 103: "Early Hints", 200: "OK", 201: "Created", 202: "Accepted",
  203: "Non-authoritative Information", 204: "No Content", 205: "Reset Content", 206: "Partial Content",
  300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
  307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
  404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Time-out", 409: "Conflict",
  410: "Gone", 411: "Length Required", 412: "Precondition Failed", 413: "Request Entity Too Large",
  414: "Request-URI Too Long", 415: "Unsupported Media Type", 416: "Requested Range Not Satisfiable",
  421: "Misdirected Request", 429: "Too Many Requests", 500: "Internal Server Error", 501: "Not Implemented",
  502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Time-out", 505: "HTTP Version not supported",
};

/** One HTTP/2 stream's exchange. */
export interface H2Message {
  /** HTTP/2 stream id. */
  streamId: number;
  /** 0-based rows of the request HEADERS, the response HEADERS and the last DATA frame (-1 if none). */
  requestRow: number;
  responseRow: number;
  lastDataRow: number;
  requestHeaders: [string, string][];
  responseHeaders: [string, string][];
  method: string | null;
  path: string | null;
  authority: string | null;
  status: number | null;
  contentType: string | null;
  /** Response body (DATA frames concatenated, padding removed). */
  body: Uint8Array[];
  bodyLength: number;
  /** Request body length. */
  requestBodyLength: number;
  done: boolean;
}

/** One HTTP/2 frame, for the http2.* display-filter fields of its packet. */
export interface H2Frame {
  /** http2.type, http2.flags, http2.streamid, http2.length */
  type: number;
  flags: number;
  streamId: number;
  length: number;
  /** Decoded header fields of a HEADERS/CONTINUATION frame that ended a header block (http2.header.name/value). */
  headers: [string, string][] | null;
}

export class H2Connection {
  /** Frames by 0-based packet row (the row where each frame completed). */
  readonly frames = new Map<number, H2Frame[]>();
  private readonly hpack: [HpackDecoder, HpackDecoder] = [new HpackDecoder(), new HpackDecoder()];
  readonly messages = new Map<number, H2Message>();
  /** Header block being continued (CONTINUATION), per direction. */
  private pendingBlock: [{ sid: number; parts: Uint8Array[]; end: boolean } | null, { sid: number; parts: Uint8Array[]; end: boolean } | null] = [null, null];
  errors = 0;
  private lastBlock: [string, string][] | null = null;
  constructor(readonly tcpStream: number) {}

  private msg(sid: number): H2Message {
    let m = this.messages.get(sid);
    if (!m) {
      m = {
        streamId: sid, requestRow: -1, responseRow: -1, lastDataRow: -1, requestHeaders: [], responseHeaders: [],
        method: null, path: null, authority: null, status: null, contentType: null, body: [], bodyLength: 0,
        requestBodyLength: 0, done: false,
      };
      this.messages.set(sid, m);
    }
    return m;
  }

  parse(b: Uint8Array, ctx: FrameCtx, toServer: boolean): ParseResult {
    const dir = toServer ? 0 : 1;
    let o = 0;
    while (o < b.length) {
      if (toServer && b[o] === 0x50) {
        if (partialH2Preface(b, o)) return { consumed: o, need: H2_PREFACE.length };
        if (isH2Preface(b, o)) {
          ctx.pdu("HTTP2", "Magic", Layer.HTTP);
          o += H2_PREFACE.length;
          continue;
        }
      }
      if (b.length - o < 9) return { consumed: o, need: ONE_MORE };
      const { length: len, type, flags, streamId: sid } = h2FrameHeader(b, o);
      const total = 9 + len;
      if (b.length - o < total) return { consumed: o, need: total };
      const payload = b.subarray(o + 9, o + total);
      let proto = "HTTP2";
      let info = h2FrameText(type, sid);
      const fr: H2Frame = { type, flags, streamId: sid, length: len, headers: null };
      const list = this.frames.get(ctx.row);
      if (list) list.push(fr);
      else this.frames.set(ctx.row, [fr]);
      if (type === 1 || type === 9) {
        this.lastBlock = null;
        const extra = this.headers(dir, type, flags, sid, payload, ctx.row);
        fr.headers = this.lastBlock;
        if (extra) info += extra;
      } else if (type === 0) {
        const m = this.data(dir, flags, sid, payload, ctx.row);
        if (m) {
          const mt = mediaText(m.contentType ?? "", concatBody(m));
          if (mt.replace) {
            proto = mt.proto!;
            info = mt.info;
          } else {
            if (mt.proto) proto = mt.proto.replace(/^HTTP\//, "HTTP2/");
            info += mt.info;
          }
        }
      }
      ctx.pdu(proto, info, Layer.HTTP);
      o += total;
    }
    return { consumed: o, need: 0 };
  }

  /** HEADERS / CONTINUATION: decode the block when complete; returns the Info suffix (": GET /"). */
  private headers(dir: number, type: number, flags: number, sid: number, p: Uint8Array, row: number): string {
    let frag = p;
    if (type === 1) {
      let o = 0;
      let padLen = 0;
      if (flags & 0x08) {
        padLen = p[0] ?? 0;
        o = 1;
      }
      if (flags & 0x20) o += 5;
      frag = p.subarray(Math.min(o, p.length), Math.max(o, p.length - padLen));
      this.pendingBlock[dir] = { sid, parts: [frag], end: (flags & 0x01) !== 0 };
    } else {
      const pb = this.pendingBlock[dir];
      if (!pb || pb.sid !== sid) return "";
      pb.parts.push(frag);
    }
    if (!(flags & 0x04)) return ""; // END_HEADERS not yet
    const pb = this.pendingBlock[dir]!;
    this.pendingBlock[dir] = null;
    const block = pb.parts.length === 1 ? pb.parts[0] : Buffer.concat(pb.parts);
    let hs: [string, string][];
    try {
      hs = this.hpack[dir].decode(block);
    } catch (e) {
      if (!(e instanceof HpackError)) throw e;
      this.errors++;
      return "";
    }
    this.lastBlock = hs;
    const m = this.msg(sid);
    const get = (k: string) => hs.find(([n]) => n === k)?.[1] ?? null;
    if (dir === 0) {
      m.requestHeaders.push(...hs);
      m.requestRow = row;
      m.method = get(":method");
      m.path = get(":path");
      m.authority = get(":authority") ?? get("host");
      if (m.method !== null) return `: ${m.method} ${m.path ?? ""}`.trimEnd();
      return "";
    }
    const st = get(":status");
    if (st !== null) {
      m.responseHeaders = hs;
      m.responseRow = row;
      m.status = parseInt(st, 10);
      m.contentType = get("content-type");
      if (pb.end) m.done = true;
      const reason = HTTP_REASONS[m.status];
      return `: ${st}${reason ? " " + reason : ""}`;
    }
    m.responseHeaders.push(...hs); // trailers
    return "";
  }

  /** DATA: returns the message when its response body is complete (END_STREAM) and has a content type. */
  private data(dir: number, flags: number, sid: number, p: Uint8Array, row: number): H2Message | null {
    let body = p;
    if (flags & 0x08) {
      const pad = p[0] ?? 0;
      body = p.subarray(1, Math.max(1, p.length - pad));
    }
    const m = this.msg(sid);
    if (dir === 0) {
      m.requestBodyLength += body.length;
      return null;
    }
    if (body.length) {
      m.body.push(body.slice());
      m.bodyLength += body.length;
    }
    m.lastDataRow = row;
    if (flags & 0x01) {
      m.done = true;
      if (m.contentType && m.bodyLength > 0) return m;
    }
    return null;
  }
}

function concatBody(m: H2Message): Uint8Array {
  return m.body.length === 1 ? m.body[0] : Buffer.concat(m.body);
}
