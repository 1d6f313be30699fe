#!/usr/bin/env node
// Generates the small synthetic edge-case captures in data/ byte by byte.
// Deterministic: no clock, no randomness; running it twice gives identical files.
//
//   node scripts/make-fixtures.js [outdir]     (default: <repo>/data)
//
// Files written (see data/README.md for what tshark makes of each):
//   tcp-flags-lab.pcap        one TCP conversation hitting every Wireshark analysis flag
//   vlan-qinq.pcap            802.1ad + 802.1Q double-tagged TCP handshake + an ARP
//   linktypes.pcapng          7 link types, NRB/ISB/DSB/OPB/custom block, 2nd big-endian section
//   bad-truncated.pcap        valid pcap cut in the middle of record 5
//   bad-pcapng-blocklen.pcapng  3rd EPB's trailing block length differs from the leading one
//   not-a-capture.txt         plain text
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const OUT = path.resolve(process.argv[2] || path.join(__dirname, "..", "data"));

// ---------------------------------------------------------------- byte helpers

function u8(v) { return Buffer.from([v & 0xff]); }
function be16(v) { const b = Buffer.alloc(2); b.writeUInt16BE(v & 0xffff); return b; }
function be32(v) { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; }
function le16(v) { const b = Buffer.alloc(2); b.writeUInt16LE(v & 0xffff); return b; }
function le32(v) { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; }
const cat = (...parts) => Buffer.concat(parts);
const pad4 = (n) => (4 - (n % 4)) % 4;

function ipv4Bytes(s) { return Buffer.from(s.split(".").map(Number)); }
function macBytes(s) { return Buffer.from(s.split(":").map((h) => parseInt(h, 16))); }
function ipv6Bytes(s) {
  // only the forms used here: "fd00::1" style (one "::")
  const [head, tail] = s.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const words = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return Buffer.concat(words.map((w) => be16(parseInt(w, 16))));
}

function onesSum(buf, start = 0) {
  let s = start;
  for (let i = 0; i + 1 < buf.length; i += 2) s += buf.readUInt16BE(i);
  if (buf.length % 2) s += buf[buf.length - 1] << 8;
  return s;
}
function fold(s) {
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return (~s) & 0xffff;
}

// ---------------------------------------------------------------- L3/L4 builders

/** IPv4 header + payload, checksum filled in. */
function ipv4({ src, dst, proto, id = 0, ttl = 64, flags = 0x4000 /* DF */ }, payload) {
  const h = cat(
    u8(0x45), u8(0), be16(20 + payload.length), be16(id), be16(flags),
    u8(ttl), u8(proto), be16(0), ipv4Bytes(src), ipv4Bytes(dst),
  );
  h.writeUInt16BE(fold(onesSum(h)), 10);
  return cat(h, payload);
}

function ipv6({ src, dst, next, hlim = 64 }, payload) {
  return cat(be32(0x60000000), be16(payload.length), u8(next), u8(hlim), ipv6Bytes(src), ipv6Bytes(dst), payload);
}

function pseudoSum(l3, proto, len) {
  if (l3.v6) return onesSum(cat(ipv6Bytes(l3.src), ipv6Bytes(l3.dst), be32(len), be32(proto)));
  return onesSum(cat(ipv4Bytes(l3.src), ipv4Bytes(l3.dst), u8(0), u8(proto), be16(len)));
}

const TCP_FLAG = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128 };

/** TCP option list -> bytes (padded with NOP-free EOL to 4). opts: array of [kind, ...]. */
function tcpOptions(opts) {
  const parts = [];
  for (const o of opts) {
    switch (o[0]) {
      case "nop": parts.push(u8(1)); break;
      case "mss": parts.push(cat(u8(2), u8(4), be16(o[1]))); break;
      case "ws": parts.push(cat(u8(3), u8(3), u8(o[1]))); break;
      case "sackperm": parts.push(cat(u8(4), u8(2))); break;
      case "sack": parts.push(cat(u8(5), u8(2 + 8 * o[1].length), ...o[1].map(([l, r]) => cat(be32(l), be32(r))))); break;
      case "ts": parts.push(cat(u8(8), u8(10), be32(o[1]), be32(o[2]))); break;
      default: throw new Error("unknown option " + o[0]);
    }
  }
  const b = cat(...parts);
  return cat(b, Buffer.alloc(pad4(b.length)));
}

function tcp(l3, { sport, dport, seq, ack = 0, flags, win, opts = [], payload = Buffer.alloc(0) }) {
  const ob = tcpOptions(opts);
  const hlen = 20 + ob.length;
  const h = cat(be16(sport), be16(dport), be32(seq), be32(ack), u8((hlen / 4) << 4), u8(flags), be16(win), be16(0), be16(0), ob);
  const seg = cat(h, payload);
  seg.writeUInt16BE(fold(onesSum(seg, pseudoSum(l3, 6, seg.length))), 16);
  return seg;
}

function udp(l3, { sport, dport, payload }) {
  const seg = cat(be16(sport), be16(dport), be16(8 + payload.length), be16(0), payload);
  let c = fold(onesSum(seg, pseudoSum(l3, 17, seg.length)));
  if (c === 0) c = 0xffff;
  seg.writeUInt16BE(c, 6);
  return seg;
}

function ipv4Tcp(ip, t) { return ipv4({ ...ip, proto: 6 }, tcp(ip, t)); }
function ipv4Udp(ip, u) { return ipv4({ ...ip, proto: 17 }, udp(ip, u)); }
function ipv6Udp(ip, u) { return ipv6({ ...ip, next: 17 }, udp({ ...ip, v6: true }, u)); }

function ether(dst, src, type, payload) { return cat(macBytes(dst), macBytes(src), be16(type), payload); }

function filler(n, seed) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = 0x61 + ((i + seed) % 26); // a..z
  return b;
}

// ---------------------------------------------------------------- pcap / pcapng writers

/** Classic pcap, little-endian, microsecond. records: [{sec, usec, data, origLen?}] */
function pcapFile(linktype, records, snaplen = 65535) {
  const hdr = cat(le32(0xa1b2c3d4), le16(2), le16(4), le32(0), le32(0), le32(snaplen), le32(linktype));
  return cat(hdr, ...records.map(pcapRecord));
}
function pcapRecord(r) {
  return cat(le32(r.sec), le32(r.usec), le32(r.data.length), le32(r.origLen ?? r.data.length), r.data);
}

/** pcapng writer for one section in a given byte order. */
function ng(bigEndian) {
  const w16 = bigEndian ? be16 : le16;
  const w32 = bigEndian ? be32 : le32;
  function block(type, body) {
    const padded = cat(body, Buffer.alloc(pad4(body.length)));
    const len = 12 + padded.length;
    return cat(w32(type), w32(len), padded, w32(len));
  }
  function opt(code, value) {
    return cat(w16(code), w16(value.length), value, Buffer.alloc(pad4(value.length)));
  }
  function opts(list) {
    if (!list.length) return Buffer.alloc(0);
    return cat(...list.map(([c, v]) => opt(c, v)), w16(0), w16(0));
  }
  function u64(v) { // v: BigInt
    const b = Buffer.alloc(8);
    if (bigEndian) b.writeBigUInt64BE(v); else b.writeBigUInt64LE(v);
    return b;
  }
  function i64(v) {
    const b = Buffer.alloc(8);
    if (bigEndian) b.writeBigInt64BE(v); else b.writeBigInt64LE(v);
    return b;
  }
  return {
    w16, w32, block, opt, opts, u64, i64,
    shb(options = []) {
      return block(0x0a0d0d0a, cat(w32(0x1a2b3c4d), w16(1), w16(0), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), opts(options)));
    },
    idb(linktype, options = [], snaplen = 0) {
      return block(1, cat(w16(linktype), w16(0), w32(snaplen), opts(options)));
    },
    /** ts: BigInt in interface units */
    epb(ifid, ts, data, origLen = data.length, options = []) {
      return block(6, cat(w32(ifid), w32(Number(ts >> 32n)), w32(Number(ts & 0xffffffffn)), w32(data.length), w32(origLen), data, Buffer.alloc(pad4(data.length)), opts(options)));
    },
  };
}

// ---------------------------------------------------------------- tcp-flags-lab.pcap

function makeTcpFlagsLab() {
  const T0 = 1700000000; // 2023-11-14T22:13:20Z; never epoch 0 (iRTT trap)
  const C = { ip: "10.0.0.1", mac: "02:00:00:00:00:01", port: 40000, ttl: 64 };
  const S = { ip: "10.0.0.2", mac: "02:00:00:00:00:02", port: 8642, ttl: 52 };
  const ISN = { c: 3000000000, s: 1000000000 };
  const ISN2 = { c: 3500000000, s: 1500000000 }; // after port reuse
  const ipid = { c: 0x1000, s: 0x5000 };
  const records = [];
  let isn = ISN;

  // tMs: milliseconds after T0 (fractions allowed, resolution 1 µs)
  function pkt(tMs, dir, f) {
    const [me, peer] = dir === "c" ? [C, S] : [S, C];
    const usTotal = Math.round(tMs * 1000);
    const sec = T0 + Math.floor(usTotal / 1e6);
    const usec = usTotal % 1e6;
    const myIsn = dir === "c" ? isn.c : isn.s;
    const peerIsn = dir === "c" ? isn.s : isn.c;
    const flags = f.flags.split(",").reduce((a, k) => a | TCP_FLAG[k.trim()], 0);
    const tsval = (dir === "c" ? 100000 : 700000) + Math.floor(tMs); // 1 kHz TS clocks
    const tsecr = f.tsecr ?? 0;
    let opts;
    if (flags & TCP_FLAG.SYN) {
      opts = [["mss", 1460], ["sackperm"], ["ts", tsval, tsecr], ["nop"], ["ws", 7]];
    } else {
      opts = [["nop"], ["nop"], ["ts", tsval, tsecr]];
      if (f.sack) opts.push(["nop"], ["nop"], ["sack", f.sack.map(([l, r]) => [(peerIsn + l) >>> 0, (peerIsn + r) >>> 0])]);
    }
    const payload = f.payload ?? filler(f.len ?? 0, f.seq);
    const ip = { src: me.ip, dst: peer.ip, id: ipid[dir]++, ttl: me.ttl };
    const seg = ipv4Tcp(ip, {
      sport: me.port, dport: peer.port,
      seq: (myIsn + f.seq) >>> 0,
      ack: flags & TCP_FLAG.ACK ? (peerIsn + f.ack) >>> 0 : 0,
      flags, win: f.win, opts, payload,
    });
    records.push({ sec, usec, data: ether(peer.mac, me.mac, 0x0800, seg) });
  }

  const W = 502; // client raw window (x128 = 64256)
  const SW = 509; // server raw window (x128 = 65152)
  // --- handshake (client-side vantage point, RTT 50 ms)
  pkt(0, "c", { flags: "SYN", seq: 0, win: 64240 });                                   // 1
  pkt(50, "s", { flags: "SYN,ACK", seq: 0, ack: 1, win: 65160, tsecr: 100000 });       // 2
  pkt(50.1, "c", { flags: "ACK", seq: 1, ack: 1, win: W, tsecr: 700050 });              // 3
  pkt(50.2, "c", { flags: "PSH,ACK", seq: 1, ack: 1, win: W, len: 100, tsecr: 700050 }); // 4 request
  // --- data; the segment 2001..3001 is lost before the capture point
  pkt(100.3, "s", { flags: "ACK", seq: 1, ack: 101, win: SW, len: 1000, tsecr: 100050 });    // 5
  pkt(100.4, "s", { flags: "ACK", seq: 1001, ack: 101, win: SW, len: 1000, tsecr: 100050 }); // 6
  pkt(100.5, "s", { flags: "ACK", seq: 3001, ack: 101, win: SW, len: 1000, tsecr: 100050 }); // 7 prev seg not captured
  pkt(100.6, "c", { flags: "ACK", seq: 101, ack: 2001, win: W, sack: [[3001, 4001]], tsecr: 700100 }); // 8
  pkt(100.7, "s", { flags: "ACK", seq: 4001, ack: 101, win: SW, len: 1000, tsecr: 100050 }); // 9
  pkt(100.8, "c", { flags: "ACK", seq: 101, ack: 2001, win: W, sack: [[3001, 5001]], tsecr: 700100 }); // 10 dup #1
  pkt(100.9, "s", { flags: "ACK", seq: 5001, ack: 101, win: SW, len: 1000, tsecr: 100050 }); // 11
  pkt(101.0, "c", { flags: "ACK", seq: 101, ack: 2001, win: W, sack: [[3001, 6001]], tsecr: 700100 }); // 12 dup #2
  pkt(101.1, "s", { flags: "ACK", seq: 6001, ack: 101, win: SW, len: 1000, tsecr: 100050 }); // 13
  pkt(101.2, "c", { flags: "ACK", seq: 101, ack: 2001, win: W, sack: [[3001, 7001]], tsecr: 700101 }); // 14 dup #3
  pkt(101.3, "s", { flags: "ACK", seq: 2001, ack: 101, win: SW, len: 1000, tsecr: 100101 }); // 15 fast retransmission
  pkt(101.4, "c", { flags: "ACK", seq: 101, ack: 7001, win: W, tsecr: 700101 });              // 16
  // --- out-of-order: a copy of 7001..8001 shows up 0.1 ms after 8001..9001 (< iRTT)
  pkt(110.0, "s", { flags: "ACK", seq: 7001, ack: 101, win: SW, len: 1000, tsecr: 100101 }); // 17
  pkt(110.1, "s", { flags: "ACK", seq: 8001, ack: 101, win: SW, len: 1000, tsecr: 100101 }); // 18
  pkt(110.2, "s", { flags: "ACK", seq: 7001, ack: 101, win: SW, len: 1000, tsecr: 100101 }); // 19 out-of-order
  pkt(110.3, "c", { flags: "ACK", seq: 101, ack: 9001, win: W, tsecr: 700110 });              // 20
  // --- spurious retransmission: 8001..9001 again, already ACKed by frame 20
  pkt(400.0, "s", { flags: "ACK", seq: 8001, ack: 101, win: SW, len: 1000, tsecr: 100110 }); // 21 spurious
  // --- receiver shrinks its window to 16*128 = 2048 bytes, sender fills it exactly
  pkt(400.1, "c", { flags: "ACK", seq: 101, ack: 9001, win: 16, tsecr: 700400 });             // 22 window update
  pkt(400.2, "s", { flags: "ACK", seq: 9001, ack: 101, win: SW, len: 1000, tsecr: 100400 }); // 23
  pkt(400.3, "s", { flags: "PSH,ACK", seq: 10001, ack: 101, win: SW, len: 1048, tsecr: 100400 }); // 24 window full
  pkt(400.4, "c", { flags: "ACK", seq: 101, ack: 11049, win: 0, tsecr: 700400 });             // 25 zero window
  pkt(600.0, "s", { flags: "ACK", seq: 11049, ack: 101, win: SW, len: 1, tsecr: 100400 });   // 26 zero window probe
  pkt(600.1, "c", { flags: "ACK", seq: 101, ack: 11049, win: 0, tsecr: 700600 });             // 27 ZWP ack + zero window
  pkt(700.0, "c", { flags: "ACK", seq: 101, ack: 11049, win: W, tsecr: 700600 });             // 28 window update
  // --- idle, then a keep-alive (seq = next - 1) and its ACK
  pkt(5700.0, "s", { flags: "ACK", seq: 11048, ack: 101, win: SW, tsecr: 100700 });          // 29 keep-alive
  pkt(5700.1, "c", { flags: "ACK", seq: 101, ack: 11049, win: W, tsecr: 705700 });           // 30 keep-alive ack
  // --- FIN teardown (server closes first)
  pkt(6000.0, "s", { flags: "FIN,ACK", seq: 11049, ack: 101, win: SW, tsecr: 105700 });      // 31
  pkt(6000.1, "c", { flags: "FIN,ACK", seq: 101, ack: 11050, win: W, tsecr: 706000 });       // 32
  pkt(6050.2, "s", { flags: "ACK", seq: 11050, ack: 102, win: SW, tsecr: 106000 });          // 33
  // --- same 4-tuple, new ISN: port reuse -> tcp.stream 1
  isn = ISN2;
  pkt(10000.0, "c", { flags: "SYN", seq: 0, win: 64240 });                                   // 34 reused ports
  pkt(10050.0, "s", { flags: "SYN,ACK", seq: 0, ack: 1, win: 65160, tsecr: 110000 });        // 35
  pkt(10050.1, "c", { flags: "ACK", seq: 1, ack: 1, win: W, tsecr: 710050 });                // 36
  pkt(10100.0, "c", { flags: "ACK", seq: 1, ack: 1001, win: W, tsecr: 710050 });             // 37 ACKed unseen segment
  pkt(10100.1, "c", { flags: "RST,ACK", seq: 1, ack: 1001, win: 0, tsecr: 710050 });         // 38 RST
  return records;
}

// ---------------------------------------------------------------- vlan-qinq.pcap

function makeVlanQinq() {
  const A = { ip: "192.168.10.1", mac: "02:00:00:00:0a:01" };
  const B = { ip: "192.168.10.2", mac: "02:00:00:00:0a:02" };
  const T0 = 1700001000;
  function qinq(dst, src, payload) {
    // outer 802.1ad S-tag (TPID 0x88a8) VID 100, inner 802.1Q C-tag VID 200 (PCP 3), then IPv4
    return cat(macBytes(dst), macBytes(src), be16(0x88a8), be16(100), be16(0x8100), be16((3 << 13) | 200), be16(0x0800), payload);
  }
  const syn = ipv4Tcp({ src: A.ip, dst: B.ip, id: 1, ttl: 64 }, {
    sport: 51000, dport: 443, seq: 123456789, flags: TCP_FLAG.SYN, win: 64240,
    opts: [["mss", 1460], ["sackperm"], ["nop"], ["ws", 7]],
  });
  const synack = ipv4Tcp({ src: B.ip, dst: A.ip, id: 1, ttl: 64 }, {
    sport: 443, dport: 51000, seq: 987654321, ack: 123456790, flags: TCP_FLAG.SYN | TCP_FLAG.ACK, win: 65160,
    opts: [["mss", 1460], ["sackperm"], ["nop"], ["ws", 7]],
  });
  // ARP request who-has 192.168.10.2 tell 192.168.10.1, untagged, padded to 60 bytes
  const arp = cat(be16(1), be16(0x0800), u8(6), u8(4), be16(1), macBytes(A.mac), ipv4Bytes(A.ip), Buffer.alloc(6), ipv4Bytes(B.ip));
  const arpFrame = ether("ff:ff:ff:ff:ff:ff", A.mac, 0x0806, cat(arp, Buffer.alloc(60 - 14 - arp.length)));
  return [
    { sec: T0, usec: 0, data: arpFrame },
    { sec: T0, usec: 1000, data: qinq(B.mac, A.mac, syn) },
    { sec: T0, usec: 21000, data: qinq(A.mac, B.mac, synack) },
  ];
}

// ---------------------------------------------------------------- linktypes.pcapng

function makeLinktypes() {
  const le = ng(false);
  const T = 1700002000n; // seconds
  const us = (s, u) => s * 1000000n + BigInt(u);
  const ns = (s, n) => s * 1000000000n + BigInt(n);

  const v4 = (src, dst, id) => ({ src, dst, id, ttl: 64 });
  const synOpts = [["mss", 1460]];

  // interface 0: LINKTYPE_IPV4 (228), if_tsresol 10^-9
  const p0 = ipv4Tcp(v4("10.1.0.1", "10.1.0.2", 1), { sport: 1100, dport: 80, seq: 1000, flags: TCP_FLAG.SYN, win: 8192, opts: synOpts });
  // interface 1: LINKTYPE_IPV6 (229)
  const p1 = ipv6Udp({ src: "fd00::1", dst: "fd00::2" }, { sport: 41101, dport: 9999, payload: Buffer.from("v6 raw\n") });
  // interface 2: LINKTYPE_RAW (101), IPv4 UDP
  const p2 = ipv4Udp(v4("10.1.2.1", "10.1.2.2", 2), { sport: 41102, dport: 9999, payload: Buffer.from("raw 101\n") });
  // interface 3: LINKTYPE_NULL (0): 4-byte AF in the writer's (here little-endian) byte order; if_tsoffset
  const p3 = cat(le32(2), ipv4Tcp(v4("10.1.3.1", "10.1.3.2", 3), { sport: 1103, dport: 80, seq: 3000, flags: TCP_FLAG.SYN, win: 8192, opts: synOpts }));
  // interface 4: LINKTYPE_LOOP (108): 4-byte AF, always big-endian
  const p4 = cat(be32(2), ipv4Udp(v4("10.1.4.1", "10.1.4.2", 4), { sport: 41104, dport: 9999, payload: Buffer.from("loop 108\n") }));
  // interface 5: LINKTYPE_LINUX_SLL (113): pkttype 4 (outgoing), ARPHRD_ETHER, 6-byte addr, proto 0x0800
  const sll = cat(be16(4), be16(1), be16(6), macBytes("02:00:00:00:05:01"), Buffer.alloc(2), be16(0x0800));
  const p5 = cat(sll, ipv4Tcp(v4("10.1.5.1", "10.1.5.2", 5), { sport: 1105, dport: 80, seq: 5000, flags: TCP_FLAG.SYN, win: 8192, opts: synOpts }));
  // interface 6: LINKTYPE_USER0 (147): opaque bytes (tshark: no dissector configured)
  const p6 = Buffer.from("user0 opaque payload\n");
  // obsolete Packet Block (type 2) on interface 2
  const pOpb = ipv4Udp(v4("10.1.2.1", "10.1.2.2", 7), { sport: 41102, dport: 9999, payload: Buffer.from("opb type 2\n") });

  const tsresol9 = [[9, Buffer.from([9])]];
  const tsoffset = [[14, le.i64(1000000000n)]]; // if_tsoffset: +1e9 s added to this interface's timestamps
  const name = (s) => [[2, Buffer.from(s)]];

  const parts = [
    le.shb([[4, Buffer.from("pcapframe make-fixtures.js")]]),             // shb_userappl
    le.idb(228, [...name("raw-ipv4"), ...tsresol9]),                       // 0
    le.idb(229, name("raw-ipv6")),                                         // 1
    le.idb(101, name("raw")),                                              // 2
    le.idb(0, [...name("null"), ...tsoffset]),                             // 3
    le.idb(108, name("loop")),                                             // 4
    le.idb(113, name("sll")),                                              // 5
    le.idb(147, name("user0")),                                            // 6
    // NRB: ipv4 record 10.1.0.2 -> "server.example", then end of records
    le.block(4, cat(le.w16(1), le.w16(4 + 15), ipv4Bytes("10.1.0.2"), Buffer.from("server.example\0"), Buffer.alloc(pad4(19)), le.w16(0), le.w16(0))),
    le.epb(0, ns(T, 1), p0),
    le.epb(1, us(T, 1000), p1),
    le.epb(2, us(T, 2000), p2),
    // DSB: TLS key log, one line
    le.block(10, (() => {
      const line = Buffer.from("CLIENT_RANDOM " + "00".repeat(32) + " " + "11".repeat(48) + "\n");
      return cat(le.w32(0x544c534b), le.w32(line.length), line);
    })()),
    le.epb(3, us(700002000n, 3000), p3), // + if_tsoffset 1e9 s = T + 3 ms
    le.epb(4, us(T, 4000), p4),
    // OPB (obsolete Packet Block, type 2): if_id u16, drops u16, ts hi/lo, caplen, len, data
    le.block(2, (() => {
      const ts = us(T, 4500);
      return cat(le.w16(2), le.w16(0), le.w32(Number(ts >> 32n)), le.w32(Number(ts & 0xffffffffn)), le.w32(pOpb.length), le.w32(pOpb.length), pOpb);
    })()),
    // custom block 0x00000BAD (copyable), PEN 32473 (example enterprise), opaque data: to be skipped
    le.block(0x00000bad, cat(le.w32(32473), Buffer.from("skip me, I am a custom block"))),
    le.epb(5, us(T, 5000), p5),
    le.epb(6, us(T, 6000), p6),
    // ISB for interface 0: isb_starttime (2), isb_endtime (3), isb_ifrecv (4) = 1, isb_ifdrop (5) = 0
    le.block(5, cat(le.w32(0), (() => { const t = ns(T, 1); return cat(le.w32(Number(t >> 32n)), le.w32(Number(t & 0xffffffffn))); })(),
      le.opts([[4, le.u64(1n)], [5, le.u64(0n)]]))),
  ];

  // second section, big-endian, one Ethernet interface + one EPB
  const be = ng(true);
  const p7 = ether("02:00:00:00:07:02", "02:00:00:00:07:01", 0x0800,
    ipv4Tcp(v4("10.1.7.1", "10.1.7.2", 8), { sport: 1107, dport: 80, seq: 7000, flags: TCP_FLAG.SYN, win: 8192, opts: synOpts }));
  parts.push(
    be.shb([[4, Buffer.from("pcapframe make-fixtures.js (big-endian section)")]]),
    be.idb(1, name("eth-be")),
    be.epb(0, us(T, 7000), p7),
  );
  return cat(...parts);
}

// ---------------------------------------------------------------- bad files

function makeBadPcapngBlocklen() {
  const le = ng(false);
  const T = 1700003000n;
  const pkts = [1, 2, 3, 4].map((i) => ether("02:00:00:00:08:02", "02:00:00:00:08:01", 0x0800,
    ipv4Udp({ src: "10.2.0.1", dst: "10.2.0.2", id: i, ttl: 64 }, { sport: 2000, dport: 9999, payload: Buffer.from("packet " + i + "\n") })));
  const blocks = [le.shb(), le.idb(1)];
  pkts.forEach((p, i) => {
    const b = le.epb(0, T * 1000000n + BigInt(i * 1000), p);
    if (i === 2) b.writeUInt32LE(b.readUInt32LE(4) + 4, b.length - 4); // trailing length != leading
    blocks.push(b);
  });
  return cat(...blocks);
}

function makeBadTruncated(labRecords) {
  const whole = pcapFile(1, labRecords.slice(0, 8));
  // offset of record 5 = 24 + sum of the first 4 records
  let off = 24;
  for (let i = 0; i < 4; i++) off += 16 + labRecords[i].data.length;
  const cut = off + 16 + Math.floor(labRecords[4].data.length / 2);
  return whole.subarray(0, cut);
}

// ---------------------------------------------------------------- main

function write(name, buf) {
  fs.writeFileSync(path.join(OUT, name), buf);
  console.log(`${name}\t${buf.length} bytes`);
}

fs.mkdirSync(OUT, { recursive: true });
const lab = makeTcpFlagsLab();
write("tcp-flags-lab.pcap", pcapFile(1, lab));
write("vlan-qinq.pcap", pcapFile(1, makeVlanQinq()));
write("linktypes.pcapng", makeLinktypes());
write("bad-truncated.pcap", makeBadTruncated(lab));
write("bad-pcapng-blocklen.pcapng", makeBadPcapngBlocklen());
write("not-a-capture.txt", Buffer.from(
  "This is not a packet capture.\n" +
  "pcapframe must reject it with a clear error (unknown magic number), not crash.\n"));
