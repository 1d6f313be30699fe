#!/usr/bin/env node
"use strict";
// Writes bench/tls.pcap + bench/tls.keylog: a deterministic capture of TLS 1.2 connections
// (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, port 443) carrying HTTP/1.1 GETs and responses of 20–400 KB in
// 16 KB records, cut into 1448-byte segments, 100 connections interleaved, about 1 % of the server's
// segments delivered late (out of order, after the next three), the key log beside it. Every record is
// really encrypted (node:crypto), so reading it with the key log decrypts everything.
// Usage: node bench/make-tls.js [packets=1000000] [out=bench/tls.pcap] [concurrent=100]
const fs = require("node:fs");
const path = require("node:path");
const crypto = require("node:crypto");

const target = Number(process.argv[2] || 1_000_000);
const outPath = process.argv[3] || path.join(__dirname, "tls.pcap");
const concurrent = Number(process.argv[4] || 100);
let seed = 4242;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
const rbytes = (n) => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256); return b; };

function prf(secret, label, seed2, len) {
  const s = Buffer.concat([Buffer.from(label), seed2]);
  const out = [];
  let a = s, n = 0;
  while (n < len) {
    a = crypto.createHmac("sha256", secret).update(a).digest();
    const c = crypto.createHmac("sha256", secret).update(a).update(s).digest();
    out.push(c); n += c.length;
  }
  return Buffer.concat(out).subarray(0, len);
}

const fd = fs.openSync(outPath, "w");
const keylog = [];
const CH = 8 << 20;
let buf = Buffer.alloc(CH);
let pos = 0;
const flush = () => { fs.writeSync(fd, buf, 0, pos); pos = 0; };
const hdr = Buffer.alloc(24);
hdr.writeUInt32LE(0xa1b2c3d4, 0); hdr.writeUInt16LE(2, 4); hdr.writeUInt16LE(4, 6);
hdr.writeUInt32LE(262144, 16); hdr.writeUInt32LE(1, 20);
fs.writeSync(fd, hdr);
let t = 1_700_000_000 * 1e6;
let count = 0;

function packet(c, fromClient, flags, seq, ack, payload) {
  const len = payload ? payload.length : 0;
  const frameLen = 14 + 20 + 20 + len;
  if (pos + 16 + frameLen > CH) flush();
  t += 1 + Math.floor(rnd() * 20);
  buf.writeUInt32LE(Math.floor(t / 1e6), pos); buf.writeUInt32LE(t % 1e6, pos + 4);
  buf.writeUInt32LE(frameLen, pos + 8); buf.writeUInt32LE(frameLen, pos + 12);
  let p = pos + 16;
  buf.fill(0, p, p + 54);
  buf.writeUInt32BE(fromClient ? 0x02000000 : 0x02000001, p); buf.writeUInt16BE(c.id & 0xffff, p + 4);
  buf.writeUInt32BE(fromClient ? 0x02000001 : 0x02000000, p + 6); buf.writeUInt16BE(c.id & 0xffff, p + 10);
  buf.writeUInt16BE(0x0800, p + 12);
  p += 14;
  buf[p] = 0x45; buf.writeUInt16BE(40 + len, p + 2); buf.writeUInt16BE(c.ipid++ & 0xffff, p + 4);
  buf[p + 6] = 0x40; buf[p + 8] = 64; buf[p + 9] = 6;
  buf.writeUInt32BE((fromClient ? c.cip : c.sip) >>> 0, p + 12); buf.writeUInt32BE((fromClient ? c.sip : c.cip) >>> 0, p + 16);
  p += 20;
  buf.writeUInt16BE(fromClient ? c.cport : 443, p); buf.writeUInt16BE(fromClient ? 443 : c.cport, p + 2);
  buf.writeUInt32BE(seq >>> 0, p + 4); buf.writeUInt32BE(ack >>> 0, p + 8);
  buf[p + 12] = 5 << 4; buf[p + 13] = flags; buf.writeUInt16BE(65535, p + 14);
  if (payload) payload.copy(buf, p + 20);
  pos += 16 + frameLen;
  count++;
}

const rec = (type, body) => Buffer.concat([Buffer.from([type, 3, 3, body.length >> 8, body.length & 0xff]), body]);
const hs = (type, body) => Buffer.concat([Buffer.from([type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]), body]);

function sealer(key, iv) {
  let seq = 0;
  return (type, plain) => {
    const s = Buffer.alloc(8); s.writeUInt32BE(0, 0); s.writeUInt32BE(seq, 4);
    const aad = Buffer.concat([s, Buffer.from([type, 3, 3, plain.length >> 8, plain.length & 0xff])]);
    const c = crypto.createCipheriv("aes-128-gcm", key, Buffer.concat([iv, s]));
    c.setAAD(aad);
    const ct = Buffer.concat([c.update(plain), c.final()]);
    seq++;
    return rec(type, Buffer.concat([s, ct, c.getAuthTag()]));
  };
}

let nextId = 1;
function* connection() {
  const id = nextId++;
  const c = { id, ipid: 1, cip: 0x0a000000 + (id % 60000) + 1, sip: 0x0a800001, cport: 1024 + (id % 60000) };
  const cr = rbytes(32), sr = rbytes(32), master = rbytes(48);
  keylog.push(`CLIENT_RANDOM ${cr.toString("hex")} ${master.toString("hex")}`);
  const kb = prf(master, "key expansion", Buffer.concat([sr, cr]), 40);
  const cseal = sealer(kb.subarray(0, 16), kb.subarray(32, 36));
  const sseal = sealer(kb.subarray(16, 32), kb.subarray(36, 40));
  let cs = Math.floor(rnd() * 2 ** 32), ss = Math.floor(rnd() * 2 ** 32);
  yield () => packet(c, true, 0x02, cs++, 0, null);
  yield () => packet(c, false, 0x12, ss++, cs, null);
  yield () => packet(c, true, 0x10, cs, ss, null);
  const send = function* (fromClient, bytes, lossy) {
    const segs = [];
    for (let o = 0; o < bytes.length; o += 1448) segs.push(bytes.subarray(o, Math.min(bytes.length, o + 1448)));
    let late = null;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i];
      if (fromClient) { const s0 = cs; cs += seg.length; yield () => packet(c, true, 0x18, s0, ss, seg); }
      else {
        const s0 = ss; ss += seg.length;
        if (lossy && !late && i + 4 < segs.length && rnd() < 0.01) late = { s0, seg, at: i + 3 };
        else yield () => packet(c, false, 0x18, s0, cs, seg);
        if (late && late.at === i) { const l = late; late = null; yield () => packet(c, false, 0x18, l.s0, cs, l.seg); }
        if (i % 2 === 1) yield () => packet(c, true, 0x10, cs, ss, null);
      }
    }
    if (late) yield () => packet(c, false, 0x18, late.s0, cs, late.seg);
  };
  const ch = hs(1, Buffer.concat([Buffer.from([3, 3]), cr, Buffer.from([0, 0, 2, 0xc0, 0x2f, 1, 0])]));
  yield* send(true, rec(22, ch));
  const sh = hs(2, Buffer.concat([Buffer.from([3, 3]), sr, Buffer.from([0, 0xc0, 0x2f, 0])]));
  yield* send(false, rec(22, Buffer.concat([sh, hs(14, Buffer.alloc(0))])));
  const fin = () => hs(20, rbytes(12));
  yield* send(true, Buffer.concat([rec(22, hs(16, Buffer.concat([Buffer.from([32]), rbytes(32)]))), rec(20, Buffer.from([1])), cseal(22, fin())]));
  yield* send(false, Buffer.concat([rec(20, Buffer.from([1])), sseal(22, fin())]));
  for (let k = 0, n = 1 + Math.floor(rnd() * 3); k < n; k++) {
    yield* send(true, cseal(23, Buffer.from(`GET /obj/${id}-${k}.bin HTTP/1.1\r\nHost: bench.example\r\n\r\n`)));
    const size = 20000 + Math.floor(rnd() * 380000);
    const body = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${size}\r\n\r\n`), rbytes(size)]);
    const out = [];
    for (let o = 0; o < body.length; o += 16384) out.push(sseal(23, body.subarray(o, Math.min(body.length, o + 16384))));
    yield* send(false, Buffer.concat(out), true);
  }
  yield () => packet(c, true, 0x11, cs++, ss, null);
  yield () => packet(c, false, 0x11, ss++, cs, null);
  yield () => packet(c, true, 0x10, cs, ss, null);
}

const active = [];
while (count < target) {
  while (active.length < concurrent) active.push(connection());
  const i = Math.floor(rnd() * active.length);
  const r = active[i].next();
  if (r.done) active.splice(i, 1);
  else r.value();
}
flush();
fs.closeSync(fd);
fs.writeFileSync(outPath.replace(/\.pcap$/, ".keylog"), keylog.join("\n") + "\n");
console.log(`${outPath}: ${count} packets, ${keylog.length} connections`);
