// tcptrace's "duplicate acks" (dup_acks_tt_*), rule by rule, on byte-literal captures; each case is also
// run through tcptrace itself when it is installed (the oracle), and must give the same counts.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readCapture } from "../../lib/capture/capture";
import { buildFlows } from "../../lib/flows/index";
import { pcap, type TcpPacketSpec } from "../helpers/pcap-writer";

const haveTcptrace = spawnSync("tcptrace", ["-v"], { stdio: "ignore" }).error === undefined;
const C = "10.0.0.1";
const S = "10.0.0.2";

/** A conversation: [from client?, flags, seq, ack, len, win] rows, 1 ms apart. */
function conv(rows: [boolean, string, number, number, number, number?][]): Uint8Array {
  const p: TcpPacketSpec[] = rows.map(([c2s, flags, seq, ack, len, win], i) => ({
    t: 1_600_000_000 + i / 1000, src: c2s ? C : S, dst: c2s ? S : C, sport: c2s ? 40000 : 80, dport: c2s ? 80 : 40000,
    flags, seq, ack, len, win: win ?? 1000,
  }));
  return pcap(p);
}

/** [dup_acks_tt_a2b, dup_acks_tt_b2a] from our flow table. */
function ours(bytes: Uint8Array): [number, number] {
  const ft = buildFlows(readCapture(bytes));
  return [ft.get(0, "dup_acks_tt_a2b") as number, ft.get(0, "dup_acks_tt_b2a") as number];
}

/** The same from `tcptrace -l` (a2b = data sent by the first packet's sender, the client in every case). */
function theirs(bytes: Uint8Array): [number, number] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-dup-"));
  const f = path.join(dir, "c.pcap");
  fs.writeFileSync(f, bytes);
  const out = spawnSync("tcptrace", ["-l", "-n", "-r", f], { encoding: "utf8" }).stdout ?? "";
  fs.rmSync(dir, { recursive: true, force: true });
  const m = /duplicate acks:\s+(\d+)\s+duplicate acks:\s+(\d+)/.exec(out);
  if (!m) throw new Error(`no "duplicate acks" in tcptrace's output:\n${out}`);
  return [Number(m[1]), Number(m[2])];
}

const CASES: [string, Uint8Array, [number, number]][] = [
  [
    "three pure duplicate ACKs of the client's data (same ack, same window, no payload)",
    conv([[true, "S", 100, 0, 0], [false, "SA", 500, 101, 0], [true, "A", 101, 501, 0], [true, "PA", 101, 501, 10], [true, "PA", 111, 501, 10],
      [false, "A", 501, 111, 0], [false, "A", 501, 111, 0], [false, "A", 501, 111, 0], [false, "A", 501, 111, 0]]),
    [3, 0],
  ],
  [
    "a changed window, or payload, breaks the rule",
    conv([[true, "S", 100, 0, 0], [false, "SA", 500, 101, 0], [true, "A", 101, 501, 0], [true, "PA", 101, 501, 10],
      [false, "A", 501, 111, 0], [false, "A", 501, 111, 0, 2000], [false, "PA", 501, 111, 5, 2000], [false, "A", 506, 111, 0, 2000]]),
    [1, 0], // only the last ACK: the window update and the data segment repeat the ACK but are not duplicates
  ],
  [
    "a retransmitted SYN/ACK after the client's ACK is a duplicate ACK (frame 4 of sites.pcapng stream 6)",
    conv([[true, "S", 100, 0, 0], [false, "SA", 500, 101, 0], [true, "A", 101, 501, 0], [false, "SA", 500, 101, 0], [true, "A", 101, 501, 0]]),
    [1, 0],
  ],
  [
    "no duplicate before the data sender has had anything outstanding (rtsp.pcap's quadrupled handshakes)",
    conv([[true, "S", 100, 0, 0], [true, "S", 100, 0, 0], [false, "SA", 500, 101, 0], [false, "SA", 500, 101, 0], [false, "SA", 500, 101, 0],
      [true, "A", 101, 501, 0], [true, "A", 101, 501, 0], [true, "A", 101, 501, 0]]),
    [0, 0],
  ],
  [
    "RST+ACK repeating the ACK with the same window counts; it does not become the last ACK (rtsp.pcap stream 0)",
    conv([[true, "PA", 1, 1, 100], [false, "A", 1, 101, 0], [false, "A", 1, 101, 0], [false, "RA", 1, 101, 0], [false, "RA", 1, 101, 0], [false, "A", 1, 101, 0]]),
    [4, 0],
  ],
  [
    "FIN/ACK repeating the ACK counts (sites.pcapng frames 25 and 27)",
    conv([[true, "S", 100, 0, 0], [false, "SA", 500, 101, 0], [true, "A", 101, 501, 0], [true, "PA", 101, 501, 10], [false, "A", 501, 111, 0],
      [false, "PA", 501, 111, 10], [true, "A", 111, 511, 0], [true, "FA", 111, 511, 0], [false, "A", 511, 112, 0], [false, "FA", 511, 112, 0], [true, "A", 112, 512, 0]]),
    [1, 1],
  ],
];

describe("dup_acks_tt_* (tcptrace 'duplicate acks', its default BSD rule)", () => {
  it.each(CASES)("%s", (_name, bytes, want) => {
    expect(ours(bytes)).toEqual(want);
  });
  it.skipIf(!haveTcptrace).each(CASES)("tcptrace agrees: %s", (_name, bytes, want) => {
    expect(theirs(bytes)).toEqual(want);
  });
});
