/**
 * Tiny in-memory pcap builder for tests: Ethernet + IPv4 + TCP, little-endian µs pcap.
 * `pcap(packets)` returns the file bytes (feed them to loadCapture(bytes) or write them for tshark).
 */

export interface TcpOptionsSpec {
  mss?: number;
  /** Window-scale shift. */
  ws?: number;
  sackPerm?: boolean;
  /** [TSval, TSecr] */
  ts?: [number, number];
  /** SACK blocks [[le, re], …] (raw). */
  sack?: [number, number][];
}

export interface TcpPacketSpec {
  /** Epoch seconds (µs resolution). Avoid 0: Wireshark treats a SYN at time 0 as "no time". */
  t: number;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  seq: number;
  ack?: number;
  /** Flag letters: S A F R P U E C, e.g. "SA", "PA". */
  flags: string;
  win?: number;
  /** Payload length (zero bytes) or the payload itself. */
  len?: number;
  payload?: Uint8Array;
  opts?: TcpOptionsSpec;
  urg?: number;
}

const FLAG_BITS: Record<string, number> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, U: 0x20, E: 0x40, C: 0x80 };

function ip4(s: string): number[] {
  return s.split(".").map((x) => Number(x) & 255);
}

function optionBytes(o: TcpOptionsSpec | undefined): number[] {
  if (!o) return [];
  const b: number[] = [];
  if (o.mss !== undefined) b.push(2, 4, (o.mss >> 8) & 255, o.mss & 255);
  if (o.sackPerm) b.push(4, 2);
  if (o.ts) {
    b.push(8, 10);
    for (const v of o.ts) b.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  }
  if (o.ws !== undefined) b.push(1, 3, 3, o.ws & 255);
  if (o.sack && o.sack.length) {
    b.push(1, 1, 5, 2 + 8 * o.sack.length);
    for (const [le, re] of o.sack) for (const v of [le, re]) b.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  }
  while (b.length % 4) b.push(0);
  return b;
}

/** Bytes of one Ethernet/IPv4/TCP frame. */
export function tcpFrame(p: TcpPacketSpec, ipId = 1): Uint8Array {
  const opts = optionBytes(p.opts);
  const payload = p.payload ?? new Uint8Array(p.len ?? 0);
  const thl = 20 + opts.length;
  const ipLen = 20 + thl + payload.length;
  const f = new Uint8Array(14 + ipLen);
  const dv = new DataView(f.buffer);
  f.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1], 0);
  dv.setUint16(12, 0x0800);
  let o = 14;
  f[o] = 0x45;
  dv.setUint16(o + 2, ipLen);
  dv.setUint16(o + 4, ipId & 0xffff);
  f[o + 8] = 64;
  f[o + 9] = 6;
  f.set(ip4(p.src), o + 12);
  f.set(ip4(p.dst), o + 16);
  o += 20;
  dv.setUint16(o, p.sport);
  dv.setUint16(o + 2, p.dport);
  dv.setUint32(o + 4, p.seq >>> 0);
  dv.setUint32(o + 8, (p.ack ?? 0) >>> 0);
  let fl = 0;
  for (const c of p.flags) fl |= FLAG_BITS[c] ?? 0;
  f[o + 12] = (thl / 4) << 4;
  f[o + 13] = fl;
  dv.setUint16(o + 14, p.win ?? 65535);
  dv.setUint16(o + 18, p.urg ?? 0);
  f.set(opts, o + 20);
  f.set(payload, o + thl);
  return f;
}

/**
 * A little-endian µs pcap file of these frames (LINKTYPE_ETHERNET unless told), frame i at `times[i]` seconds
 * (default: 1700000000 + i s + i ms), each record with its full length captured.
 */
export function pcapOfFrames(frames: readonly Uint8Array[], times?: readonly number[], options: { linktype?: number; snaplen?: number } = {}): Uint8Array {
  const size = 24 + frames.reduce((n, f) => n + 16 + f.length, 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0xa1b2c3d4, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, options.snaplen ?? 262144, true);
  dv.setUint32(20, options.linktype ?? 1, true);
  let o = 24;
  frames.forEach((f, i) => {
    const t = times ? times[i] : 1700000000 + i + i / 1000;
    let sec = Math.floor(t);
    let usec = Math.round((t - sec) * 1e6);
    if (usec >= 1e6) {
      sec++;
      usec -= 1e6;
    }
    dv.setUint32(o, sec, true);
    dv.setUint32(o + 4, usec, true);
    dv.setUint32(o + 8, f.length, true);
    dv.setUint32(o + 12, f.length, true);
    out.set(f, o + 16);
    o += 16 + f.length;
  });
  return out;
}

/** A little-endian µs pcap (LINKTYPE_ETHERNET) with the given TCP packets, in order. */
export function pcap(packets: TcpPacketSpec[]): Uint8Array {
  return pcapOfFrames(packets.map((p, i) => tcpFrame(p, i + 1)), packets.map((p) => p.t));
}
