// Decryption end to end on the MIT illustrated captures (byte-by-byte explained at tls12/tls13.xargs.org),
// and bad secrets / bad captures: wrong keys, missing keys, an unknown cipher, a capture gap, mutated
// captures and key logs — statuses and warnings, never an exception.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { CaptureError } from "../../lib/base/errors";
import { exportObjects, httpExchanges, tlsKeyLog, tlsPlaintext, tlsRecords, tlsSessions, RecordStatus } from "../../lib/decrypt/index";
import { DATA_DIR } from "../helpers/golden";

const F = (n: string) => path.join(DATA_DIR, n);
const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

function statuses(cap: ReturnType<typeof readCapture>): Record<string, number> {
  const t = tlsRecords(cap);
  const out: Record<string, number> = {};
  for (let i = 0; i < t.length; i++) {
    const n = t.statusNames[t.columns.status[i]];
    out[n] = (out[n] ?? 0) + 1;
  }
  return out;
}

describe("illustrated TLS 1.3 (AES-256-GCM, SHA-384 key schedule)", () => {
  const cap = readCapture(F("illustrated-tls13.pcap"), { keylog: F("illustrated-tls13.keylog") });
  it("record table: every protected record decrypted, inner types as the site shows", () => {
    const t = tlsRecords(cap);
    expect(t.names).toEqual(["frame", "stream", "direction", "record", "outer_type", "inner_type", "length", "plain_length", "status"]);
    expect(statuses(cap)).toEqual({ plaintext: 4, decrypted: 9 });
    const inner: string[] = [];
    for (let i = 0; i < t.length; i++) if (t.columns.status[i] === RecordStatus.DECRYPTED) inner.push(`${t.columns.frame[i]}:${t.columns.direction[i]}:${t.columns.inner_type[i]}`);
    // server handshake (4 records in frame 7), client Finished, ping, 2 tickets, pong
    expect(inner).toEqual(["7:1:22", "7:1:22", "7:1:22", "7:1:22", "9:0:22", "11:0:23", "13:1:22", "15:1:22", "17:1:23"]);
  });
  it("the key log: 4 secrets used, EXPORTER_SECRET ignored with its reason", () => {
    expect(tlsKeyLog(cap)).toEqual({ loaded: 4, ignored: [{ label: "EXPORTER_SECRET", count: 1, reason: "exporter secret: not used to decrypt records" }], warnings: [] });
  });
  it("plaintext of each direction", () => {
    expect(text(tlsPlaintext(cap, 0, 0))).toBe("ping");
    expect(text(tlsPlaintext(cap, 0, 1))).toBe("pong");
    expect(tlsSessions(cap)).toEqual([{ stream: 0, suite: 0x1302, version: 0x0304, alpn: null, keys: true }]);
  });
  it("Info names the decrypted handshake messages", () => {
    expect(cap.info(6)).toBe("Server Hello, Change Cipher Spec, Encrypted Extensions, Certificate, Certificate Verify, Finished");
    expect(cap.info(12)).toBe("New Session Ticket");
    expect(cap.protocol(12)).toBe("TLSv1.3");
  });
});

describe("illustrated TLS 1.2 (AES-128-CBC + HMAC-SHA1)", () => {
  it("ping / pong, Finished and the close_notify alert decrypted", () => {
    const cap = readCapture(F("illustrated-tls12.pcap"), { keylog: F("illustrated-tls12.keylog") });
    expect(text(tlsPlaintext(cap, 0, 0))).toBe("ping");
    expect(text(tlsPlaintext(cap, 0, 1))).toBe("pong");
    expect(cap.info(16)).toBe("Alert (Level: Warning, Description: Close Notify)");
    expect(statuses(cap).decrypted).toBe(5);
  });
  it("without a key log nothing changes: the default path, no record table rows", () => {
    const cap = readCapture(F("illustrated-tls12.pcap"));
    expect(cap.info(16)).toBe("Encrypted Alert");
    expect(tlsRecords(cap).length).toBe(0);
  });
});

describe("resumed TLS 1.2 sessions", () => {
  it("the first connection's master secret decrypts the two resumed ones (session ticket)", () => {
    const first = fs.readFileSync(F("lab-clean.keylog"), "latin1").trim().split("\n")[0];
    const cap = readCapture(F("lab-clean.pcapng"), { keylog: first });
    expect(tlsSessions(cap).map((s) => s.keys)).toEqual([true, true, true]);
    expect(exportObjects(cap).rows.map((o) => o.filename)).toEqual(["/", "tone.ogg", "picture.jpg", "clip.webm", "favicon.ico"]);
  });
});

describe("bad secrets never crash", () => {
  const keys = fs.readFileSync(F("illustrated-tls12.keylog"), "latin1");
  it("a wrong master secret: bad MAC statuses, a warning, Info as without keys", () => {
    const wrong = keys.replace(/([0-9a-f]{96})\s*$/i, (m) => (m[0] === "0" ? "1" : "0") + m.slice(1));
    const cap = readCapture(F("illustrated-tls12.pcap"), { keylog: wrong });
    expect(statuses(cap)["bad MAC/tag"]).toBe(5);
    expect(cap.meta.warnings.some((w) => w.code === "decryption" && /failed authentication/.test(w.message))).toBe(true);
    expect(cap.info(16)).toBe("Encrypted Alert");
  });
  it("a key log for other sessions: no-key statuses and a warning naming the client random", () => {
    const cap = readCapture(F("illustrated-tls12.pcap"), { keylog: F("illustrated-tls13.keylog") });
    expect(statuses(cap)["no key"]).toBe(5);
    expect(cap.meta.warnings.find((w) => w.code === "decryption")?.message).toMatch(/no secret for client random [0-9a-f]{64}/);
  });
  it("an unknown cipher suite: unsupported-cipher statuses", () => {
    const b = Buffer.from(fs.readFileSync(F("illustrated-tls12.pcap")));
    // the ServerHello record: 16 03 03 len 02 …; its cipher suite follows random and session id
    let at = -1;
    for (let i = 0; i + 10 < b.length; i++) if (b[i] === 0x16 && b[i + 1] === 3 && b[i + 2] === 3 && b[i + 5] === 2) at = at < 0 ? i : at;
    const sid = b[at + 5 + 4 + 2 + 32];
    const cs = at + 5 + 4 + 2 + 32 + 1 + sid;
    expect(b.readUInt16BE(cs)).toBe(0xc013);
    b.writeUInt16BE(0x0041, cs); // TLS_RSA_WITH_CAMELLIA_128_CBC_SHA
    const cap = readCapture(new Uint8Array(b), { keylog: keys });
    expect(statuses(cap)["unsupported cipher"]).toBe(5);
    expect(cap.meta.warnings.some((w) => /not supported/.test(w.message))).toBe(true);
  });
  it("a segment missing from the capture: a gap row, the other streams unharmed", () => {
    const b = fs.readFileSync(F("lab-clean.pcapng"));
    const cut = dropPacket(b, 100); // frame 101: a server data segment of the picture (stream 0)
    const cap = readCapture(cut, { keylog: F("lab-clean.keylog") });
    expect(statuses(cap).gap).toBeGreaterThanOrEqual(1);
    const names = exportObjects(cap).rows.map((o) => o.filename);
    expect(names).toEqual(expect.arrayContaining(["tone.ogg", "clip.webm", "favicon.ico"]));
    expect(names).not.toContain("picture.jpg");
  });
  it("mutated captures and key logs: only CaptureError may escape (fuzz)", () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const files = ["illustrated-tls12.pcap", "illustrated-tls13.pcap", "http2_trial.pcapng", "curl_http1_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256.pcapng"];
    for (const f of files) {
      const orig = fs.readFileSync(F(f));
      const kl = fs.readFileSync(F(f.replace(/\.pcap(ng)?$/, ".keylog")), "latin1");
      for (let k = 0; k < 40; k++) {
        const b = Buffer.from(orig);
        const n = 1 + Math.floor(rnd() * 8);
        for (let j = 0; j < n; j++) b[40 + Math.floor(rnd() * (b.length - 40))] = Math.floor(rnd() * 256);
        let keylog = kl;
        if (k % 3 === 0) {
          const cut = Math.floor(rnd() * kl.length);
          keylog = kl.slice(0, cut) + "zz" + kl.slice(cut + 2);
        }
        try {
          const cap = readCapture(new Uint8Array(k % 5 === 4 ? b.subarray(0, Math.floor(b.length * rnd())) : b), { keylog });
          for (let r = 0; r < cap.length; r++) cap.info(r);
          tlsRecords(cap);
          exportObjects(cap);
        } catch (e) {
          if (!(e instanceof CaptureError)) throw e;
        }
      }
    }
  });
});

/** A copy of a little-endian pcapng without its n-th Enhanced Packet Block (0-based). */
function dropPacket(b: Buffer, n: number): Uint8Array {
  const parts: Buffer[] = [];
  let o = 0;
  let k = 0;
  while (o + 12 <= b.length) {
    const type = b.readUInt32LE(o);
    const len = b.readUInt32LE(o + 4);
    const isPacket = type === 6;
    if (!(isPacket && k === n)) parts.push(b.subarray(o, o + len));
    if (isPacket) k++;
    o += len;
  }
  return new Uint8Array(Buffer.concat(parts));
}

describe("per-connection HTTP summary of decrypted streams (flow table: http_host)", () => {
  it("HTTP/1.1 and HTTP/2", () => {
    const lab = readCapture(F("lab-clean.pcapng"), { keylog: F("lab-clean.keylog") });
    expect([0, 1, 2].map((s) => [lab.app.streamHttp(s)?.requests, lab.app.streamHttp(s)?.host])).toEqual([[2, "10.77.0.1"], [1, "10.77.0.1"], [3, "10.77.0.1"]]);
    const h2 = readCapture(F("http2_trial.pcapng"), { keylog: F("http2_trial.keylog") });
    const s = h2.app.streamHttp(6)!;
    expect([s.requests, s.responses, s.host, s.statuses]).toEqual([4, 4, "localhost:9000", [200, 200, 200, 200]]);
  });
});

describe("httpExchanges: the page's requests and responses", () => {
  it("lab-clean: page, picture, tone and clip (range requests → 206), favicon 404, the cancelled download without response", () => {
    const cap = readCapture(F("lab-clean.pcapng"), { keylog: F("lab-clean.keylog") });
    const x = httpExchanges(cap).map((e) => [e.stream, e.requestRow + 1, e.method, e.uri, e.range, e.responseRow + 1, e.status, e.contentRange, e.bodyLength]);
    expect(x).toEqual([
      [0, 15, "GET", "/", null, 17, 200, null, 771],
      [0, 19, "GET", "/picture.jpg", null, 464, 200, null, 326131],
      [1, 291, "GET", "/tone.ogg", "bytes=0-", 379, 206, "bytes 0-47204/47205", 47205],
      [2, 313, "GET", "/clip.webm", "bytes=0-", 969, 206, "bytes 0-581371/581372", 581372],
      [2, 971, "GET", "/favicon.ico", null, 972, 404, null, 10],
      [2, 974, "GET", "/clip.webm?cancelled-download", null, 0, null, null, 0],
    ]);
  });
  it("http2_trial: four HTTP/2 exchanges", () => {
    const cap = readCapture(F("http2_trial.pcapng"), { keylog: F("http2_trial.keylog") });
    expect(httpExchanges(cap).map((e) => [e.protocol, e.h2Stream, e.requestRow + 1, e.uri, e.responseRow + 1, e.status])).toEqual([
      ["http2", 1, 46, "/", 59, 200], ["http2", 3, 65, "/api/html", 67, 200], ["http2", 5, 69, "/api/json", 71, 200], ["http2", 7, 73, "/api/test", 75, 200],
    ]);
  });
});
