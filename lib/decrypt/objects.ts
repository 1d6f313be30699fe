/**
 * HTTP objects (Wireshark's File → Export Objects → HTTP): every HTTP/1.x message with a body — the
 * response to a GET, a POST's body — with the fields of Wireshark's `export_object_entry_t` (frame,
 * hostname, content type, filename, size) and the bytes, de-chunked and with the content encoding
 * (gzip, deflate, br) undone. HTTP/2 responses of decrypted h2 connections are listed too (protocol
 * "http2"); tshark 4.0.17 with -2 exports none of those.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { concatParts, type HttpMessage, type HttpSession } from "../app/http";
import type { H2Message } from "./h2";

export interface HttpObject {
  /** Frame number (1-based) of the message that carried the body. */
  frame: number;
  /** TCP stream index. */
  stream: number;
  protocol: "http" | "http2";
  /** Host header (HTTP/2: :authority) of the request. */
  hostname: string;
  /** Media type of the body (parameters removed, lower case), "" if none. */
  contentType: string;
  /** Name as Wireshark gives it: the last component of the request URI. */
  filename: string;
  /** Bytes after de-chunking and content decoding. */
  size: number;
  bytes: Uint8Array;
  /** Request method and URI, response status (null for a request body). */
  method: string | null;
  uri: string | null;
  status: number | null;
  /** Content-Encoding of the body and whether undoing it failed (the raw bytes are kept then). */
  contentEncoding: string | null;
  decodeError: string | null;
}

interface Pending {
  method: string | null;
  uri: string | null;
  host: string | null;
}

/** One HTTP request and its response (either may be missing: a capture cut short, a cancelled download). */
export interface HttpExchange {
  stream: number;
  protocol: "http" | "http2";
  /** HTTP/2 stream id (null for HTTP/1.x). */
  h2Stream: number | null;
  /** 0-based rows of the request and of the (last packet of the) response, -1 when absent. */
  requestRow: number;
  responseRow: number;
  method: string | null;
  uri: string | null;
  host: string | null;
  /** Range request header (video/audio seeking), e.g. "bytes=0-". */
  range: string | null;
  status: number | null;
  contentType: string | null;
  /** Content-Range of a 206 response. */
  contentRange: string | null;
  /** Body bytes on the wire (before de-chunking / decoding); HTTP/2: DATA payload. */
  bodyLength: number;
}

/** Collects HTTP/1.x bodies while the capture is read (attached to the HttpParser by the decryption stage). */
export class ObjectCollector {
  readonly objects: HttpObject[] = [];
  readonly exchanges: HttpExchange[] = [];
  /** Exchanges of each TCP stream still waiting for their response (pipelining: in order). */
  private readonly open = new Map<number, HttpExchange[]>();
  private readonly pending = new Map<number, Pending[]>();
  /** Bytes of bodies kept; past the budget bodies are counted but not kept. */
  kept = 0;
  budget = 256 << 20;
  dropped = 0;

  private exchange(m: HttpMessage, stream: number): void {
    let open = this.open.get(stream);
    if (!open) {
      open = [];
      this.open.set(stream, open);
    }
    if (m.isRequest) {
      const x = exchangeOf(stream);
      x.requestRow = m.row;
      x.method = m.method;
      x.uri = m.uri;
      x.host = m.host;
      x.range = header(m.headers, "range");
      this.exchanges.push(x);
      open.push(x);
      return;
    }
    if (m.status !== null && m.status < 200 && m.status !== 101) return; // 1xx interim responses
    let x = open.shift();
    if (!x) {
      x = exchangeOf(stream);
      this.exchanges.push(x);
    }
    x.responseRow = m.row;
    x.status = m.status;
    x.contentType = m.contentType;
    x.contentRange = header(m.headers, "content-range");
    x.bodyLength = m.bodyLength;
  }

  onHttp(m: HttpMessage, body: Uint8Array[], chunked: boolean, s: HttpSession): void {
    let q = this.pending.get(s.stream);
    if (!q) {
      q = [];
      this.pending.set(s.stream, q);
    }
    let req: Pending | undefined;
    if (m.isRequest) q.push({ method: m.method, uri: m.uri, host: m.host });
    else req = q.shift();
    this.exchange(m, s.stream);
    let len = 0;
    for (const p of body) len += p.length;
    if (len === 0) return;
    if (this.kept + len > this.budget) {
      this.dropped++;
      return;
    }
    this.kept += len;
    // decrypted plaintext is never reused: the object keeps views of it (no copy); de-chunking and
    // content decoding wait until the bytes are asked for
    const parts = s.ownsBytes ? body : body.map((p) => p.slice());
    const uri = m.isRequest ? m.uri : req?.uri ?? null;
    this.objects.push(
      new LazyObject(
        m.row + 1,
        s.stream,
        "http",
        (m.isRequest ? m.host : req?.host) ?? "",
        mediaType(m.contentType),
        basename(uri ?? ""),
        m.isRequest ? m.method : req?.method ?? null,
        uri,
        m.status,
        header(m.headers, "content-encoding"),
        parts,
        chunked,
      ),
    );
  }
}

/** An object whose bytes are de-chunked and decoded from the body parts on first use. */
class LazyObject implements HttpObject {
  private decoded: { bytes: Uint8Array; error: string | null } | null = null;
  constructor(
    readonly frame: number,
    readonly stream: number,
    readonly protocol: "http" | "http2",
    readonly hostname: string,
    readonly contentType: string,
    readonly filename: string,
    readonly method: string | null,
    readonly uri: string | null,
    readonly status: number | null,
    readonly contentEncoding: string | null,
    private parts: Uint8Array[] | null,
    private readonly chunked: boolean,
  ) {}

  private get result(): { bytes: Uint8Array; error: string | null } {
    if (this.decoded === null) {
      const raw = concatParts(this.parts!);
      this.decoded = decode(this.chunked ? dechunk(raw) : raw, this.contentEncoding);
      this.parts = null;
    }
    return this.decoded;
  }

  get bytes(): Uint8Array {
    return this.result.bytes;
  }

  get size(): number {
    return this.result.bytes.length;
  }

  get decodeError(): string | null {
    return this.result.error;
  }

  /** The fields without the bytes (JSON of a getter-backed object would otherwise lose size and error). */
  toJSON(): Omit<HttpObject, "bytes"> {
    const { frame, stream, protocol, hostname, contentType, filename, size, method, uri, status, contentEncoding, decodeError } = this;
    return { frame, stream, protocol, hostname, contentType, filename, size, method, uri, status, contentEncoding, decodeError };
  }
}

function exchangeOf(stream: number): HttpExchange {
  return {
    stream, protocol: "http", h2Stream: null, requestRow: -1, responseRow: -1, method: null, uri: null, host: null,
    range: null, status: null, contentType: null, contentRange: null, bodyLength: 0,
  };
}

export function h2Object(tcpStream: number, m: H2Message): HttpObject | null {
  if (m.bodyLength === 0 || m.lastDataRow < 0) return null;
  const ce = m.responseHeaders.find(([k]) => k === "content-encoding")?.[1] ?? null;
  const { bytes, error } = decode(Buffer.concat(m.body), ce);
  return {
    frame: m.lastDataRow + 1,
    stream: tcpStream,
    protocol: "http2",
    hostname: m.authority ?? "",
    contentType: mediaType(m.contentType),
    filename: basename(m.path ?? ""),
    size: bytes.length,
    bytes,
    method: m.method,
    uri: m.path,
    status: m.status,
    contentEncoding: ce,
    decodeError: error,
  };
}

function header(h: [string, string][], name: string): string | null {
  for (const [k, v] of h) if (k.toLowerCase() === name) return v;
  return null;
}

function mediaType(ct: string | null): string {
  return ct ? ct.split(";")[0].trim().toLowerCase() : "";
}

/** g_path_get_basename: last non-empty component ("/" → "/", "" → "."). */
export function basename(uri: string): string {
  if (uri === "") return ".";
  let e = uri.length;
  while (e > 1 && uri[e - 1] === "/") e--;
  const s = uri.slice(0, e);
  if (s === "/") return "/";
  const i = s.lastIndexOf("/");
  return i >= 0 ? s.slice(i + 1) : s;
}

/** De-chunk a chunked body (stops quietly at malformed framing). */
export function dechunk(b: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let o = 0;
  let total = 0;
  while (o < b.length) {
    let e = o;
    while (e + 1 < b.length && !(b[e] === 13 && b[e + 1] === 10)) e++;
    if (e + 1 >= b.length) break;
    const size = parseInt(Buffer.from(b.subarray(o, e)).toString("latin1").split(";")[0].trim(), 16);
    if (!Number.isFinite(size) || size <= 0) break;
    o = e + 2;
    const part = b.subarray(o, Math.min(b.length, o + size));
    parts.push(part);
    total += part.length;
    o += size + 2;
  }
  const out = new Uint8Array(total);
  let p = 0;
  for (const x of parts) {
    out.set(x, p);
    p += x.length;
  }
  return out;
}

const MAX_DECODED = 256 << 20;

/** Undo a Content-Encoding (gzip, x-gzip, deflate — zlib or raw —, br; stacked codings right to left). */
export function decode(b: Uint8Array, ce: string | null, maxOutput = MAX_DECODED): { bytes: Uint8Array; error: string | null } {
  if (!ce) return { bytes: b, error: null };
  let cur = b;
  const codings = ce.toLowerCase().split(",").map((x) => x.trim()).filter((x) => x && x !== "identity").reverse();
  // a decompression bomb stops at `maxOutput` bytes (an error, the raw bytes kept), never exhausts memory
  const opts = { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: maxOutput };
  for (const c of codings) {
    try {
      if (c === "gzip" || c === "x-gzip") cur = zlib.gunzipSync(cur, opts);
      else if (c === "deflate") {
        try {
          cur = zlib.inflateSync(cur, opts);
        } catch {
          cur = zlib.inflateRawSync(cur, opts);
        }
      } else if (c === "br") cur = zlib.brotliDecompressSync(cur, { maxOutputLength: maxOutput });
      else return { bytes: b, error: `content coding "${c}" not supported` };
    } catch (e) {
      return { bytes: b, error: `${c}: ${(e as Error).message}` };
    }
  }
  return { bytes: cur, error: null };
}

/** tshark's eo_massage_str: characters illegal in (Windows) file names as %xx, at most 255 bytes, "(n)" before the extension for duplicates. */
export function safeFilename(name: string, dup: number, maxlen = 255): string {
  // "." and ".." (and "") would name a directory, not a file inside the output directory
  if (name === "" || name === "." || name === "..") name = name.replace(/\./g, "%2e") || "object";
  let out = "";
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || '<>:"/\\|?*'.includes(ch) ? "%" + c.toString(16).padStart(2, "0") : ch;
  }
  if (dup === 0 && out.length <= maxlen) return out;
  const tag = dup ? `(${dup})` : "";
  const dot = out.lastIndexOf(".");
  if (dot >= 0 && out.length - dot + tag.length < maxlen) {
    const ext = out.slice(dot);
    let stem = out.slice(0, dot);
    if (stem.length >= maxlen - (tag.length + ext.length)) stem = stem.slice(0, maxlen - (tag.length + ext.length));
    return stem + tag + ext;
  }
  if (out.length >= maxlen - tag.length) out = out.slice(0, maxlen - tag.length);
  return out + tag;
}

/** The exported objects: rows of Wireshark's fields plus the bytes. */
export class ObjectTable {
  constructor(readonly rows: HttpObject[]) {}

  get length(): number {
    return this.rows.length;
  }

  /** Plain columns (no bytes): frame, hostname, content_type, filename, size, protocol, stream, status. */
  toColumns(): { columns: string[]; data: Record<string, (string | number | null)[]> } {
    const columns = ["frame", "hostname", "content_type", "filename", "size", "protocol", "stream", "status"];
    const r = this.rows;
    return {
      columns,
      data: {
        frame: r.map((o) => o.frame),
        hostname: r.map((o) => o.hostname),
        content_type: r.map((o) => o.contentType),
        filename: r.map((o) => o.filename),
        size: r.map((o) => o.size),
        protocol: r.map((o) => o.protocol),
        stream: r.map((o) => o.stream),
        status: r.map((o) => o.status),
      },
    };
  }

  /**
   * Write every object into `dir` (created if needed) under the name tshark's `--export-objects` gives
   * it (an existing name gets "(1)", "(2)"… before the extension). Returns the paths written.
   */
  save(dir: string, options: { protocols?: ("http" | "http2")[] } = {}): string[] {
    const protos = options.protocols ?? ["http", "http2"];
    fs.mkdirSync(dir, { recursive: true });
    const out: string[] = [];
    for (const o of this.rows) {
      if (!protos.includes(o.protocol)) continue;
      let dup = 0;
      let p: string;
      do p = path.join(dir, safeFilename(o.filename, dup++));
      while (fs.existsSync(p) && dup < 100000);
      fs.writeFileSync(p, o.bytes);
      out.push(p);
    }
    return out;
  }
}
