/** HTTP/2 framing (h2c prior knowledge or Upgrade): 9-byte frame header, one Info item per frame. */
import { Layer } from "../table/layers";
import type { FrameCtx } from "./frame";
import { ONE_MORE, type ParseResult } from "./reasm";

const FRAME_NAMES = ["DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE", "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION", "ALTSVC", "BLOCKED", "ORIGIN", "PRIORITY_UPDATE"];
export const H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/** Info text of a frame as tshark shows it: `HEADERS[1]`, `Unknown type (42)[0]`. */
export function h2FrameText(type: number, streamId: number): string {
  return `${FRAME_NAMES[type] ?? `Unknown type (${type})`}[${streamId}]`;
}

/** The 9-byte frame header at `o` (RFC 9113 §4.1): payload length, type, flags, stream id (R bit dropped). */
export function h2FrameHeader(b: Uint8Array, o: number): { length: number; type: number; flags: number; streamId: number } {
  return {
    length: (b[o] << 16) | (b[o + 1] << 8) | b[o + 2],
    type: b[o + 3],
    flags: b[o + 4],
    streamId: (((b[o + 5] & 0x7f) << 24) | (b[o + 6] << 16) | (b[o + 7] << 8) | b[o + 8]) >>> 0,
  };
}

/** The data at `o` is the start of the connection preface, cut short (wait for the rest). */
export function partialH2Preface(b: Uint8Array, o: number): boolean {
  const n = Math.min(b.length - o, 14);
  if (n <= 0 || b.length - o >= H2_PREFACE.length) return false;
  for (let i = 0; i < n; i++) if (b[o + i] !== H2_PREFACE.charCodeAt(i)) return false;
  return true;
}

function startsWithPreface(b: Uint8Array, o: number): boolean {
  if (b.length - o < H2_PREFACE.length) return false;
  for (let i = 0; i < H2_PREFACE.length; i++) if (b[o + i] !== H2_PREFACE.charCodeAt(i)) return false;
  return true;
}

export function isH2Preface(b: Uint8Array, o = 0): boolean {
  return startsWithPreface(b, o);
}

export function parseHttp2(b: Uint8Array, ctx: FrameCtx): ParseResult {
  let o = 0;
  while (o < b.length) {
    if (partialH2Preface(b, o)) return { consumed: o, need: H2_PREFACE.length };
    if (startsWithPreface(b, o)) {
      ctx.pdu("HTTP2", "Magic", Layer.HTTP);
      o += H2_PREFACE.length;
      continue;
    }
    if (b.length - o < 9) return { consumed: o, need: ONE_MORE };
    const h = h2FrameHeader(b, o);
    const total = 9 + h.length;
    if (b.length - o < total) return { consumed: o, need: total };
    ctx.pdu("HTTP2", h2FrameText(h.type, h.streamId), Layer.HTTP);
    o += total;
  }
  return { consumed: o, need: 0 };
}
