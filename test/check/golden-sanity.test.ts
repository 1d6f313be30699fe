// The oracle files are readable and agree with what the corpus MANIFEST says tshark reports.
// Note: the goldens are two-pass (`tshark -2`), the MANIFEST counts single-pass; for the analysis
// flags the counts are identical on every corpus file (the TCP analysis runs on the first pass only).
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  GOLDEN_DIR,
  listGoldenCaptures,
  readConvGolden,
  readGoldenIndex,
  readPacketsGolden,
  readPacketsNoTlsGolden,
  readTcptraceGolden,
  sharedCapturesDir,
} from "../helpers/golden";

const count = (col: string[]) => col.filter((v) => v !== "").length;

// packets per data/ file (MANIFEST for the copies; synthetic ones as tshark shows them)
const DATA_PACKETS: Record<string, number> = {
  "pptp.pcap": 23,
  "nanosecs_big_endian.pcap": 10,
  "tcp-handshake-nano.pcap": 3,
  "gopacket-le-test010.pcapng": 4,
  "four_ipv6_http_streams.pcap": 81,
  "http2-nghttp2.pcap": 101,
  "syn_retransmit_with_ts.pcap": 254,
  "ssh-dups.pcap": 377,
  "retransmit-fast009.pcap": 39,
  "one_tcp_stream_max_seq.pcap": 36,
  "suricata-tls-subjectaltname.pcap": 3138,
  "suricata-decode-sll2-02.pcap": 159,
  "modbusBig.pcap": 13622,
  "tcp-flags-lab.pcap": 38,
  "vlan-qinq.pcap": 3,
  // 9 packets + the custom block, which tshark 4.0 shows as frame 7 ("PCAPNG", no timestamp)
  "linktypes.pcapng": 10,
};

// which frame of tcp-flags-lab.pcap carries which analysis flag (tshark 4.0.17)
const LAB_FLAGS: Record<string, number[]> = {
  "tcp.analysis.lost_segment": [7],
  "tcp.analysis.duplicate_ack": [10, 12, 14],
  "tcp.analysis.fast_retransmission": [15],
  "tcp.analysis.retransmission": [15, 21],
  "tcp.analysis.out_of_order": [19],
  "tcp.analysis.spurious_retransmission": [21],
  "tcp.analysis.window_update": [22, 28],
  "tcp.analysis.window_full": [24],
  "tcp.analysis.zero_window": [25, 27],
  "tcp.analysis.zero_window_probe": [26],
  "tcp.analysis.zero_window_probe_ack": [27],
  "tcp.analysis.keep_alive": [29],
  "tcp.analysis.keep_alive_ack": [30],
  "tcp.analysis.reused_ports": [34],
  "tcp.analysis.ack_lost_segment": [37],
};

describe("golden files", () => {
  it("index lists every data/ capture and VERSIONS pins tshark 4.0.17", () => {
    const names = readGoldenIndex().map((r) => r.name);
    for (const n of Object.keys(DATA_PACKETS)) expect(names).toContain(n);
    expect(fs.readFileSync(path.join(GOLDEN_DIR, "VERSIONS.txt"), "utf8")).toMatch(/TShark \(Wireshark\) 4\.0\.17/);
  });

  it("every listed capture has all golden files, same row count in both packet tables", () => {
    const caps = listGoldenCaptures();
    expect(caps.length).toBeGreaterThanOrEqual(Object.keys(DATA_PACKETS).length);
    for (const c of caps) {
      const t = readPacketsGolden(c.name);
      expect(t.fields[0]).toBe("frame.number");
      expect(t.columns["frame.number"].map(Number)).toEqual(Array.from({ length: t.rows }, (_, i) => i + 1));
      expect(readPacketsNoTlsGolden(c.name).rows, c.name).toBe(t.rows);
      expect(Array.isArray(readConvGolden(c.name))).toBe(true);
      const tt = readTcptraceGolden(c.name);
      expect(tt.error === null || typeof tt.error === "string").toBe(true);
    }
  });

  it.each(Object.entries(DATA_PACKETS))("%s has %i packets", (name, n) => {
    expect(readPacketsGolden(name).rows).toBe(n);
  });

  it("tcp-flags-lab.pcap: each intended analysis flag sits on the intended frame", () => {
    const t = readPacketsGolden("tcp-flags-lab.pcap");
    const frames = (f: string) => t.columns[f].flatMap((v, i) => (v === "" ? [] : [i + 1]));
    for (const [field, want] of Object.entries(LAB_FLAGS)) expect(frames(field), field).toEqual(want);
    // presence-only fields print "1"; duplicate_ack is printed twice ("1,1")
    expect(t.row(14)["tcp.analysis.fast_retransmission"]).toBe("1");
    expect(t.row(9)["tcp.analysis.duplicate_ack"]).toBe("1,1");
    expect(t.row(13)["tcp.analysis.duplicate_ack_num"]).toBe("3");
    expect(t.row(13)["tcp.analysis.duplicate_ack_frame"]).toBe("8");
    expect(new Set(t.columns["tcp.stream"])).toEqual(new Set(["0", "1"]));
    // iRTT = 50.1 ms (the capture does not start at epoch 0)
    expect(t.row(2)["tcp.analysis.initial_rtt"]).toBe("0.050100000");
  });

  it("tcp-flags-lab.pcap: conv table directions (-> = A to B, A = first sender)", () => {
    const conv = readConvGolden("tcp-flags-lab.pcap").filter((c) => c.proto === "tcp");
    expect(conv.length).toBe(2); // port reuse splits the 4-tuple into two conversations
    expect(conv[0]).toMatchObject({ addrA: "10.0.0.1", portA: 40000, framesAtoB: 15, framesBtoA: 18, bytesAtoBExact: 1146 });
    const tt = readTcptraceGolden("tcp-flags-lab.pcap");
    expect(tt.connections.length).toBe(2);
    expect(tt.connections[0]).toMatchObject({ addrA: "10.0.0.1", portA: 40000 });
    expect(tt.connections[0].a2b.summary.totalPackets).toBe(15);
  });

  it("tcptrace errors are recorded for files it cannot read", () => {
    expect(readTcptraceGolden("linktypes.pcapng").error).toMatch(/did not understand link format \(228\)/);
    expect(readTcptraceGolden("suricata-decode-sll2-02.pcap").error).toMatch(/link format \(276\)/);
    expect(readTcptraceGolden("pptp.pcap").connections.length).toBe(1);
  });
});

// ---------------------------------------------------------------- against the shared MANIFEST
const shared = sharedCapturesDir();

function manifestTables(text: string): { files: Map<string, number>; analysis: Map<string, Record<string, number>> } {
  const files = new Map<string, number>();
  const analysis = new Map<string, Record<string, number>>();
  let section = "";
  let header: string[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("## ")) { section = line; header = []; continue; }
    if (!line.startsWith("| ")) continue;
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    if (cells[0] === "file") { header = cells; continue; }
    const m = /^`(.+)`$/.exec(cells[0]);
    if (!m) continue;
    const num = (s: string) => Number(s.replace(/,/g, ""));
    if (section.startsWith("## Files")) files.set(m[1], num(cells[header.indexOf("packets")]));
    if (section.startsWith("## TCP analysis counts")) {
      const rec: Record<string, number> = {};
      header.forEach((h, i) => { if (i > 0) rec[h] = num(cells[i]); });
      analysis.set(m[1], rec);
    }
  }
  return { files, analysis };
}

describe.skipIf(!shared)("goldens vs shared MANIFEST", () => {
  const text = shared ? fs.readFileSync(path.join(shared, "MANIFEST.md"), "utf8") : "";
  const { files, analysis } = manifestTables(text);
  const withGolden = new Set(readGoldenIndex().map((r) => r.name));

  it("manifest parsed", () => {
    expect(files.size).toBe(23);
    expect(analysis.size).toBe(23);
  });

  it.each([...files.keys()])("%s: packet count and analysis counts (two-pass) match the MANIFEST", (name) => {
    if (!withGolden.has(name)) return;
    const t = readPacketsGolden(name);
    expect(t.rows).toBe(files.get(name));
    const want = analysis.get(name)!;
    for (const flag of ["retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order",
      "duplicate_ack", "lost_segment", "ack_lost_segment", "zero_window", "window_full", "keep_alive", "window_update"]) {
      expect(count(t.columns[`tcp.analysis.${flag}`]), `${name} ${flag}`).toBe(want[flag]);
    }
    const streams = new Set(t.columns["tcp.stream"].filter((v) => v !== "").map((v) => v.split(",")[0]));
    expect(streams.size, `${name} tcp streams`).toBe(want["tcp streams"]);
  });

  it("no_sni.pcap: 26 retransmissions, same as single-pass", () => {
    expect(count(readPacketsGolden("no_sni.pcap").columns["tcp.analysis.retransmission"])).toBe(26);
  });
});
