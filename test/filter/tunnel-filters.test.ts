// Display filters on tunnelled traffic: the outer headers are the first occurrences of ip.*/udp.*/eth.*
// (Wireshark's multi-occurrence semantics), tunnel protocol fields, and the walk through the encapsulations
// on byte literals. Expected frames were checked with tshark 4.0.17 (-2 -n -Y); the full corpus comparison
// is test/filter/filter-golden.test.ts.
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { Hdr, MAX_WALK, walkHeaders } from "../../lib/decode/tunnel";
import { compileFilter, type FilterSource } from "../../lib/filter/index";
import { DATA_DIR } from "../helpers/golden";
import { miniCapture } from "./mini-capture";

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!.map((h) => parseInt(h, 16)));

// Ethernet / IPv4 10.0.0.1 → 10.0.0.2 / UDP 50000 → 4789 / VXLAN VNI 7 / Ethernet / IPv4 192.168.0.1 → 192.168.0.2 / TCP 1234 → 80 SYN
const VXLAN_FRAME = hex(`
  020000000002 020000000001 0800
  4500 0056 0001 4000 4011 0000 0a000001 0a000002
  c350 12b5 0042 0000
  08000000 00000700
  0a0000000002 0a0000000001 0800
  4500 0028 0002 4000 4006 0000 c0a80001 c0a80002
  04d2 0050 00000001 00000000 5002 ffff 0000 0000`);

describe("walkHeaders: the decoder's path through the encapsulations", () => {
  test("VXLAN: outer Ethernet, IPv4, UDP, VXLAN, inner Ethernet, inner IPv4", () => {
    const out: number[] = [];
    walkHeaders(VXLAN_FRAME, 1, out);
    expect(out).toEqual([Hdr.ETH, 0, Hdr.IPV4, 14, Hdr.UDP, 34, Hdr.VXLAN, 42, Hdr.ETH, 50, Hdr.IPV4, 64]);
  });
  test("a UDP header on no tunnel port is not listed; a cut tunnel header stops the walk", () => {
    const out: number[] = [];
    const plain = VXLAN_FRAME.slice();
    plain[37] = 0x35; // destination port 4789 → 53 (0x1235)
    plain[36] = 0x12;
    walkHeaders(plain, 1, out);
    expect(out).toEqual([Hdr.ETH, 0, Hdr.IPV4, 14]);
    walkHeaders(VXLAN_FRAME.subarray(0, 46), 1, out);
    expect(out).toEqual([Hdr.ETH, 0, Hdr.IPV4, 14, Hdr.UDP, 34]);
    walkHeaders(new Uint8Array(0), 1, out);
    expect(out).toEqual([]);
  });
  test("IP-in-IP nested thousands deep: the walk stops at MAX_WALK headers", () => {
    const depth = 3000;
    const b = new Uint8Array(14 + 20 * depth);
    b[12] = 0x08;
    for (let i = 0; i < depth; i++) {
      const p = 14 + 20 * i;
      b[p] = 0x45;
      b[p + 9] = 4; // IP-in-IP
    }
    const out: number[] = [];
    walkHeaders(b, 1, out);
    expect(out.length).toBe(2 * MAX_WALK);
    expect(out.slice(0, 4)).toEqual([Hdr.ETH, 0, Hdr.IPV4, 14]);
  });
});

const cap = (name: string) => readCapture(path.join(DATA_DIR, name));
const frames = (expr: string, c: FilterSource) => Array.from(compileFilter(expr).frames(c));

describe("outer headers as first occurrences (tshark 4.0.17 on data/ tunnel captures)", () => {
  const gev = cap("gre-erspan-vxlan.pcap"); // GRE / ERSPAN II / Ethernet / IPv4 / UDP / VXLAN / Ethernet / IPv4 / TCP, 7 frames
  const all7 = [1, 2, 3, 4, 5, 6, 7];
  test.each([
    ["ip.addr == 100.20.9.1", all7], // outermost
    ["ip.addr == 172.16.27.121", all7], // between ERSPAN and VXLAN
    ["ip.addr == 10.16.27.12", all7], // innermost
    ["count(ip.addr) == 6", all7],
    ["count(eth.src) == 3", all7],
    ["ip.proto == 47 && ip.proto == 17 && ip.proto == 6", all7],
    ["udp && tcp", all7],
    ["udp.port == 4789 && tcp.port == 80", all7],
    ["erspan.spanid == 20 && vxlan.vni == 0", all7],
    ["ip.src != 100.20.9.2", []],
    ["!(ip.src == 100.20.9.2)", []],
  ] as [string, number[]][])("%s", (expr, want) => {
    expect(frames(expr, gev)).toEqual(want);
  });

  test("GTP-U, PPPoE, MPLS, Geneve and 802.1ad fields", () => {
    expect(frames("gtp.teid == 0x760d3bb0", cap("gtp6_gtp_0x32.pcap")).length).toBe(17);
    expect(frames("udp.port == 2152 && tcp.analysis.flags", cap("gtp6_gtp_0x32.pcap")).length).toBe(1);
    expect(frames("pppoe.session_id == 0x002d && ppp.protocol == 0x0021", cap("pppoe-session-http.pcap")).length).toBe(30);
    expect(frames("pppoe", cap("pppoe-session-http.pcap"))).toEqual([]);
    expect(frames("mpls.label == 29", cap("mpls-basic.pcap")).length).toBe(17);
    expect(frames("geneve.vni in {10, 11} && icmp", cap("tcpdump-geneve.pcap")).length).toBe(6);
    expect(frames("ieee8021ad.id == 1535", cap("dot1ad.pcap"))).toEqual([2]);
    expect(frames("vlan.id == 40", cap("dot1ad.pcap"))).toEqual([2]);
  });

  test("a capture without tunnels keeps the columns' occurrences (no bytes needed)", () => {
    const c = readCapture(miniCapture());
    const noBytes: FilterSource = { packets: c.packets, tcp: c.tcp, app: c.app, meta: c.meta, relativeTime: (r) => c.relativeTime(r), protocol: (r) => c.protocol(r) };
    expect(frames("ip.src == 10.0.0.1", noBytes)).toEqual(frames("ip.src == 10.0.0.1", c));
    expect(frames("udp.port == 53", noBytes)).toEqual(frames("udp.port == 53", c));
  });

  test("a tunnelled capture read from memory without its bytes: the outer occurrences are an error that says so", () => {
    const c = gev as unknown as FilterSource;
    const noBytes: FilterSource = { packets: c.packets, tcp: c.tcp, app: c.app, meta: { ...c.meta, source: "<bytes>" }, relativeTime: (r) => c.relativeTime(r), protocol: (r) => c.protocol(r) };
    expect(() => compileFilter("ip.addr == 100.20.9.1").frames(noBytes)).toThrow(/read from memory/);
    expect(frames("tcp.port == 80", noBytes)).toEqual(all7);
  });
});
