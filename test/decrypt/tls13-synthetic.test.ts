// A hand-built TLS 1.3 connection (AES-128-GCM) with the paths the public captures lack: a
// HelloRetryRequest, ALPN in EncryptedExtensions, a KeyUpdate, an out-of-order segment inside a record,
// and HTTP/1.1 bodies (chunked + gzip, Content-Length) exported with the encoding undone. Expected
// Protocol/Info strings were checked with tshark 4.0.17 (-2, key log, out-of-order reassembly); when
// tshark is installed the test checks them again.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { hkdfExpandLabel } from "../../lib/decrypt/crypto";
import { exportObjects, tlsPlaintext, tlsRecords, RecordStatus } from "../../lib/decrypt/index";
import { ascii, buildPcap, concat, haveTshark, tsharkFields, type TcpSeg } from "../helpers/app-pcap";

const u8 = (...a: number[]) => Uint8Array.from(a);
const u16 = (n: number) => u8(n >> 8, n & 255);
const u24 = (n: number) => u8(n >> 16, (n >> 8) & 255, n & 255);
const rec = (type: number, body: Uint8Array) => concat(u8(type, 3, 3), u16(body.length), body);
const hs = (type: number, body: Uint8Array) => concat(u8(type), u24(body.length), body);
const ext = (type: number, body: Uint8Array) => concat(u16(type), u16(body.length), body);
const E = new Uint8Array(0);

const CR = crypto.createHash("sha256").update("client random").digest();
const SR = crypto.createHash("sha256").update("server random").digest();
const HRR = Buffer.from("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c", "hex");
const sec = (l: string) => crypto.createHash("sha256").update(l).digest();
const SECRETS = { CHTS: sec("c hs"), SHTS: sec("s hs"), CATS: sec("c ap"), SATS: sec("s ap") };
const KEYLOG = [
  `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${CR.toString("hex")} ${SECRETS.CHTS.toString("hex")}`,
  `SERVER_HANDSHAKE_TRAFFIC_SECRET ${CR.toString("hex")} ${SECRETS.SHTS.toString("hex")}`,
  `CLIENT_TRAFFIC_SECRET_0 ${CR.toString("hex")} ${SECRETS.CATS.toString("hex")}`,
  `SERVER_TRAFFIC_SECRET_0 ${CR.toString("hex")} ${SECRETS.SATS.toString("hex")}`,
].join("\n");

function sealer(secret: Buffer) {
  const key = hkdfExpandLabel("sha256", secret, "key", E, 16);
  const iv = hkdfExpandLabel("sha256", secret, "iv", E, 12);
  let seq = 0;
  return (type: number, content: Uint8Array) => {
    const n = Buffer.from(iv);
    n.writeUInt32BE((n.readUInt32BE(8) ^ seq++) >>> 0, 8);
    const pt = concat(content, u8(type));
    const len = pt.length + 16;
    const c = crypto.createCipheriv("aes-128-gcm", key, n);
    c.setAAD(u8(23, 3, 3, len >> 8, len & 255));
    return rec(23, concat(c.update(pt), c.final(), c.getAuthTag()));
  };
}

function build(): Uint8Array {
  const sid = new Uint8Array(32).fill(7);
  const clientHello = hs(1, concat(u8(3, 3), CR, u8(32), sid, u16(2), u16(0x1301), u8(1, 0),
    (() => { const e = concat(ext(43, u8(2, 3, 4)), ext(16, concat(u16(9), u8(8), ascii("http/1.1")))); return concat(u16(e.length), e); })()));
  const sh = (random: Uint8Array) => hs(2, concat(u8(3, 3), random, u8(32), sid, u16(0x1301), u8(0),
    (() => { const e = concat(ext(43, u8(3, 4)), ext(51, u16(0x1d))); return concat(u16(e.length), e); })()));
  const ccs = rec(20, u8(1));
  const sHs = sealer(SECRETS.SHTS);
  const cHs = sealer(SECRETS.CHTS);
  const cAp = sealer(SECRETS.CATS);
  const sAp = sealer(SECRETS.SATS);
  const ee = (() => { const e = ext(16, concat(u16(9), u8(8), ascii("http/1.1"))); return hs(8, concat(u16(e.length), e)); })();
  const fin = hs(20, new Uint8Array(32).fill(1));
  const body = Buffer.from("hello, inside TLS 1.3\n".repeat(50));
  const gz = zlib.gzipSync(body);
  const chunked = concat(ascii(`${gz.length.toString(16)}\r\n`), gz, ascii("\r\n0\r\n\r\n"));
  const resp1 = concat(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"), chunked);
  const r1a = sAp(23, resp1.subarray(0, 60));
  const r1b = sAp(23, resp1.subarray(60));
  const serverApp = concat(r1a, r1b);
  const cut = [0, 40, 120, serverApp.length];
  const segs: TcpSeg[] = [
    { c2s: true, data: rec(22, clientHello) },
    { c2s: false, data: rec(22, sh(HRR)) },
    { c2s: true, data: concat(ccs, rec(22, clientHello)) },
    { c2s: false, data: concat(rec(22, sh(SR)), ccs, sHs(22, ee), sHs(22, hs(11, u8(0, 0, 0, 0))), sHs(22, hs(15, u8(8, 4, 0, 2, 0xaa, 0xbb))), sHs(22, fin)) },
    { c2s: true, data: concat(ccs, cHs(22, fin)) },
    { c2s: true, data: cAp(23, ascii("GET /hello.txt HTTP/1.1\r\nHost: example.test\r\n\r\n")) },
  ];
  // server response: three segments, the last two swapped (out of order)
  const sBase = segs.filter((s) => !s.c2s).reduce((a, s) => a + s.data!.length, 0);
  segs.push({ c2s: false, data: serverApp.subarray(cut[0], cut[1]) });
  segs.push({ c2s: false, data: serverApp.subarray(cut[2], cut[3]), relSeq: sBase + cut[2] });
  segs.push({ c2s: false, data: serverApp.subarray(cut[1], cut[2]), relSeq: sBase + cut[1] });
  // client KeyUpdate, then a request under the next key generation
  const ku = hs(24, u8(0));
  const cAp2 = (() => {
    const next = hkdfExpandLabel("sha256", SECRETS.CATS, "traffic upd", E, 32);
    return sealer(next);
  })();
  segs.push({ c2s: true, data: concat(cAp(22, ku), cAp2(23, ascii("GET /missing HTTP/1.1\r\nHost: example.test\r\n\r\n"))) });
  segs.push({ c2s: false, data: sAp(23, ascii("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nno\n")) });
  return buildPcap(segs, { srvPort: 8443 });
}

const EXPECTED: [string, string][] = [
  ["TCP", "50000 \u2192 8443 [SYN] Seq=0 Win=65535 Len=0"],
  ["TCP", "8443 \u2192 50000 [SYN, ACK] Seq=0 Ack=1 Win=65535 Len=0"],
  ["TCP", "50000 \u2192 8443 [ACK] Seq=1 Ack=1 Win=65535 Len=0"],
  ["TLSv1.3", "Client Hello"],
  ["TLSv1.3", "Hello Retry Request"],
  ["TLSv1.3", "Change Cipher Spec, Client Hello"],
  ["TLSv1.3", "Server Hello, Change Cipher Spec, Encrypted Extensions, Certificate, Certificate Verify, Finished"],
  ["TLSv1.3", "Change Cipher Spec, Finished"],
  ["HTTP", "GET /hello.txt HTTP/1.1 "],
  ["TCP", "8443 \u2192 50000 [PSH, ACK] Seq=356 Ack=352 Win=65535 Len=40 [TCP segment of a reassembled PDU]"],
  ["TCP", "[TCP Previous segment not captured] 8443 \u2192 50000 [PSH, ACK] Seq=476 Ack=352 Win=65535 Len=85 [TCP segment of a reassembled PDU]"],
  // the out-of-order segment fills the hole: both records complete, HTTP's Info replaces the first one's
  ["HTTP", "[TCP Out-Of-Order] HTTP/1.1 200 OK  (text/plain)"],
  // the KeyUpdate record and the request decrypted with the next client key, in one TLS call
  ["HTTP", "GET /missing HTTP/1.1 "],
  ["HTTP", "HTTP/1.1 404 Not Found  (text/plain)"],
];

describe("synthetic TLS 1.3: HelloRetryRequest, KeyUpdate, out-of-order segment, HTTP/1.1 bodies", () => {
  const pcap = build();
  const cap = readCapture(pcap, { keylog: KEYLOG });

  it("every protected record decrypts (handshake keys, application keys, the updated client key)", () => {
    const t = tlsRecords(cap);
    const st: number[] = [];
    for (let i = 0; i < t.length; i++) if (t.columns.outer_type[i] === 23) st.push(t.columns.status[i]);
    expect(st.length).toBe(11);
    expect(st.every((s) => s === RecordStatus.DECRYPTED)).toBe(true);
    expect(Buffer.from(tlsPlaintext(cap, 0, 0)).toString()).toMatch(/GET \/missing/);
  });

  it("Protocol and Info", () => {
    expect(cap.length).toBe(EXPECTED.length);
    expect(EXPECTED.map((_, r) => [cap.protocol(r), cap.info(r)])).toEqual(EXPECTED);
  });

  it("objects: the chunked gzip body de-chunked and decompressed, the 404 body as is", () => {
    const o = exportObjects(cap).rows;
    expect(o.map((x) => [x.frame, x.filename, x.contentType, x.size, x.hostname])).toEqual([
      [12, "hello.txt", "text/plain", 22 * 50, "example.test"],
      [14, "missing", "text/plain", 3, "example.test"],
    ]);
    expect(Buffer.from(o[0].bytes).toString()).toBe("hello, inside TLS 1.3\n".repeat(50));
  });

  it.skipIf(!haveTshark())("tshark agrees (Protocol, Info)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls13-"));
    const kl = path.join(dir, "k.keylog");
    fs.writeFileSync(kl, KEYLOG + "\n");
    const rows = tsharkFields(pcap, ["_ws.col.Protocol", "_ws.col.Info"], ["-o", `tls.keylog_file:${kl}`, "-o", "tcp.reassemble_out_of_order:TRUE"]);
    expect(rows.map((r) => [r[0], r[1]])).toEqual(EXPECTED);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
