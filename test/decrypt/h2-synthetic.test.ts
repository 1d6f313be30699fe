// A hand-built TLS 1.3 + HTTP/2 connection (ALPN h2 in EncryptedExtensions): a HEADERS frame split over
// two records, a response whose DATA frames span several records and TCP segments. Protocol/Info are
// tshark 4.0.17's (-2, key log, out-of-order reassembly), re-checked when tshark is installed; the
// HPACK-decoded exchanges and the response body are checked too.
import { describe, expect, it } from "vitest";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { exportObjects, http2Frames, http2Messages } from "../../lib/decrypt/index";
import { readCapture } from "../../lib/capture/capture";
import { hkdfExpandLabel } from "../../lib/decrypt/crypto";
import { ascii, buildPcap, concat, haveTshark, tsharkFields, type TcpSeg } from "../helpers/app-pcap";
const u8 = (...a: number[]) => Uint8Array.from(a);
const u16 = (n: number) => u8(n >> 8, n & 255);
const u24 = (n: number) => u8(n >> 16, (n >> 8) & 255, n & 255);
const rec = (type: number, body: Uint8Array) => concat(u8(type, 3, 3), u16(body.length), body);
const hs = (type: number, body: Uint8Array) => concat(u8(type), u24(body.length), body);
const ext = (type: number, body: Uint8Array) => concat(u16(type), u16(body.length), body);
const E = new Uint8Array(0);
const CR = crypto.createHash("sha256").update("cr2").digest();
const sec = (l: string) => crypto.createHash("sha256").update(l).digest();
const S = { CHTS: sec("a"), SHTS: sec("b"), CATS: sec("c"), SATS: sec("d") };
const KEYLOG = [["CLIENT_HANDSHAKE_TRAFFIC_SECRET", S.CHTS], ["SERVER_HANDSHAKE_TRAFFIC_SECRET", S.SHTS], ["CLIENT_TRAFFIC_SECRET_0", S.CATS], ["SERVER_TRAFFIC_SECRET_0", S.SATS]].map(([l, s]) => `${l} ${CR.toString("hex")} ${(s as Buffer).toString("hex")}`).join("\n");
function sealer(secret: Buffer) {
  const key = hkdfExpandLabel("sha256", secret, "key", E, 16); const iv = hkdfExpandLabel("sha256", secret, "iv", E, 12); let seq = 0;
  return (type: number, content: Uint8Array) => { const n = Buffer.from(iv); n.writeUInt32BE((n.readUInt32BE(8) ^ seq++) >>> 0, 8); const pt = concat(content, u8(type)); const len = pt.length + 16;
    const c = crypto.createCipheriv("aes-128-gcm", key, n); c.setAAD(u8(23, 3, 3, len >> 8, len & 255)); return rec(23, concat(c.update(pt), c.final(), c.getAuthTag())); };
}
const frame = (type: number, flags: number, sid: number, p: Uint8Array) => concat(u24(p.length), u8(type, flags), u8(sid >> 24, (sid >> 16) & 255, (sid >> 8) & 255, sid & 255), p);
function build(): Uint8Array {
  const sid = new Uint8Array(32).fill(7);
  const alpn = ext(16, concat(u16(3), u8(2), ascii("h2")));
  const ch = hs(1, concat(u8(3, 3), CR, u8(32), sid, u16(2), u16(0x1301), u8(1, 0), (() => { const e = concat(ext(43, u8(2, 3, 4)), alpn); return concat(u16(e.length), e); })()));
  const sh = hs(2, concat(u8(3, 3), sec("sr"), u8(32), sid, u16(0x1301), u8(0), (() => { const e = concat(ext(43, u8(3, 4)), ext(51, concat(u16(0x1d), u16(32), new Uint8Array(32)))); return concat(u16(e.length), e); })()));
  const sHs = sealer(S.SHTS), cHs = sealer(S.CHTS), cAp = sealer(S.CATS), sAp = sealer(S.SATS);
  const ee = hs(8, concat(u16(alpn.length), alpn));
  const fin = hs(20, new Uint8Array(32).fill(1));
  const preface = ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  const req1 = frame(1, 5, 1, concat(u8(0x82, 0x87, 0x84, 0x41, 0x01), ascii("x")));
  const req2 = frame(1, 5, 3, concat(u8(0x82, 0x87, 0x04, 0x06), ascii("/b.png"), u8(0xbe)));
  const body = new Uint8Array(30000).fill(65);
  const resp = concat(frame(4, 0, 0, E), frame(1, 4, 1, concat(u8(0x88, 0x5f, 0x09), ascii("text/html"))), frame(0, 0, 1, body.subarray(0, 16000)), frame(0, 1, 1, body.subarray(16000)));
  const segs: TcpSeg[] = [
    { c2s: true, data: rec(22, ch) },
    { c2s: false, data: concat(rec(22, sh), rec(20, u8(1)), sHs(22, ee), sHs(22, fin)) },
    { c2s: true, data: concat(rec(20, u8(1)), cHs(22, fin)) },
    { c2s: true, data: cAp(23, concat(preface, frame(4, 0, 0, E), req1)) },
    { c2s: true, data: concat(cAp(23, req2.subarray(0, 10)), cAp(23, req2.subarray(10))) },
  ];
  const recs: Uint8Array[] = [];
  for (let o = 0; o < resp.length; o += 12000) recs.push(sAp(23, resp.subarray(o, Math.min(resp.length, o + 12000))));
  const all = concat(...recs);
  for (let o = 0; o < all.length; o += 1448) segs.push({ c2s: false, data: all.subarray(o, Math.min(all.length, o + 1448)) });
  return buildPcap(segs, { srvPort: 443 });
}

const EXPECTED: [string, string][] = [
  ["TCP", "50000 \u2192 443 [SYN] Seq=0 Win=65535 Len=0"],
  ["TCP", "443 \u2192 50000 [SYN, ACK] Seq=0 Ack=1 Win=65535 Len=0"],
  ["TCP", "50000 \u2192 443 [ACK] Seq=1 Ack=1 Win=65535 Len=0"],
  ["TLSv1.3", "Client Hello"],
  ["TLSv1.3", "Server Hello, Change Cipher Spec, Encrypted Extensions, Finished"],
  ["TLSv1.3", "Change Cipher Spec, Finished"],
  ["HTTP2", "Magic, SETTINGS[0], HEADERS[1]: GET /"],
  ["HTTP2", "HEADERS[3]: GET /b.png"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=229 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=1677 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=3125 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=4573 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=6021 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=7469 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=8917 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=10365 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["HTTP2", "SETTINGS[0], HEADERS[1]: 200 OK"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=13261 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=14709 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=16157 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=17605 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=19053 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=20501 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=21949 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["HTTP2", "DATA[1][TLS segment of a reassembled PDU]"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=24845 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=26293 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["TCP", "443 \u2192 50000 [PSH, ACK] Seq=27741 Ack=299 Win=65535 Len=1448 [TCP segment of a reassembled PDU]"],
  ["HTTP2", "DATA[1] (text/html)"],
];

describe("synthetic TLS 1.3 + HTTP/2", () => {
  const pcap = build();
  const cap = readCapture(pcap, { keylog: KEYLOG });
  it("Protocol and Info as tshark", () => {
    expect(Array.from({ length: cap.length }, (_, r) => [cap.protocol(r), cap.info(r)])).toEqual(EXPECTED);
  });
  it("HPACK-decoded exchanges and the response body", () => {
    const m = http2Messages(cap).map(({ message: x }) => [x.streamId, x.method, x.path, x.authority, x.status, x.contentType, x.bodyLength]);
    expect(m).toEqual([[1, "GET", "/", "x", 200, "text/html", 30000], [3, "GET", "/b.png", "x", null, null, 0]]);
    const o = exportObjects(cap).rows;
    expect(o.map((x) => [x.protocol, x.filename, x.size])).toEqual([["http2", "/", 30000]]);
  });
  it("frames per packet (http2.type, http2.streamid, decoded header block)", () => {
    const f = http2Frames(cap, 6);
    expect(f.map((x) => [x.type, x.streamId])).toEqual([[4, 0], [1, 1]]);
    expect(f[1].headers).toEqual([[":method", "GET"], [":scheme", "https"], [":path", "/"], [":authority", "x"]]);
    expect(http2Frames(cap, 3)).toEqual([]);
  });
  it.skipIf(!haveTshark())("tshark agrees", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "h2-"));
    const kl = path.join(dir, "k.keylog");
    fs.writeFileSync(kl, KEYLOG + "\n");
    const rows = tsharkFields(pcap, ["_ws.col.Protocol", "_ws.col.Info"], ["-o", `tls.keylog_file:${kl}`, "-o", "tcp.reassemble_out_of_order:TRUE"]);
    expect(rows.map((r) => [r[0], r[1]])).toEqual(EXPECTED);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
