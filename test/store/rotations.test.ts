/**
 * Many files as one capture (tcpdump -C/-G rotations): a capture cut into pieces and read as a list, or as
 * a directory, gives the packet and flow CSVs of the unsplit file — a connection crossing a file boundary is
 * one stream with one flow row and the same analysis; a bad piece keeps what precedes its fault, warns with
 * file and byte offset, and the read goes on; progress by bytes; `convert --one-capture` writes the dataset
 * of the unsplit file, each packet's pcap_file naming its piece.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Capture, readCapture } from "../../lib/capture/capture";
import { buildFlows } from "../../lib/flows/build";
import { convert } from "../../lib/store/convert";
import { sql } from "../../lib/store/sql";
import { cellOf } from "../../lib/store/column";
import type { Progress } from "../../lib/base/progress";
import { DATA_DIR, sharedCapturesDir } from "../helpers/golden";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pcapframe-rotations-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Cut a classic pcap into `parts` files at record boundaries (each with the file header), like tcpdump -C. */
function splitPcap(file: string, parts: number, dir: string, stem: string, names?: (i: number) => string): string[] {
  const b = fs.readFileSync(file);
  const magic = b.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const starts: number[] = [];
  for (let o = 24; o + 16 <= b.length; o += 16 + u32(o + 8)) starts.push(o);
  fs.mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  for (let i = 0; i < parts; i++) {
    const a = starts[Math.floor((i * starts.length) / parts)];
    const e = i + 1 < parts ? starts[Math.floor(((i + 1) * starts.length) / parts)] : b.length;
    const p = path.join(dir, names ? names(i) : `${stem}.${i}`);
    fs.writeFileSync(p, Buffer.concat([b.subarray(0, 24), b.subarray(a, e)]));
    out.push(p);
  }
  return out;
}

const all = Capture.columnNames;
function expectSameCapture(pieces: string[] | string, whole: string): Capture {
  const a = readCapture(whole);
  const b = readCapture(pieces);
  expect(b.length).toBe(a.length);
  const ca = a.toCSV(all).split("\n");
  const cb = b.toCSV(all).split("\n");
  for (let i = 0; i < ca.length; i++) if (ca[i] !== cb[i]) expect(cb[i], `packet CSV line ${i + 1}`).toBe(ca[i]);
  expect(buildFlows(b).toCSV()).toBe(buildFlows(a).toCSV());
  return b;
}

const PCAPS = ["modbusBig.pcap", "four_ipv6_http_streams.pcap", "retransmit-fast009.pcap", "http2-nghttp2.pcap", "suricata-tls-subjectaltname.pcap"];

describe("many files as one capture", () => {
  it("a capture cut in three reads as the unsplit file (packets, analysis, flows)", () => {
    for (const f of PCAPS) {
      const pieces = splitPcap(path.join(DATA_DIR, f), 3, path.join(tmp, "three", f), f);
      const b = expectSameCapture(pieces, path.join(DATA_DIR, f));
      expect(b.meta.files.map((x) => x.source)).toEqual(pieces);
      expect(b.meta.files.reduce((s, x) => s + x.packets, 0)).toBe(b.length);
      expect(b.meta.interfaces.length).toBe(1);
      // file offsets are within each piece, and the fileIndex storage says which
      const idx = b.packets.fileIndex!;
      for (const [k, part] of b.meta.files.entries()) {
        expect(part.firstRow === 0 || idx[part.firstRow] === k).toBe(true);
        if (part.packets) expect(b.packets.fileOffset[part.firstRow]).toBe(24 + 16); // its first packet's data, after the record header
      }
    }
  });

  it("a directory reads its files in natural name order (tcpdump -C: trace, trace1, trace2 … trace10)", () => {
    const f = path.join(DATA_DIR, "modbusBig.pcap");
    const dir = path.join(tmp, "rot");
    const names = (i: number) => (i === 0 ? "trace.pcap" : `trace.pcap${i}`);
    const pieces = splitPcap(f, 12, dir, "trace", names);
    fs.writeFileSync(path.join(dir, ".hidden"), "x");
    const b = expectSameCapture(dir, f);
    expect(b.meta.files.map((x) => path.basename(x.source))).toEqual(pieces.map((p) => path.basename(p)));
  });

  it.skipIf(spawnSync("editcap", ["-h"]).status !== 0)("pcapng pieces (editcap -c) read as the unsplit file; identical interfaces merge", () => {
    for (const f of ["lab-lossy.pcapng", "lab-clean.pcapng"]) {
      const dir = path.join(tmp, "ng", f);
      fs.mkdirSync(dir, { recursive: true });
      const n = readCapture(path.join(DATA_DIR, f)).length;
      spawnSync("editcap", ["-c", String(Math.ceil(n / 3)), path.join(DATA_DIR, f), path.join(dir, f)]);
      const pieces = fs.readdirSync(dir).sort().map((x) => path.join(dir, x));
      expect(pieces.length).toBeGreaterThan(1);
      const b = expectSameCapture(pieces, path.join(DATA_DIR, f));
      expect(b.meta.interfaces.length).toBe(readCapture(path.join(DATA_DIR, f)).meta.interfaces.length);
    }
  });

  it("a truncated or missing piece: every packet before the fault, a warning with file and byte offset, then the next file", () => {
    const f = path.join(DATA_DIR, "modbusBig.pcap");
    const [p0, p1, p2] = splitPcap(f, 3, path.join(tmp, "bad"), "bad");
    const whole1 = readCapture(p1).length;
    fs.truncateSync(p1, fs.statSync(p1).size - 7);
    const missing = path.join(tmp, "bad", "missing.pcap");
    const b = readCapture([p0, p1, missing, path.join(DATA_DIR, "not-a-capture.txt"), p2]);
    const n0 = readCapture(p0).length;
    const n2 = readCapture(p2).length;
    expect(b.meta.files.map((x) => x.packets)).toEqual([n0, whole1 - 1, 0, 0, n2]);
    const w = b.meta.warnings.find((x) => x.file === p1)!;
    expect(w.byteOffset).toBeGreaterThan(0);
    expect(w.message).toMatch(/byte offset/);
    expect(b.meta.warnings.some((x) => x.file === missing && x.code === "io_error")).toBe(true);
    expect(b.meta.warnings.some((x) => x.file?.endsWith("not-a-capture.txt"))).toBe(true);
    expect(() => readCapture([p0, missing], { strict: true })).toThrow(/missing\.pcap/);
  });

  it("onProgress by bytes: monotonic, ends at the total with every file done", () => {
    const f = path.join(DATA_DIR, "modbusBig.pcap");
    const pieces = splitPcap(f, 4, path.join(tmp, "prog"), "p");
    const seen: Progress[] = [];
    const cap = readCapture(pieces, { onProgress: (p) => seen.push(p), threads: false });
    const total = pieces.reduce((s, p) => s + fs.statSync(p).size, 0);
    expect(seen.length).toBeGreaterThan(4);
    for (let i = 1; i < seen.length; i++) expect(seen[i].bytesDone).toBeGreaterThanOrEqual(seen[i - 1].bytesDone);
    expect(seen[seen.length - 1]).toMatchObject({ bytesDone: total, bytesTotal: total, packets: cap.length, filesDone: 4, files: 4 });
    expect(() => readCapture(f, { onProgress: 3 as never })).toThrow(/onProgress/);
  });

  it("convert --one-capture: the flows of the unsplit file, each packet's pcap_file naming its piece", async () => {
    const f = path.join(DATA_DIR, "lab-lossy.pcapng");
    const dir = path.join(tmp, "one-ng");
    fs.mkdirSync(dir, { recursive: true });
    let pieces: string[];
    if (spawnSync("editcap", ["-c", "400", f, path.join(dir, "lossy.pcapng")]).status === 0) pieces = fs.readdirSync(dir).sort().map((x) => path.join(dir, x));
    else pieces = splitPcap(path.join(DATA_DIR, "modbusBig.pcap"), 3, dir, "m");
    const whole = pieces[0].endsWith(".pcapng") ? f : path.join(DATA_DIR, "modbusBig.pcap");
    const out = path.join(tmp, "one-ds");
    const r = await convert(pieces, { out, oneCapture: true });
    expect(r.files.length).toBe(1);
    const flows = buildFlows(readCapture(whole));
    const t = await sql(out, "SELECT stream, pkts_a2b, pkts_b2a, retrans_pkts_a2b, state, history, pcap_file FROM flows ORDER BY first_frame");
    expect(t.length).toBe(flows.length);
    for (let i = 0; i < t.length; i++) {
      expect(Number(cellOf(t.columns[1], i))).toBe(flows.get(i, "pkts_a2b"));
      expect(cellOf(t.columns[5], i)).toBe(flows.get(i, "history"));
    }
    const per = await sql(out, "SELECT pcap_file, count(*) AS n, min(file_offset) AS o FROM packets GROUP BY pcap_file ORDER BY pcap_file");
    const cap = readCapture(pieces);
    expect(per.length).toBe(pieces.length);
    for (let i = 0; i < per.length; i++) {
      expect(cellOf(per.columns[0], i)).toBe(pieces[i]);
      expect(Number(cellOf(per.columns[1], i))).toBe(cap.meta.files[i].packets);
    }
  });
});

describe.skipIf(!sharedCapturesDir())("many files as one capture (../shared/captures)", () => {
  it("every classic pcap of the corpus cut in three reads as the unsplit file", () => {
    const dir = sharedCapturesDir()!;
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".pcap")).sort()) {
      const p = path.join(dir, f);
      const m = fs.readFileSync(p).readUInt32LE(0);
      if (![0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1].includes(m)) continue;
      if (readCapture(p).meta.warnings.length) continue;
      expectSameCapture(splitPcap(p, 3, path.join(tmp, "shared", f), f), p);
    }
  });
});
