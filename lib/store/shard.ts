/**
 * Shards by connection, Zeek cluster's rule: a symmetric hash of (protocol, address A, port A, address B,
 * port B), so both directions of a connection — and every TCP stream reusing its 5-tuple — land in the same
 * shard. Packets and flow rows hash the same way (the flow build's identity: TCP/UDP by 5-tuple, other IP
 * protocols, ICMP errors quoting TCP/UDP included, by protocol and address pair; non-IP frames by their
 * Source/Destination pair), so a flow row is in the shard of its packets. The hash is of the address text,
 * so it is the same in every file and on every machine.
 */
import type { Capture } from "../capture/capture";
import type { FlowTable } from "../flows/table";
import { Layer } from "../table/layers";

export interface Shard {
  /** 1-based shard number (1..count), as written on the command line: `--shard 2/3`. */
  index: number;
  count: number;
}

/** Parse "i/n" (1 ≤ i ≤ n). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index >= 1 && index <= count)) {
    throw new TypeError(`--shard wants i/n with 1 ≤ i ≤ n (e.g. 2/3), not "${text}"`);
  }
  return { index, count };
}

/** FNV-1a over a string's UTF-16 code units, then a murmur3 finaliser. */
export function textHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix(h);
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The symmetric connection hash (unsigned 32-bit) from the two endpoints' address hashes and ports. */
export function connectionHash(proto: number, addrHashA: number, portA: number, addrHashB: number, portB: number): number {
  const ea = fmix((addrHashA ^ Math.imul(portA + 1, 0x9e3779b1)) >>> 0);
  const eb = fmix((addrHashB ^ Math.imul(portB + 1, 0x9e3779b1)) >>> 0);
  const lo = ea < eb ? ea : eb;
  const hi = ea < eb ? eb : ea;
  return fmix((Math.imul(lo, 31) + hi + Math.imul(proto + 1, 0x27d4eb2d)) >>> 0);
}

/** 1-based shard of a hash. */
export function shardOf(hash: number, count: number): number {
  return (hash % count) + 1;
}

/** The connection hash of every packet row. */
export function packetHashes(cap: Capture): Uint32Array {
  const t = cap.packets;
  const n = t.length;
  const out = new Uint32Array(n);
  const cache = new Map<number, number>();
  const addr = (code: number): number => {
    let h = cache.get(code);
    if (h === undefined) {
      h = textHash(t.strings.get(code));
      cache.set(code, h);
    }
    return h;
  };
  const { layers, ipSrc, ipDst, src, dst, srcPort, dstPort, ipProto } = t;
  for (let r = 0; r < n; r++) {
    const ly = layers[r];
    if ((ly & (Layer.IPV4 | Layer.IPV6)) === 0) out[r] = connectionHash(0, addr(src[r]), 0, addr(dst[r]), 0);
    else if ((ly & (Layer.TCP | Layer.UDP)) !== 0 && (ly & Layer.ICMP_QUOTED) === 0) {
      out[r] = connectionHash(ly & Layer.TCP ? 6 : 17, addr(ipSrc[r]), srcPort[r], addr(ipDst[r]), dstPort[r]);
    } else out[r] = connectionHash(ipProto[r], addr(src[r]), 0, addr(dst[r]), 0);
  }
  return out;
}

function protoNumber(name: string | null): number {
  if (name === "tcp") return 6;
  if (name === "udp") return 17;
  if (name === "icmp") return 1;
  if (name === "icmpv6") return 58;
  const m = name ? /^ip-(\d+)$/.exec(name) : null;
  return m ? Number(m[1]) : 0;
}

/** The connection hash of every flow row (equal to its packets'). */
export function flowHashes(flows: FlowTable): Uint32Array {
  const out = new Uint32Array(flows.length);
  const proto = flows.raw("proto") as (string | null)[];
  const a = flows.raw("addr_a") as (string | null)[];
  const b = flows.raw("addr_b") as (string | null)[];
  const pa = flows.raw("port_a") as Float64Array;
  const pb = flows.raw("port_b") as Float64Array;
  for (let i = 0; i < flows.length; i++) {
    const p = protoNumber(proto[i]);
    const ports = p === 6 || p === 17;
    out[i] = connectionHash(p, textHash(a[i] ?? ""), ports && !Number.isNaN(pa[i]) ? pa[i] : 0, textHash(b[i] ?? ""), ports && !Number.isNaN(pb[i]) ? pb[i] : 0);
  }
  return out;
}
