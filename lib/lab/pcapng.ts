/**
 * Minimal pcap → pcapng rewriting for the lab harness.
 *
 * tcpdump 4.99 (libpcap 1.10) can only write classic pcap, so the harness
 * records pcap with nanosecond timestamps and rewrites it here as pcapng:
 * one Section Header Block, one Interface Description Block (with if_name
 * and if_tsresol), and one Enhanced Packet Block per record. Packet bytes and
 * timestamps are kept exactly.
 */

export interface PcapToPcapngOptions {
  /** Interface name written as if_name in the IDB. */
  ifName?: string;
  /** Interface description written as if_description. */
  ifDescription?: string;
  /** Written as shb_userappl. */
  userAppl?: string;
  /** Written as shb_os. */
  os?: string;
  /** Written as shb_hardware. */
  hardware?: string;
}

export interface PcapToPcapngResult {
  pcapng: Buffer;
  packets: number;
  linkType: number;
  nanosecond: boolean;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** Encodes a list of pcapng options (code, value) plus opt_endofopt. */
function encodeOptions(opts: Array<[number, Buffer]>): Buffer {
  if (opts.length === 0) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for (const [code, value] of opts) {
    const head = Buffer.alloc(4);
    head.writeUInt16LE(code, 0);
    head.writeUInt16LE(value.length, 2);
    parts.push(head, value, Buffer.alloc(pad4(value.length) - value.length));
  }
  parts.push(Buffer.alloc(4)); // opt_endofopt
  return Buffer.concat(parts);
}

function block(type: number, body: Buffer): Buffer {
  const total = 12 + body.length;
  const out = Buffer.alloc(total);
  out.writeUInt32LE(type >>> 0, 0);
  out.writeUInt32LE(total, 4);
  body.copy(out, 8);
  out.writeUInt32LE(total, total - 4);
  return out;
}

function str(s: string): Buffer {
  return Buffer.from(s, "utf8");
}

/** Rewrites a classic pcap file (any byte order, µs or ns) as little-endian pcapng. */
export function pcapToPcapng(pcap: Buffer, opts: PcapToPcapngOptions = {}): PcapToPcapngResult {
  if (pcap.length < 24) throw new Error("pcap file too short for a global header");
  const magicLE = pcap.readUInt32LE(0);
  let le: boolean;
  let nano: boolean;
  if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d) {
    le = true;
    nano = magicLE === 0xa1b23c4d;
  } else {
    const magicBE = pcap.readUInt32BE(0);
    if (magicBE !== 0xa1b2c3d4 && magicBE !== 0xa1b23c4d) {
      throw new Error(`not a pcap file (magic 0x${magicLE.toString(16)})`);
    }
    le = false;
    nano = magicBE === 0xa1b23c4d;
  }
  const u32 = (off: number) => (le ? pcap.readUInt32LE(off) : pcap.readUInt32BE(off));
  const snaplen = u32(16);
  const linkType = u32(20) & 0xffff;

  const blocks: Buffer[] = [];

  // Section Header Block
  const shbOpts: Array<[number, Buffer]> = [];
  if (opts.hardware) shbOpts.push([2, str(opts.hardware)]);
  if (opts.os) shbOpts.push([3, str(opts.os)]);
  if (opts.userAppl) shbOpts.push([4, str(opts.userAppl)]);
  const shbHead = Buffer.alloc(16);
  shbHead.writeUInt32LE(0x1a2b3c4d, 0);
  shbHead.writeUInt16LE(1, 4);
  shbHead.writeUInt16LE(0, 6);
  shbHead.writeInt32LE(-1, 8); // section length unknown (-1 as 64-bit)
  shbHead.writeInt32LE(-1, 12);
  blocks.push(block(0x0a0d0d0a, Buffer.concat([shbHead, encodeOptions(shbOpts)])));

  // Interface Description Block
  const idbOpts: Array<[number, Buffer]> = [];
  if (opts.ifName) idbOpts.push([2, str(opts.ifName)]);
  if (opts.ifDescription) idbOpts.push([3, str(opts.ifDescription)]);
  idbOpts.push([9, Buffer.from([nano ? 9 : 6])]); // if_tsresol
  const idbHead = Buffer.alloc(8);
  idbHead.writeUInt16LE(linkType, 0);
  idbHead.writeUInt16LE(0, 2);
  idbHead.writeUInt32LE(snaplen, 4);
  blocks.push(block(1, Buffer.concat([idbHead, encodeOptions(idbOpts)])));

  // Enhanced Packet Blocks
  const scale = nano ? 1_000_000_000n : 1_000_000n;
  let off = 24;
  let packets = 0;
  while (off + 16 <= pcap.length) {
    const sec = u32(off);
    const frac = u32(off + 4);
    const incl = u32(off + 8);
    const orig = u32(off + 12);
    if (off + 16 + incl > pcap.length) break; // truncated last record: drop it
    const ts = BigInt(sec) * scale + BigInt(frac);
    const body = Buffer.alloc(20 + pad4(incl));
    body.writeUInt32LE(0, 0); // interface id
    body.writeUInt32LE(Number(ts >> 32n), 4);
    body.writeUInt32LE(Number(ts & 0xffffffffn), 8);
    body.writeUInt32LE(incl, 12);
    body.writeUInt32LE(orig, 16);
    pcap.copy(body, 20, off + 16, off + 16 + incl);
    blocks.push(block(6, body));
    packets++;
    off += 16 + incl;
  }
  return { pcapng: Buffer.concat(blocks), packets, linkType, nanosecond: nano };
}

/** Counts Enhanced/Simple/obsolete Packet Blocks in a pcapng buffer (any byte order). */
export function countPcapngPackets(buf: Buffer): number {
  let off = 0;
  let le = true;
  let n = 0;
  while (off + 12 <= buf.length) {
    let type = buf.readUInt32LE(off);
    if (type === 0x0a0d0d0a) {
      const bom = buf.readUInt32LE(off + 8);
      le = bom === 0x1a2b3c4d;
    } else if (!le) {
      type = buf.readUInt32BE(off);
    }
    const len = le ? buf.readUInt32LE(off + 4) : buf.readUInt32BE(off + 4);
    if (len < 12 || off + len > buf.length) break;
    if (type === 6 || type === 3 || type === 2) n++;
    off += len;
  }
  return n;
}
