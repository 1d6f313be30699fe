// Application layers on hand-built captures. Expected strings were verified with tshark 4.0.17
// (`tshark -2 -n`) on the same bytes; when tshark is installed the test re-checks them.
import { describe, expect, it } from "vitest";
import { loadCapture } from "../../lib/read/load";
import { Layer } from "../../lib/table/layers";
import { ascii, buildPcap, concat, F, haveTshark, hex, tsharkFields, type TcpSeg } from "../helpers/app-pcap";

const u16 = (v: number) => [v >> 8, v & 255];
const u24 = (v: number) => [v >> 16, (v >> 8) & 255, v & 255];
const fill = (n: number, b: number) => new Uint8Array(n).fill(b);
const vec16 = (body: Uint8Array) => concat(new Uint8Array(u16(body.length)), body);
const ext = (type: number, body: Uint8Array) => concat(new Uint8Array(u16(type)), vec16(body));
const record = (ct: number, ver: number, body: Uint8Array) => concat(new Uint8Array([ct, ...u16(ver), ...u16(body.length)]), body);
const hs = (type: number, body: Uint8Array) => concat(new Uint8Array([type, ...u24(body.length)]), body);

const sni = (name: string) => {
  const n = ascii(name);
  return ext(0, vec16(concat(new Uint8Array([0, ...u16(n.length)]), n)));
};
const alpn = (...protos: string[]) => ext(16, vec16(concat(...protos.map((p) => concat(new Uint8Array([p.length]), ascii(p))))));

export const CLIENT_HELLO = record(
  22,
  0x0301,
  hs(
    1,
    concat(
      new Uint8Array([0x03, 0x03]),
      fill(32, 0x11),
      new Uint8Array([32]),
      fill(32, 0x22),
      vec16(new Uint8Array([0xc0, 0x2f, 0x13, 0x01, 0xc0, 0x30, 0x0a, 0x0a])),
      new Uint8Array([1, 0]),
      vec16(
        concat(
          sni("example.com"),
          alpn("h2", "http/1.1"),
          ext(43, hex("04 0304 0303")),
          ext(10, hex("0004 001d 0017")),
          ext(11, hex("01 00")),
          ext(23, new Uint8Array(0)),
        ),
      ),
    ),
  ),
);

const serverHello = (cipher: number, exts: Uint8Array) =>
  record(22, 0x0303, hs(2, concat(new Uint8Array([0x03, 0x03]), fill(32, 0x33), new Uint8Array([32]), fill(32, 0x22), new Uint8Array([...u16(cipher), 0]), vec16(exts))));

export const SH12 = serverHello(0xc02f, concat(ext(0xff01, hex("00")), ext(23, new Uint8Array(0)), alpn("h2")));
export const SH13 = serverHello(0x1301, concat(ext(43, hex("0304")), ext(51, concat(hex("001d 0020"), fill(32, 0x44)))));
const CCS = record(20, 0x0303, hex("01"));
const ENC_HS = record(22, 0x0303, fill(40, 0x5a));
const APP = (n: number, b = 0x77) => record(23, 0x0303, fill(n, b));

function load(bytes: Uint8Array) {
  return loadCapture(bytes);
}
const proto = (c: ReturnType<typeof load>, row: number) => c.table.strings.get(c.table.proto[row]);

function checkTshark(bytes: Uint8Array, ours: ReturnType<typeof load>): void {
  if (!haveTshark()) return;
  const ts = tsharkFields(bytes, ["_ws.col.Protocol", "_ws.col.Info"]);
  expect(ts.length).toBe(ours.table.length);
  for (let i = 0; i < ts.length; i++) {
    const [p, info] = ts[i];
    expect(proto(ours, i), `row ${i + 1} protocol`).toBe(p);
    const seg = info.endsWith("[TCP segment of a reassembled PDU]");
    expect((ours.table.layers[i] & Layer.PDU_SEGMENT) !== 0, `row ${i + 1} segment`).toBe(seg);
    if (p !== "TCP") expect(ours.app.appText(i), `row ${i + 1} info`).toBe(info);
  }
}

describe("TLS", () => {
  // rows: 0-2 handshake; 3 CH; 4 SH+CCS+EncHS; 5 CCS+EncHS (client); 6/7 record split across two
  // segments; 8 two records in one segment; 9 alert (encrypted).
  const bigRec = APP(300);
  const segs: TcpSeg[] = [
    { c2s: true, data: CLIENT_HELLO },
    { c2s: false, data: concat(SH12, CCS, ENC_HS) },
    { c2s: true, data: concat(CCS, ENC_HS) },
    { c2s: true, data: bigRec.subarray(0, 100) },
    { c2s: true, data: bigRec.subarray(100) },
    { c2s: false, data: concat(APP(20), APP(30)) },
    { c2s: false, data: record(21, 0x0303, fill(26, 0x99)) },
  ];
  const bytes = buildPcap(segs);
  const c = load(bytes);

  it("Protocol and Info as tshark (TLS 1.2 session)", () => {
    expect(proto(c, 3)).toBe("TLSv1.2");
    expect(c.app.appText(3)).toBe("Client Hello");
    expect(c.app.appText(4)).toBe("Server Hello, Change Cipher Spec, Encrypted Handshake Message");
    expect(c.app.appText(5)).toBe("Change Cipher Spec, Encrypted Handshake Message");
    expect(proto(c, 6)).toBe("TCP");
    expect(c.table.layers[6] & Layer.PDU_SEGMENT).toBeTruthy();
    expect(proto(c, 7)).toBe("TLSv1.2");
    expect(c.app.appText(7)).toBe("Application Data");
    expect(c.app.appText(8)).toBe("Application Data, Application Data");
    expect(c.app.appText(9)).toBe("Encrypted Alert");
    expect(c.table.layers[7] & Layer.TLS).toBeTruthy();
    checkTshark(bytes, c);
  });

  it("ClientHello / ServerHello fields and the stream summary", () => {
    const ch = c.app.tlsFrame(3)!.clientHello!;
    expect(ch.sni).toBe("example.com");
    expect(ch.alpn).toEqual(["h2", "http/1.1"]);
    expect(ch.cipherSuites).toEqual([0xc02f, 0x1301, 0xc030, 0x0a0a]);
    expect(ch.supportedVersions).toEqual([0x0304, 0x0303]);
    expect(ch.extensions).toEqual([0, 16, 43, 10, 11, 23]);
    expect(ch.ja3).toBe("771,49199-4865-49200,0-16-43-10-11-23,29-23,0");
    const sh = c.app.tlsFrame(4)!.serverHello!;
    expect(sh.cipherName).toBe("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    expect(sh.version).toBe(0x0303);
    expect(sh.extensionNames).toEqual(["renegotiation_info", "extended_master_secret", "application_layer_protocol_negotiation"]);
    expect(sh.alpn).toBe("h2");
    expect(c.app.tlsFrame(4)!.handshakeTypes).toEqual([2]);
    expect(c.app.tlsFrame(7)).toBeUndefined(); // application data only: no side-table object
    const s = c.app.streamTls(c.table.tcpStream[3])!;
    expect(s).toMatchObject({ sni: "example.com", version: 0x0303, versionName: "TLSv1.2", cipher: 0xc02f, alpn: "h2", clientHelloFrame: 4, serverHelloFrame: 5 });
    if (haveTshark()) {
      const ts = tsharkFields(bytes, ["tls.handshake.extensions_server_name", "tls.handshake.ciphersuite"], ["-Y", "tls.handshake.type==2 || tls.handshake.type==1"]);
      expect(ts[0][0]).toBe("example.com");
      expect(Number(ts[1][1])).toBe(0xc02f);
    }
  });

  it("TLS 1.3: supported_versions names the whole session, ClientHello included (-2)", () => {
    const b = buildPcap([
      { c2s: true, data: CLIENT_HELLO },
      { c2s: false, data: concat(SH13, CCS, APP(50), APP(60)) },
      { c2s: true, data: concat(CCS, APP(40)) },
    ]);
    const c3 = load(b);
    expect(proto(c3, 3)).toBe("TLSv1.3");
    expect(c3.app.appText(4)).toBe("Server Hello, Change Cipher Spec, Application Data, Application Data");
    expect(c3.app.appText(5)).toBe("Change Cipher Spec, Application Data");
    const sh = c3.app.tlsFrame(4)!.serverHello!;
    expect(sh).toMatchObject({ legacyVersion: 0x0303, version: 0x0304, versionName: "TLSv1.3", cipherName: "TLS_AES_128_GCM_SHA256" });
    expect(sh.extensionNames).toEqual(["supported_versions", "key_share"]);
    checkTshark(b, c3);
  });

  it("record header split across segments needs one more segment", () => {
    const rec = APP(64);
    const b = buildPcap([{ c2s: true, data: CLIENT_HELLO }, { c2s: false, data: SH12 }, { c2s: false, data: rec.subarray(0, 3) }, { c2s: false, data: rec.subarray(3) }]);
    const c4 = load(b);
    expect(c4.table.layers[5] & Layer.PDU_SEGMENT).toBeTruthy();
    expect(c4.app.appText(6)).toBe("Application Data");
    checkTshark(b, c4);
  });
});

describe("HTTP", () => {
  const req = ascii("GET /file.bin HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t\r\n\r\n");
  const body = fill(100, 0x41);
  const resp = concat(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 100\r\n\r\n"), body);
  const bytes = buildPcap(
    [
      { c2s: true, data: req.subarray(0, 20) },
      { c2s: true, data: req.subarray(20) },
      { c2s: false, data: resp.subarray(0, 60) },
      { c2s: false, data: resp.subarray(60) },
    ],
    { srvPort: 80 },
  );
  const c = load(bytes);
  it("request split across segments; response body reassembled", () => {
    expect(c.table.layers[3] & Layer.PDU_SEGMENT).toBeTruthy();
    expect(proto(c, 4)).toBe("HTTP");
    expect(c.app.appText(4)).toBe("GET /file.bin HTTP/1.1 ");
    expect(c.table.layers[5] & Layer.PDU_SEGMENT).toBeTruthy();
    expect(c.app.appText(6)).toBe("HTTP/1.1 200 OK  (text/html)");
    const m = c.app.httpMessage(4)!;
    expect(m).toMatchObject({ method: "GET", uri: "/file.bin", host: "example.com", isRequest: true });
    expect(c.app.httpMessage(6)).toMatchObject({ status: 200, contentType: "text/html; charset=utf-8", bodyLength: 100 });
    expect(c.app.streamHttp(c.table.tcpStream[4])).toMatchObject({ host: "example.com", requests: 1, responses: 1 });
    checkTshark(bytes, c);
  });
});

describe("DNS and UDP", () => {
  const q = hex("1a2b 0100 0001 0000 0000 0000 07 6578616d706c65 03 636f6d 00 0001 0001");
  const r = concat(
    hex("1a2b 8180 0001 0002 0000 0000 07 6578616d706c65 03 636f6d 00 0001 0001"),
    hex("c00c 0005 0001 0000012c 0006 03 777777 c00c"),
    hex("c029 0001 0001 0000012c 0004 5db8d822"),
  );
  const nx = hex("1a2c 8183 0001 0000 0000 0000 07 6578616d706c65 03 636f6d 00 001c 0001");
  const bytes = buildPcap(
    [
      { kind: "udp", c2s: true, data: q },
      { kind: "udp", c2s: false, data: r },
      { kind: "udp", c2s: false, data: nx },
      { kind: "udp", c2s: true, sport: 40000, dport: 9999, data: fill(7, 1) },
    ],
    {},
    false,
  );
  const c = load(bytes);
  it("Info as tshark", () => {
    expect(c.app.appText(0)).toBe("Standard query 0x1a2b A example.com");
    expect(c.app.appText(1)).toBe("Standard query response 0x1a2b A example.com CNAME www.example.com A 93.184.216.34");
    expect(c.app.appText(2)).toBe("Standard query response 0x1a2c No such name AAAA example.com");
    expect(c.app.appText(3)).toBe("40000 → 9999 Len=7");
    expect(proto(c, 0)).toBe("DNS");
    const d = c.app.dns(1)!;
    expect(d).toMatchObject({ id: 0x1a2b, isResponse: true, qname: "example.com", qtypeName: "A", rcode: 0, peerRow: 0 });
    expect(d.answers.map((a) => a.data)).toEqual(["www.example.com", "93.184.216.34"]);
    expect(c.app.dns(2)!.rcodeName).toBe("No such name");
    if (haveTshark()) {
      const ts = tsharkFields(bytes, ["_ws.col.Protocol", "_ws.col.Info"]);
      ts.forEach(([p, info], i) => {
        expect(proto(c, i)).toBe(p);
        expect(c.app.appText(i)).toBe(info);
      });
    }
  });
});

void F;
