"use strict";
// Seeds (real captures from data/, large ones cut to their first records) and the mutations of the fuzz
// harness: bit flips, byte overwrites, cuts (anywhere and at every region: record headers, block
// lengths, options), inserted, deleted and duplicated bytes, absurd length fields, gzip wrapping.
const fs = require("node:fs");
const path = require("node:path");
const zlib = require("node:zlib");

const DATA = path.resolve(__dirname, "..", "..", "data");
const SEED_BYTES = 16 << 10;

/** A small deterministic PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)] };
}

/**
 * The regions of a capture: for classic pcap each record's header offset and its end; for pcapng each
 * block's offset, its length fields and its end. `records` (pcap only) are the record end offsets.
 */
function regions(b) {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = { kind: "other", bounds: [0], lengthFields: [], records: [] };
  if (b.length < 24) return out;
  const m = v.getUint32(0, true);
  if (m === 0xa1b2c3d4 || m === 0xa1b23c4d || m === 0xd4c3b2a1 || m === 0x4d3cb2a1) {
    const le = m === 0xa1b2c3d4 || m === 0xa1b23c4d;
    out.kind = "pcap";
    out.bounds.push(24);
    let p = 24;
    while (p + 16 <= b.length) {
      const cap = v.getUint32(p + 8, le);
      out.lengthFields.push({ at: p + 8, le, value: cap }, { at: p + 12, le, value: v.getUint32(p + 12, le) });
      if (p + 16 + cap > b.length) break;
      p += 16 + cap;
      out.bounds.push(p);
      out.records.push(p);
    }
  } else if (m === 0x0a0d0d0a) {
    out.kind = "pcapng";
    let p = 0;
    let le = true;
    while (p + 12 <= b.length) {
      if (v.getUint32(p, true) === 0x0a0d0d0a) le = v.getUint32(p + 8, true) === 0x1a2b3c4d;
      const len = v.getUint32(p + 4, le);
      if (len < 12 || p + len > b.length) break;
      out.lengthFields.push({ at: p + 4, le, value: len }, { at: p + len - 4, le, value: len });
      const type = v.getUint32(p, le);
      if (type === 6 && len >= 32) out.lengthFields.push({ at: p + 20, le, value: v.getUint32(p + 20, le) }, { at: p + 24, le, value: v.getUint32(p + 24, le) });
      p += len;
      out.bounds.push(p);
    }
  }
  return out;
}

/** The seeds: every capture of data/ (gzipped ones too), cut to whole records within SEED_BYTES. */
function loadSeeds() {
  const seeds = [];
  for (const f of fs.readdirSync(DATA).sort()) {
    if (!/\.(pcap|pcapng)(\.gz)?$/.test(f)) continue;
    let b = new Uint8Array(fs.readFileSync(path.join(DATA, f)));
    if (f.endsWith(".gz")) b = new Uint8Array(zlib.gunzipSync(b));
    if (b.length > SEED_BYTES) {
      const r = regions(b);
      const end = r.bounds.filter((x) => x <= SEED_BYTES).pop() || SEED_BYTES;
      b = b.slice(0, end);
    }
    seeds.push({ name: f, bytes: b, regions: regions(b) });
  }
  // a gzip-compressed seed exercises the gzip reader (its mutations hit the deflate stream)
  const small = seeds.find((s) => s.name === "tcp-flags-lab.pcap") || seeds[0];
  seeds.push({ name: small.name + ".gz", bytes: new Uint8Array(zlib.gzipSync(small.bytes)), regions: { kind: "gzip", bounds: [0, 10], lengthFields: [], records: [] } });
  return seeds;
}

const ABSURD = [0, 1, 3, 11, 12, 13, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff, 0x10000, 262144 * 4 + 1, 65535];

function setU32(b, at, value, le) {
  if (at < 0 || at + 4 > b.length) return;
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(at, value >>> 0, le);
}

/** Mutation kinds: each returns new bytes (and the kind's name for the report). */
const MUTATIONS = {
  bitflip(b, r) {
    const o = b.slice();
    const n = 1 + r.int(8);
    for (let i = 0; i < n && o.length; i++) o[r.int(o.length)] ^= 1 << r.int(8);
    return o;
  },
  byte(b, r) {
    const o = b.slice();
    const n = 1 + r.int(4);
    for (let i = 0; i < n && o.length; i++) o[r.int(o.length)] = r.pick([0, 0xff, 0x7f, 0x80, r.int(256)]);
    return o;
  },
  cut(b, r) {
    return b.slice(0, r.int(b.length + 1));
  },
  cutAtRegion(b, r, reg) {
    const at = r.pick(reg.bounds) + r.pick([-3, -2, -1, 0, 1, 2, 3, 4, 8, 12, 15, 16, 17]);
    return b.slice(0, Math.max(0, Math.min(b.length, at)));
  },
  insert(b, r) {
    const at = r.int(b.length + 1);
    const n = 1 + r.int(r.next() < 0.5 ? 8 : 300);
    const ins = new Uint8Array(n);
    for (let i = 0; i < n; i++) ins[i] = r.int(256);
    return Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
  },
  delete(b, r) {
    const at = r.int(b.length + 1);
    const n = 1 + r.int(r.next() < 0.5 ? 8 : 300);
    return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + n))]);
  },
  duplicate(b, r, reg) {
    if (reg.bounds.length < 3) return MUTATIONS.insert(b, r);
    const i = r.int(reg.bounds.length - 1);
    const piece = b.subarray(reg.bounds[i], reg.bounds[i + 1]);
    const at = r.pick(reg.bounds);
    return Buffer.concat([b.subarray(0, at), piece, b.subarray(at)]);
  },
  absurdLength(b, r, reg) {
    const o = b.slice();
    if (!reg.lengthFields.length) return MUTATIONS.byte(b, r);
    const f = r.pick(reg.lengthFields);
    const v = r.next() < 0.7 ? r.pick(ABSURD) : f.value + r.pick([-5, -4, -1, 1, 4, 5, 1000]);
    setU32(o, f.at, v, f.le);
    return o;
  },
  headerField(b, r) {
    // the file / section header: magic, version, snaplen, link type, byte-order magic
    const o = b.slice();
    const at = r.pick([0, 4, 6, 8, 16, 20, 24, 28]);
    setU32(o, at, r.pick([r.int(4294967296), 0, 0xffffffff, 1, 2, 0x0a0d0d0a]), r.next() < 0.5);
    return o;
  },
  gzip(b, r) {
    const z = zlib.gzipSync(b);
    if (r.next() < 0.5) return z.subarray(0, r.int(z.length + 1));
    const o = new Uint8Array(z);
    o[10 + r.int(Math.max(1, o.length - 10))] ^= 1 << r.int(8);
    return o;
  },
};
const KINDS = Object.keys(MUTATIONS);

/** Case `i` of run `seed`: a seed capture with one to three mutations (deterministic). */
function makeCase(seeds, seed, i) {
  const r = rng((seed * 1000003) ^ (i * 2654435761));
  const s = seeds[r.int(seeds.length)];
  let b = s.bytes;
  let reg = s.regions;
  const kinds = [];
  const n = r.next() < 0.7 ? 1 : 2 + r.int(2);
  for (let k = 0; k < n; k++) {
    const kind = KINDS[r.int(KINDS.length)];
    kinds.push(kind);
    b = MUTATIONS[kind](b, r, reg);
    if (k + 1 < n) reg = regions(b);
  }
  return { seed: s.name, kinds, bytes: new Uint8Array(b) };
}

module.exports = { loadSeeds, makeCase, regions, rng, KINDS };
