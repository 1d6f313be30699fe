// A small capture built from byte literals for the display-filter unit tests: a TCP handshake with
// options, an HTTP request, an ICMP port-unreachable quoting a TCP header, an ARP broadcast, a DNS query,
// and an IPv6 UDP datagram. Expected results were checked with tshark 4.0.17 (-2 -n -Y).

import { concat, hex } from "../helpers/app-pcap";
import { pcapOfFrames } from "../helpers/pcap-writer";

const MAC_A = "020000000001";
const MAC_B = "020000000002";

function ipv4(src: string, dst: string, proto: number, payload: Uint8Array, ttl = 64, id = 1): Uint8Array {
  const h = new Uint8Array(20);
  h[0] = 0x45;
  const len = 20 + payload.length;
  h[2] = len >> 8;
  h[3] = len & 255;
  h[4] = id >> 8;
  h[5] = id & 255;
  h[6] = 0x40; // DF
  h[8] = ttl;
  h[9] = proto;
  src.split(".").forEach((x, i) => (h[12 + i] = Number(x)));
  dst.split(".").forEach((x, i) => (h[16 + i] = Number(x)));
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += (h[i] << 8) | h[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  const ck = ~sum & 0xffff;
  h[10] = ck >> 8;
  h[11] = ck & 255;
  return concat(h, payload);
}

function tcp(sp: number, dp: number, seq: number, ack: number, flags: number, opts: Uint8Array, payload: Uint8Array, win = 64240): Uint8Array {
  const h = new Uint8Array(20 + opts.length);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, sp);
  dv.setUint16(2, dp);
  dv.setUint32(4, seq);
  dv.setUint32(8, ack);
  h[12] = (h.length / 4) << 4;
  h[13] = flags;
  dv.setUint16(14, win);
  h.set(opts, 20);
  return concat(h, payload);
}


const eth = (dst: string, src: string, type: number, payload: Uint8Array) => concat(hex(dst + src), Uint8Array.of(type >> 8, type & 255), payload);

export function miniCapture(): Uint8Array {
  const synOpts = hex("020405b4 0402 080a 00000064 00000000 01 030307");
  const frames: Uint8Array[] = [
    // 1 SYN 10.0.0.1:40000 → 10.0.0.2:80
    eth(MAC_B, MAC_A, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, tcp(40000, 80, 1000, 0, 0x02, synOpts, new Uint8Array(0)))),
    // 2 SYN-ACK
    eth(MAC_A, MAC_B, 0x0800, ipv4("10.0.0.2", "10.0.0.1", 6, tcp(80, 40000, 5000, 1001, 0x12, hex("020405b4 0402 01 030307 0000"), new Uint8Array(0), 65535), 63)),
    // 3 ACK
    eth(MAC_B, MAC_A, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, tcp(40000, 80, 1001, 5001, 0x10, new Uint8Array(0), new Uint8Array(0), 502))),
    // 4 HTTP request
    eth(MAC_B, MAC_A, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, tcp(40000, 80, 1001, 5001, 0x18, new Uint8Array(0), new TextEncoder().encode("GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: mini\r\n\r\n"), 502))),
    // 5 ICMP port unreachable from 10.0.0.254 quoting a UDP datagram 10.0.0.1:5353 → 10.0.0.9:53
    eth(MAC_A, MAC_B, 0x0800, ipv4("10.0.0.254", "10.0.0.1", 1, concat(hex("03030000 00000000"), ipv4("10.0.0.1", "10.0.0.9", 17, hex("14e90035 00100000 0102030405060708"), 62)), 255)),
    // 6 ARP request (broadcast) who has 10.0.0.2? tell 10.0.0.1
    eth("ffffffffffff", MAC_A, 0x0806, hex("0001 0800 06 04 0001" + MAC_A + "0a000001 000000000000 0a000002")),
    // 7 DNS query example.com A, 10.0.0.1:5353 → 10.0.0.53:53
    eth(MAC_B, MAC_A, 0x0800, ipv4("10.0.0.1", "10.0.0.53", 17, (() => {
      const dns = hex("1234 0100 0001 0000 0000 0000 07 6578616d706c65 03 636f6d 00 0001 0001");
      const u = concat(hex("14e9 0035"), Uint8Array.of(0, 8 + dns.length), hex("0000"), dns);
      return u;
    })())),
    // 8 IPv6 UDP fe80::1:1000 → ff02::1:2000
    eth("333300000001", MAC_A, 0x86dd, concat(hex("60000000 000c 11 40 fe800000000000000000000000000001 ff020000000000000000000000000001"), hex("03e8 07d0 000c 0000 61626364"))),
  ];
  return pcapOfFrames(frames, undefined, { snaplen: 65535 });
}
