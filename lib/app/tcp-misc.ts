/** Small length-prefixed TCP protocols seen in the corpus: Modbus/TCP, TPKT/COTP, Gryphon, PPTP. */
import type { FrameCtx } from "./frame";
import { ONE_MORE, type ParseResult } from "./reasm";

const MODBUS_FUNCS: Record<number, string> = {
  1: "Read Coils",
  2: "Read Discrete Inputs",
  3: "Read Holding Registers",
  4: "Read Input Registers",
  5: "Write Single Coil",
  6: "Write Single Register",
  7: "Read Exception Status",
  8: "Diagnostics",
  11: "Get Comm Event Counter",
  12: "Get Comm Event Log",
  15: "Write Multiple Coils",
  16: "Write Multiple Registers",
  17: "Report Slave ID",
  20: "Read File Record",
  21: "Write File Record",
  22: "Mask Write Register",
  23: "Read Write Register",
  24: "Read FIFO Queue",
  43: "Encapsulated Interface Transport",
};

function pad(s: string | number, w: number): string {
  return String(s).padStart(w, " ");
}

/** Modbus/TCP (port 502): MBAP header, PDU length = 6 + length field. `toServer` = sent to port 502. */
export function parseModbus(b: Uint8Array, ctx: FrameCtx, toServer: boolean): ParseResult {
  let o = 0;
  while (o < b.length) {
    if (b.length - o < 8) return { consumed: o, need: ONE_MORE };
    const trans = (b[o] << 8) | b[o + 1];
    const len = (b[o + 4] << 8) | b[o + 5];
    const unit = b[o + 6];
    const total = 6 + len;
    if (len < 2) {
      ctx.pdu("Modbus/TCP", `${toServer ? "   Query" : "Response"}: Trans: ${pad(trans, 5)}; Unit: ${pad(unit, 3)}`, 0);
      return { consumed: b.length, need: 0 };
    }
    if (b.length - o < total) return { consumed: o, need: total };
    const fc = b[o + 7];
    const base = fc & 0x7f;
    let info = `${toServer ? "   Query" : "Response"}: Trans: ${pad(trans, 5)}; Unit: ${pad(unit, 3)}, Func: ${pad(fc, 3)}: ${MODBUS_FUNCS[base] ?? "Unknown function"}`;
    if (fc & 0x80) info += ". Exception returned ";
    ctx.pdu("Modbus/TCP", info, 0);
    o += total;
  }
  return { consumed: o, need: 0 };
}

const COTP_TYPES: Record<number, string> = {
  0x10: "ED",
  0x20: "EA",
  0x50: "RJ",
  0x60: "AK",
  0x70: "ER",
  0x80: "DR",
  0xc0: "DC",
  0xd0: "CC",
  0xe0: "CR",
  0xf0: "DT",
};

/** TPKT (RFC 1006, port 102) carrying COTP. */
export function parseTpkt(b: Uint8Array, ctx: FrameCtx): ParseResult {
  let o = 0;
  while (o < b.length) {
    if (b.length - o < 4) return { consumed: o, need: ONE_MORE };
    if (b[o] !== 3) {
      // Not TPKT: "Continuation" in Wireshark's TPKT dissector.
      ctx.pdu("TPKT", "Continuation", 0);
      return { consumed: b.length, need: 0 };
    }
    const len = (b[o + 2] << 8) | b[o + 3];
    if (len < 4) return { consumed: b.length, need: 0 };
    if (b.length - o < len) return { consumed: o, need: len };
    cotp(b.subarray(o + 4, o + len), ctx);
    o += len;
  }
  return { consumed: o, need: 0 };
}

function cotp(p: Uint8Array, ctx: FrameCtx): void {
  if (p.length < 2) {
    ctx.pdu("TPKT", "TPKT Continuation", 0);
    return;
  }
  const li = p[0];
  const type = p[1] & 0xf0;
  const name = COTP_TYPES[type] ?? "Unknown";
  if (type === 0xf0 && p.length >= 3) {
    const nr = p[2] & 0x7f;
    const eot = (p[2] & 0x80) !== 0;
    const dataLen = Math.max(0, p.length - (li + 1));
    ctx.pdu("COTP", eot ? `DT TPDU (${nr}) EOT` : `DT TPDU (${nr}) [COTP fragment, ${dataLen} bytes]`, 0);
    return;
  }
  if ((type === 0xe0 || type === 0xd0) && p.length >= 6) {
    const dst = (p[2] << 8) | p[3];
    const src = (p[4] << 8) | p[5];
    ctx.pdu("COTP", `${name} TPDU src-ref: 0x${src.toString(16).padStart(4, "0")} dst-ref: 0x${dst.toString(16).padStart(4, "0")}`, 0);
    return;
  }
  ctx.pdu("COTP", `${name} TPDU`, 0);
}

/** Gryphon (port 7000): 8-byte header, data length padded to 4. Only framing (it matters for "[TCP segment of a reassembled PDU]"). */
export function parseGryphon(b: Uint8Array, ctx: FrameCtx): ParseResult {
  let o = 0;
  while (o < b.length) {
    if (b.length - o < 8) return { consumed: o, need: 8 };
    const dlen = (b[o + 4] << 8) | b[o + 5];
    const total = 8 + dlen + ((4 - (dlen % 4)) % 4);
    if (b.length - o < total) return { consumed: o, need: total };
    ctx.pdu("Gryphon", "Gryphon", 0);
    o += total;
  }
  return { consumed: o, need: 0 };
}

const PPTP_TYPES: Record<number, string> = {
  1: "Start-Control-Connection-Request",
  2: "Start-Control-Connection-Reply",
  3: "Stop-Control-Connection-Request",
  4: "Stop-Control-Connection-Reply",
  5: "Echo-Request",
  6: "Echo-Reply",
  7: "Outgoing-Call-Request",
  8: "Outgoing-Call-Reply",
  9: "Incoming-Call-Request",
  10: "Incoming-Call-Reply",
  11: "Incoming-Call-Connected",
  12: "Call-Clear-Request",
  13: "Call-Disconnect-Notify",
  14: "WAN-Error-Notify",
  15: "Set-Link-Info",
};

/** PPTP control connection (port 1723): length-prefixed messages. */
export function parsePptp(b: Uint8Array, ctx: FrameCtx): ParseResult {
  let o = 0;
  while (o < b.length) {
    if (b.length - o < 2) return { consumed: o, need: ONE_MORE };
    const len = (b[o] << 8) | b[o + 1];
    if (len < 10) {
      ctx.pdu("PPTP", "Unknown control type", 0);
      return { consumed: b.length, need: 0 };
    }
    if (b.length - o < len) return { consumed: o, need: len };
    const ct = (b[o + 8] << 8) | b[o + 9];
    ctx.pdu("PPTP", PPTP_TYPES[ct] ?? `Unknown control type (${ct})`, 0);
    o += len;
  }
  return { consumed: o, need: 0 };
}
