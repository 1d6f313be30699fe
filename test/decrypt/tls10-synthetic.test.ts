// A hand-built TLS 1.0 session (TLS_RSA_WITH_AES_128_CBC_SHA): MD5 ⊕ SHA-1 PRF, implicit CBC IV chained
// from record to record, MAC-then-encrypt — checked against tshark 4.0.17 when it is installed.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { prf10 } from "../../lib/decrypt/crypto";
import { tlsPlaintext, tlsRecords, RecordStatus } from "../../lib/decrypt/index";
import { ascii, buildPcap, concat, haveTshark, tsharkFields, type TcpSeg } from "../helpers/app-pcap";

const u8 = (...a: number[]) => Uint8Array.from(a);
const u16 = (n: number) => u8(n >> 8, n & 255);
const u24 = (n: number) => u8(n >> 16, (n >> 8) & 255, n & 255);
const rec = (type: number, body: Uint8Array) => concat(u8(type, 3, 1), u16(body.length), body);
const hs = (type: number, body: Uint8Array) => concat(u8(type), u24(body.length), body);
const CR = crypto.createHash("sha256").update("tls10 client").digest();
const SR = crypto.createHash("sha256").update("tls10 server").digest();
const MASTER = crypto.createHash("sha384").update("tls10 master").digest();
const KEYLOG = `CLIENT_RANDOM ${CR.toString("hex")} ${MASTER.toString("hex")}`;

function sealer(macKey: Uint8Array, key: Uint8Array, iv0: Uint8Array) {
  let seq = 0;
  let iv = Buffer.from(iv0);
  return (type: number, content: Uint8Array) => {
    const s = Buffer.alloc(8);
    s.writeUInt32BE(seq++, 4);
    const mac = crypto.createHmac("sha1", macKey).update(concat(s, u8(type, 3, 1), u16(content.length), content)).digest();
    const body = concat(content, mac);
    const pad = 15 - (body.length % 16);
    const pt = concat(body, new Uint8Array(pad + 1).fill(pad));
    const c = crypto.createCipheriv("aes-128-cbc", key, iv);
    c.setAutoPadding(false);
    const ct = Buffer.concat([c.update(pt), c.final()]);
    iv = ct.subarray(ct.length - 16);
    return rec(type, ct);
  };
}

function build(): Uint8Array {
  const kb = prf10(MASTER, "key expansion", concat(SR, CR), 2 * 20 + 2 * 16 + 2 * 16);
  const k = (o: number, n: number) => kb.subarray(o, o + n);
  const cSeal = sealer(k(0, 20), k(40, 16), k(72, 16));
  const sSeal = sealer(k(20, 20), k(56, 16), k(88, 16));
  const ch = hs(1, concat(u8(3, 1), CR, u8(0), u16(2), u16(0x002f), u8(1, 0)));
  const sh = hs(2, concat(u8(3, 1), SR, u8(0), u16(0x002f), u8(0)));
  const fin = hs(20, new Uint8Array(12).fill(9));
  const segs: TcpSeg[] = [
    { c2s: true, data: rec(22, ch) },
    { c2s: false, data: concat(rec(22, sh), rec(22, hs(14, new Uint8Array(0)))) },
    { c2s: true, data: concat(rec(22, hs(16, concat(u16(128), new Uint8Array(128).fill(3)))), rec(20, u8(1)), cSeal(22, fin)) },
    { c2s: false, data: concat(rec(20, u8(1)), sSeal(22, fin)) },
    { c2s: true, data: concat(cSeal(23, ascii("GET /one HTTP/1.1\r\nHost: old.example\r\n\r\n")), cSeal(23, ascii("GET /two HTTP/1.1\r\nHost: old.example\r\n\r\n"))) },
    { c2s: false, data: sSeal(23, ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")) },
    { c2s: false, data: sSeal(23, ascii("HTTP/1.1 204 No Content\r\n\r\n")) },
    { c2s: true, data: cSeal(21, u8(1, 0)) },
  ];
  return buildPcap(segs, { srvPort: 443 });
}

const EXPECTED: [string, string][] = [
  ["TLSv1", "Client Hello"],
  ["TLSv1", "Server Hello, Server Hello Done"],
  ["TLSv1", "Client Key Exchange, Change Cipher Spec, Finished"],
  ["TLSv1", "Change Cipher Spec, Finished"],
  // two pipelined requests in two records of one segment: tshark writes the lines one after the other
  ["HTTP", "GET /one HTTP/1.1 GET /two HTTP/1.1 "],
  ["HTTP", "HTTP/1.1 200 OK "],
  ["HTTP", "HTTP/1.1 204 No Content "],
  ["TLSv1", "Alert (Level: Warning, Description: Close Notify)"],
];

describe("synthetic TLS 1.0 (AES-128-CBC-SHA, implicit IV)", () => {
  const pcap = build();
  const cap = readCapture(pcap, { keylog: KEYLOG });
  it("every record authenticated and decrypted, IV chained across records", () => {
    const t = tlsRecords(cap);
    let dec = 0;
    for (let i = 0; i < t.length; i++) if (t.columns.status[i] === RecordStatus.DECRYPTED) dec++;
    expect(dec).toBe(7);
    expect(Buffer.from(tlsPlaintext(cap, 0, 1)).toString()).toBe("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 204 No Content\r\n\r\n");
  });
  it("Protocol and Info", () => {
    expect(EXPECTED.map((_, i) => [cap.protocol(i + 3), cap.info(i + 3)])).toEqual(EXPECTED);
  });
  it.skipIf(!haveTshark())("tshark agrees", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls10-"));
    const kl = path.join(dir, "k.keylog");
    fs.writeFileSync(kl, KEYLOG + "\n");
    const rows = tsharkFields(pcap, ["_ws.col.Protocol", "_ws.col.Info"], ["-o", `tls.keylog_file:${kl}`, "-o", "tcp.reassemble_out_of_order:TRUE"]);
    expect(rows.slice(3).map((r) => [r[0], r[1]])).toEqual(EXPECTED);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
