// Corpus parity of the TCP analysis with tshark 4.0.17 (-2 -n), read from the goldens under test/golden/
// (no tshark needed). Captures from ../shared are used when present (PCAPFRAME_SHARED overrides).
import { describe, expect, test } from "vitest";
import { loadCapture } from "../../lib/read/load";
import { Layer } from "../../lib/table/layers";
import { TA_NAMES } from "../../lib/tcp/flags";
import { COMPARED_FIELDS, ourField } from "../../lib/check/compare";
import { listGoldenCaptures, readPacketsGolden, readPacketsNoTlsGolden } from "../helpers/golden";

const captures = listGoldenCaptures();
const first = (cell: string | undefined) => (cell ?? "").split(",")[0];

interface Tot {
  compared: number;
  agree: number;
}

describe.skipIf(captures.length === 0)("TCP analysis vs tshark goldens (corpus)", () => {
  const fields: Record<string, Tot> = {};
  const flags: Record<string, { tp: number; fp: number; fn: number }> = {};
  const flagSet: Tot = { compared: 0, agree: 0 };
  const info: Tot = { compared: 0, agree: 0 };
  const problems: string[] = [];

  test("every capture", () => {
    for (const c of captures) {
      const g = readPacketsGolden(c.name);
      if (!g.columns["tcp.stream"]) continue;
      const { table: t, tcp } = loadCapture(c.path);
      const frames = g.columns["frame.number"];
      for (let i = 0; i < g.rows; i++) {
        const row = Number(frames[i]) - 1;
        const theirsTcp = first(g.columns["tcp.stream"][i]) !== "";
        const oursTcp = row < t.length && (t.layers[row] & Layer.TCP) !== 0 && t.tcpStream[row] >= 0;
        if (!theirsTcp && !oursTcp) continue;
        const quoted = oursTcp && (t.layers[row] & Layer.ICMP_QUOTED) !== 0;
        for (const f of COMPARED_FIELDS) {
          if (!g.columns[f]) continue;
          if (quoted && f !== "tcp.stream" && f !== "tcp.seq") continue;
          const st = (fields[f] ??= { compared: 0, agree: 0 });
          st.compared++;
          const theirs = first(g.columns[f][i]);
          const ours = oursTcp ? ourField(tcp, t, row, f) : "";
          const ok = f.endsWith("_rtt") || f.endsWith(".rto") ? (ours === "" ? theirs === "" : theirs !== "" && Math.abs(Number(ours) - Number(theirs)) <= 1e-6) : f === "tcp.flags" ? ours !== "" && theirs !== "" && parseInt(ours, 16) === parseInt(theirs, 16) : ours === theirs;
          if (ok) st.agree++;
          else if (problems.length < 50) problems.push(`${c.name} #${row + 1} ${f}: ours=${ours} tshark=${theirs}`);
        }
        if (!oursTcp || !theirsTcp || quoted) continue;
        let same = true;
        for (const [bit, name] of TA_NAMES) {
          const col = g.columns[`tcp.analysis.${name}`];
          if (!col) continue;
          const theirs = first(col[i]) !== "";
          const ours = (t.tcpAnalysis[row] & bit) !== 0;
          const fs = (flags[name] ??= { tp: 0, fp: 0, fn: 0 });
          if (ours && theirs) fs.tp++;
          else if (ours) fs.fp++;
          else if (theirs) fs.fn++;
          if (ours !== theirs) same = false;
        }
        flagSet.compared++;
        if (same) flagSet.agree++;
        else if (problems.length < 50) problems.push(`${c.name} #${row + 1} flags differ`);
      }
      let n: ReturnType<typeof readPacketsNoTlsGolden> | null = null;
      try {
        n = readPacketsNoTlsGolden(c.name);
      } catch {
        n = null;
      }
      if (n && n.columns["_ws.col.Info"]) {
        const nf = n.columns["frame.number"];
        for (let i = 0; i < n.rows; i++) {
          const row = Number(nf[i]) - 1;
          if (row >= t.length || !(t.layers[row] & Layer.TCP) || t.layers[row] & Layer.ICMP_QUOTED || t.tcpStream[row] < 0) continue;
          if (n.columns["_ws.col.Protocol"] && n.columns["_ws.col.Protocol"][i] !== "TCP") continue;
          info.compared++;
          const ours = tcp.info(row).replace(" [TCP segment of a reassembled PDU]", "");
          const theirs = n.columns["_ws.col.Info"][i].replace(/ \[TCP segment of a reassembled PDU\]$/, "");
          if (ours === theirs) info.agree++;
          else if (problems.length < 50) problems.push(`${c.name} #${row + 1} info: ours=${ours} tshark=${theirs}`);
        }
      }
    }
    if (problems.length) console.log(problems.join("\n"));
    expect(flagSet.compared).toBeGreaterThan(0);
  });

  test("flag-set equality and per-flag precision/recall ≥ 99% (flags with ≥ 20 occurrences)", () => {
    expect(flagSet.agree / flagSet.compared).toBeGreaterThanOrEqual(0.999);
    for (const [name, s] of Object.entries(flags)) {
      if (s.tp + s.fn < 20) continue;
      expect(s.tp / (s.tp + s.fp), `${name} precision`).toBeGreaterThanOrEqual(0.99);
      expect(s.tp / (s.tp + s.fn), `${name} recall`).toBeGreaterThanOrEqual(0.99);
    }
  });

  test("stream/seq/ack/nxtseq/len/flags/window ≥ 99.9%, ack_rtt ≥ 99.5%", () => {
    for (const f of ["tcp.stream", "tcp.seq", "tcp.ack", "tcp.nxtseq", "tcp.len", "tcp.flags", "tcp.window_size"]) {
      const s = fields[f];
      expect(s, f).toBeDefined();
      expect(s.agree / s.compared, f).toBeGreaterThanOrEqual(0.999);
    }
    const r = fields["tcp.analysis.ack_rtt"];
    expect(r.agree / r.compared).toBeGreaterThanOrEqual(0.995);
    for (const f of ["tcp.analysis.acks_frame", "tcp.analysis.bytes_in_flight", "tcp.analysis.duplicate_ack_num", "tcp.analysis.initial_rtt"]) {
      const s = fields[f];
      if (s) expect(s.agree / s.compared, f).toBeGreaterThanOrEqual(0.995);
    }
  });

  test("TCP Info text ≥ 99.5% of TCP rows (tshark with application dissectors off)", () => {
    if (info.compared === 0) return;
    expect(info.agree / info.compared).toBeGreaterThanOrEqual(0.995);
  });
});
