// Minimal in-memory pcap builder for application-layer unit tests: Ethernet / IPv4 / TCP or UDP.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { pcapOfFrames } from "./pcap-writer";

export interface TcpSeg {
  kind?: "tcp";
  /** true = client → server. */
  c2s: boolean;
  flags?: number; // default PSH|ACK
  /** Payload bytes. */
  data?: Uint8Array;
  /** Override the sequence number (relative to the ISN + 1); default = next in-order. */
  relSeq?: number;
}

export interface UdpDgram {
  kind: "udp";
  c2s: boolean;
  sport?: number;
  dport?: number;
  data: Uint8Array;
}

export const F = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16 } as const;

export interface Endpoints {
  cliIp?: number[];
  srvIp?: number[];
  cliPort?: number;
  srvPort?: number;
}

function ipChecksum(b: Uint8Array, o: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i += 2) s += (b[o + i] << 8) | b[o + i + 1];
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return ~s & 0xffff;
}

/**
 * Build a pcap with a full TCP handshake followed by `segs` (and UDP datagrams in between if given).
 * Sequence numbers advance per direction; ACKs acknowledge everything sent by the peer so far.
 */
export function buildPcap(segs: (TcpSeg | UdpDgram)[], ep: Endpoints = {}, handshake = true): Uint8Array {
  const cliIp = ep.cliIp ?? [10, 0, 0, 1];
  const srvIp = ep.srvIp ?? [10, 0, 0, 2];
  const cliPort = ep.cliPort ?? 50000;
  const srvPort = ep.srvPort ?? 443;
  const isn = [1000, 5000];
  const next = [isn[0], isn[1]];
  const frames: Uint8Array[] = [];
  const all: (TcpSeg | UdpDgram)[] = [];
  if (handshake) {
    all.push({ c2s: true, flags: F.SYN }, { c2s: false, flags: F.SYN | F.ACK }, { c2s: true, flags: F.ACK });
  }
  all.push(...segs);
  let ipId = 1;
  for (const s of all) {
    const dir = s.c2s ? 0 : 1;
    const src = s.c2s ? cliIp : srvIp;
    const dst = s.c2s ? srvIp : cliIp;
    let l4: Uint8Array;
    let proto: number;
    if (s.kind === "udp") {
      proto = 17;
      l4 = new Uint8Array(8 + s.data.length);
      const sp = s.sport ?? (s.c2s ? 53000 : 53);
      const dp = s.dport ?? (s.c2s ? 53 : 53000);
      l4[0] = sp >> 8;
      l4[1] = sp & 255;
      l4[2] = dp >> 8;
      l4[3] = dp & 255;
      l4[4] = l4.length >> 8;
      l4[5] = l4.length & 255;
      l4.set(s.data, 8);
    } else {
      proto = 6;
      const data = s.data ?? new Uint8Array(0);
      const flags = s.flags ?? F.PSH | F.ACK;
      const seq = s.relSeq !== undefined ? (isn[dir] + 1 + s.relSeq) >>> 0 : next[dir];
      const ack = flags & F.ACK ? next[dir ^ 1] : 0;
      l4 = new Uint8Array(20 + data.length);
      const sp = s.c2s ? cliPort : srvPort;
      const dp = s.c2s ? srvPort : cliPort;
      const dv = new DataView(l4.buffer);
      dv.setUint16(0, sp);
      dv.setUint16(2, dp);
      dv.setUint32(4, seq);
      dv.setUint32(8, ack);
      l4[12] = 5 << 4;
      l4[13] = flags;
      dv.setUint16(14, 65535);
      l4.set(data, 20);
      const end = (seq + data.length + (flags & (F.SYN | F.FIN) ? 1 : 0)) >>> 0;
      if (s.relSeq === undefined || ((end - next[dir]) | 0) > 0) next[dir] = end;
    }
    const ip = new Uint8Array(20 + l4.length);
    ip[0] = 0x45;
    ip[2] = ip.length >> 8;
    ip[3] = ip.length & 255;
    ip[4] = ipId >> 8;
    ip[5] = ipId++ & 255;
    ip[6] = 0x40;
    ip[8] = 64;
    ip[9] = proto;
    ip.set(src, 12);
    ip.set(dst, 16);
    const c = ipChecksum(ip, 0, 20);
    ip[10] = c >> 8;
    ip[11] = c & 255;
    ip.set(l4, 20);
    const eth = new Uint8Array(14 + ip.length);
    eth.set(s.c2s ? [2, 0, 0, 0, 0, 2] : [2, 0, 0, 0, 0, 1], 0);
    eth.set(s.c2s ? [2, 0, 0, 0, 0, 1] : [2, 0, 0, 0, 0, 2], 6);
    eth[12] = 0x08;
    eth.set(ip, 14);
    frames.push(eth);
  }
  return pcapOfFrames(frames, undefined, { snaplen: 65535 });
}

export function hex(s: string): Uint8Array {
  const h = s.replace(/\s+/g, "");
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function haveTshark(): boolean {
  try {
    execFileSync("tshark", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Run tshark -2 -n on bytes; returns rows of the requested fields. */
export function tsharkFields(bytes: Uint8Array | string, fields: string[], extra: string[] = []): string[][] {
  let file = typeof bytes === "string" ? bytes : "";
  if (typeof bytes !== "string") {
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "app-pcap-")), "t.pcap");
    fs.writeFileSync(file, bytes);
  }
  const out = execFileSync("tshark", ["-2", "-n", "-r", file, ...extra, "-T", "fields", ...fields.flatMap((f) => ["-e", f])], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
    stdio: ["ignore", "pipe", "ignore"],
  });
  return out
    .split("\n")
    .filter((l) => l)
    .map((l) => l.split("\t"));
}
