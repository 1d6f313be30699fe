// Key schedules and record protection: RFC 8448 (TLS 1.3 trace), the TLS 1.2 PRF test vectors of the
// IETF TLS WG, and sealed/opened records for every mode (tags and MACs verified, tampering detected).
import * as crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { RecordStatus, Tls13Decoder, hkdfExpandLabel, prf10, prf12, tls12Decoders } from "../../lib/decrypt/crypto";
import { suiteInfo } from "../../lib/decrypt/suites";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
const E = new Uint8Array(0);

describe("TLS 1.3 key schedule (RFC 8448 §3, simple 1-RTT handshake)", () => {
  const shts = hex("b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38");
  const chts = hex("b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e 2d 8f 3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21");
  const sats = hex("a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9 50 32 82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43");

  it("server handshake key and iv", () => {
    expect(hkdfExpandLabel("sha256", shts, "key", E, 16).toString("hex")).toBe("3fce516009c21727d0f2e4e86ee403bc");
    expect(hkdfExpandLabel("sha256", shts, "iv", E, 12).toString("hex")).toBe("5d313eb2671276ee13000b30");
  });
  it("client handshake key and iv", () => {
    expect(hkdfExpandLabel("sha256", chts, "key", E, 16).toString("hex")).toBe("dbfaa693d1762c5b666af5d950258d01");
    expect(hkdfExpandLabel("sha256", chts, "iv", E, 12).toString("hex")).toBe("5bd3c71b836e0b76bb73265f");
  });
  it("server application key and iv, server finished key", () => {
    expect(hkdfExpandLabel("sha256", sats, "key", E, 16).toString("hex")).toBe("9f02283b6c9c07efc26bb9f2ac92e356");
    expect(hkdfExpandLabel("sha256", sats, "iv", E, 12).toString("hex")).toBe("cf782b88dd83549aadf1e984");
    expect(hkdfExpandLabel("sha256", shts, "finished", E, 32).toString("hex")).toBe("008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8");
  });
});

describe("TLS 1.2 PRF (IETF TLS WG test vectors)", () => {
  it("P_SHA256", () => {
    const out = prf12("sha256", hex("9bbe436ba940f017b17652849a71db35"), "test label", hex("a0ba9f936cda311827a6f796ffd5198c"), 100);
    expect(out.toString("hex")).toBe(
      "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab" +
        "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66",
    );
  });
  it("P_SHA384", () => {
    const out = prf12("sha384", hex("b80b733d6ceefcdc71566ea48e5567df"), "test label", hex("cd665cf6a8447dd6ff8b27555edb7465"), 16);
    expect(out.toString("hex")).toBe("7b0c18e9ced410ed1804f2cfa34a336a");
  });
  it("TLS 1.0/1.1 PRF is P_MD5 xor P_SHA1 over the two secret halves", () => {
    const s = hex("0102030405060708090a0b0c0d0e0f10");
    const seed = hex("aabbcc");
    const out = prf10(s, "lbl", seed, 20);
    // independent computation
    const p = (h: string, k: Buffer, n: number) => {
      const ls = Buffer.concat([Buffer.from("lbl"), seed]);
      let a: Buffer = ls;
      const parts: Buffer[] = [];
      while (Buffer.concat(parts).length < n) {
        a = crypto.createHmac(h, k).update(a).digest();
        parts.push(crypto.createHmac(h, k).update(a).update(ls).digest());
      }
      return Buffer.concat(parts).subarray(0, n);
    };
    const m = p("md5", s.subarray(0, 8), 20);
    const x = p("sha1", s.subarray(8), 20);
    for (let i = 0; i < 20; i++) m[i] ^= x[i];
    expect(out.toString("hex")).toBe(m.toString("hex"));
  });
});

// ---- sealing records the way a TLS stack does, to check the decoders ---------------------------

function seq8(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(Math.floor(n / 2 ** 32), 0);
  b.writeUInt32BE(n >>> 0, 4);
  return b;
}

function seal12(id: number, master: Buffer, cr: Buffer, sr: Buffer, client: boolean, seq: number, type: number, plain: Buffer, etm: boolean): Buffer {
  const s = suiteInfo(id)!;
  const macLen = s.mode === "cbc" ? ({ sha1: 20, sha256: 32, sha384: 48 } as const)[s.mac!] : 0;
  const kb = prf12(s.hash, master, "key expansion", Buffer.concat([sr, cr]), 2 * macLen + 2 * s.keyLen + 2 * s.ivLen);
  let o = 0;
  const take = (n: number) => kb.subarray(o, (o += n));
  const cm = take(macLen), sm = take(macLen), ck = take(s.keyLen), sk = take(s.keyLen), ci = take(s.ivLen), si = take(s.ivLen);
  const [mac, key, iv] = client ? [cm, ck, ci] : [sm, sk, si];
  const hdr = (len: number) => Buffer.concat([seq8(seq), Buffer.from([type, 3, 3, len >> 8, len & 0xff])]);
  if (s.mode === "cbc") {
    const bs = s.ivLen;
    const ivr = crypto.randomBytes(bs);
    const h = (d: Buffer) => crypto.createHmac(s.mac!, mac).update(d).digest();
    const pad = (n: number) => {
      const p = bs - ((n + 1) % bs);
      return Buffer.alloc(p + 1, p);
    };
    const enc = (d: Buffer) => {
      const c = crypto.createCipheriv(s.cipher, key, ivr);
      c.setAutoPadding(false);
      return Buffer.concat([c.update(d), c.final()]);
    };
    if (etm) {
      const ct = Buffer.concat([ivr, enc(Buffer.concat([plain, pad(plain.length)]))]);
      return Buffer.concat([ct, h(Buffer.concat([hdr(ct.length), ct]))]);
    }
    const m = h(Buffer.concat([hdr(plain.length), plain]));
    const body = Buffer.concat([plain, m]);
    return Buffer.concat([ivr, enc(Buffer.concat([body, pad(body.length)]))]);
  }
  const tagLen = s.mode === "ccm8" ? 8 : 16;
  let nonce: Buffer;
  let explicit = Buffer.alloc(0);
  if (s.mode === "chacha") {
    nonce = Buffer.from(iv);
    const q = seq8(seq);
    for (let i = 0; i < 8; i++) nonce[4 + i] ^= q[i];
  } else {
    explicit = seq8(seq + 1000);
    nonce = Buffer.concat([iv, explicit]);
  }
  const c = crypto.createCipheriv(s.cipher as crypto.CipherGCMTypes, key, nonce, { authTagLength: tagLen } as crypto.CipherGCMOptions);
  (c as crypto.CipherGCM).setAAD(hdr(plain.length), { plaintextLength: plain.length });
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([explicit, ct, (c as crypto.CipherGCM).getAuthTag()]);
}

describe("TLS 1.2 record protection, every mode", () => {
  const master = crypto.randomBytes(48);
  const cr = crypto.randomBytes(32);
  const sr = crypto.randomBytes(32);
  const cases: [string, number, boolean][] = [
    ["AES-128-GCM", 0xc02f, false],
    ["AES-256-GCM (SHA-384 PRF)", 0xc030, false],
    ["ChaCha20-Poly1305", 0xcca8, false],
    ["AES-128-CCM", 0xc09c, false],
    ["AES-256-CCM_8", 0xc0a1, false],
    ["AES-128-CBC-SHA (MAC-then-encrypt)", 0xc013, false],
    ["AES-128-CBC-SHA (encrypt_then_mac)", 0xc013, true],
    ["AES-256-CBC-SHA384", 0xc028, false],
    ["AES-256-CBC-SHA256 encrypt_then_mac", 0x003d, true],
    ["3DES-EDE-CBC-SHA", 0x000a, false],
  ];
  for (const [name, id, etm] of cases) {
    it(name, () => {
      const s = suiteInfo(id)!;
      const [c, srv] = tls12Decoders(s, 0x0303, master, cr, sr, etm);
      const msgs = [Buffer.from("GET / HTTP/1.1\r\n\r\n"), Buffer.alloc(0), crypto.randomBytes(1000)];
      msgs.forEach((m, i) => {
        const r = c.open(23, 0x0303, seal12(id, master, cr, sr, true, i, 23, m, etm));
        expect(r.status).toBe(RecordStatus.DECRYPTED);
        expect(Buffer.from(r.plaintext!).equals(m)).toBe(true);
      });
      // server direction, one tampered record: a status, and the sequence number stays
      const rec = seal12(id, master, cr, sr, false, 0, 22, Buffer.from([20, 0, 0, 12, ...Array(12).fill(7)]), etm);
      const bad = Buffer.from(rec);
      bad[bad.length - 1] ^= 1;
      expect(srv.open(22, 0x0303, bad).status).toBe(RecordStatus.BAD_MAC);
      const ok = srv.open(22, 0x0303, rec);
      expect(ok.status).toBe(RecordStatus.DECRYPTED);
      expect(ok.plaintext![0]).toBe(20);
      // a record shorter than the overhead is malformed, not an exception
      expect(srv.open(23, 0x0303, new Uint8Array(3)).status).not.toBe(RecordStatus.DECRYPTED);
    });
  }
});

describe("TLS 1.3 record protection", () => {
  for (const id of [0x1301, 0x1302, 0x1303, 0x1304, 0x1305]) {
    it(`suite 0x${id.toString(16)}: inner type and padding, KeyUpdate, tampering`, () => {
      const s = suiteInfo(id)!;
      const secret = crypto.randomBytes(s.hash === "sha384" ? 48 : 32);
      const seal = (sec: Buffer, seq: number, inner: Buffer, type: number, pad: number) => {
        const key = hkdfExpandLabel(s.hash, sec, "key", E, s.keyLen);
        const iv = hkdfExpandLabel(s.hash, sec, "iv", E, 12);
        const q = seq8(seq);
        for (let i = 0; i < 8; i++) iv[4 + i] ^= q[i];
        const tagLen = s.mode === "ccm8" ? 8 : 16;
        const pt = Buffer.concat([inner, Buffer.from([type]), Buffer.alloc(pad)]);
        const len = pt.length + tagLen;
        const c = crypto.createCipheriv(s.cipher as crypto.CipherGCMTypes, key, iv, { authTagLength: tagLen } as crypto.CipherGCMOptions);
        (c as crypto.CipherGCM).setAAD(Buffer.from([23, 3, 3, len >> 8, len & 0xff]), { plaintextLength: pt.length });
        return Buffer.concat([c.update(pt), c.final(), (c as crypto.CipherGCM).getAuthTag()]);
      };
      const d = new Tls13Decoder(s, secret);
      const r0 = d.open(23, 0x0303, seal(secret, 0, Buffer.from("ping"), 23, 5));
      expect(r0.status).toBe(RecordStatus.DECRYPTED);
      expect(Buffer.from(r0.plaintext!).toString()).toBe("ping");
      expect(r0.type).toBe(23);
      const r1 = d.open(23, 0x0303, seal(secret, 1, Buffer.from([24, 0, 0, 1, 0]), 22, 0));
      expect(r1.type).toBe(22);
      const next = d.next();
      const upd = hkdfExpandLabel(s.hash, secret, "traffic upd", E, s.hash === "sha384" ? 48 : 32);
      const r2 = next.open(23, 0x0303, seal(upd, 0, Buffer.from("pong"), 23, 0));
      expect(Buffer.from(r2.plaintext!).toString()).toBe("pong");
      const bad = seal(secret, 2, Buffer.from("x"), 23, 0);
      bad[0] ^= 0x80;
      expect(d.open(23, 0x0303, bad).status).toBe(RecordStatus.BAD_MAC);
    });
  }
});
