#!/usr/bin/env node
// Generates the synthetic tunnel / TCP-option / application-protocol captures under test/fixtures/tunnels/
// byte by byte. Deterministic: no clock, no randomness; running it twice gives identical files.
// tshark's view of them is in test/golden (scripts/update-golden.sh, source "fixture").
//
//   node scripts/make-tunnel-fixtures.js [outdir]     (default: <repo>/test/fixtures/tunnels)
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const OUT = path.resolve(process.argv[2] || path.join(__dirname, "..", "test", "fixtures", "tunnels"));

// ---------------------------------------------------------------- byte helpers
function u8(v) { return Buffer.from([v & 0xff]); }
function be16(v) { const b = Buffer.alloc(2); b.writeUInt16BE(v & 0xffff); return b; }
function be24(v) { return Buffer.from([(v >>> 16) & 255, (v >>> 8) & 255, v & 255]); }
function be32(v) { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; }
function le16(v) { const b = Buffer.alloc(2); b.writeUInt16LE(v & 0xffff); return b; }
function le32(v) { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; }
const cat = (...parts) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
const pad4 = (n) => (4 - (n % 4)) % 4;
const txt = (s) => Buffer.from(s, "latin1");

function ipv4Bytes(s) { return Buffer.from(s.split(".").map(Number)); }
function macBytes(s) { return Buffer.from(s.split(":").map((h) => parseInt(h, 16))); }
function ipv6Bytes(s) {
  const [head, tail] = s.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const words = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
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

// ---------------------------------------------------------------- L2/L3/L4 builders
const MAC_A = "02:00:00:00:00:0a";
const MAC_B = "02:00:00:00:00:0b";
const MAC_C = "02:00:00:00:00:0c";
const MAC_D = "02:00:00:00:00:0d";
function ether(dst, src, type, payload) { return cat(macBytes(dst), macBytes(src), be16(type), payload); }

let ipId = 1;
function ipv4({ src, dst, proto, ttl = 64, flags = 0x4000 }, payload) {
  const h = cat(u8(0x45), u8(0), be16(20 + payload.length), be16(ipId++), be16(flags), u8(ttl), u8(proto), be16(0), ipv4Bytes(src), ipv4Bytes(dst));
  h.writeUInt16BE(fold(onesSum(h)), 10);
  return cat(h, payload);
}
function ipv6({ src, dst, next, hlim = 64 }, payload) {
  return cat(be32(0x60000000), be16(payload.length), u8(next), u8(hlim), ipv6Bytes(src), ipv6Bytes(dst), payload);
}
const is6 = (a) => a.includes(":");
function ip(src, dst, proto, payload, ttl) {
  return is6(src) ? ipv6({ src, dst, next: proto, hlim: ttl }, payload) : ipv4({ src, dst, proto, ttl }, payload);
}
function pseudoSum(src, dst, proto, len) {
  if (is6(src)) return onesSum(cat(ipv6Bytes(src), ipv6Bytes(dst), be32(len), be32(proto)));
  return onesSum(cat(ipv4Bytes(src), ipv4Bytes(dst), u8(0), u8(proto), be16(len)));
}
const F = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128 };
function flagBits(s) {
  let f = 0;
  for (const c of s) f |= { F: 1, S: 2, R: 4, P: 8, A: 16, U: 32, E: 64, C: 128 }[c];
  return f;
}
/** opts: Buffer of raw option bytes (padded here to 4). */
function tcpSeg(src, dst, { sport, dport, seq, ack = 0, flags, win = 64240, opts = Buffer.alloc(0), payload = Buffer.alloc(0) }) {
  const ob = cat(opts, Buffer.alloc(pad4(opts.length)));
  const hlen = 20 + ob.length;
  const h = cat(be16(sport), be16(dport), be32(seq), be32(ack), u8((hlen / 4) << 4), u8(flagBits(flags)), be16(win), be16(0), be16(0), ob);
  const seg = cat(h, payload);
  seg.writeUInt16BE(fold(onesSum(seg, pseudoSum(src, dst, 6, seg.length))), 16);
  return seg;
}
function udpSeg(src, dst, sport, dport, payload, zeroSum = false) {
  const seg = cat(be16(sport), be16(dport), be16(8 + payload.length), be16(0), payload);
  if (!zeroSum) {
    let c = fold(onesSum(seg, pseudoSum(src, dst, 17, seg.length)));
    if (c === 0) c = 0xffff;
    seg.writeUInt16BE(c, 6);
  }
  return seg;
}
function ipTcp(src, dst, t, ttl) { return ip(src, dst, 6, tcpSeg(src, dst, t), ttl); }
function ipUdp(src, dst, sport, dport, payload, ttl) { return ip(src, dst, 17, udpSeg(src, dst, sport, dport, payload), ttl); }
function ethIp(ipPkt, dst = MAC_B, src = MAC_A) { return ether(dst, src, ipPkt[0] >> 4 === 6 ? 0x86dd : 0x0800, ipPkt); }

/**
 * A short TCP conversation between (a, ap) and (b, bp) as IP packets: handshake, one request, one
 * response, FIN/ACK both ways. `opts` adds options to the SYN. Returns [ipPacket, fromA][].
 */
function conversation(a, b, ap, bp, { isn = 1000, isnB = 5000, req = txt("hello\r\n"), resp = txt("world\r\n"), synOpts } = {}) {
  const A = (t) => [ipTcp(a, b, { sport: ap, dport: bp, ...t }), true];
  const B = (t) => [ipTcp(b, a, { sport: bp, dport: ap, ...t }), false];
  const mss = cat(u8(2), u8(4), be16(1400));
  return [
    A({ seq: isn, flags: "S", opts: synOpts ?? mss }),
    B({ seq: isnB, ack: isn + 1, flags: "SA", opts: mss }),
    A({ seq: isn + 1, ack: isnB + 1, flags: "A" }),
    A({ seq: isn + 1, ack: isnB + 1, flags: "PA", payload: req }),
    B({ seq: isnB + 1, ack: isn + 1 + req.length, flags: "PA", payload: resp }),
    A({ seq: isn + 1 + req.length, ack: isnB + 1 + resp.length, flags: "FA" }),
    B({ seq: isnB + 1 + resp.length, ack: isn + 2 + req.length, flags: "FA" }),
    A({ seq: isn + 2 + req.length, ack: isnB + 2 + resp.length, flags: "A" }),
  ];
}

// ---------------------------------------------------------------- encapsulations
function pppoeSession(sid, pppProto, payload, code = 0) {
  return cat(u8(0x11), u8(code), be16(sid), be16(2 + payload.length), be16(pppProto), payload);
}
function pppoeDiscovery(code, sid, tags) {
  const body = cat(...tags.map(([t, v]) => cat(be16(t), be16(v.length), v)));
  return cat(u8(0x11), u8(code), be16(sid), be16(body.length), body);
}
function mplsStack(labels, payload) {
  return cat(...labels.map((l, i) => be32(((l << 12) | (i === labels.length - 1 ? 0x100 : 0) | 64) >>> 0)), payload);
}
function gre({ proto, key, seq, csum = false, ack, version = 0 }, payload) {
  let fl = version;
  const parts = [];
  if (csum) { fl |= 0x8000; parts.push(be16(0), be16(0)); }
  if (version === 1) {
    fl |= 0x2000; parts.push(be16(payload.length), be16(key));
  } else if (key !== undefined) { fl |= 0x2000; parts.push(be32(key)); }
  if (seq !== undefined) { fl |= 0x1000; parts.push(be32(seq)); }
  if (ack !== undefined) { fl |= 0x0080; parts.push(be32(ack)); }
  const h = cat(be16(fl), be16(proto), ...parts);
  if (csum) {
    const all = cat(h, payload);
    all.writeUInt16BE(fold(onesSum(all)), 4);
    return all;
  }
  return cat(h, payload);
}
function erspan2(session, payload, vlan = 0) {
  return cat(be16(0x1000 | vlan), be16(session & 0x3ff), be32(7), payload);
}
function erspan3(session, payload, withSub = false) {
  // ver 2, vlan, cos/bso/t, session; timestamp; sgt; p/ft/hw/d/gra/o
  return cat(be16(0x2000), be16(session & 0x3ff), be32(0x12345678), be16(0), be16(withSub ? 1 : 0), withSub ? Buffer.alloc(8) : Buffer.alloc(0), payload);
}
function gtpu({ teid, type = 255, seq, ext = [] }, payload) {
  let flags = 0x30;
  let opt = Buffer.alloc(0);
  if (seq !== undefined || ext.length) {
    if (seq !== undefined) flags |= 0x02;
    if (ext.length) flags |= 0x04;
    const exts = [];
    for (let i = 0; i < ext.length; i++) {
      const [, content] = ext[i];
      const next = i + 1 < ext.length ? ext[i + 1][0] : 0;
      const len = (content.length + 2) / 4;
      exts.push(cat(u8(len), content, u8(next)));
    }
    opt = cat(be16(seq ?? 0), u8(0), u8(ext.length ? ext[0][0] : 0), ...exts);
  }
  return cat(u8(flags), u8(type), be16(opt.length + payload.length), be32(teid), opt, payload);
}
function vxlan(vni, payload) { return cat(u8(0x08), be24(0), be24(vni), u8(0), payload); }
function geneve(vni, proto, payload, options = Buffer.alloc(0)) {
  return cat(u8(options.length / 4), u8(0), be16(proto), be24(vni), u8(0), options, payload);
}

// ---------------------------------------------------------------- files
function pcapFile(linktype, frames, t0 = 1700000000) {
  const hdr = cat(le32(0xa1b2c3d4), le16(2), le16(4), le32(0), le32(0), le32(65535), le32(linktype));
  const recs = frames.map((data, i) => cat(le32(t0 + Math.floor(i / 100)), le32((i % 100) * 10000), le32(data.length), le32(data.length), data));
  return cat(hdr, ...recs);
}
const files = {};

// PPPoE: discovery (PADI/PADO/PADR/PADS), LCP + IPCP + IPV6CP, TCP over IPv4 and IPv6 in the session, PADT.
{
  const f = [];
  const HU = [0x0101, Buffer.alloc(0)];
  const SN = [0x0101, txt("")];
  f.push(ether("ff:ff:ff:ff:ff:ff", MAC_A, 0x8863, pppoeDiscovery(0x09, 0, [SN, [0x0103, be32(0x11223344)]])));
  f.push(ether(MAC_A, MAC_B, 0x8863, pppoeDiscovery(0x07, 0, [SN, [0x0102, txt("AC-1")], [0x0103, be32(0x11223344)]])));
  f.push(ether(MAC_B, MAC_A, 0x8863, pppoeDiscovery(0x19, 0, [HU, [0x0103, be32(0x11223344)]])));
  f.push(ether(MAC_A, MAC_B, 0x8863, pppoeDiscovery(0x65, 0x1234, [SN, [0x0103, be32(0x11223344)]])));
  // LCP Configure-Request (MRU 1492, magic), Configure-Ack, Echo-Request
  const lcpReq = cat(u8(1), u8(1), be16(14), u8(1), u8(4), be16(1492), u8(5), u8(6), be32(0xdeadbeef));
  f.push(ether(MAC_A, MAC_B, 0x8864, pppoeSession(0x1234, 0xc021, lcpReq)));
  f.push(ether(MAC_B, MAC_A, 0x8864, pppoeSession(0x1234, 0xc021, cat(u8(2), lcpReq.subarray(1)))));
  f.push(ether(MAC_B, MAC_A, 0x8864, pppoeSession(0x1234, 0xc021, cat(u8(9), u8(2), be16(8), be32(0xdeadbeef)))));
  // IPCP Configure-Request (IP address 0.0.0.0)
  f.push(ether(MAC_B, MAC_A, 0x8864, pppoeSession(0x1234, 0x8021, cat(u8(1), u8(3), be16(10), u8(3), u8(6), ipv4Bytes("0.0.0.0")))));
  for (const [p, fromA] of conversation("100.64.0.2", "198.51.100.80", 50000, 80, { req: txt("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), resp: txt("HTTP/1.1 204 No Content\r\n\r\n") }))
    f.push(ether(fromA ? MAC_A : MAC_B, fromA ? MAC_B : MAC_A, 0x8864, pppoeSession(0x1234, 0x0021, p)));
  for (const [p, fromA] of conversation("2001:db8::2", "2001:db8:1::80", 50001, 8000))
    f.push(ether(fromA ? MAC_A : MAC_B, fromA ? MAC_B : MAC_A, 0x8864, pppoeSession(0x1234, 0x0057, p)));
  f.push(ether(MAC_A, MAC_B, 0x8863, pppoeDiscovery(0xa7, 0x1234, [])));
  files["pppoe.pcap"] = pcapFile(1, f);
}

// MPLS: one label (IPv4), a two-label stack (IPv6), explicit null, an MPLS frame whose payload is not IP.
{
  const f = [];
  for (const [p, fromA] of conversation("10.0.0.1", "10.0.0.2", 40000, 23, { req: txt("ls\r\n") }))
    f.push(fromA ? ether(MAC_B, MAC_A, 0x8847, mplsStack([29], p)) : ethIp(p, MAC_A, MAC_B));
  for (const [p, fromA] of conversation("2001:db8::1", "2001:db8::2", 40001, 8080))
    f.push(ether(fromA ? MAC_B : MAC_A, fromA ? MAC_A : MAC_B, 0x8847, mplsStack(fromA ? [1000, 16] : [2000, 17], p)));
  f.push(ether(MAC_B, MAC_A, 0x8847, mplsStack([0], ipUdp("10.0.0.1", "10.0.0.2", 33000, 33001, txt("x")))));
  files["mpls.pcap"] = pcapFile(1, f);
}

// GRE: key+sequence (IPv4), checksum (IPv6), transparent Ethernet bridging (0x6558), PPTP enhanced GRE
// with PPP and an ack-only packet, ERSPAN type I, II and III.
{
  const f = [];
  const O1 = "192.0.2.1", O2 = "192.0.2.2";
  let seq = 1;
  for (const [p, fromA] of conversation("10.1.0.1", "10.1.0.2", 41000, 80))
    f.push(ethIp(fromA ? ipv4({ src: O1, dst: O2, proto: 47 }, gre({ proto: 0x0800, key: 42, seq: seq++ }, p)) : ipv4({ src: O2, dst: O1, proto: 47 }, gre({ proto: 0x0800, key: 43, seq: seq++ }, p))));
  for (const [p, fromA] of conversation("fd00::1", "fd00::2", 41001, 9000))
    f.push(ethIp(ipv4({ src: fromA ? O1 : O2, dst: fromA ? O2 : O1, proto: 47 }, gre({ proto: 0x86dd, csum: true }, p))));
  for (const [p, fromA] of conversation("10.2.0.1", "10.2.0.2", 41002, 25, { req: txt("EHLO x\r\n"), resp: txt("220 hi\r\n") }))
    f.push(ethIp(ipv4({ src: fromA ? O1 : O2, dst: fromA ? O2 : O1, proto: 47 }, gre({ proto: 0x6558, key: 7 }, ethIp(p, fromA ? MAC_D : MAC_C, fromA ? MAC_C : MAC_D)))));
  let pseq = 0;
  for (const [p, fromA] of conversation("172.16.0.1", "172.16.0.2", 41003, 110, { req: txt("USER a\r\n"), resp: txt("+OK\r\n") }))
    f.push(ethIp(ipv4({ src: fromA ? O1 : O2, dst: fromA ? O2 : O1, proto: 47 }, gre({ version: 1, proto: 0x880b, key: fromA ? 0x4001 : 0x8001, seq: pseq++ }, cat(u8(0xff), u8(0x03), be16(0x0021), p)))));
  f.push(ethIp(ipv4({ src: O2, dst: O1, proto: 47 }, gre({ version: 1, proto: 0x880b, key: 0x8001, ack: 5 }, Buffer.alloc(0)))));
  const inner = (sp) => ether(MAC_D, MAC_C, 0x0800, ipTcp("10.3.0.1", "10.3.0.2", { sport: sp, dport: 80, seq: 1, flags: "S" }));
  f.push(ethIp(ipv4({ src: O1, dst: O2, proto: 47 }, gre({ proto: 0x88be }, inner(42001)))));
  f.push(ethIp(ipv4({ src: O1, dst: O2, proto: 47 }, gre({ proto: 0x88be, seq: 9 }, erspan2(20, inner(42002))))));
  f.push(ethIp(ipv4({ src: O1, dst: O2, proto: 47 }, gre({ proto: 0x22eb, seq: 10 }, erspan3(30, inner(42003))))));
  f.push(ethIp(ipv4({ src: O1, dst: O2, proto: 47 }, gre({ proto: 0x22eb, seq: 11 }, erspan3(31, inner(42004), true)))));
  f.push(ethIp(ipv4({ src: O1, dst: O2, proto: 47 }, gre({ proto: 0x8847 }, mplsStack([77], ipTcp("10.4.0.1", "10.4.0.2", { sport: 42005, dport: 80, seq: 1, flags: "S" }))))));
  files["gre.pcap"] = pcapFile(1, f);
}

// GTP-U: 8-byte header (IPv4), sequence number, extension headers (PDU session container, IPv6 inside),
// echo request/response, end marker, a T-PDU with ICMP inside.
{
  const f = [];
  const S = "192.0.2.10", P = "192.0.2.20";
  let sq = 100;
  for (const [p, fromA] of conversation("10.45.0.2", "93.184.216.34", 43000, 5001))
    f.push(ethIp(ipUdp(fromA ? S : P, fromA ? P : S, 2152, 2152, fromA ? gtpu({ teid: 0x1001 }, p) : gtpu({ teid: 0x2001, seq: sq++ }, p))));
  const pdu = cat(be16(0x0009), u8(0)); // PDU session container: type/QFI (2 bytes content with next byte)
  for (const [p, fromA] of conversation("2001:db8:45::2", "2001:db8:99::1", 43001, 80))
    f.push(ethIp(ipUdp(fromA ? S : P, fromA ? P : S, 2152, 2152, gtpu({ teid: fromA ? 0x1002 : 0x2002, seq: sq++, ext: [[0x85, cat(u8(0x10), u8(0x09))]] }, p))));
  void pdu;
  f.push(ethIp(ipUdp(S, P, 2152, 2152, gtpu({ teid: 0, type: 1, seq: 1 }, Buffer.alloc(0)))));
  f.push(ethIp(ipUdp(P, S, 2152, 2152, gtpu({ teid: 0, type: 2, seq: 1 }, cat(u8(14), u8(0))))));
  const icmp = cat(u8(8), u8(0), be16(0xf7fd), be16(1), be16(1), txt("ping"));
  f.push(ethIp(ipUdp(S, P, 2152, 2152, gtpu({ teid: 0x1001 }, ip("10.45.0.2", "8.8.8.8", 1, icmp)))));
  f.push(ethIp(ipUdp(S, P, 2152, 2152, gtpu({ teid: 0x1001, type: 254 }, Buffer.alloc(0)))));
  files["gtpu.pcap"] = pcapFile(1, f);
}

// VXLAN and Geneve: VXLAN → Ethernet → IPv4/TCP; Geneve with an option → Ethernet → IPv6/TCP; Geneve
// carrying IPv4 directly (protocol 0x0800); VXLAN → Ethernet → ARP.
{
  const f = [];
  const V1 = "198.18.0.1", V2 = "198.18.0.2";
  for (const [p, fromA] of conversation("10.10.0.1", "10.10.0.2", 44000, 80, { req: txt("GET /a HTTP/1.1\r\nHost: v\r\n\r\n"), resp: txt("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n") }))
    f.push(ethIp(ipUdp(fromA ? V1 : V2, fromA ? V2 : V1, fromA ? 50001 : 50002, 4789, vxlan(100, ethIp(p, fromA ? MAC_D : MAC_C, fromA ? MAC_C : MAC_D)))));
  const opt = cat(be16(0x0102), u8(0x80), u8(1), be32(0xcafef00d));
  for (const [p, fromA] of conversation("fd01::1", "fd01::2", 44001, 22, { req: txt("SSH-2.0-OpenSSH_9.0\r\n"), resp: txt("SSH-2.0-OpenSSH_8.9\r\n") }))
    f.push(ethIp(ipUdp(fromA ? V1 : V2, fromA ? V2 : V1, fromA ? 50003 : 50004, 6081, geneve(0xabcdef, 0x6558, ethIp(p, fromA ? MAC_D : MAC_C, fromA ? MAC_C : MAC_D), opt))));
  for (const [p, fromA] of conversation("10.11.0.1", "10.11.0.2", 44002, 3306))
    f.push(ethIp(ipUdp(fromA ? V1 : V2, fromA ? V2 : V1, fromA ? 50005 : 50006, 6081, geneve(5, 0x0800, p))));
  const arp = cat(be16(1), be16(0x0800), u8(6), u8(4), be16(1), macBytes(MAC_C), ipv4Bytes("10.10.0.1"), Buffer.alloc(6), ipv4Bytes("10.10.0.2"));
  f.push(ethIp(ipUdp(V1, V2, 50007, 4789, vxlan(100, ether("ff:ff:ff:ff:ff:ff", MAC_C, 0x0806, arp)))));
  files["vxlan-geneve.pcap"] = pcapFile(1, f);
}

// IP in IP: IPv4-in-IPv4 (4), IPv6-in-IPv4 (41), IPv4-in-IPv6 (4), IPv6-in-IPv6 (41).
{
  const f = [];
  const pairs = [["203.0.113.1", "203.0.113.2", "10.20.0.1", "10.20.0.2"], ["203.0.113.1", "203.0.113.2", "2001:db8:20::1", "2001:db8:20::2"], ["2001:db8:f::1", "2001:db8:f::2", "10.21.0.1", "10.21.0.2"], ["2001:db8:f::1", "2001:db8:f::2", "2001:db8:21::1", "2001:db8:21::2"]];
  let port = 45000;
  for (const [o1, o2, i1, i2] of pairs) {
    for (const [p, fromA] of conversation(i1, i2, port++, 80))
      f.push(ethIp(ip(fromA ? o1 : o2, fromA ? o2 : o1, is6(i1) ? 41 : 4, p)));
  }
  files["ipip.pcap"] = pcapFile(1, f);
}

// The same inner 5-tuple carried in two different tunnels (GRE key 1 between one pair of endpoints, GRE key 2
// between another), one connection after the other: tshark keys conversations by the inner addresses and
// ports only, so the second SYN is "[TCP Port numbers reused]" and opens tcp.stream 1.
{
  const f = [];
  const c1 = conversation("10.30.0.1", "10.30.0.2", 46000, 80, { isn: 100, isnB: 900 });
  const c2 = conversation("10.30.0.1", "10.30.0.2", 46000, 80, { isn: 7000000, isnB: 8000000 });
  for (const [p] of c1) f.push(ethIp(ipv4({ src: "192.0.2.1", dst: "192.0.2.2", proto: 47 }, gre({ proto: 0x0800, key: 1 }, p))));
  for (const [p] of c2) f.push(ethIp(ipv4({ src: "192.0.2.3", dst: "192.0.2.4", proto: 47 }, gre({ proto: 0x0800, key: 2 }, p))));
  files["same-inner-tuple.pcap"] = pcapFile(1, f);
}

// TCP options: TFO cookie request / cookie, experimental TFO (254, magic 0xF989), MPTCP, MD5 signature,
// TCP-AO, User Timeout, other experimental options (253/254), an unknown kind, an option with a bad length.
{
  const f = [];
  const mss = cat(u8(2), u8(4), be16(1460));
  const opts = [
    cat(mss, u8(34), u8(2)), // TFO cookie request
    cat(mss, u8(34), u8(10), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])), // TFO cookie
    cat(mss, u8(254), u8(4), be16(0xf989)), // experimental TFO request
    cat(mss, u8(254), u8(12), be16(0xf989), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])), // experimental TFO cookie
    cat(mss, u8(30), u8(12), u8(0x01), u8(0x81), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])), // MPTCP MP_CAPABLE v1
    cat(u8(30), u8(8), u8(0x20), u8(0x01), be32(1)), // MPTCP DSS (data ACK)
    cat(u8(19), u8(18), Buffer.alloc(16, 0xab), u8(1), u8(1)), // MD5 signature
    cat(u8(29), u8(16), u8(1), u8(2), Buffer.alloc(12, 0xcd)), // TCP-AO
    cat(u8(28), u8(4), be16(0x8001)), // User Timeout 1 min
    cat(u8(253), u8(6), be16(0x1234), be16(0)), // experimental, other ExID
    cat(u8(99), u8(4), be16(0)), // unknown kind
    cat(u8(8), u8(10), be32(1), be32(0), u8(34), u8(2)), // TS + TFO request
    cat(u8(27), u8(8), u8(0), u8(0), be32(0)), // Quick-Start Response
    cat(u8(69), u8(4), be16(0)), // kind 69 (TCP Encryption Negotiation)
    cat(u8(2), u8(3), u8(0), u8(1)), // MSS with a wrong length
    cat(u8(253), u8(4), be16(0x0abc)), // experimental, ExID 0x0abc
    cat(u8(28), u8(4), be16(30)), // User Timeout 30 s
    cat(u8(27), u8(8), u8(0x05), u8(64), be32(0)), // Quick-Start request, rate 5
    cat(u8(27), u8(8), u8(0x83), u8(64), be32(0)), // Quick-Start function 8, rate 3
    cat(u8(1), u8(1), u8(19), u8(18), Buffer.alloc(16, 0x11), mss, u8(4), u8(2)), // MD5 first, then MSS, SACK_PERM
    cat(mss, u8(1), u8(3), u8(3), u8(7), u8(4), u8(2), u8(8), u8(10), be32(5), be32(0), u8(254), u8(4), be16(0xf989)), // Linux-style SYN with experimental TFO last
  ];
  let sp = 47000;
  for (const o of opts) {
    for (const [p, fromA] of conversation("10.40.0.1", "10.40.0.2", sp++, 443, { synOpts: o }).slice(0, 3))
      f.push(ethIp(p, fromA ? MAC_B : MAC_A, fromA ? MAC_A : MAC_B));
  }
  files["tcp-options.pcap"] = pcapFile(1, f);
}

fs.mkdirSync(OUT, { recursive: true });
for (const [name, bytes] of Object.entries(files)) {
  fs.writeFileSync(path.join(OUT, name), bytes);
  console.error(`wrote ${name} (${bytes.length} bytes)`);
}
module.exports = { cat, u8, be16, be32, txt };

// ---------------------------------------------------------------- application protocols (apps*.pcap)
/**
 * A TCP session as IP packets: handshake, then each [fromClient, payload] as one segment (the other side
 * ACKs it), then FIN/ACK both ways. Returns [ipPacket, fromClient][].
 */
function session(c, s, cp, sp, exchanges, { isn = 1000, isnS = 900000 } = {}) {
  const out = [];
  let cs = isn, ss = isnS;
  const C = (t) => out.push([ipTcp(c, s, { sport: cp, dport: sp, ...t }), true]);
  const S = (t) => out.push([ipTcp(s, c, { sport: sp, dport: cp, ...t }), false]);
  C({ seq: cs, flags: "S", opts: cat(u8(2), u8(4), be16(1460)) });
  S({ seq: ss, ack: cs + 1, flags: "SA", opts: cat(u8(2), u8(4), be16(1460)) });
  cs++; ss++;
  C({ seq: cs, ack: ss, flags: "A" });
  for (const [fromClient, data] of exchanges) {
    const pl = Buffer.isBuffer(data) ? data : txt(data);
    if (fromClient) { C({ seq: cs, ack: ss, flags: "PA", payload: pl }); cs += pl.length; S({ seq: ss, ack: cs, flags: "A" }); }
    else { S({ seq: ss, ack: cs, flags: "PA", payload: pl }); ss += pl.length; C({ seq: cs, ack: ss, flags: "A" }); }
  }
  C({ seq: cs, ack: ss, flags: "FA" });
  S({ seq: ss, ack: cs + 1, flags: "FA" });
  C({ seq: cs + 1, ack: ss + 1, flags: "A" });
  return out;
}
const CLI = "192.168.1.10", SRV = "192.168.1.20";
function appFile(name, sessions) {
  const f = [];
  for (const pk of sessions) for (const [p, fromC] of pk) f.push(ethIp(p, fromC ? MAC_B : MAC_A, fromC ? MAC_A : MAC_B));
  files[name] = pcapFile(1, f);
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, name), files[name]);
  console.error(`wrote ${name} (${files[name].length} bytes)`);
}

// FTP control + passive data connection (FTP-DATA), SMTP, POP, IMAP, Telnet
appFile("apps-text.pcap", [
  session(CLI, SRV, 50100, 21, [
    [false, "220 (vsFTPd 3.0.3)\r\n"], [true, "USER anonymous\r\n"], [false, "331 Please specify the password.\r\n"],
    [true, "PASS guest\r\n"], [false, "230-Welcome\r\n230 Login successful.\r\n"], [true, "PASV\r\n"],
    [false, "227 Entering Passive Mode (192,168,1,20,195,80).\r\n"], [true, "RETR a.txt\r\n"],
    [false, "150 Opening BINARY mode data connection for a.txt (12 bytes).\r\n"], [false, "226 Transfer complete.\r\n"],
    [true, "QUIT\r\n"], [false, "221 Goodbye.\r\n"],
  ]),
  session(CLI, SRV, 50101, 50000, [[false, "hello world\n"]]),
  session(CLI, SRV, 50102, 25, [
    [false, "220 mx.example.com ESMTP\r\n"], [true, "EHLO client.example.com\r\n"],
    [false, "250-mx.example.com\r\n250-PIPELINING\r\n250 8BITMIME\r\n"], [true, "MAIL FROM:<a@example.com>\r\n"],
    [false, "250 2.1.0 Ok\r\n"], [true, "RCPT TO:<b@example.com>\r\n"], [false, "250 2.1.5 Ok\r\n"], [true, "DATA\r\n"],
    [false, "354 End data with <CR><LF>.<CR><LF>\r\n"], [true, "Subject: hi\r\n\r\nhello\r\n.\r\n"],
    [false, "250 2.0.0 Ok: queued\r\n"], [true, "QUIT\r\n"], [false, "221 2.0.0 Bye\r\n"],
  ]),
  session(CLI, SRV, 50103, 110, [
    [false, "+OK POP3 ready\r\n"], [true, "USER bob\r\n"], [false, "+OK\r\n"], [true, "PASS secret\r\n"],
    [false, "+OK Logged in.\r\n"], [true, "STAT\r\n"], [false, "+OK 1 5\r\n"], [true, "RETR 1\r\n"],
    [false, "+OK 5 octets\r\nhi\r\n.\r\n"], [true, "QUIT\r\n"], [false, "+OK Bye\r\n"],
  ]),
  session(CLI, SRV, 50104, 143, [
    [false, "* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n"], [true, "a1 LOGIN bob secret\r\n"],
    [false, "a1 OK Logged in\r\n"], [true, "a2 SELECT INBOX\r\n"],
    [false, "* 1 EXISTS\r\n* 0 RECENT\r\na2 OK [READ-WRITE] Select completed.\r\n"], [true, "a3 LOGOUT\r\n"],
    [false, "* BYE Logging out\r\na3 OK Logout completed.\r\n"],
  ]),
  session(CLI, SRV, 50105, 23, [
    [false, Buffer.from([255, 253, 24, 255, 253, 32])], [true, Buffer.from([255, 252, 24, 255, 252, 32])],
    [false, "login: "], [true, "bob\r\n"],
  ]),
]);

// MySQL and PostgreSQL start-up, SIP over UDP and TCP, SNMP
function mysqlPkt(seq, body) { return cat(Buffer.from([body.length & 255, (body.length >> 8) & 255, body.length >> 16]), u8(seq), body); }
const greeting = cat(u8(10), txt("8.0.30\0"), Buffer.from([8, 0, 0, 0]), txt("abcdefgh\0"), Buffer.from([0xff, 0xf7]), u8(0xff), Buffer.from([2, 0]), Buffer.from([0xff, 0xdf]), u8(21), Buffer.alloc(10), txt("ijklmnopqrst\0"), txt("mysql_native_password\0"));
const login = cat(Buffer.from([0x0d, 0xa6, 0xff, 0x01]), Buffer.from([0, 0, 0, 1]), u8(0xff), Buffer.alloc(23), txt("bob\0"), u8(20), Buffer.alloc(20, 7), txt("shop\0"), txt("mysql_native_password\0"));
const ok = Buffer.from([0, 0, 0, 2, 0, 0, 0]);
const query = cat(u8(3), txt("SELECT 1"));
function pgMsg(type, body) { return cat(type ? txt(type) : Buffer.alloc(0), be32(body.length + 4), body); }
function sip(lines) { return txt(lines.join("\r\n") + "\r\n\r\n"); }
const invite = sip(["INVITE sip:bob@example.com SIP/2.0", "Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK1", "From: <sip:alice@example.com>;tag=1", "To: <sip:bob@example.com>", "Call-ID: abc@192.168.1.10", "CSeq: 1 INVITE", "Content-Length: 0"]);
const trying = sip(["SIP/2.0 100 Trying", "Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK1", "From: <sip:alice@example.com>;tag=1", "To: <sip:bob@example.com>", "Call-ID: abc@192.168.1.10", "CSeq: 1 INVITE", "Content-Length: 0"]);
const okSip = sip(["SIP/2.0 200 OK", "Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK1", "From: <sip:alice@example.com>;tag=1", "To: <sip:bob@example.com>;tag=2", "Call-ID: abc@192.168.1.10", "CSeq: 1 INVITE", "Content-Length: 0"]);
const register = sip(["REGISTER sip:example.com SIP/2.0", "Via: SIP/2.0/TCP 192.168.1.10:5060;branch=z9hG4bK2", "From: <sip:alice@example.com>;tag=3", "To: <sip:alice@example.com>", "Call-ID: reg@192.168.1.10", "CSeq: 1 REGISTER", "Content-Length: 0"]);
function ber(tag, body) { const l = body.length; return cat(u8(tag), l < 128 ? u8(l) : cat(u8(0x81), u8(l)), body); }
function oid(s) {
  const p = s.split(".").map(Number);
  const out = [40 * p[0] + p[1]];
  for (const n of p.slice(2)) { const b = [n & 127]; let x = n >>> 7; while (x) { b.unshift((x & 127) | 128); x >>>= 7; } out.push(...b); }
  return ber(6, Buffer.from(out));
}
function snmp(pduTag, reqId, vbs, version = 1) {
  const vbl = ber(0x30, cat(...vbs.map(([o, v]) => ber(0x30, cat(oid(o), v)))));
  return ber(0x30, cat(ber(2, u8(version)), ber(4, txt("public")), ber(pduTag, cat(ber(2, u8(reqId)), ber(2, u8(0)), ber(2, u8(0)), vbl))));
}
{
  const f = [];
  const add = (pk) => { for (const [p, fromC] of pk) f.push(ethIp(p, fromC ? MAC_B : MAC_A, fromC ? MAC_A : MAC_B)); };
  add(session(CLI, SRV, 50200, 3306, [[false, mysqlPkt(0, greeting)], [true, mysqlPkt(1, login)], [false, mysqlPkt(2, ok)], [true, mysqlPkt(0, query)]]));
  add(session(CLI, SRV, 50201, 5432, [
    [true, pgMsg(null, cat(be32(196608), txt("user\0bob\0database\0shop\0\0")))],
    [false, pgMsg("R", be32(0))],
    [false, cat(pgMsg("S", txt("server_version\x0015.2\0")), pgMsg("Z", txt("I")))],
    [true, pgMsg("Q", txt("SELECT 1\0"))],
  ]));
  add(session(CLI, SRV, 50202, 5432, [[true, pgMsg(null, be32(80877103))], [false, txt("N")]]));
  add([[ipUdp(CLI, SRV, 5060, 5060, invite), true], [ipUdp(SRV, CLI, 5060, 5060, trying), false], [ipUdp(SRV, CLI, 5060, 5060, okSip), false]]);
  add(session(CLI, SRV, 50203, 5060, [[true, register]]));
  add([[ipUdp(CLI, SRV, 50300, 161, snmp(0xa0, 1, [["1.3.6.1.2.1.1.1.0", Buffer.from([5, 0])]])), true],
    [ipUdp(SRV, CLI, 161, 50300, snmp(0xa2, 1, [["1.3.6.1.2.1.1.1.0", ber(4, txt("Linux"))]])), false],
    [ipUdp(CLI, SRV, 50301, 161, snmp(0xa1, 2, [["1.3.6.1.2.1.1", Buffer.from([5, 0])], ["1.3.6.1.2.1.2", Buffer.from([5, 0])]], 0)), true],
    [ipUdp(SRV, CLI, 50302, 162, snmp(0xa7, 3, [["1.3.6.1.2.1.1.3.0", ber(0x43, u8(5))]])), false]]);
  files["apps-db-sip-snmp.pcap"] = pcapFile(1, f);
  fs.writeFileSync(path.join(OUT, "apps-db-sip-snmp.pcap"), files["apps-db-sip-snmp.pcap"]);
}

// Link-layer and IP-protocol messages: STP/RSTP/TCN, LLC XID/TEST, CDP, LOOP, IGMP v1/v2/v3, EIGRP, ICMP and
// ICMPv6 message types, NetBIOS browser announcements
function llc(dst, src, dsap, ssap, ctrl, body) { const p = cat(u8(dsap), u8(ssap), u8(ctrl), body); return cat(macBytes(dst), macBytes(src), be16(p.length), p); }
function ipRaw(src, dst, proto, body, ttl = 1) { return ethIp(ip(src, dst, proto, body, ttl)); }
function icmpMsg(type, code, rest) { return cat(u8(type), u8(code), be16(0), rest); }
{
  const f = [];
  const BR = "01:80:c2:00:00:00";
  const bpdu = (flags, ver = 0, type = 0) => cat(be16(0), u8(ver), u8(type), u8(flags), be16(0x8000), macBytes(MAC_A), be32(4), be16(0x8000), macBytes(MAC_B), be16(0x8005), be16(256), be16(5120), be16(512), be16(3840), ver ? u8(0) : Buffer.alloc(0));
  f.push(llc(BR, MAC_B, 0x42, 0x42, 0x03, bpdu(0x00)));
  f.push(llc(BR, MAC_B, 0x42, 0x42, 0x03, bpdu(0x01)));
  f.push(llc(BR, MAC_B, 0x42, 0x42, 0x03, bpdu(0x3c, 2, 2)));
  f.push(llc(BR, MAC_B, 0x42, 0x42, 0x03, cat(be16(0), u8(0), u8(0x80))));
  f.push(llc("ff:ff:ff:ff:ff:ff", MAC_A, 0x00, 0x01, 0xbf, Buffer.from([0x81, 0x01, 0x00])));
  f.push(llc(MAC_B, MAC_A, 0x00, 0x00, 0xf3, txt("test")));
  const cdpTlv = (t, v) => cat(be16(t), be16(v.length + 4), v);
  f.push(llc("01:00:0c:cc:cc:cc", MAC_A, 0xaa, 0xaa, 0x03, cat(Buffer.from([0, 0, 0x0c]), be16(0x2000), u8(2), u8(180), be16(0), cdpTlv(1, txt("sw1")), cdpTlv(3, txt("Gi0/1")))));
  f.push(ether(MAC_A, MAC_A, 0x9000, cat(le16(0), le16(1), le16(0), Buffer.alloc(40))));
  f.push(ether(MAC_A, MAC_A, 0x9000, cat(le16(0), le16(2), macBytes(MAC_B), Buffer.alloc(40))));
  const G = "239.1.2.3";
  f.push(ipRaw(CLI, G, 2, cat(u8(0x12), u8(0), be16(0), ipv4Bytes(G))));
  f.push(ipRaw(CLI, G, 2, cat(u8(0x16), u8(0), be16(0), ipv4Bytes(G))));
  f.push(ipRaw(CLI, "224.0.0.2", 2, cat(u8(0x17), u8(0), be16(0), ipv4Bytes(G))));
  f.push(ipRaw(SRV, "224.0.0.1", 2, cat(u8(0x11), u8(100), be16(0), ipv4Bytes("0.0.0.0"))));
  f.push(ipRaw(SRV, G, 2, cat(u8(0x11), u8(100), be16(0), ipv4Bytes(G))));
  f.push(ipRaw(SRV, "224.0.0.1", 2, cat(u8(0x11), u8(100), be16(0), ipv4Bytes("0.0.0.0"), u8(2), u8(125), be16(0))));
  f.push(ipRaw(CLI, "224.0.0.22", 2, cat(u8(0x22), u8(0), be16(0), be16(0), be16(2), u8(4), u8(0), be16(0), ipv4Bytes(G), u8(3), u8(0), be16(1), ipv4Bytes("239.9.9.9"), ipv4Bytes(SRV))));
  f.push(ipRaw("10.1.2.1", "224.0.0.10", 88, cat(u8(2), u8(5), be16(0), be32(0), be32(0), be32(0), be32(100), be16(1), be16(12), Buffer.from([1, 0, 1, 0, 0, 0]), be16(15))));
  const quoted = ip("192.168.1.10", "8.8.8.8", 17, udpSeg("192.168.1.10", "8.8.8.8", 40000, 53, Buffer.alloc(4)));
  f.push(ipRaw("192.168.1.1", CLI, 1, icmpMsg(5, 1, cat(ipv4Bytes("192.168.1.2"), quoted.subarray(0, 28)))));
  f.push(ipRaw("192.168.1.1", CLI, 1, icmpMsg(11, 0, cat(be32(0), quoted.subarray(0, 28)))));
  f.push(ipRaw("192.168.1.1", CLI, 1, icmpMsg(12, 0, cat(u8(20), Buffer.alloc(3), quoted.subarray(0, 28)))));
  f.push(ipRaw("192.168.1.1", CLI, 1, icmpMsg(4, 0, cat(be32(0), quoted.subarray(0, 28)))));
  f.push(ipRaw(CLI, SRV, 1, icmpMsg(13, 0, cat(be16(7), be16(1), be32(1000), be32(0), be32(0)))));
  f.push(ipRaw(SRV, CLI, 1, icmpMsg(14, 0, cat(be16(7), be16(1), be32(1000), be32(1001), be32(1002)))));
  f.push(ipRaw(CLI, SRV, 1, icmpMsg(17, 0, cat(be16(8), be16(1), be32(0)))));
  f.push(ipRaw(SRV, CLI, 1, icmpMsg(18, 0, cat(be16(8), be16(1), ipv4Bytes("255.255.255.0")))));
  f.push(ipRaw("192.168.1.1", "224.0.0.1", 1, icmpMsg(9, 0, cat(u8(1), u8(2), be16(1800), ipv4Bytes("192.168.1.1"), be32(0)))));
  f.push(ipRaw(CLI, "224.0.0.2", 1, icmpMsg(10, 0, be32(0))));
  const q6 = ipv6({ src: "2001:db8::10", dst: "2001:db8::20", next: 6 }, tcpSeg("2001:db8::10", "2001:db8::20", { sport: 40001, dport: 443, seq: 1, flags: "A" }));
  const r6 = (type, code, w) => ipRaw("2001:db8::1", "2001:db8::10", 58, cat(u8(type), u8(code), be16(0), be32(w), q6.subarray(0, 60)), 64);
  f.push(r6(1, 0, 0));
  f.push(r6(1, 4, 0));
  f.push(r6(2, 0, 1280));
  f.push(r6(3, 0, 0));
  f.push(r6(4, 0, 6));
  files["link-ip-misc.pcap"] = pcapFile(1, f);
  fs.writeFileSync(path.join(OUT, "link-ip-misc.pcap"), files["link-ip-misc.pcap"]);
}

// HTTP port, first segment without a line end: tshark waits for more data ("[TCP segment of a reassembled
// PDU]") when the segment starts with a printable character, and shows plain TCP otherwise.
{
  const f = [];
  const payloads = [
    Buffer.alloc(52), cat(txt("hello, world"), Buffer.alloc(40)), cat(txt("x"), Buffer.alloc(51)), cat(Buffer.alloc(1), txt("hello world hello")),
    cat(u8(0xc3), txt("hello world hello")), txt("\thello world hello"), txt("hello world\nhello"),
  ];
  let port = 48000;
  for (const pl of payloads) {
    for (const fromServer of [false, true]) {
      const c = "10.50.0.1", sv = "10.50.0.2", cp = port++;
      const hs = [ipTcp(c, sv, { sport: cp, dport: 80, seq: 100, flags: "S" }), ipTcp(sv, c, { sport: 80, dport: cp, seq: 500, ack: 101, flags: "SA" }), ipTcp(c, sv, { sport: cp, dport: 80, seq: 101, ack: 501, flags: "A" })];
      const data = fromServer ? ipTcp(sv, c, { sport: 80, dport: cp, seq: 501, ack: 101, flags: "A", payload: pl }) : ipTcp(c, sv, { sport: cp, dport: 80, seq: 101, ack: 501, flags: "PA", payload: pl });
      for (const p of [...hs, data]) f.push(ethIp(p));
    }
  }
  files["http-first-line.pcap"] = pcapFile(1, f);
  fs.writeFileSync(path.join(OUT, "http-first-line.pcap"), files["http-first-line.pcap"]);
}
