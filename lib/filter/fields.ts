/**
 * The display-filter field registry: one entry per Wireshark field (name, ftype as `tshark -G fields`
 * gives it, the packet-table columns it reads, how to get its occurrences). Presence follows what tshark
 * 4.0 shows with `-2 -n` and default preferences (e.g. `tcp.ack` on every full TCP header, the ICMP-quoted
 * header's addresses and ports as second occurrences of `ip.addr` / `tcp.port`).
 */
import { Layer, TcpOpt } from "../table/layers";
import { PACKET_SCHEMA, type StorageKey } from "../table/schema";
import { TA } from "../tcp/flags";
import { Hdr, walkHeaders } from "../decode/tunnel";
import { Conv, Ctx, computedNum, existsMask, genOcc, lazyOcc, numOcc, toGen, type Mask, type Occ, type Slot } from "./eval";
import { parseIPv4, parseIPv6, parseBytes, type Value } from "./values";
import { WS_FIELDS } from "./wireshark-fields";
import { decryptorOf } from "../decrypt/tls-decrypt";
import type { H2Frame } from "../decrypt/h2";

export interface FieldDef {
  /** Wireshark field or protocol name. */
  name: string;
  /** ftype without FT_ (from `tshark -G fields`; "PROTOCOL" for protocols). */
  ftype: string;
  /** Packet-table storage arrays the field reads (see lib/table/schema.ts). */
  reads?: readonly StorageKey[];
  /** Rows where the field is present (fast path for existence tests; defaults to the occurrences'). */
  exists?: (c: Ctx) => Mask;
  /** Occurrences (values) of the field. Absent for FT_NONE fields. */
  get?: (c: Ctx) => Occ;
  /** The field's values come from packet bytes (read back from the file). */
  bytes?: boolean;
}

const REG = new Map<string, FieldDef>();

function def(name: string, d: Omit<FieldDef, "name" | "ftype"> & { ftype?: string }): void {
  const ftype = d.ftype ?? WS_FIELDS[name] ?? (name.includes(".") ? undefined : "PROTOCOL");
  if (ftype === undefined) throw new Error(`internal: ${name} has no ftype`);
  REG.set(name, { ...d, name, ftype });
}

export function findField(name: string): FieldDef | undefined {
  return REG.get(name);
}
export function fieldNames(): string[] {
  return [...REG.keys()];
}

/** The packet-schema column that mirrors a Wireshark field (the join between the schema and the filter fields). */
export function schemaColumnOf(field: string): string | undefined {
  return PACKET_SCHEMA.find((c) => (c.wireshark as readonly string[]).includes(field))?.name;
}

// ------------------------------------------------------------------ helpers

const L = Layer;
const QUOTED = L.ICMP_QUOTED;
const tcpFull = (c: Ctx) => c.layer(L.TCP, QUOTED);
const tcpAny = (c: Ctx) => c.layer(L.TCP);
const udpFull = (c: Ctx) => c.layer(L.UDP, QUOTED);
const udpAny = (c: Ctx) => c.layer(L.UDP);
const ip4 = (c: Ctx) => c.layer(L.IPV4);
const ip6 = (c: Ctx) => c.layer(L.IPV6);
/** ICMPv4 errors quoting an IPv4 header (its TCP/UDP ports are in the table). */
const quoted4 = (c: Ctx) => c.layer(L.ICMP, 0, QUOTED);
const quoted6 = (c: Ctx) => c.layer(L.ICMPV6, 0, QUOTED);

function zeros(c: Ctx): Uint8Array {
  return c.memo("zeros", () => new Uint8Array(c.n));
}
function allRows(c: Ctx): Mask {
  return c.memo("all", () => new Uint8Array(c.n).fill(1));
}
/** A table column, or zeros when a lazy column was never written. */
function col(c: Ctx, name: StorageKey): ArrayLike<number> {
  const v = (c.t as unknown as Record<string, ArrayLike<number> | null>)[name];
  return v ?? zeros(c);
}
/** A column computed from others for every row (pure arithmetic on columns), memoized. */
function derive(c: Ctx, key: string, f: (r: number) => number): Float64Array {
  return c.memo(`D${key}`, () => {
    const out = new Float64Array(c.n);
    for (let r = 0; r < c.n; r++) out[r] = f(r);
    return out;
  });
}
function mask(c: Ctx, key: string, base: Mask, f: (r: number) => boolean): Mask {
  return c.refine(`M${key}`, base, f);
}
// Hot masks and derived columns as plain loops (a loop calling a different closure per field would be a
// megamorphic call per row).
/** base rows where (col & bits) ≠ 0. */
function bitMask(c: Ctx, key: string, base: Mask, col: ArrayLike<number>, bits: number): Mask {
  return c.memo(`B${key}`, () => {
    const m = new Uint8Array(c.n);
    for (let r = 0; r < c.n; r++) m[r] = base[r] & ((col[r] & bits) !== 0 ? 1 : 0);
    return m;
  });
}
/** base rows where col > min. */
function gtMask(c: Ctx, key: string, base: Mask, col: ArrayLike<number>, min: number): Mask {
  return c.memo(`G${key}`, () => {
    const m = new Uint8Array(c.n);
    for (let r = 0; r < c.n; r++) m[r] = base[r] & (col[r] > min ? 1 : 0);
    return m;
  });
}
/** (col >> shift) & bits, per row. */
function fieldOf(c: Ctx, key: string, col: ArrayLike<number>, shift: number, bits: number): Uint8Array | Uint16Array {
  return c.memo(`F${key}`, () => {
    const out = bits > 255 ? new Uint16Array(c.n) : new Uint8Array(c.n);
    for (let r = 0; r < c.n; r++) out[r] = (col[r] >> shift) & bits;
    return out;
  });
}

/** String-dictionary id slots converted to IPv4 numbers. */
function ipv4Conv(c: Ctx): Conv {
  return c.memo("conv4", () => new Conv((id) => parseIPv4(c.t.strings.get(id))));
}
function ipv6Conv(c: Ctx): Conv {
  return c.memo("conv6", () => new Conv((id) => parseIPv6(c.t.strings.get(id))));
}
function macConv(c: Ctx): Conv {
  return c.memo("convMac", () => new Conv((id) => parseBytes(c.t.strings.get(id))));
}
/** Occurrences that are string-dictionary ids (addresses, names): `c` bounds the ids by the dictionary size. */
function idOcc(conv: Conv, slots: Slot[], c?: Ctx): Occ {
  return { t: "id", slots, conv, space: c?.t.strings.size };
}

const optCode = (c: Ctx, code: number): Mask =>
  mask(c, `opt${code}`, c.layer(L.TCP_OPTIONS, QUOTED, L.TCP), (r) => {
    const seq = col(c, "tcpOptSeq")[r];
    for (let o = seq; o !== 0; o >>>= 4) if ((o & 15) === code) return true;
    // the table keeps the first 8 options: look further in the packet bytes
    return seq >>> 28 !== 0 && optKinds(c, r).includes(KIND_OF[code]);
  });
/** Option kinds of a row's TCP header, read from its bytes. */
function optKinds(c: Ctx, r: number): number[] {
  const b = c.bytes.get(r);
  const out: number[] = [];
  if (b === null) return out;
  const start = l3Offset(c, r, b) + c.t.ipHdrLen[r];
  const end = Math.min(b.length, start + c.t.tcpHdrLen[r]);
  for (let p = start + 20; p < end; ) {
    const k = b[p];
    out.push(k);
    if (k === 0) break;
    if (k === 1) {
      p++;
      continue;
    }
    const len = b[p + 1];
    if (!(len >= 2)) break;
    p += len;
  }
  return out;
}

/** The row's link type. */
function linkType(c: Ctx, r: number): number {
  const ifs = c.src.meta.interfaces;
  const i = c.t.ifIndex !== null ? c.t.ifIndex[r] : 0;
  return ifs[i]?.linkType ?? 1;
}

/** Offset of the network-layer header in the row's bytes (walking Ethernet/VLAN/SLL), or -1. */
export function l3Offset(c: Ctx, r: number, b: Uint8Array): number {
  const lt = linkType(c, r);
  if (c.t.layers[r] & L.TUNNEL) {
    // the innermost IP (or ARP) header: the one the row's columns describe
    walkHeaders(b, lt, L3_WALK);
    for (let i = L3_WALK.length - 2; i >= 0; i -= 2) {
      const k = L3_WALK[i];
      if (k === Hdr.IPV4 || k === Hdr.IPV6 || k === Hdr.ARP) return L3_WALK[i + 1];
    }
    return -1;
  }
  switch (lt) {
    case 1: {
      let p = 12;
      if (b.length < 14) return -1;
      let type = (b[p] << 8) | b[p + 1];
      p += 2;
      while ((type === 0x8100 || type === 0x88a8 || type === 0x9100) && p + 4 <= b.length) {
        type = (b[p + 2] << 8) | b[p + 3];
        p += 4;
      }
      return p;
    }
    case 113:
      return 16;
    case 276:
      return 20;
    case 0:
    case 108:
      return 4;
    default:
      return 0;
  }
}


// ------------------------------------------------------------------ tunnels: the outer headers' occurrences
// A tunnelled row's columns describe its innermost headers; Wireshark shows every header of the frame, the
// outer ones first (`ip.src` has the tunnel endpoint, then the inner source). The outer headers' fields are
// read from the row's bytes, walked as the decoder walks them (walkHeaders), for tunnelled rows only: plain
// captures keep their column fast paths and never read bytes for these fields.

const tun = (c: Ctx) => c.layer(L.TUNNEL);
/** (kind, offset) pairs of the row being read (hdrOcc), and of l3Offset's row. */
const HDRS: number[] = [];
const L3_WALK: number[] = [];
/** Index in a walk of its innermost IP header (the row's own IP layer), or -1. */
function lastIp(h: number[]): number {
  for (let i = h.length - 2; i >= 0; i -= 2) if (h[i] === Hdr.IPV4 || h[i] === Hdr.IPV6) return i;
  return -1;
}
function lastOf(h: number[], kind: number): number {
  for (let i = h.length - 2; i >= 0; i -= 2) if (h[i] === kind) return i;
  return -1;
}
type Push = (v: Value) => void;
/** A number read from header bytes (NaN when cut short: no occurrence). */
type Read = (b: Uint8Array, q: number) => number;
/**
 * Occurrences of headers of `kind` in the rows of `has`, outermost first: `read` pushes a header's values.
 * `skip` names the header whose values the columns already hold (the innermost IP or Ethernet header).
 */
function hdrOcc(c: Ctx, has: Mask, kind: number, read: (b: Uint8Array, q: number, push: Push) => void, skip: "ip" | "eth" | null = null): Occ {
  return genOcc(c, has, (r, push) => {
    const b = c.bytes.get(r);
    if (b === null) return;
    walkHeaders(b, linkType(c, r), HDRS);
    const last = skip === "ip" ? lastIp(HDRS) : skip === "eth" ? lastOf(HDRS, Hdr.ETH) : -1;
    for (let i = 0; i < HDRS.length; i += 2) if (HDRS[i] === kind && i !== last) read(b, HDRS[i + 1], push);
  });
}
/** A numeric read as a hdrOcc reader (no occurrence when the header is cut short). */
const num = (f: Read) => (b: Uint8Array, q: number, push: Push) => {
  const x = f(b, q);
  if (x === x) push(x);
};
/** The outer headers' occurrences (tunnelled rows) before the columns' own: `base` unchanged on captures without tunnels. */
function withOuter(c: Ctx, base: Occ, outer: () => Occ): Occ {
  if (c.isEmpty(tun(c))) return base;
  const o = toGen(outer(), c.n, c.cand);
  const i = toGen(base, c.n, c.cand);
  const n = c.n;
  const off = new Int32Array(n + 1);
  const vals: Value[] = [];
  for (let r = 0; r < n; r++) {
    off[r] = vals.length;
    for (let k = o.off[r]; k < o.off[r + 1]; k++) vals.push(o.vals[k]);
    for (let k = i.off[r]; k < i.off[r + 1]; k++) vals.push(i.vals[k]);
  }
  off[n] = vals.length;
  return { t: "gen", off, vals };
}
/** The rows of `has` that are not tunnelled (`has` itself on captures without tunnels). */
function untunnelled(c: Ctx, key: string, has: Mask): Mask {
  const t = tun(c);
  if (c.isEmpty(t)) return has;
  return mask(c, `untun${key}`, has, (r) => !t[r]);
}
/** Rows of `own`, plus the tunnelled rows that have an outer header of `kind`. */
function withOuterRows(c: Ctx, own: Mask, kind: number, skip: "ip" | "eth" | null): Mask {
  if (c.isEmpty(tun(c))) return own;
  return c.memo(`outerRows${kind}/${skip}`, () => {
    // every row (the mask is kept for the whole evaluation, whatever rows the current node needs)
    const cand = c.cand;
    c.cand = null;
    try {
      const m = existsMask(hdrOcc(c, tun(c), kind, (_b, _q, push) => push(1), skip), c.n).slice();
      for (let r = 0; r < c.n; r++) m[r] |= own[r];
      return m;
    } finally {
      c.cand = cand;
    }
  });
}

/** Numbers read from the row's bytes at the network layer + `at` (for fields the table does not store). */
function bytesNum(c: Ctx, has: Mask, f: (b: Uint8Array, l3: number, r: number) => number): Occ {
  return computedNum(c, has, (r) => {
    const b = c.bytes.get(r);
    if (b === null) return NaN;
    const l3 = l3Offset(c, r, b);
    return l3 < 0 ? NaN : f(b, l3, r);
  });
}
const u8 = (b: Uint8Array, o: number) => (o < b.length ? b[o] : NaN);
const u16 = (b: Uint8Array, o: number) => (o + 2 <= b.length ? (b[o] << 8) | b[o + 1] : NaN);
const u32 = (b: Uint8Array, o: number) => (o + 4 <= b.length ? ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0 : NaN);

/** Bytes of the row from `start(b, l3, r)` to `end(...)` (clamped to the captured bytes). */
function bytesSpan(c: Ctx, has: Mask, span: (b: Uint8Array, l3: number, r: number) => [number, number] | null): Occ {
  // evaluated row by row on views of the read window: no copy, nothing kept
  return lazyOcc(c, has, (r) => {
    const b = c.bytes.get(r);
    if (b === null) return null;
    const l3 = l3Offset(c, r, b);
    if (l3 < 0) return null;
    const s = span(b, l3, r);
    if (s === null) return null;
    const a = Math.max(0, Math.min(s[0], b.length));
    const e = Math.max(a, Math.min(s[1], b.length));
    return b.subarray(a, e);
  });
}

/** End of the IP datagram in the row's bytes (the IP total length, clamped to what was captured). */
function ipEnd(c: Ctx, r: number, l3: number): number {
  return l3 + c.t.ipLen[r];
}

/** Multi-valued application fields from sparse per-row records: CSR over all rows. */
function sparse(c: Ctx, key: string, fill: (add: (row: number, v: Value) => void) => void): Occ {
  return c.memo(`S${key}`, () => {
    const rows: number[] = [];
    const vals: Value[] = [];
    fill((row, v) => {
      rows.push(row);
      vals.push(v);
    });
    const n = c.n;
    const order = rows.map((_, i) => i);
    let sorted = true;
    for (let i = 1; i < rows.length; i++) if (rows[i] < rows[i - 1]) sorted = false;
    if (!sorted) order.sort((a, b) => rows[a] - rows[b] || a - b);
    const off = new Int32Array(n + 1);
    for (const r of rows) if (r < n) off[r + 1]++;
    for (let r = 0; r < n; r++) off[r + 1] += off[r];
    const out: Value[] = new Array(off[n]);
    let k = 0;
    for (const i of order) if (rows[i] < n) out[k++] = vals[i];
    return { t: "gen", off, vals: out } as Occ;
  });
}

// ------------------------------------------------------------------ frame

def("frame", { exists: allRows, get: (c) => lazyOcc(c, allRows(c), (r) => c.bytes.get(r)), bytes: true });
def("frame.number", { get: (c) => numOcc(allRows(c), c.memo("num", () => {
  const v = new Uint32Array(c.n);
  for (let r = 0; r < c.n; r++) v[r] = r + 1;
  return v;
})) });
def("frame.len", { reads: ["wireLen"], get: (c) => numOcc(allRows(c), c.t.wireLen) });
def("frame.cap_len", { reads: ["capLen"], get: (c) => numOcc(allRows(c), c.t.capLen) });
def("frame.marked", { get: (c) => numOcc(allRows(c), zeros(c)) });
def("frame.ignored", { get: (c) => numOcc(allRows(c), zeros(c)) });
// pcapng packet blocks (not custom blocks); the interface's index within its section
def("frame.interface_id", { reads: ["ifIndex"], get: (c) => {
  const ifs = c.src.meta.interfaces;
  const first = ifs.map((f, i) => ifs.findIndex((g) => g.section === f.section) ?? i);
  const ix = col(c, "ifIndex");
  // custom blocks (Protocol PCAPNG, no timestamp) have no interface
  const has = c.src.meta.format === "pcapng" ? mask(c, "ifhas", allRows(c), (r) => !(c.t.layers[r] & L.NO_TIMESTAMP) || c.src.protocol(r) !== "PCAPNG") : zeros(c);
  return numOcc(has, derive(c, "ifid", (r) => ix[r] - (first[ix[r]] ?? 0)));
} });
const timed = (c: Ctx) => c.layer(0, L.NO_TIMESTAMP);
def("frame.time_epoch", { reads: ["tsSec", "tsNsec"], get: (c) => numOcc(timed(c), derive(c, "epoch", (r) => c.t.tsSec[r] + c.t.tsNsec[r] / 1e9)) });
def("frame.time", { reads: ["tsSec", "tsNsec"], get: (c) => numOcc(timed(c), derive(c, "epoch", (r) => c.t.tsSec[r] + c.t.tsNsec[r] / 1e9)) });
def("frame.time_relative", { reads: ["tsSec", "tsNsec"], get: (c) => {
  const ref = c.src.meta.firstTimedRow ?? 0;
  const t = c.t;
  return numOcc(timed(c), derive(c, "rel", (r) => t.tsSec[r] - t.tsSec[ref] + (t.tsNsec[r] - t.tsNsec[ref]) / 1e9));
} });
// since the previous frame that has a timestamp
def("frame.time_delta", { reads: ["tsSec", "tsNsec"], get: (c) => {
  const t = c.t;
  const has = timed(c);
  return numOcc(has, c.memo("delta", () => {
    const out = new Float64Array(c.n);
    let prev = -1;
    for (let r = 0; r < c.n; r++) {
      if (!has[r]) continue;
      out[r] = prev < 0 ? 0 : t.tsSec[r] - t.tsSec[prev] + (t.tsNsec[r] - t.tsNsec[prev]) / 1e9;
      prev = r;
    }
    return out;
  }));
} });

// ------------------------------------------------------------------ link layer

const eth = (c: Ctx) => c.layer(L.ETH);
/** End of the Ethernet header (and its 802.1Q/802.1ad tags) that starts at q. */
function ethEnd(b: Uint8Array, q: number): number {
  let p = q + 12;
  while (p + 4 <= b.length && (u16(b, p) === 0x8100 || u16(b, p) === 0x88a8 || u16(b, p) === 0x9100)) p += 4;
  return Math.min(b.length, p + 2);
}
// in tunnelled rows every Ethernet header of the walk (VXLAN, Geneve, ERSPAN carry frames)
def("eth", { exists: eth, bytes: true, get: (c) => withOuter(c, bytesSpan(c, untunnelled(c, "eth", eth(c)), (_b, l3) => [0, l3]), () => hdrOcc(c, tun(c), Hdr.ETH, (b, q, push) => push(b.slice(q, ethEnd(b, q))))) });
// outer Ethernet headers of tunnelled rows (VXLAN, Geneve, ERSPAN, GRE bridging) come first
const outerMac = (at: number[]) => (b: Uint8Array, q: number, push: Push) => {
  for (const a of at) if (q + a + 6 <= b.length) push(b.slice(q + a, q + a + 6));
};
def("eth.dst", { reads: ["ethDst"], get: (c) => withOuter(c, idOcc(macConv(c), [{ has: eth(c), v: c.t.ethDst }], c), () => hdrOcc(c, tun(c), Hdr.ETH, outerMac([0]), "eth")) });
def("eth.src", { reads: ["ethSrc"], get: (c) => withOuter(c, idOcc(macConv(c), [{ has: eth(c), v: c.t.ethSrc }], c), () => hdrOcc(c, tun(c), Hdr.ETH, outerMac([6]), "eth")) });
def("eth.addr", { reads: ["ethDst", "ethSrc"], get: (c) => withOuter(c, idOcc(macConv(c), [{ has: eth(c), v: c.t.ethDst }, { has: eth(c), v: c.t.ethSrc }], c), () => hdrOcc(c, tun(c), Hdr.ETH, outerMac([0, 6]), "eth")) });
for (const [bit, suffix] of [[1, "ig"], [2, "lg"]] as const) {
  const bitOf = (c: Ctx, name: StorageKey) => derive(c, `${name}${bit}`, (r) => ((macConv(c).get(c.t[name as "ethSrc"][r]) as Uint8Array | null)?.[0] ?? 0) & bit ? 1 : 0);
  const outerBit = (c: Ctx, at: number[]) => () => hdrOcc(c, tun(c), Hdr.ETH, (b, q, push) => {
    for (const a of at) if (q + a < b.length) push(b[q + a] & bit ? 1 : 0);
  }, "eth");
  def(`eth.dst.${suffix}`, { reads: ["ethDst"], get: (c) => withOuter(c, numOcc(eth(c), bitOf(c, "ethDst")), outerBit(c, [0])) });
  def(`eth.src.${suffix}`, { reads: ["ethSrc"], get: (c) => withOuter(c, numOcc(eth(c), bitOf(c, "ethSrc")), outerBit(c, [6])) });
  def(`eth.${suffix}`, { reads: ["ethDst", "ethSrc"], get: (c) => withOuter(c, { t: "num", slots: [{ has: eth(c), v: bitOf(c, "ethDst") }, { has: eth(c), v: bitOf(c, "ethSrc") }] }, outerBit(c, [0, 6])) });
}
// eth.type is the outer EtherType (0x8100 on VLAN-tagged frames); 802.3 frames have eth.len instead
const ethTyped = (c: Ctx) => mask(c, "ethTyped", eth(c), (r) => (c.t.layers[r] & L.VLAN) !== 0 || c.t.ethType[r] > 1500);
def("eth.type", { reads: ["ethType"], get: (c) => {
  const vlan = c.layer(L.VLAN);
  const plain = mask(c, "ethTypePlain", ethTyped(c), (r) => !vlan[r]);
  const tagged = mask(c, "ethTypeTagged", eth(c), (r) => vlan[r] === 1);
  const fromBytes = bytesNum(c, tagged, (b) => u16(b, 12));
  const own: Occ = { t: "num", slots: [{ has: plain, v: c.t.ethType }, ...(fromBytes.t === "num" ? fromBytes.slots : [])] };
  return withOuter(c, own, () => hdrOcc(c, tun(c), Hdr.ETH, num((b, q) => u16(b, q + 12)), "eth"));
} });
def("eth.len", { reads: ["ethType"], get: (c) => numOcc(mask(c, "ethLen", eth(c), (r) => !(c.t.layers[r] & L.VLAN) && c.t.ethType[r] <= 1500), c.t.ethType) });

const vlan = (c: Ctx) => c.layer(L.VLAN);
/** Every 802.1Q tag (kind Hdr.VLAN) or 802.1ad tag (Hdr.QINQ) of the row, outer first (tunnelled frames' too): f(tci, inner type). */
function vlanTags(c: Ctx, f: (tci: number, type: number) => number, kind: number = Hdr.VLAN): Occ {
  return hdrOcc(c, vlan(c), kind, num((b, q) => f(u16(b, q), u16(b, q + 2))));
}
def("vlan", { exists: (c) => existsMask(vlanTags(c, (tci) => tci), c.n), bytes: true });
def("vlan.id", { reads: ["vlanId"], bytes: true, get: (c) => vlanTags(c, (tci) => tci & 0xfff) });
def("vlan.priority", { bytes: true, get: (c) => vlanTags(c, (tci) => tci >> 13) });
def("vlan.dei", { bytes: true, get: (c) => vlanTags(c, (tci) => (tci >> 12) & 1) });
def("vlan.etype", { bytes: true, get: (c) => vlanTags(c, (_tci, type) => type) });
// 802.1ad service tags (TPID 0x88a8): Wireshark's ieee8021ad protocol, not vlan
def("ieee8021ad", { exists: (c) => existsMask(vlanTags(c, (tci) => tci, Hdr.QINQ), c.n), bytes: true });
def("ieee8021ad.id", { bytes: true, get: (c) => vlanTags(c, (tci) => tci & 0xfff, Hdr.QINQ) });
def("ieee8021ad.priority", { bytes: true, get: (c) => vlanTags(c, (tci) => tci >> 13, Hdr.QINQ) });
def("ieee8021ad.dei", { bytes: true, get: (c) => vlanTags(c, (tci) => (tci >> 12) & 1, Hdr.QINQ) });

const sll = (c: Ctx) => c.layer(L.SLL | L.SLL2);
def("sll", { exists: sll });

// ------------------------------------------------------------------ ARP

const arp = (c: Ctx) => c.layer(L.ARP);
def("arp", { exists: arp });
for (const [name, at] of [["arp.hw.type", 0], ["arp.proto.type", 2], ["arp.opcode", 6]] as const) {
  def(name, { bytes: true, get: (c) => bytesNum(c, arp(c), (b, l3) => u16(b, l3 + at)) });
}
def("arp.hw.size", { bytes: true, get: (c) => bytesNum(c, arp(c), (b, l3) => u8(b, l3 + 4)) });
def("arp.proto.size", { bytes: true, get: (c) => bytesNum(c, arp(c), (b, l3) => u8(b, l3 + 5)) });
const arp4 = (c: Ctx) => c.memo("arp4", () => {
  const m = arp(c);
  const out = new Uint8Array(c.n);
  for (let r = 0; r < c.n; r++) {
    if (!m[r]) continue;
    const b = c.bytes.get(r);
    if (b === null) continue;
    const l3 = l3Offset(c, r, b);
    if (b[l3 + 4] === 6 && b[l3 + 5] === 4 && l3 + 28 <= b.length) out[r] = 1;
  }
  return out;
});
for (const [name, at, len] of [["arp.src.hw_mac", 8, 6], ["arp.src.proto_ipv4", 14, 4], ["arp.dst.hw_mac", 18, 6], ["arp.dst.proto_ipv4", 24, 4]] as const) {
  def(name, { bytes: true, get: (c) => {
    if (len === 4) return bytesNum(c, arp4(c), (b, l3) => u32(b, l3 + at));
    return bytesSpan(c, arp4(c), (_b, l3) => [l3 + at, l3 + at + 6]);
  } });
}

// ------------------------------------------------------------------ IPv4

/** Every IP header's datagram of tunnelled rows as bytes (from the header to its length, clamped to what was captured). */
const outerIpBytes = (c: Ctx, kind: number, len: (b: Uint8Array, q: number) => number) => () => hdrOcc(c, tun(c), kind, (b, q, push) => {
  push(b.slice(q, Math.min(b.length, q + (len(b, q) || b.length - q))));
});
def("ip", { exists: (c) => withOuterRows(c, ip4(c), Hdr.IPV4, "ip"), bytes: true, get: (c) => withOuter(c, bytesSpan(c, untunnelled(c, "4", ip4(c)), (_b, l3, r) => [l3, ipEnd(c, r, l3)]), outerIpBytes(c, Hdr.IPV4, (b, q) => u16(b, q + 2))) });
/** Outer IPv4 address (the Source/Destination column ids) and, in ICMP errors, the quoted header's. */
const ip4Addr = (c: Ctx, outer: StorageKey, inner: StorageKey): Slot[] => c.live([
  { has: untunnelled(c, "4", ip4(c)), v: col(c, outer) },
  { has: quoted4(c), v: col(c, inner) },
]);
/**
 * Every IPv4 header's addresses of tunnelled rows (offsets 12 = source, 16 = destination), the innermost
 * included: the Source/Destination columns of a tunnel that carries no IP (VXLAN carrying ARP) are not IP.
 */
const outer4 = (c: Ctx, at: number[]) => () => hdrOcc(c, tun(c), Hdr.IPV4, (b, q, push) => {
  for (const a of at) if (q + a + 4 <= b.length) push(u32(b, q + a));
});
def("ip.src", { reads: ["src", "ipSrc"], get: (c) => withOuter(c, idOcc(ipv4Conv(c), ip4Addr(c, "src", "ipSrc"), c), outer4(c, [12])) });
def("ip.dst", { reads: ["dst", "ipDst"], get: (c) => withOuter(c, idOcc(ipv4Conv(c), ip4Addr(c, "dst", "ipDst"), c), outer4(c, [16])) });
def("ip.addr", { reads: ["src", "dst", "ipSrc", "ipDst"], get: (c) => withOuter(c, idOcc(ipv4Conv(c), [...ip4Addr(c, "src", "ipSrc"), ...ip4Addr(c, "dst", "ipDst")], c), outer4(c, [12, 16])) });
/**
 * An IPv4 header field: the row's own header from a column, plus — in ICMP errors — the quoted header's
 * value read from the packet bytes (`at`: the value in the header that starts at offset q), and — in
 * tunnelled rows — the outer headers' values first.
 */
function ip4Num(name: string, reads: StorageKey[], own: (c: Ctx) => ArrayLike<number>, at: (b: Uint8Array, q: number) => number): void {
  def(name, { reads, get: (c) => {
    const slots: Slot[] = [{ has: ip4(c), v: own(c) }];
    if (!c.isEmpty(quoted4(c))) {
      const q = bytesNum(c, quoted4(c), (b, l3, r) => at(b, l3 + c.t.ipHdrLen[r] + 8));
      if (q.t === "num") slots.push(...q.slots);
    }
    return withOuter(c, { t: "num", slots }, () => hdrOcc(c, tun(c), Hdr.IPV4, num(at), "ip"));
  } });
}
ip4Num("ip.version", [], (c) => derive(c, "four", () => 4), (b, q) => u8(b, q) >> 4);
ip4Num("ip.hdr_len", ["ipHdrLen"], (c) => c.t.ipHdrLen, (b, q) => (u8(b, q) & 15) * 4);
ip4Num("ip.dsfield", ["ipTos"], (c) => c.t.ipTos, (b, q) => u8(b, q + 1));
ip4Num("ip.dsfield.dscp", ["ipTos"], (c) => fieldOf(c, "dscp", c.t.ipTos, 2, 63), (b, q) => u8(b, q + 1) >> 2);
ip4Num("ip.dsfield.ecn", ["ipTos"], (c) => fieldOf(c, "ecn", c.t.ipTos, 0, 3), (b, q) => u8(b, q + 1) & 3);
ip4Num("ip.len", ["ipLen"], (c) => c.t.ipLen, (b, q) => u16(b, q + 2));
ip4Num("ip.id", ["ipId"], (c) => c.t.ipId, (b, q) => u16(b, q + 4));
ip4Num("ip.flags", ["ipFlagsFrag"], (c) => fieldOf(c, "ipflags", c.t.ipFlagsFrag, 13, 7), (b, q) => u16(b, q + 6) >> 13);
ip4Num("ip.flags.rb", ["ipFlagsFrag"], (c) => fieldOf(c, "rb", c.t.ipFlagsFrag, 15, 1), (b, q) => (u16(b, q + 6) >> 15) & 1);
ip4Num("ip.flags.df", ["ipFlagsFrag"], (c) => fieldOf(c, "df", c.t.ipFlagsFrag, 14, 1), (b, q) => (u16(b, q + 6) >> 14) & 1);
ip4Num("ip.flags.mf", ["ipFlagsFrag"], (c) => fieldOf(c, "mf", c.t.ipFlagsFrag, 13, 1), (b, q) => (u16(b, q + 6) >> 13) & 1);
ip4Num("ip.frag_offset", ["ipFlagsFrag"], (c) => derive(c, "fragoff", (r) => (c.t.ipFlagsFrag[r] & 0x1fff) * 8), (b, q) => (u16(b, q + 6) & 0x1fff) * 8);
ip4Num("ip.ttl", ["ipTtl"], (c) => c.t.ipTtl, (b, q) => u8(b, q + 8));
ip4Num("ip.proto", ["ipProto"], (c) => c.t.ipProto, (b, q) => u8(b, q + 9));
def("ip.checksum", { bytes: true, get: (c) => {
  const own = bytesNum(c, ip4(c), (b, l3) => u16(b, l3 + 10));
  const q = bytesNum(c, quoted4(c), (b, l3, r) => u16(b, l3 + c.t.ipHdrLen[r] + 18));
  const mine: Occ = own.t === "num" && q.t === "num" ? { t: "num", slots: [...own.slots, ...q.slots] } : own;
  return withOuter(c, mine, () => hdrOcc(c, tun(c), Hdr.IPV4, num((b, h) => u16(b, h + 10)), "ip"));
} });
ip4Num("ip.checksum.status", [], (c) => derive(c, "unverified", () => 2), () => 2);

// ------------------------------------------------------------------ IPv6

def("ipv6", { exists: (c) => withOuterRows(c, ip6(c), Hdr.IPV6, "ip"), bytes: true, get: (c) => withOuter(c, bytesSpan(c, untunnelled(c, "6", ip6(c)), (_b, l3, r) => [l3, ipEnd(c, r, l3)]), outerIpBytes(c, Hdr.IPV6, (b, q) => 40 + u16(b, q + 4))) });
const ip6Addr = (c: Ctx, outer: StorageKey, inner: StorageKey): Slot[] => c.live([
  { has: untunnelled(c, "6", ip6(c)), v: col(c, outer) },
  { has: quoted6(c), v: col(c, inner) },
]);
/** Every IPv6 header's addresses of tunnelled rows (offsets 8 = source, 24 = destination), as outer4. */
const outer6 = (c: Ctx, at: number[]) => () => hdrOcc(c, tun(c), Hdr.IPV6, (b, q, push) => {
  for (const a of at) if (q + a + 16 <= b.length) push(b.slice(q + a, q + a + 16));
});
def("ipv6.src", { reads: ["src", "ipSrc"], get: (c) => withOuter(c, idOcc(ipv6Conv(c), ip6Addr(c, "src", "ipSrc"), c), outer6(c, [8])) });
def("ipv6.dst", { reads: ["dst", "ipDst"], get: (c) => withOuter(c, idOcc(ipv6Conv(c), ip6Addr(c, "dst", "ipDst"), c), outer6(c, [24])) });
def("ipv6.addr", { reads: ["src", "dst", "ipSrc", "ipDst"], get: (c) => withOuter(c, idOcc(ipv6Conv(c), [...ip6Addr(c, "src", "ipSrc"), ...ip6Addr(c, "dst", "ipDst")], c), outer6(c, [8, 24])) });
/** An IPv6 fixed-header field: the row's own from a column, the outer headers' (tunnels) from the bytes. */
function ip6Num(name: string, reads: StorageKey[], own: (c: Ctx) => Occ, at: Read): void {
  def(name, { reads, get: (c) => withOuter(c, own(c), () => hdrOcc(c, tun(c), Hdr.IPV6, num(at), "ip")) });
}
ip6Num("ipv6.version", [], (c) => numOcc(ip6(c), derive(c, "six", () => 6)), (b, q) => u8(b, q) >> 4);
ip6Num("ipv6.hlim", ["ipTtl"], (c) => numOcc(ip6(c), c.t.ipTtl), (b, q) => u8(b, q + 7));
ip6Num("ipv6.plen", ["ipLen"], (c) => numOcc(ip6(c), derive(c, "plen", (r) => c.t.ipLen[r] - 40)), (b, q) => u16(b, q + 4));
ip6Num("ipv6.tclass", ["ipTos"], (c) => numOcc(ip6(c), c.t.ipTos), (b, q) => (u16(b, q) >> 4) & 0xff);
ip6Num("ipv6.tclass.dscp", ["ipTos"], (c) => numOcc(ip6(c), fieldOf(c, "dscp", c.t.ipTos, 2, 63)), (b, q) => (u16(b, q) >> 6) & 63);
ip6Num("ipv6.tclass.ecn", ["ipTos"], (c) => numOcc(ip6(c), fieldOf(c, "ecn", c.t.ipTos, 0, 3)), (b, q) => (u16(b, q) >> 4) & 3);
def("ipv6.nxt", { reads: ["ipProto", "ipHdrLen"], get: (c) => {
  // the fixed header's Next Header: the transport protocol unless extension headers follow
  const plain = mask(c, "v6plain", ip6(c), (r) => c.t.ipHdrLen[r] === 40 && !(c.t.layers[r] & L.IP_FRAGMENT));
  const ext = mask(c, "v6ext", ip6(c), (r) => !plain[r]);
  const fromBytes = bytesNum(c, ext, (b, l3) => u8(b, l3 + 6));
  const own: Occ = { t: "num", slots: [{ has: plain, v: c.t.ipProto }, ...(fromBytes.t === "num" ? fromBytes.slots : [])] };
  return withOuter(c, own, () => hdrOcc(c, tun(c), Hdr.IPV6, num((b, q) => u8(b, q + 6)), "ip"));
} });
def("ipv6.flow", { bytes: true, get: (c) => withOuter(c, bytesNum(c, ip6(c), (b, l3) => u32(b, l3) & 0xfffff), () => hdrOcc(c, tun(c), Hdr.IPV6, num((b, q) => u32(b, q) & 0xfffff), "ip")) });

// ------------------------------------------------------------------ TCP

def("tcp", { exists: tcpAny, bytes: true, get: (c) => bytesSpan(c, tcpFull(c), (_b, l3, r) => [l3 + c.t.ipHdrLen[r], ipEnd(c, r, l3)]) });
const ports = (c: Ctx, has: Mask): Slot[] => [{ has, v: c.t.srcPort }, { has, v: c.t.dstPort }];
def("tcp.srcport", { reads: ["srcPort"], get: (c) => numOcc(tcpAny(c), c.t.srcPort) });
def("tcp.dstport", { reads: ["dstPort"], get: (c) => numOcc(tcpAny(c), c.t.dstPort) });
def("tcp.port", { reads: ["srcPort", "dstPort"], get: (c) => ({ t: "num", slots: ports(c, tcpAny(c)) }) });
const hasStream = (c: Ctx) => gtMask(c, "stream", tcpAny(c), c.t.tcpStream, -1);
def("tcp.stream", { reads: ["tcpStream"], get: (c) => numOcc(hasStream(c), c.t.tcpStream) });
def("tcp.len", { reads: ["tcpLen"], get: (c) => numOcc(tcpFull(c), c.t.tcpLen) });
def("tcp.seq_raw", { reads: ["tcpSeq"], get: (c) => numOcc(tcpAny(c), c.t.tcpSeq) });
def("tcp.ack_raw", { reads: ["tcpAck"], get: (c) => numOcc(tcpFull(c), c.t.tcpAck) });
def("tcp.seq", { reads: ["tcpSeq"], get: (c) => computedNum(c, tcpAny(c), (r) => c.src.tcp.relSeq(r)) });
def("tcp.ack", { reads: ["tcpAck"], get: (c) => computedNum(c, tcpFull(c), (r) => c.src.tcp.relAck(r)) });
def("tcp.nxtseq", { reads: ["tcpSeq", "tcpLen"], get: (c) => computedNum(c, tcpFull(c), (r) => c.src.tcp.nxtSeq(r)) });
def("tcp.hdr_len", { reads: ["tcpHdrLen"], get: (c) => numOcc(tcpFull(c), c.t.tcpHdrLen) });
def("tcp.flags", { reads: ["tcpFlags"], get: (c) => numOcc(tcpFull(c), c.t.tcpFlags) });
const FLAG_BITS: [string, number][] = [
  ["fin", 0x1], ["syn", 0x2], ["reset", 0x4], ["push", 0x8], ["ack", 0x10], ["urg", 0x20], ["ece", 0x40], ["cwr", 0x80], ["ae", 0x100], ["res", 0xe00],
];
for (const [name, bit] of FLAG_BITS) {
  const shift = Math.log2(bit & -bit);
  def(`tcp.flags.${name}`, { reads: ["tcpFlags"], get: (c) => numOcc(tcpFull(c), fieldOf(c, `fl${bit}`, c.t.tcpFlags, shift, bit >> shift)) });
}
def("tcp.flags.str", { reads: ["tcpFlags"], get: (c) => {
  const conv = c.memo("flagsStr", () => new Conv((f) => {
    const chars = "RRRACEUAPRSF";
    let s = "";
    for (let i = 0; i < 12; i++) s += f & (1 << (11 - i)) ? chars[i] : "\u00b7";
    return s;
  }));
  return idOcc(conv, [{ has: tcpFull(c), v: c.t.tcpFlags }]);
} });
def("tcp.window_size_value", { reads: ["tcpWin"], get: (c) => numOcc(tcpFull(c), c.t.tcpWin) });
def("tcp.window_size", { reads: ["tcpWin"], get: (c) => computedNum(c, tcpFull(c), (r) => c.src.tcp.winCalc(r)) });
def("tcp.window_size_scalefactor", { get: (c) => computedNum(c, tcpFull(c), (r) => c.src.tcp.winScale(r)) });
def("tcp.urgent_pointer", { reads: ["tcpUrg"], get: (c) => numOcc(tcpFull(c), col(c, "tcpUrg")) });
def("tcp.checksum", { bytes: true, get: (c) => bytesNum(c, tcpFull(c), (b, l3, r) => u16(b, l3 + c.t.ipHdrLen[r] + 16)) });
def("tcp.checksum.status", { get: (c) => numOcc(tcpFull(c), derive(c, "unverified", () => 2)) });
/** TCP segments with payload bytes in the capture (a snaplen cut may leave none). */
const tcpPayload = (c: Ctx) => mask(c, "tcppay", tcpFull(c), (r) => {
  if (c.t.tcpLen[r] === 0) return false;
  if (!(c.t.layers[r] & L.PAYLOAD_TRUNCATED)) return true;
  const b = c.bytes.get(r);
  return b !== null && l3Offset(c, r, b) + c.t.ipHdrLen[r] + c.t.tcpHdrLen[r] < b.length;
});
def("tcp.payload", { bytes: true, exists: tcpPayload, get: (c) => bytesSpan(c, tcpPayload(c), (_b, l3, r) => {
  const start = l3 + c.t.ipHdrLen[r] + c.t.tcpHdrLen[r];
  return [start, ipEnd(c, r, l3)];
}) });
// options
def("tcp.options", { bytes: true, exists: (c) => c.layer(L.TCP_OPTIONS, QUOTED, L.TCP), get: (c) => bytesSpan(c, c.layer(L.TCP_OPTIONS, QUOTED, L.TCP), (_b, l3, r) => {
  const start = l3 + c.t.ipHdrLen[r] + 20;
  return [start, start + c.t.tcpHdrLen[r] - 20];
}) });
const OPT_PROTOS: [string, number][] = [
  ["tcp.options.mss", TcpOpt.MSS], ["tcp.options.wscale", TcpOpt.WS], ["tcp.options.sack_perm", TcpOpt.SACK_PERM], ["tcp.options.timestamp", TcpOpt.TS],
  ["tcp.options.sack", TcpOpt.SACK], ["tcp.options.nop", TcpOpt.NOP], ["tcp.options.eol", TcpOpt.EOL], ["tcp.options.tfo", TcpOpt.TFO],
  ["tcp.options.echo", TcpOpt.ECHO], ["tcp.options.echoreply", TcpOpt.ECHO_REPLY], ["tcp.options.md5", TcpOpt.MD5], ["tcp.options.user_to", TcpOpt.UTO],
];
for (const [name, code] of OPT_PROTOS) def(name, { reads: ["tcpOptSeq"], ftype: "NONE", exists: (c) => optCode(c, code) });
const KIND_OF: Record<number, number> = { [TcpOpt.MSS]: 2, [TcpOpt.WS]: 3, [TcpOpt.SACK_PERM]: 4, [TcpOpt.TS]: 8, [TcpOpt.SACK]: 5, [TcpOpt.NOP]: 1, [TcpOpt.EOL]: 0, [TcpOpt.TFO]: 34, [TcpOpt.MPTCP]: 30, [TcpOpt.ECHO]: 6, [TcpOpt.ECHO_REPLY]: 7, [TcpOpt.MD5]: 19, [TcpOpt.UTO]: 28 };
def("tcp.option_kind", { reads: ["tcpOptSeq"], get: (c) => genOcc(c, c.layer(L.TCP_OPTIONS, QUOTED, L.TCP), (r, push) => {
  const seq = col(c, "tcpOptSeq")[r];
  if (seq >>> 28 !== 0) {
    for (const k of optKinds(c, r)) push(k);
    return;
  }
  for (let o = seq; o !== 0; o >>>= 4) {
    const k = KIND_OF[o & 15];
    if (k !== undefined) push(k);
  }
}) });
def("tcp.options.mss_val", { reads: ["tcpMss"], get: (c) => numOcc(optCode(c, TcpOpt.MSS), col(c, "tcpMss")) });
def("tcp.options.wscale.shift", { reads: ["tcpWsShift"], get: (c) => numOcc(optCode(c, TcpOpt.WS), col(c, "tcpWsShift")) });
def("tcp.options.wscale.multiplier", { reads: ["tcpWsShift"], get: (c) => numOcc(optCode(c, TcpOpt.WS), derive(c, "wsmul", (r) => 2 ** Math.min(14, col(c, "tcpWsShift")[r]))) });
def("tcp.options.timestamp.tsval", { reads: ["tcpTsVal"], get: (c) => numOcc(optCode(c, TcpOpt.TS), col(c, "tcpTsVal")) });
def("tcp.options.timestamp.tsecr", { reads: ["tcpTsEcr"], get: (c) => numOcc(optCode(c, TcpOpt.TS), col(c, "tcpTsEcr")) });
const sackRows = (c: Ctx) => mask(c, "sack", tcpFull(c), (r) => col(c, "tcpSackN")[r] > 0);
for (const [name, k] of [["tcp.options.sack_le", 0], ["tcp.options.sack_re", 1]] as const) {
  def(name, { reads: ["tcpSackIdx", "tcpSackN"], get: (c) => genOcc(c, sackRows(c), (r, push) => {
    const rel = c.src.tcp.sackRel(r);
    for (let i = k; i < rel.length; i += 2) push(rel[i]);
  }) });
}
def("tcp.options.sack.count", { reads: ["tcpSackN"], get: (c) => numOcc(sackRows(c), col(c, "tcpSackN")) });
// analysis
const TA_FIELDS: [string, number][] = [
  ["retransmission", TA.RETRANSMISSION], ["fast_retransmission", TA.FAST_RETRANSMISSION], ["spurious_retransmission", TA.SPURIOUS_RETRANSMISSION],
  ["out_of_order", TA.OUT_OF_ORDER], ["duplicate_ack", TA.DUPLICATE_ACK], ["lost_segment", TA.LOST_SEGMENT], ["ack_lost_segment", TA.ACK_LOST_SEGMENT],
  ["zero_window", TA.ZERO_WINDOW], ["zero_window_probe", TA.ZERO_WINDOW_PROBE], ["zero_window_probe_ack", TA.ZERO_WINDOW_PROBE_ACK],
  ["window_full", TA.WINDOW_FULL], ["window_update", TA.WINDOW_UPDATE], ["keep_alive", TA.KEEP_ALIVE], ["keep_alive_ack", TA.KEEP_ALIVE_ACK],
  ["reused_ports", TA.REUSED_PORTS],
];
const taMask = (c: Ctx, bits: number) => bitMask(c, `ta${bits}`, tcpFull(c), c.t.tcpAnalysis, bits);
for (const [name, bit] of TA_FIELDS) def(`tcp.analysis.${name}`, { reads: ["tcpAnalysis"], exists: (c) => taMask(c, bit) });
def("tcp.analysis.flags", { reads: ["tcpAnalysis"], exists: (c) => taMask(c, TA.FLAG_MASK) });
def("tcp.analysis", { reads: ["tcpAnalysis"], exists: (c) => taMask(c, TA.HAS_SEQ_ANALYSIS) });
const nz = (c: Ctx, name: StorageKey) => gtMask(c, `nz${name}`, tcpFull(c), col(c, name), 0);
def("tcp.analysis.acks_frame", { reads: ["tcpAcksFrame"], get: (c) => numOcc(nz(c, "tcpAcksFrame"), col(c, "tcpAcksFrame")) });
// time(row) − time(acked frame); tshark omits a zero RTT (see TcpAnalyzer.ackRtt)
def("tcp.analysis.ack_rtt", { reads: ["tcpAcksFrame", "tsSec", "tsNsec"], get: (c) => c.memo("ackrtt", () => {
  const base = nz(c, "tcpAcksFrame");
  const af = col(c, "tcpAcksFrame");
  const sec = c.t.tsSec;
  const ns = c.t.tsNsec;
  const has = new Uint8Array(c.n);
  const v = new Float64Array(c.n);
  for (let r = 0; r < c.n; r++) {
    if (!base[r]) continue;
    const a = af[r] - 1;
    const d = sec[r] - sec[a] + (ns[r] - ns[a]) / 1e9;
    if (d !== 0) {
      has[r] = 1;
      v[r] = d;
    }
  }
  return numOcc(has, v);
}) });
def("tcp.analysis.bytes_in_flight", { reads: ["tcpBif"], get: (c) => numOcc(nz(c, "tcpBif"), col(c, "tcpBif")) });
def("tcp.analysis.push_bytes_sent", { reads: ["tcpPushBytes"], get: (c) => numOcc(nz(c, "tcpPushBytes"), col(c, "tcpPushBytes")) });
def("tcp.analysis.duplicate_ack_num", { reads: ["tcpDupAckNum"], get: (c) => numOcc(nz(c, "tcpDupAckNum"), col(c, "tcpDupAckNum")) });
def("tcp.analysis.duplicate_ack_frame", { reads: ["tcpDupAckFrame"], get: (c) => numOcc(nz(c, "tcpDupAckFrame"), col(c, "tcpDupAckFrame")) });
def("tcp.analysis.initial_rtt", { reads: ["tcpAnalysis"], get: (c) => computedNum(c, taMask(c, TA.HAS_SEQ_ANALYSIS), (r) => c.src.tcp.irtt(r)) });
def("tcp.analysis.rto", { get: (c) => computedNum(c, taMask(c, TA.RETRANSMISSION), (r) => c.src.tcp.rto(r)) });
def("tcp.analysis.rto_frame", { get: (c) => computedNum(c, taMask(c, TA.RETRANSMISSION), (r) => c.src.tcp.rtoFrame(r) || NaN) });
// per-stream times (tcp.calculate_timestamps is on by default in 4.0)
function streamTimes(c: Ctx, key: string, has: Mask, stream: ArrayLike<number>, nStreams: number): { rel: Float64Array; delta: Float64Array } {
  return c.memo(`st${key}`, () => {
    const t = c.t;
    const firstS = new Float64Array(nStreams).fill(NaN);
    const firstN = new Float64Array(nStreams);
    const lastS = new Float64Array(nStreams);
    const lastN = new Float64Array(nStreams);
    const rel = new Float64Array(c.n);
    const delta = new Float64Array(c.n);
    for (let r = 0; r < c.n; r++) {
      if (!has[r]) continue;
      const s = stream[r];
      if (s < 0 || s >= nStreams) continue;
      const sec = t.tsSec[r];
      const ns = t.tsNsec[r];
      if (firstS[s] !== firstS[s]) {
        firstS[s] = sec;
        firstN[s] = ns;
        lastS[s] = sec;
        lastN[s] = ns;
      }
      rel[r] = sec - firstS[s] + (ns - firstN[s]) / 1e9;
      delta[r] = sec - lastS[s] + (ns - lastN[s]) / 1e9;
      lastS[s] = sec;
      lastN[s] = ns;
    }
    return { rel, delta };
  });
}
const tcpTimed = (c: Ctx) => gtMask(c, "tcptimes", tcpFull(c), c.t.tcpStream, -1);
const tcpTimes = (c: Ctx) => streamTimes(c, "tcp", tcpTimed(c), c.t.tcpStream, c.src.tcp.streamCount);
def("tcp.time_relative", { reads: ["tcpStream", "tsSec", "tsNsec"], get: (c) => numOcc(tcpTimed(c), tcpTimes(c).rel) });
def("tcp.time_delta", { reads: ["tcpStream", "tsSec", "tsNsec"], get: (c) => numOcc(tcpTimed(c), tcpTimes(c).delta) });

// ------------------------------------------------------------------ UDP

/** The UDP tunnels' headers (from = 0) or payloads (from = 8), as bytes (the UDP length, clamped to what was captured). */
const outerUdpBytes = (c: Ctx, from: number) => () => hdrOcc(c, tun(c), Hdr.UDP, (b, q, push) => {
  const len = Math.max(8, u16(b, q + 4) || 0);
  push(b.slice(Math.min(q + from, b.length), Math.min(q + len, b.length)));
});
def("udp", { exists: (c) => withOuterRows(c, udpAny(c), Hdr.UDP, null), bytes: true, get: (c) => withOuter(c, bytesSpan(c, udpFull(c), (_b, l3, r) => [l3 + c.t.ipHdrLen[r], ipEnd(c, r, l3)]), outerUdpBytes(c, 0)) });
// the UDP headers of UDP tunnels (VXLAN, Geneve, GTP-U) come first
const outerUdp = (c: Ctx, at: number[]) => () => hdrOcc(c, tun(c), Hdr.UDP, (b, q, push) => {
  for (const a of at) if (q + a + 2 <= b.length) push(u16(b, q + a));
});
def("udp.srcport", { reads: ["srcPort"], get: (c) => withOuter(c, numOcc(udpAny(c), c.t.srcPort), outerUdp(c, [0])) });
def("udp.dstport", { reads: ["dstPort"], get: (c) => withOuter(c, numOcc(udpAny(c), c.t.dstPort), outerUdp(c, [2])) });
def("udp.port", { reads: ["srcPort", "dstPort"], get: (c) => withOuter(c, { t: "num", slots: ports(c, udpAny(c)) }, outerUdp(c, [0, 2])) });
def("udp.length", { reads: ["udpLen"], get: (c) => withOuter(c, numOcc(udpAny(c), col(c, "udpLen")), outerUdp(c, [4])) });
def("udp.checksum", { bytes: true, get: (c) => withOuter(c, bytesNum(c, udpFull(c), (b, l3, r) => u16(b, l3 + c.t.ipHdrLen[r] + 6)), outerUdp(c, [6])) });
def("udp.checksum.status", { get: (c) => withOuter(c, numOcc(udpFull(c), derive(c, "unverified", () => 2)), () => hdrOcc(c, tun(c), Hdr.UDP, (_b, _q, push) => push(2))) });
def("udp.payload", { bytes: true, get: (c) => withOuter(c, bytesSpan(c, udpFull(c), (_b, l3, r) => {
  const start = l3 + c.t.ipHdrLen[r] + 8;
  return [start, l3 + c.t.ipHdrLen[r] + Math.max(8, col(c, "udpLen")[r])];
}), outerUdpBytes(c, 8)) });
/**
 * udp.stream: UDP conversations (unordered address/port pairs) numbered in order of first appearance; in
 * tunnelled rows the UDP tunnels' own headers (VXLAN, Geneve, GTP-U) are conversations too, numbered before
 * the inner one of the same frame (`outer`: their stream numbers per row, CSR).
 */
function udpStreams(c: Ctx): { idx: Int32Array; count: number; outer: { off: Int32Array; ids: number[] } | null } {
  return c.memo("udpStream", () => {
    const t = c.t;
    const has = udpAny(c);
    const idx = new Int32Array(c.n).fill(-1);
    const ids = new Map<string, number>();
    const id = (key: string) => {
      let s = ids.get(key);
      if (s === undefined) {
        s = ids.size;
        ids.set(key, s);
      }
      return s;
    };
    const tunnels = !c.isEmpty(tun(c));
    const isTun = tun(c);
    const off = tunnels ? new Int32Array(c.n + 1) : null;
    const outerIds: number[] = [];
    for (let r = 0; r < c.n; r++) {
      if (off !== null) {
        off[r] = outerIds.length;
        if (isTun[r]) outerUdpKeys(c, r, (key) => outerIds.push(id(key)));
      }
      if (!has[r]) continue;
      const a = t.ipSrc[r] * 65536 + t.srcPort[r];
      const b = t.ipDst[r] * 65536 + t.dstPort[r];
      idx[r] = id(a < b ? `${a},${b}` : `${b},${a}`);
    }
    if (off !== null) off[c.n] = outerIds.length;
    return { idx, count: ids.size, outer: off === null ? null : { off, ids: outerIds } };
  });
}
/** Conversation keys of a tunnelled row's UDP tunnel headers (addresses of the IP header that carries each). */
function outerUdpKeys(c: Ctx, r: number, add: (key: string) => void): void {
  const b = c.bytes.get(r);
  if (b === null) return;
  walkHeaders(b, linkType(c, r), HDRS);
  let ip = -1;
  for (let i = 0; i < HDRS.length; i += 2) {
    const k = HDRS[i];
    if (k === Hdr.IPV4 || k === Hdr.IPV6) ip = i;
    if (k !== Hdr.UDP || ip < 0) continue;
    const q = HDRS[i + 1];
    const h = HDRS[ip + 1];
    const v6 = HDRS[ip] === Hdr.IPV6;
    const addr = (at: number) => (v6 ? Array.from(b.subarray(h + at, h + at + 16)).join(".") : String(u32(b, h + at)));
    const x = `o${addr(v6 ? 8 : 12)}/${u16(b, q)}`;
    const y = `o${addr(v6 ? 24 : 16)}/${u16(b, q + 2)}`;
    add(x < y ? `${x},${y}` : `${y},${x}`);
  }
}
def("udp.stream", { reads: ["ipSrc", "ipDst", "srcPort", "dstPort"], get: (c) => {
  const s = udpStreams(c);
  const own = numOcc(udpAny(c), s.idx);
  const outer = s.outer;
  return outer === null ? own : withOuter(c, own, () => ({ t: "gen", off: outer.off, vals: outer.ids }));
} });
/** udp.time_relative / udp.time_delta of every UDP header of the frame (outer tunnels' first), per conversation. */
function udpTimes(c: Ctx): { rel: Occ; delta: Occ } {
  return c.memo("udpTimes", () => {
    const s = udpStreams(c);
    const has = udpFull(c);
    if (s.outer === null) {
      const st = streamTimes(c, "udp", has, s.idx, s.count);
      return { rel: numOcc(has, st.rel), delta: numOcc(has, st.delta) };
    }
    const t = c.t;
    const first = new Float64Array(s.count).fill(NaN);
    const last = new Float64Array(s.count);
    const off = new Int32Array(c.n + 1);
    const rel: number[] = [];
    const delta: number[] = [];
    const { off: oOff, ids } = s.outer;
    for (let r = 0; r < c.n; r++) {
      off[r] = rel.length;
      const time = t.tsSec[r] + t.tsNsec[r] / 1e9;
      const at = (id: number) => {
        if (first[id] !== first[id]) first[id] = last[id] = time;
        rel.push(time - first[id]);
        delta.push(time - last[id]);
        last[id] = time;
      };
      for (let k = oOff[r]; k < oOff[r + 1]; k++) at(ids[k]);
      if (has[r] && s.idx[r] >= 0) at(s.idx[r]);
    }
    off[c.n] = rel.length;
    return { rel: { t: "gen", off, vals: rel }, delta: { t: "gen", off: off.slice(), vals: delta } };
  });
}
def("udp.time_relative", { get: (c) => udpTimes(c).rel });
def("udp.time_delta", { get: (c) => udpTimes(c).delta });

// ------------------------------------------------------------------ ICMP

const icmp = (c: Ctx) => c.layer(L.ICMP);
const icmp6 = (c: Ctx) => c.layer(L.ICMPV6);
def("icmp", { exists: icmp });
def("icmpv6", { exists: icmp6 });
def("icmp.type", { reads: ["icmpType"], get: (c) => numOcc(icmp(c), col(c, "icmpType")) });
def("icmp.code", { reads: ["icmpCode"], get: (c) => numOcc(icmp(c), col(c, "icmpCode")) });
def("icmpv6.type", { reads: ["icmpType"], get: (c) => numOcc(icmp6(c), col(c, "icmpType")) });
def("icmpv6.code", { reads: ["icmpCode"], get: (c) => numOcc(icmp6(c), col(c, "icmpCode")) });
// identifier and sequence number: echo, timestamp, information and address-mask messages (packet-icmp.c)
const ICMP_IDENT_TYPES = new Set([0, 8, 13, 14, 15, 16, 17, 18]);
const echo = (c: Ctx) => mask(c, "echo", icmp(c), (r) => ICMP_IDENT_TYPES.has(col(c, "icmpType")[r]));
def("icmp.ident", { bytes: true, get: (c) => bytesNum(c, echo(c), (b, l3, r) => u16(b, l3 + c.t.ipHdrLen[r] + 4)) });
def("icmp.seq", { bytes: true, get: (c) => bytesNum(c, echo(c), (b, l3, r) => u16(b, l3 + c.t.ipHdrLen[r] + 6)) });

// ------------------------------------------------------------------ application layers

const proto = (c: Ctx, key: string, base: Mask, test: (p: string) => boolean) =>
  mask(c, `P${key}`, base, (r) => test(c.src.protocol(r)));
def("dns", { exists: (c) => proto(c, "dns", c.layer(L.DNS), (p) => p === "DNS") });
def("mdns", { exists: (c) => proto(c, "mdns", c.layer(L.DNS), (p) => p === "MDNS") });
def("llmnr", { exists: (c) => proto(c, "llmnr", c.layer(L.DNS), (p) => p === "LLMNR") });
def("tls", { exists: (c) => c.memo("tls", () => {
  // frames where a TLS PDU completed (incl. segments that also start a reassembled PDU)
  const m = c.layer(L.TLS).slice();
  const recs = c.src.app.tlsParser.records;
  for (let i = 0; i < recs.length; i++) m[recs.rows[i]] = 1;
  return m;
}) });
// HTTP2 with a media type says so ("HTTP2/JSON"): still HTTP/2, not HTTP/1.x
const isH2 = (p: string) => p === "HTTP2" || p.startsWith("HTTP2/");
def("http", { exists: (c) => proto(c, "http", c.layer(L.HTTP), (p) => !p.startsWith("RTSP") && !isH2(p)) });
def("http2", { exists: (c) => proto(c, "http2", c.layer(L.HTTP), isH2) });
// IP protocols the dissector names by number (Wireshark dissects them whenever the number matches)
for (const [name, num] of [["ospf", 89], ["pim", 103], ["vrrp", 112], ["igmp", 2], ["esp", 50], ["ah", 51], ["sctp", 132]] as const) {
  def(name, { reads: ["ipProto"], exists: (c) => mask(c, `ipp${num}`, c.layer(L.IPV4 | L.IPV6, L.IP_LATER_FRAGMENT), (r) => c.t.ipProto[r] === num) });
}
def("rtsp", { exists: (c) => proto(c, "rtsp", c.layer(L.HTTP), (p) => p.startsWith("RTSP")) });
// protocols known only by the Protocol column (top of the stack in every frame that has them)
const TOP_PROTOCOLS: [string, (p: string) => boolean][] = [
  ["ssh", (p) => p.startsWith("SSH")], ["quic", (p) => p === "QUIC"], ["dhcp", (p) => p === "DHCP"], ["ntp", (p) => p === "NTP"],
  ["nbns", (p) => p === "NBNS"], ["ssdp", (p) => p === "SSDP"], ["mbtcp", (p) => p === "Modbus/TCP"], ["pptp", (p) => p === "PPTP"],
  ["lldp", (p) => p === "LLDP"], ["stp", (p) => p === "STP"], ["carp", (p) => p === "CARP"],
];
for (const [name, test] of TOP_PROTOCOLS) def(name, { exists: (c) => proto(c, name, allRows(c), test) });

// DNS (also MDNS and LLMNR, which use the DNS dissector's fields)
type Dns = NonNullable<ReturnType<Ctx["src"]["app"]["dns"]>>;
function dnsField(name: string, pick: (m: Dns, add: (v: Value) => void) => void): void {
  def(name, { get: (c) => sparse(c, name, (add) => {
    for (const [row, m] of c.src.app.dnsMessages()) pick(m, (v) => add(row, v));
  }) });
}
dnsField("dns.id", (m, add) => add(m.id));
dnsField("dns.flags.response", (m, add) => add(m.isResponse ? 1 : 0));
dnsField("dns.flags.opcode", (m, add) => add(m.opcode));
dnsField("dns.flags.rcode", (m, add) => {
  if (m.isResponse) add(m.rcode);
});
dnsField("dns.qry.name", (m, add) => {
  if (m.qname !== null) add(m.qname);
});
dnsField("dns.qry.type", (m, add) => {
  if (m.qtype !== null) add(m.qtype);
});
dnsField("dns.count.answers", (m, add) => add(m.answers.length));
dnsField("dns.count.auth_rr", (m, add) => add(m.authority.length));
dnsField("dns.count.add_rr", (m, add) => add(m.additional.length));
dnsField("dns.resp.name", (m, add) => {
  for (const a of [...m.answers, ...m.authority, ...m.additional]) add(a.name);
});
dnsField("dns.resp.type", (m, add) => {
  for (const a of [...m.answers, ...m.authority, ...m.additional]) add(a.type);
});
dnsField("dns.resp.ttl", (m, add) => {
  for (const a of [...m.answers, ...m.authority, ...m.additional]) if (a.type !== 41) add(a.ttl);
});
dnsField("dns.a", (m, add) => {
  for (const a of [...m.answers, ...m.authority, ...m.additional]) if (a.type === 1) {
    const v = parseIPv4(a.data);
    if (v !== null) add(v);
  }
});
dnsField("dns.aaaa", (m, add) => {
  for (const a of [...m.answers, ...m.authority, ...m.additional]) if (a.type === 28) {
    const v = parseIPv6(a.data);
    if (v !== null) add(v);
  }
});
dnsField("dns.cname", (m, add) => {
  for (const a of [...m.answers, ...m.authority, ...m.additional]) if (a.type === 5) add(a.data);
});

// TLS (records of a frame: one occurrence each)
type TlsFrame = NonNullable<ReturnType<Ctx["src"]["app"]["tlsFrame"]>>;
function tlsField(name: string, pick: (f: TlsFrame, add: (v: Value) => void) => void): void {
  def(name, { get: (c) => sparse(c, name, (add) => {
    for (const [row, f] of c.src.app.tlsFrames()) pick(f, (v) => add(row, v));
  }) });
}
/** True when the row's TCP stream negotiated TLS 1.3 (drafts included): its application-data records show tls.record.opaque_type. */
function tls13(c: Ctx, row: number): boolean {
  const s = c.t.tcpStream[row];
  const v = s >= 0 ? c.src.app.streamTls(s)?.version ?? 0 : 0;
  return v === 0x0304 || v >> 8 === 0x7f || v >> 8 === 0xfb;
}
for (const name of ["tls.record.content_type", "tls.record.opaque_type", "tls.record.version"]) {
  def(name, { get: (c) => sparse(c, name, (add) => {
    const recs = c.src.app.tlsParser.records;
    for (let i = 0; i < recs.length; i++) {
      const row = recs.rows[i];
      const ct = recs.vals[i] >>> 16;
      if (name === "tls.record.version") add(row, recs.vals[i] & 0xffff);
      else if ((ct === 23 && tls13(c, row)) === (name === "tls.record.opaque_type")) add(row, ct);
    }
  }) });
}
tlsField("tls.handshake.type", (f, add) => f.handshakeTypes.forEach(add));
tlsField("tls.handshake.version", (f, add) => {
  if (f.clientHello) add(f.clientHello.version);
  if (f.serverHello) add(f.serverHello.legacyVersion);
});
tlsField("tls.handshake.ciphersuite", (f, add) => {
  if (f.clientHello) f.clientHello.cipherSuites.forEach(add);
  if (f.serverHello) add(f.serverHello.cipherSuite);
});
tlsField("tls.handshake.extensions_server_name", (f, add) => {
  if (f.clientHello?.sni != null) add(f.clientHello.sni);
});
tlsField("tls.handshake.extensions_alpn_str", (f, add) => {
  if (f.clientHello) f.clientHello.alpn.forEach(add);
  if (f.serverHello?.alpn != null) add(f.serverHello.alpn);
});
tlsField("tls.alert_message.desc", (f, add) => f.alerts?.forEach((a) => add(a.description)));
tlsField("tls.alert_message.level", (f, add) => f.alerts?.forEach((a) => add(a.level)));

// HTTP/2 of decrypted h2 connections: the frames that completed in each packet, in order
function h2Field(name: string, pick: (f: H2Frame, add: (v: Value) => void) => void): void {
  def(name, { get: (c) => sparse(c, name, (add) => {
    const d = decryptorOf(c.src.app);
    if (!d) return;
    for (const stream of d.streams()) {
      const h2 = d.session(stream)?.h2;
      if (h2) for (const [row, frames] of h2.frames) for (const f of frames) pick(f, (v) => add(row, v));
    }
  }) });
}
h2Field("http2.type", (f, add) => add(f.type));
h2Field("http2.flags", (f, add) => add(f.flags));
h2Field("http2.streamid", (f, add) => add(f.streamId));
h2Field("http2.length", (f, add) => add(f.length));
h2Field("http2.header.name", (f, add) => f.headers?.forEach(([k]) => add(k)));
h2Field("http2.header.value", (f, add) => f.headers?.forEach(([, v]) => add(v)));
for (const [field, pseudo] of [["method", ":method"], ["path", ":path"], ["authority", ":authority"], ["scheme", ":scheme"]]) {
  h2Field(`http2.headers.${field}`, (f, add) => f.headers?.forEach(([k, v]) => k === pseudo && add(v)));
}
h2Field("http2.headers.status", (f, add) => f.headers?.forEach(([k, v]) => {
  if (k === ":status" && /^\d+$/.test(v)) add(parseInt(v, 10));
}));

// HTTP (not RTSP, which shares the parser)
type Http = NonNullable<ReturnType<Ctx["src"]["app"]["httpMessage"]>>;
function httpField(name: string, pick: (m: Http, add: (v: Value) => void) => void): void {
  def(name, { get: (c) => sparse(c, name, (add) => {
    // every message of a frame (several when pipelined), in order
    for (const m of c.src.app.httpParser.earlier) if (!m.version.startsWith("RTSP")) pick(m, (v) => add(m.row, v));
    for (const [row, m] of c.src.app.httpMessages()) if (!m.version.startsWith("RTSP")) pick(m, (v) => add(row, v));
  }) });
}
httpField("http.request", (m, add) => {
  if (m.isRequest) add(1);
});
httpField("http.response", (m, add) => {
  if (!m.isRequest) add(1);
});
httpField("http.request.method", (m, add) => {
  if (m.isRequest && m.method !== null) add(m.method);
});
httpField("http.request.uri", (m, add) => {
  if (m.isRequest && m.uri !== null) add(m.uri);
});
httpField("http.request.version", (m, add) => {
  if (m.isRequest) add(m.version);
});
httpField("http.response.version", (m, add) => {
  if (!m.isRequest) add(m.version);
});
httpField("http.response.code", (m, add) => {
  if (!m.isRequest && m.status !== null) add(m.status);
});
httpField("http.response.phrase", (m, add) => {
  if (!m.isRequest && m.reason !== null) add(m.reason);
});
httpField("http.host", (m, add) => {
  if (m.host !== null) add(m.host);
});
httpField("http.content_type", (m, add) => {
  if (m.contentType !== null) add(m.contentType);
});
httpField("http.user_agent", (m, add) => {
  if (m.userAgent !== null) add(m.userAgent);
});
httpField("http.content_length", (m, add) => {
  if (m.contentLength !== null) add(m.contentLength);
});
// header lines, one occurrence per line (value as Wireshark shows it: after "Name: ", trimmed)
for (const [field, header] of [
  ["http.referer", "referer"], ["http.cookie", "cookie"], ["http.set_cookie", "set-cookie"], ["http.server", "server"],
  ["http.location", "location"], ["http.authorization", "authorization"], ["http.accept", "accept"],
  ["http.accept_language", "accept-language"], ["http.accept_encoding", "accept-encoding"], ["http.connection", "connection"],
  ["http.content_encoding", "content-encoding"], ["http.transfer_encoding", "transfer-encoding"],
  ["http.x_forwarded_for", "x-forwarded-for"], ["http.last_modified", "last-modified"], ["http.date", "date"],
  ["http.cache_control", "cache-control"],
] as const) {
  httpField(field, (m, add) => {
    for (const [k, v] of m.headers) if (k.toLowerCase() === header) add(v);
  });
}
httpField("http.request.full_uri", (m, add) => {
  if (m.isRequest && m.uri !== null) add(/^[a-z][a-z0-9+.-]*:\/\//i.test(m.uri) ? m.uri : `http://${m.host ?? ""}${m.uri}`);
});

// more TLS handshake fields
tlsField("tls.handshake.extension.type", (f, add) => {
  f.clientHello?.extensions.forEach(add);
  f.serverHello?.extensions.forEach(add);
});
tlsField("tls.handshake.extensions.supported_version", (f, add) => {
  f.clientHello?.supportedVersions.forEach(add);
  if (f.serverHello?.extensions.includes(43)) add(f.serverHello.version);
});
tlsField("tls.handshake.extensions_supported_group", (f, add) => f.clientHello?.supportedGroups.forEach(add));
tlsField("tls.handshake.session_id_length", (f, add) => {
  if (f.clientHello) add(f.clientHello.sessionIdLength);
  if (f.serverHello) add(f.serverHello.sessionIdLength);
});

// ------------------------------------------------------------------ tunnels and encapsulations
// Header fields of the tunnels lib/decode/tunnel.ts decodes, read from the bytes of tunnelled rows (one
// occurrence per header: an MPLS label per stack entry, a GRE header per GRE layer…).

/** A field of the headers of `kind` (ftype from tshark -G fields). */
function tunField(name: string, kind: number, read: (b: Uint8Array, q: number, push: Push) => void): void {
  def(name, { bytes: true, get: (c) => hdrOcc(c, tun(c), kind, read) });
}
const tunNum = (name: string, kind: number, at: Read) => tunField(name, kind, num(at));
/** A protocol present in the rows that have a header of one of `kinds`. */
function tunProto(name: string, kinds: number[]): void {
  def(name, { bytes: true, exists: (c) => {
    const m = new Uint8Array(c.n);
    for (const k of kinds) {
      const e = existsMask(hdrOcc(c, tun(c), k, (_b, _q, push) => push(1)), c.n);
      for (let r = 0; r < c.n; r++) m[r] |= e[r];
    }
    return m;
  } });
}

// PPPoE: the discovery and session dissectors add `pppoed` / `pppoes` items; the `pppoe.*` fields are
// registered under a `pppoe` protocol that tshark 4.0.17 never adds to a frame (`pppoe` matches nothing)
tunProto("pppoed", [Hdr.PPPOED]);
tunProto("pppoes", [Hdr.PPPOES]);
def("pppoe", { exists: zeros });
const pppoeNum = (name: string, at: Read) => def(name, { bytes: true, get: (c) => withOuter(c, hdrOcc(c, tun(c), Hdr.PPPOED, num(at)), () => hdrOcc(c, tun(c), Hdr.PPPOES, num(at))) });
pppoeNum("pppoe.version", (b, q) => u8(b, q) >> 4);
pppoeNum("pppoe.type", (b, q) => u8(b, q) & 15);
pppoeNum("pppoe.code", (b, q) => u8(b, q + 1));
pppoeNum("pppoe.session_id", (b, q) => u16(b, q + 2));
pppoeNum("pppoe.payload_length", (b, q) => u16(b, q + 4));

// PPP (over PPPoE, or PPTP's enhanced GRE): address/control only when the frame has them
const pppHasAc = (b: Uint8Array, q: number) => q + 2 <= b.length && b[q] === 0xff && b[q + 1] === 0x03;
tunProto("ppp", [Hdr.PPP]);
tunNum("ppp.address", Hdr.PPP, (b, q) => (pppHasAc(b, q) ? b[q] : NaN));
tunNum("ppp.control", Hdr.PPP, (b, q) => (pppHasAc(b, q) ? b[q + 1] : NaN));
tunNum("ppp.protocol", Hdr.PPP, (b, q) => {
  const p = pppHasAc(b, q) ? q + 2 : q;
  return p < b.length && b[p] & 1 ? b[p] : u16(b, p);
});

// MPLS: one occurrence per label stack entry
tunProto("mpls", [Hdr.MPLS]);
tunNum("mpls.label", Hdr.MPLS, (b, q) => u32(b, q) >>> 12);
tunNum("mpls.exp", Hdr.MPLS, (b, q) => (u32(b, q) >>> 9) & 7);
tunNum("mpls.bottom", Hdr.MPLS, (b, q) => (u32(b, q) >>> 8) & 1);
tunNum("mpls.ttl", Hdr.MPLS, (b, q) => u32(b, q) & 0xff);

// GRE (RFC 2784/2890; version 1 = PPTP's enhanced GRE, whose key is payload length + call id)
const greFv = (b: Uint8Array, q: number) => u16(b, q);
/** Offset of GRE's key field (after checksum + offset when C or R is set). */
const greKeyAt = (b: Uint8Array, q: number) => q + 4 + (greFv(b, q) & 0xc000 ? 4 : 0);
const greSeqAt = (b: Uint8Array, q: number) => greKeyAt(b, q) + (greFv(b, q) & 0x2000 ? 4 : 0);
def("gre", { reads: ["ipProto"], bytes: true, exists: (c) => {
  // GRE the decoder could not enter (cut before its 4 bytes) is still GRE for Wireshark
  const cut = mask(c, "ipp47", c.layer(L.IPV4 | L.IPV6, L.IP_LATER_FRAGMENT | L.TUNNEL), (r) => c.t.ipProto[r] === 47);
  return withOuterRows(c, cut, Hdr.GRE, null);
} });
tunNum("gre.flags_and_version", Hdr.GRE, greFv);
for (const [flag, bit] of [["checksum", 15], ["routing", 14], ["key", 13], ["sequence_number", 12], ["strict_source_route", 11]] as const) {
  tunNum(`gre.flags.${flag}`, Hdr.GRE, (b, q) => (greFv(b, q) >> bit) & 1);
}
tunNum("gre.flags.recursion_control", Hdr.GRE, (b, q) => (greFv(b, q) >> 8) & 7);
tunNum("gre.flags.ack", Hdr.GRE, (b, q) => ((greFv(b, q) & 7) === 1 ? (greFv(b, q) >> 7) & 1 : NaN));
tunNum("gre.flags.version", Hdr.GRE, (b, q) => greFv(b, q) & 7);
tunNum("gre.proto", Hdr.GRE, (b, q) => u16(b, q + 2));
tunNum("gre.checksum", Hdr.GRE, (b, q) => (greFv(b, q) & 0xc000 ? u16(b, q + 4) : NaN));
tunNum("gre.offset", Hdr.GRE, (b, q) => (greFv(b, q) & 0xc000 ? u16(b, q + 6) : NaN));
tunNum("gre.key", Hdr.GRE, (b, q) => (greFv(b, q) & 0x2000 && (greFv(b, q) & 7) !== 1 ? u32(b, greKeyAt(b, q)) : NaN));
tunNum("gre.key.payload_length", Hdr.GRE, (b, q) => (greFv(b, q) & 0x2000 && (greFv(b, q) & 7) === 1 ? u16(b, greKeyAt(b, q)) : NaN));
tunNum("gre.key.call_id", Hdr.GRE, (b, q) => (greFv(b, q) & 0x2000 && (greFv(b, q) & 7) === 1 ? u16(b, greKeyAt(b, q) + 2) : NaN));
tunNum("gre.sequence_number", Hdr.GRE, (b, q) => (greFv(b, q) & 0x1000 ? u32(b, greSeqAt(b, q)) : NaN));
tunNum("gre.ack_number", Hdr.GRE, (b, q) => {
  const fv = greFv(b, q);
  return (fv & 7) === 1 && fv & 0x80 ? u32(b, greSeqAt(b, q) + (fv & 0x1000 ? 4 : 0)) : NaN;
});

// ERSPAN: type I has no header of its own; types II (version 1) and III (version 2)
tunProto("erspan", [Hdr.ERSPAN1, Hdr.ERSPAN]);
const erspanVer = (b: Uint8Array, q: number) => u16(b, q) >> 12;
tunNum("erspan.version", Hdr.ERSPAN, erspanVer);
tunNum("erspan.vlan", Hdr.ERSPAN, (b, q) => u16(b, q) & 0xfff);
tunNum("erspan.cos", Hdr.ERSPAN, (b, q) => u16(b, q + 2) >> 13);
tunNum("erspan.encap", Hdr.ERSPAN, (b, q) => (erspanVer(b, q) === 1 ? (u16(b, q + 2) >> 11) & 3 : NaN));
tunNum("erspan.bso", Hdr.ERSPAN, (b, q) => (erspanVer(b, q) === 2 ? (u16(b, q + 2) >> 11) & 3 : NaN));
tunNum("erspan.truncated", Hdr.ERSPAN, (b, q) => (u16(b, q + 2) >> 10) & 1);
tunNum("erspan.spanid", Hdr.ERSPAN, (b, q) => u16(b, q + 2) & 0x3ff);
tunNum("erspan.index", Hdr.ERSPAN, (b, q) => (erspanVer(b, q) === 1 ? u32(b, q + 4) & 0xfffff : NaN));
tunNum("erspan.timestamp", Hdr.ERSPAN, (b, q) => (erspanVer(b, q) === 2 ? u32(b, q + 4) : NaN));
tunNum("erspan.sgt", Hdr.ERSPAN, (b, q) => (erspanVer(b, q) === 2 ? u16(b, q + 8) : NaN));

// VXLAN (UDP 4789; 4790 = VXLAN-GPE, same VNI field)
tunProto("vxlan", [Hdr.VXLAN]);
tunNum("vxlan.flags", Hdr.VXLAN, (b, q) => u16(b, q));
tunNum("vxlan.flag_i", Hdr.VXLAN, (b, q) => (u16(b, q) >> 11) & 1);
tunNum("vxlan.vni", Hdr.VXLAN, (b, q) => u32(b, q + 4) >>> 8);

// Geneve (UDP 6081)
tunProto("geneve", [Hdr.GENEVE]);
tunNum("geneve.version", Hdr.GENEVE, (b, q) => u8(b, q) >> 6);
tunNum("geneve.flags", Hdr.GENEVE, (b, q) => u8(b, q + 1));
tunNum("geneve.flags.oam", Hdr.GENEVE, (b, q) => (u8(b, q + 1) >> 7) & 1);
tunNum("geneve.flags.critical", Hdr.GENEVE, (b, q) => (u8(b, q + 1) >> 6) & 1);
tunNum("geneve.proto_type", Hdr.GENEVE, (b, q) => u16(b, q + 2));
tunNum("geneve.vni", Hdr.GENEVE, (b, q) => u32(b, q + 4) >>> 8);

// GTP-U (UDP 2152): the fields of version 1 headers
tunProto("gtp", [Hdr.GTP]);
const gtpV1 = (b: Uint8Array, q: number) => u8(b, q) >> 5 === 1;
const gtpNum = (name: string, at: Read) => tunNum(name, Hdr.GTP, (b, q) => (gtpV1(b, q) ? at(b, q) : NaN));
gtpNum("gtp.flags", (b, q) => u8(b, q));
gtpNum("gtp.flags.version", (b, q) => u8(b, q) >> 5);
gtpNum("gtp.flags.payload", (b, q) => (u8(b, q) >> 4) & 1);
gtpNum("gtp.flags.reserved", (b, q) => (u8(b, q) >> 3) & 1);
gtpNum("gtp.flags.e", (b, q) => (u8(b, q) >> 2) & 1);
gtpNum("gtp.flags.s", (b, q) => (u8(b, q) >> 1) & 1);
gtpNum("gtp.flags.pn", (b, q) => u8(b, q) & 1);
gtpNum("gtp.message", (b, q) => u8(b, q + 1));
gtpNum("gtp.length", (b, q) => u16(b, q + 2));
gtpNum("gtp.teid", (b, q) => u32(b, q + 4));
gtpNum("gtp.seq_number", (b, q) => (u8(b, q) & 7 ? u16(b, q + 8) : NaN));
