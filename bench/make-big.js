#!/usr/bin/env node
"use strict";
// Writes bench/big.pcap: a deterministic ~1 M-packet Ethernet/IPv4/TCP capture (classic µs pcap)
// made of many interleaved connections with handshakes, data in both directions, delayed ACKs,
// some loss (retransmissions, dup ACKs with SACK) and FIN teardowns. Average frame ≈ 120 bytes.
// Usage: node bench/make-big.js [packets=1000000] [out=bench/big.pcap] [concurrent connections=200]
const fs = require("node:fs");
const path = require("node:path");

const target = Number(process.argv[2] || 1_000_000);
const outPath = process.argv[3] || path.join(__dirname, "big.pcap");
// 3rd argument: number of concurrent connections (default 200); with 1, one connection carries every packet.
const concurrent = Number(process.argv[4] || 200);
let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);

const fd = fs.openSync(outPath, "w");
const CH = 8 << 20;
let buf = Buffer.alloc(CH);
let pos = 0;
const flush = () => { fs.writeSync(fd, buf, 0, pos); pos = 0; };
const hdr = Buffer.alloc(24);
hdr.writeUInt32LE(0xa1b2c3d4, 0); hdr.writeUInt16LE(2, 4); hdr.writeUInt16LE(4, 6);
hdr.writeUInt32LE(262144, 16); hdr.writeUInt32LE(1, 20);
fs.writeSync(fd, hdr);

let t = 1_700_000_000 * 1e6; // µs
let count = 0;
function packet(c, fromClient, flags, seq, ack, len, sack) {
  const optLen = (flags & 2 ? 20 : 12) + (sack ? 12 : 0);
  const frameLen = 14 + 20 + 20 + optLen + len;
  if (pos + 16 + frameLen > CH) flush();
  t += 1 + Math.floor(rnd() * 40);
  buf.writeUInt32LE(Math.floor(t / 1e6), pos); buf.writeUInt32LE(t % 1e6, pos + 4);
  buf.writeUInt32LE(frameLen, pos + 8); buf.writeUInt32LE(frameLen, pos + 12);
  let p = pos + 16;
  buf.fill(0, p, p + frameLen);
  buf.writeUInt32BE(fromClient ? 0x02000000 : 0x02000001, p); buf.writeUInt16BE(c.id & 0xffff, p + 4);
  buf.writeUInt32BE(fromClient ? 0x02000001 : 0x02000000, p + 6); buf.writeUInt16BE(c.id & 0xffff, p + 10);
  buf.writeUInt16BE(0x0800, p + 12);
  p += 14;
  buf[p] = 0x45; buf.writeUInt16BE(20 + 20 + optLen + len, p + 2); buf.writeUInt16BE(c.ipid++ & 0xffff, p + 4);
  buf[p + 6] = 0x40; buf[p + 8] = 64; buf[p + 9] = 6;
  buf.writeUInt32BE((fromClient ? c.cip : c.sip) >>> 0, p + 12); buf.writeUInt32BE((fromClient ? c.sip : c.cip) >>> 0, p + 16);
  p += 20;
  buf.writeUInt16BE(fromClient ? c.cport : 443, p); buf.writeUInt16BE(fromClient ? 443 : c.cport, p + 2);
  buf.writeUInt32BE(seq >>> 0, p + 4); buf.writeUInt32BE(ack >>> 0, p + 8);
  buf[p + 12] = ((20 + optLen) / 4) << 4; buf[p + 13] = flags; buf.writeUInt16BE(flags & 2 ? 64240 : 502, p + 14);
  let o = p + 20;
  if (flags & 2) { buf[o] = 2; buf[o + 1] = 4; buf.writeUInt16BE(1460, o + 2); buf[o + 4] = 4; buf[o + 5] = 2; o += 6; buf[o] = 8; buf[o + 1] = 10; buf.writeUInt32BE(count, o + 2); o += 10; buf[o] = 1; buf[o + 1] = 3; buf[o + 2] = 3; buf[o + 3] = 7; o += 4; }
  else { buf[o] = 1; buf[o + 1] = 1; buf[o + 2] = 8; buf[o + 3] = 10; buf.writeUInt32BE(count, o + 4); o += 12; }
  if (sack) { buf[o] = 1; buf[o + 1] = 1; buf[o + 2] = 5; buf[o + 3] = 10; buf.writeUInt32BE(sack[0] >>> 0, o + 4); buf.writeUInt32BE(sack[1] >>> 0, o + 8); o += 12; }
  pos += 16 + frameLen;
  count++;
}

const conns = [];
let nextId = 1;
function newConn() {
  const id = nextId++;
  return { id, cip: (10 << 24) | (id & 0xffffff), sip: (192 << 24) | (168 << 16) | (id % 200), cport: 1024 + (id % 60000), cs: Math.floor(rnd() * 4294967295), ss: Math.floor(rnd() * 4294967295), state: 0, acked: 0, left: 20 + Math.floor(rnd() * 400), ipid: 1 };
}
for (let i = 0; i < concurrent; i++) conns.push(newConn());
if (concurrent === 1) conns[0].left = Infinity;
while (count < target) {
  const k = Math.floor(rnd() * conns.length);
  const c = conns[k];
  const A = 0x10, S = 2, F = 1, P = 8;
  switch (c.state) {
    case 0: packet(c, true, S, c.cs, 0, 0); c.state = 1; break;
    case 1: packet(c, false, S | A, c.ss, c.cs + 1, 0); c.state = 2; break;
    case 2: packet(c, true, A, c.cs + 1, c.ss + 1, 0); c.cs += 1; c.ss += 1; c.acked = c.ss; c.state = 3; break;
    case 3: {
      const r = rnd();
      if (r < 0.15) { const len = 40 + Math.floor(rnd() * 300); packet(c, true, A | P, c.cs, c.ss, len); c.cs += len; }
      else if (r < 0.6) { const len = rnd() < 0.05 ? 1448 : 20 + Math.floor(rnd() * 150); packet(c, false, A | P, c.ss, c.cs, len); c.ss += len; }
      else if (r < 0.985) {
        // delayed ACK: only when the server sent something since the client's last ACK
        if (c.acked !== c.ss) { packet(c, true, A, c.cs, c.ss, 0); c.acked = c.ss; }
        else { const len = 20 + Math.floor(rnd() * 150); packet(c, false, A | P, c.ss, c.cs, len); c.ss += len; }
      }
      else { // loss episode: a segment lost before the capture point, data after it, dup ACKs with SACK, the retransmission
        const len = 100;
        c.ss += len; // the lost segment
        packet(c, false, A, c.ss, c.cs, len);
        packet(c, true, A, c.cs, c.ss - len, 0, [c.ss, c.ss + len]);
        packet(c, false, A, c.ss + len, c.cs, len);
        packet(c, true, A, c.cs, c.ss - len, 0, [c.ss, c.ss + 2 * len]);
        packet(c, false, A, c.ss - len, c.cs, len); // retransmission of the lost segment
        c.ss += 2 * len;
        packet(c, true, A, c.cs, c.ss, 0); c.acked = c.ss;
      }
      if (--c.left <= 0) c.state = 4;
      break;
    }
    case 4: packet(c, true, F | A, c.cs, c.ss, 0); c.state = 5; break;
    case 5: packet(c, false, F | A, c.ss, c.cs + 1, 0); c.state = 6; break;
    case 6: packet(c, true, A, c.cs + 1, c.ss + 1, 0); conns[k] = newConn(); break;
  }
}
flush();
fs.closeSync(fd);
console.log(`wrote ${outPath}: ${count} packets, ${fs.statSync(outPath).size} bytes`);
