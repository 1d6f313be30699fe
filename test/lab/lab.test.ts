import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { pcapToPcapng, runLab } from "../../lib/lab/index";
import { formatLabFacts, labFacts } from "../../lib/lab/facts";
import { readCapture } from "../../lib/capture/capture";
import { TA } from "../../lib/tcp/flags";

function which(name: string): string | null {
  for (const d of [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/sbin", "/usr/bin"]) {
    if (!d) continue;
    const p = path.join(d, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

function sh(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10_000 });
  } catch {
    return null;
  }
}

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const ip = which("ip");
const netnsOk = isRoot && ip !== null && sh(ip, ["netns", "list"]) !== null;
const imageMagickOk = which("convert") !== null && /ImageMagick/.test(sh("convert", ["-version"]) ?? "");
const labReady =
  netnsOk &&
  fs.existsSync("/usr/bin/chromium") &&
  which("tcpdump") !== null &&
  which("openssl") !== null &&
  which("ffmpeg") !== null &&
  imageMagickOk;
const tshark = which("tshark");

/** Independent tiny pcapng reader: counts Enhanced Packet Blocks (little-endian files). */
function countEpb(buf: Buffer): number {
  expect(buf.readUInt32LE(0)).toBe(0x0a0d0d0a);
  expect(buf.readUInt32LE(8)).toBe(0x1a2b3c4d);
  let off = 0;
  let n = 0;
  while (off + 12 <= buf.length) {
    const type = buf.readUInt32LE(off);
    const len = buf.readUInt32LE(off + 4);
    expect(len % 4).toBe(0);
    expect(buf.readUInt32LE(off + len - 4)).toBe(len);
    if (type === 6) n++;
    off += len;
  }
  expect(off).toBe(buf.length);
  return n;
}

describe("lab pcap → pcapng rewriting", () => {
  it("keeps packets and nanosecond timestamps", () => {
    const hdr = Buffer.alloc(24);
    hdr.writeUInt32LE(0xa1b23c4d, 0); // nanosecond pcap
    hdr.writeUInt16LE(2, 4);
    hdr.writeUInt16LE(4, 6);
    hdr.writeUInt32LE(65535, 16);
    hdr.writeUInt32LE(1, 20);
    const rec = (sec: number, ns: number, data: Buffer) => {
      const r = Buffer.alloc(16);
      r.writeUInt32LE(sec, 0);
      r.writeUInt32LE(ns, 4);
      r.writeUInt32LE(data.length, 8);
      r.writeUInt32LE(data.length + 10, 12);
      return Buffer.concat([r, data]);
    };
    const pcap = Buffer.concat([hdr, rec(1_700_000_000, 123_456_789, Buffer.from("abcde")), rec(1_700_000_001, 5, Buffer.alloc(60, 7))]);
    const out = pcapToPcapng(pcap, { ifName: "eth0" });
    expect(out.packets).toBe(2);
    expect(out.nanosecond).toBe(true);
    expect(countEpb(out.pcapng)).toBe(2);
    // first EPB: after SHB and IDB
    let off = out.pcapng.readUInt32LE(4);
    off += out.pcapng.readUInt32LE(off + 4);
    expect(out.pcapng.readUInt32LE(off)).toBe(6);
    const ts = (BigInt(out.pcapng.readUInt32LE(off + 12)) << 32n) | BigInt(out.pcapng.readUInt32LE(off + 16));
    expect(ts).toBe(1_700_000_000_123_456_789n);
    expect(out.pcapng.readUInt32LE(off + 20)).toBe(5); // captured length
    expect(out.pcapng.readUInt32LE(off + 24)).toBe(15); // original length
    expect(out.pcapng.subarray(off + 28, off + 33).toString()).toBe("abcde");
  });
});

describe("labFacts: what a lab capture shows (npm run lab records again when something is missing)", () => {
  const data = path.resolve(__dirname, "..", "..", "data");
  it("the bundled lossy capture has every fact the notebooks explain", () => {
    const f = labFacts(readCapture(path.join(data, "lab-lossy.pcapng")));
    expect(f.missing).toEqual([]);
    expect(f.handshakes[0]).toEqual({ stream: 0, syn: 3, synAck: 4, ack: 5 });
    expect(f.tls[0]).toMatchObject({ stream: 0, cipher: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", clientHello: 7, serverHello: 17 });
    const fr = f.fastRetransmissions.find((x) => x.sackDupAcks > 0)!;
    expect(fr.dupAcks.length).toBeGreaterThanOrEqual(2);
    const cap = readCapture(path.join(data, "lab-lossy.pcapng"));
    for (const d of fr.dupAcks) expect(cap.packets.tcpAnalysis[d - 1] & TA.DUPLICATE_ACK).toBeTruthy();
    expect(f.finCloses.length).toBeGreaterThan(0);
    expect(f.maxParallel).toBeGreaterThanOrEqual(2);
  });
  it("the clean capture lacks the loss episode, and says so", () => {
    const f = labFacts(readCapture(path.join(data, "lab-clean.pcapng")));
    expect(f.missing).toEqual(["fast retransmission after duplicate ACKs with SACK blocks"]);
    expect(formatLabFacts(f)).toMatch(/missing: fast retransmission/);
  });
});

describe("runLab (network namespaces, Chromium, tcpdump)", () => {
  it.skipIf(!labReady)(
    "captures a real HTTPS page load and removes its namespaces",
    async () => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "pcapframe-lab-test-"));
      try {
        const r = await runLab({
          out,
          name: "lab-test",
          media: "small",
          playMs: 0,
          lingerMs: 1_500,
          keepAliveTimeoutMs: 500,
          abortDownload: false,
          cacheDir: path.join(os.tmpdir(), "pcapframe-lab-test-cache"),
          timeoutMs: 50_000,
        });
        expect(fs.existsSync(r.pcapng)).toBe(true);
        expect(fs.existsSync(r.keylog)).toBe(true);
        expect(fs.existsSync(r.json)).toBe(true);
        const n = countEpb(fs.readFileSync(r.pcapng));
        expect(n).toBeGreaterThan(0);
        expect(n).toBe(r.packets);
        expect(r.requests.some((q) => q.path === "/" && q.status === 200)).toBe(true);
        expect(r.cipher).toBe("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        const sidecar = JSON.parse(fs.readFileSync(r.json, "utf8"));
        expect(sidecar.packets).toBe(n);
        expect(sidecar.kernel).toBe(os.release());

        const left = sh(ip as string, ["netns", "list"]) ?? "";
        for (const name of Object.values(r.namespaces)) expect(left).not.toContain(name);

        if (tshark) {
          const suites = sh(tshark, ["-r", r.pcapng, "-Y", "tls.handshake.type==2", "-T", "fields", "-e", "tls.handshake.ciphersuite"]);
          expect(suites?.split("\n").filter(Boolean)).toContain("0xc02f");
        }
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
