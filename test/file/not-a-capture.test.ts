// "Not a capture is an error": inputs that are no capture at all throw a CaptureError in lax and strict
// mode; a damaged capture keeps its lax behaviour (the packets before the fault + a warning).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { CaptureError } from "../../lib/base/errors";

const DATA = path.resolve(__dirname, "../../data");

function codeOf(input: string | Uint8Array, strict: boolean): string {
  try {
    readCapture(input, { strict, threads: false });
  } catch (e) {
    expect(e).toBeInstanceOf(CaptureError);
    return (e as CaptureError).code;
  }
  return "no error";
}

const text = new TextEncoder().encode("hello, this is not a capture\n".repeat(4));
const pcapHeader = (() => {
  const h = new DataView(new ArrayBuffer(24));
  h.setUint32(0, 0xa1b2c3d4, true);
  h.setUint16(4, 2, true);
  h.setUint16(6, 4, true);
  h.setUint32(16, 65535, true);
  h.setUint32(20, 1, true);
  return new Uint8Array(h.buffer);
})();

describe("not a capture: CaptureError in lax and strict mode", () => {
  const cases: [string, () => string | Uint8Array, string][] = [
    ["text file (bad magic)", () => path.join(DATA, "not-a-capture.txt"), "bad_magic"],
    ["text bytes", () => text, "bad_magic"],
    ["empty bytes", () => new Uint8Array(0), "empty_file"],
    ["3 bytes", () => new Uint8Array([0xd4, 0xc3, 0xb2]), "truncated_file_header"],
    ["pcap header cut at 20 bytes", () => pcapHeader.subarray(0, 20), "truncated_file_header"],
    ["pcap version 3", () => { const b = pcapHeader.slice(); b[4] = 3; return b; }, "unsupported_version"],
    ["gzipped text", () => new Uint8Array(zlib.gzipSync(text)), "bad_magic"],
    ["gzipped nothing", () => new Uint8Array(zlib.gzipSync(new Uint8Array(0))), "empty_file"],
    ["gzip magic then garbage", () => new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff]), "gzip_error"],
    ["pcapng SHB with a bad byte-order magic", () => { const b = new Uint8Array(28); new DataView(b.buffer).setUint32(0, 0x0a0d0d0a, true); new DataView(b.buffer).setUint32(4, 28, true); return b; }, "bad_magic"],
  ];
  for (const [name, make, code] of cases) {
    it(name, () => {
      expect(codeOf(make(), false)).toBe(code);
      expect(codeOf(make(), true)).toBe(code);
    });
  }

  it("an empty directory and a missing file: io_error, not a raw ENOENT (a directory of captures reads as one capture)", () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "pf-dir-"));
    expect(codeOf(empty, false)).toBe("io_error");
    expect(codeOf(path.join(os.tmpdir(), "pcapframe-no-such-file.pcap"), false)).toBe("io_error");
    expect(() => readCapture(empty)).toThrowError(/no files in directory/);
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it("an empty file on disk", () => {
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pf-")), "empty.pcap");
    fs.writeFileSync(f, "");
    expect(codeOf(f, false)).toBe("empty_file");
  });

  it("a pcap header with no records is a capture with 0 packets, not an error", () => {
    const cap = readCapture(pcapHeader);
    expect(cap.length).toBe(0);
    expect(cap.meta.warnings).toEqual([]);
    expect(cap.warningsText()).toBe("");
  });
});

describe("a damaged capture keeps its lax behaviour, with the warning reachable", () => {
  it("truncated pcap: the packets before the fault, warningsText() names the byte offset", () => {
    const cap = readCapture(path.join(DATA, "bad-truncated.pcap"));
    expect(cap.length).toBeGreaterThan(0);
    const w = cap.meta.warnings[0];
    expect(cap.warningsText()).toBe(`warning: ${w.message} [${w.code}]`);
    expect(cap.warningsText()).toContain(`byte offset ${w.byteOffset}`);
    expect(() => readCapture(path.join(DATA, "bad-truncated.pcap"), { strict: true })).toThrowError(CaptureError);
  });

  it("gzip-compressed capture, cut or corrupted in the deflate stream: the packets of the readable prefix", () => {
    const raw = fs.readFileSync(path.join(DATA, "tcp-flags-lab.pcap"));
    const whole = readCapture(new Uint8Array(raw)).length;
    const z = zlib.gzipSync(raw);
    const cut = readCapture(new Uint8Array(z.subarray(0, z.length >> 1)));
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.length).toBeLessThan(whole);
    expect(cut.meta.compressed).toBe(true);
    const bad = new Uint8Array(z);
    bad[bad.length - 6] ^= 0xff; // the CRC: every byte decompresses, the check fails
    const crc = readCapture(bad);
    expect(crc.length).toBe(whole);
    expect(crc.meta.warnings.map((x) => x.code)).toContain("gzip_error");
    expect(() => readCapture(bad, { strict: true })).toThrowError(CaptureError);
  });
});
