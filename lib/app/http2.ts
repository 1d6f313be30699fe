/** HTTP/2 framing (h2c prior knowledge or Upgrade): 9-byte frame header, one Info item per frame. */
import { Layer } from "../table/layers";
import type { FrameCtx } from "./frame";
import { ONE_MORE, type ParseResult } from "./reasm";

const FRAME_NAMES = ["DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE", "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION", "ALTSVC", "BLOCKED", "ORIGIN", "PRIORITY_UPDATE"];
export const H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

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
    if (b[o] === 0x50 && b.length - o < H2_PREFACE.length && "PRI * HTTP/2.0".startsWith(String.fromCharCode(...b.subarray(o, Math.min(b.length, o + 14))))) {
      return { consumed: o, need: H2_PREFACE.length };
    }
    if (startsWithPreface(b, o)) {
      ctx.pdu("HTTP2", "Magic", Layer.HTTP);
      o += H2_PREFACE.length;
      continue;
    }
    if (b.length - o < 9) return { consumed: o, need: ONE_MORE };
    const len = (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
    const total = 9 + len;
    if (b.length - o < total) return { consumed: o, need: total };
    const type = b[o + 3];
    const sid = (((b[o + 5] & 0x7f) << 24) | (b[o + 6] << 16) | (b[o + 7] << 8) | b[o + 8]) >>> 0;
    ctx.pdu("HTTP2", `${FRAME_NAMES[type] ?? `Unknown type (${type})`}[${sid}]`, Layer.HTTP);
    o += total;
  }
  return { consumed: o, need: 0 };
}
