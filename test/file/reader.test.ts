// Capture readers and framing errors, on byte literals and on the fixtures in data/.
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { CaptureError } from "../../lib/base/errors";
import { Layer } from "../../lib/table/layers";

const DATA = path.resolve(__dirname, "../../data");

/** Ethernet/IPv4/TCP SYN 10.0.0.1:1234 → 10.0.0.2:80, 54 bytes, optional 4 bytes of MSS option. */
function synFrame(): Uint8Array {
  const f = new Uint8Array(14 + 20 + 24);
  const v = new DataView(f.buffer);
  f.set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0);
  v.setUint16(12, 0x0800);
  f[14] = 0x45;
  v.setUint16(16, 44);
  f[22] = 64;
  f[23] = 6;
  f.set([10, 0, 0, 1, 10, 0, 0, 2], 26);
  v.setUint16(34, 1234);
  v.setUint16(36, 80);
  v.setUint32(38, 1000);
  f[46] = 6 << 4;
  f[47] = 0x02;
  v.setUint16(48, 64240);
  f.set([2, 4, 0x05, 0xb4], 54);
  return f;
}

function pcap(opts: { little: boolean; nano: boolean; records: { sec: number; frac: number; data: Uint8Array; wireLen?: number }[]; linkType?: number }): Uint8Array {
  const parts: Uint8Array[] = [];
  const h = new DataView(new ArrayBuffer(24));
  h.setUint32(0, opts.nano ? 0xa1b23c4d : 0xa1b2c3d4, opts.little);
  h.setUint16(4, 2, opts.little);
  h.setUint16(6, 4, opts.little);
  h.setUint32(16, 65535, opts.little);
  h.setUint32(20, opts.linkType ?? 1, opts.little);
  parts.push(new Uint8Array(h.buffer));
  for (const r of opts.records) {
    const rh = new DataView(new ArrayBuffer(16));
    rh.setUint32(0, r.sec, opts.little);
    rh.setUint32(4, r.frac, opts.little);
    rh.setUint32(8, r.data.length, opts.little);
    rh.setUint32(12, r.wireLen ?? r.data.length, opts.little);
    parts.push(new Uint8Array(rh.buffer), r.data);
  }
  return Buffer.concat(parts);
}

describe("pcap", () => {
  for (const little of [true, false])
    for (const nano of [false, true]) {
      it(`${little ? "little" : "big"}-endian ${nano ? "nanosecond" : "microsecond"} pcap`, () => {
        const bytes = pcap({ little, nano, records: [{ sec: 1700000000, frac: nano ? 123456789 : 123456, data: synFrame() }] });
        const cap = readCapture(bytes);
        expect(cap.meta.format).toBe(nano ? "pcap-nsec" : "pcap");
        expect(cap.meta.byteOrder).toBe(little ? "little" : "big");
        expect(cap.length).toBe(1);
        expect(cap.epoch(0)).toBe(nano ? "1700000000.123456789" : "1700000000.123456000");
        expect(cap.packets.wireLen[0]).toBe(58);
        expect(cap.column("src")[0]).toBe("10.0.0.1");
        expect(cap.column("dst")[0]).toBe("10.0.0.2");
        expect(cap.column("srcport")[0]).toBe(1234);
        expect(cap.column("mss")[0]).toBe(1460);
        expect(cap.protocol(0)).toBe("TCP");
      });
    }

  it("keeps snaplen-truncated frames with their original length (truncation is not an anomaly)", () => {
    const full = synFrame();
    const bytes = pcap({ little: true, nano: false, records: [{ sec: 1700000000, frac: 0, data: full.subarray(0, 54), wireLen: 58 }] });
    const cap = readCapture(bytes);
    expect(cap.packets.capLen[0]).toBe(54);
    expect(cap.packets.wireLen[0]).toBe(58);
    expect(cap.packets.layers[0] & Layer.TRUNCATED).toBeTruthy();
    expect(cap.column("anomaly")[0]).toBeNull();
  });

  it("reads gzip-compressed captures, detected by magic", () => {
    const bytes = pcap({ little: true, nano: false, records: [{ sec: 1, frac: 2, data: synFrame() }, { sec: 3, frac: 4, data: synFrame() }] });
    const cap = readCapture(zlib.gzipSync(bytes));
    expect(cap.meta.compressed).toBe(true);
    expect(cap.length).toBe(2);
  });

  it("a truncated gzip stream yields the packets before the cut and a warning", () => {
    const recs = Array.from({ length: 50 }, (_, i) => ({ sec: 1700000000 + i, frac: 0, data: synFrame() }));
    const gz = zlib.gzipSync(pcap({ little: true, nano: false, records: recs }));
    const cap = readCapture(gz.subarray(0, Math.floor(gz.length * 0.6)));
    expect(cap.length).toBeGreaterThan(0);
    expect(cap.length).toBeLessThan(50);
    expect(cap.meta.warnings.length).toBe(1);
  });
});

describe("framing errors", () => {
  it("truncated pcap: every packet before the fault, and a warning naming the offset", () => {
    const cap = readCapture(path.join(DATA, "bad-truncated.pcap"));
    expect(cap.length).toBe(4); // tshark: 4 packets, "cut short in the middle of a packet"
    expect(cap.meta.warnings).toHaveLength(1);
    const w = cap.meta.warnings[0];
    expect(w.code).toBe("truncated_record");
    expect(w.recordIndex).toBe(4);
    expect(w.byteOffset).toBeGreaterThan(24);
    expect(w.message).toContain(`byte offset ${w.byteOffset}`);
  });

  it("truncated pcap in strict mode: CaptureError with the byte offset", () => {
    let err: unknown;
    try {
      readCapture(path.join(DATA, "bad-truncated.pcap"), { strict: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).code).toBe("truncated_record");
    expect((err as CaptureError).recordIndex).toBe(4);
  });

  it("pcapng block length mismatch: 2 packets then a warning (tshark prints 2)", () => {
    const cap = readCapture(path.join(DATA, "bad-pcapng-blocklen.pcapng"));
    expect(cap.length).toBe(2);
    expect(cap.meta.warnings[0].code).toBe("block_length_mismatch");
    expect(cap.meta.warnings[0].message).toMatch(/trailing length 88 ≠ leading length 84/);
  });

  it("not a capture: a CaptureError at offset 0 in both modes (there are no packets to keep)", () => {
    const f = path.join(DATA, "not-a-capture.txt");
    expect(() => readCapture(f)).toThrowError(CaptureError);
    expect(() => readCapture(f, { strict: true })).toThrowError(/not a pcap, pcapng or gzip file/);
    expect(() => readCapture(new Uint8Array(0), { strict: true })).toThrowError(/empty/);
  });

  it("bad options get one clear message naming the option", () => {
    expect(() => readCapture(new Uint8Array(0), { strict: "yes" } as never)).toThrowError(/option "strict"/);
    expect(() => readCapture(new Uint8Array(0), { bogus: 1 } as never)).toThrowError(/unknown option "bogus"/);
  });

  it("never throws on corrupted real captures except CaptureError in strict mode (fuzz)", () => {
    const files = ["tcp-flags-lab.pcap", "linktypes.pcapng", "pptp.pcap", "vlan-qinq.pcap", "four_ipv6_http_streams.pcap"].map((f) => fs.readFileSync(path.join(DATA, f)));
    let seed = 42;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    for (let i = 0; i < 400; i++) {
      const src = files[i % files.length];
      const b = Uint8Array.from(src);
      const flips = 1 + Math.floor(rnd() * 20);
      for (let k = 0; k < flips; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      const cut = rnd() < 0.3 ? b.subarray(0, Math.floor(rnd() * b.length)) : b;
      let cap;
      try {
        cap = readCapture(cut);
      } catch (e) {
        expect(e).toBeInstanceOf(CaptureError); // no longer a capture at all (magic, header)
        continue;
      }
      for (let r = 0; r < cap.length; r++) cap.info(r); // Info rendering must not throw either
      try {
        readCapture(cut, { strict: true });
      } catch (e) {
        expect(e).toBeInstanceOf(CaptureError);
      }
    }
  });
});

describe("pcapng", () => {
  it("reads several sections, both byte orders, per-interface link types, if_tsresol/if_tsoffset, OPB, DSB", () => {
    const cap = readCapture(path.join(DATA, "linktypes.pcapng"));
    const m = cap.meta;
    expect(m.format).toBe("pcapng");
    expect(m.sections).toBe(2);
    expect(m.interfaces.map((i) => i.linkType)).toEqual([228, 229, 101, 0, 108, 113, 147, 1]);
    expect(m.interfaces[0].tsResolution).toBe(1e-9);
    expect(m.secrets).toHaveLength(1);
    expect(m.secrets[0].typeName).toBe("TLS key log");
    expect(new TextDecoder().decode(m.secrets[0].data)).toMatch(/^CLIENT_RANDOM /);
    expect(m.nameRecords.some((r) => r.names.includes("server.example"))).toBe(true);
    // the last packet is in the big-endian second section, on its Ethernet interface
    const last = cap.length - 1;
    expect(cap.packets.ifIndex?.[last]).toBe(7);
    expect(cap.protocol(last)).toBe("TCP");
  });

  it("reads Simple Packet Blocks (no timestamps) and big-endian pcapng", () => {
    const dir = path.resolve(__dirname, "../../../shared/captures");
    const spb = readCapture(path.join(DATA, "gopacket-le-test010.pcapng"));
    expect(spb.length).toBe(4);
    expect(spb.protocol(0)).toBe("DHCP"); // as tshark
    expect(spb.epoch(0)).toBe(""); // SPBs carry no timestamp: tshark prints an empty time
    expect(spb.column("time")[0]).toBeNull();
    expect(spb.meta.firstTime).toBeNull();
    expect(spb.info(0)).toBe("DHCP Discover - Transaction ID 0x3d1d");
    if (fs.existsSync(path.join(dir, "dhcp_big_endian.pcapng"))) {
      const be = readCapture(path.join(dir, "dhcp_big_endian.pcapng"));
      expect(be.meta.byteOrder).toBe("big");
      expect(be.length).toBe(4);
    }
  });
});
