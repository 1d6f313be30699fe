// ws_retrans_all_* = tshark's count of tcp.analysis.retransmission (every kind: plain, fast, spurious) per
// flow direction, checked on every capture of data/ and the shared corpus by running tshark directly.
// Skips cleanly without tshark or captures.
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { readCapture } from "../../lib/capture/capture";
import { buildFlows } from "../../lib/flows/index";
import { DATA_DIR, sharedCapturesDir } from "../helpers/golden";

const CAPTURE_RE = /\.(pcap|pcapng|cap)(\.gz)?$/;
function captures(): string[] {
  const out = new Map<string, string>();
  for (const dir of [DATA_DIR, sharedCapturesDir()]) {
    if (!dir || !fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).sort()) if (CAPTURE_RE.test(f) && !f.startsWith("bad-") && !f.startsWith("my-") && !out.has(f)) out.set(f, path.join(dir, f));
  }
  return [...out.values()];
}

const haveTshark = spawnSync("tshark", ["-v"], { stdio: "ignore" }).error === undefined;
const files = captures();

/** tshark -Y tcp.analysis.retransmission, counted per "stream sender:port". */
function tsharkRetrans(file: string): Map<string, number> {
  const out = execFileSync("tshark", ["-2", "-n", "-r", file, "-Y", "tcp.analysis.retransmission && !icmp && !icmpv6", "-T", "fields", "-E", "separator=/t",
    "-e", "tcp.stream", "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport"], { maxBuffer: 1 << 28, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const m = new Map<string, number>();
  for (const line of out.split("\n")) {
    const v = line.split("\t");
    if (v.length !== 4) continue;
    // the innermost occurrence: a tunnelled packet lists the outer IP header first
    const last = (x: string) => x.split(",").at(-1)!;
    const key = `${last(v[0])} ${last(v[1] || v[2])}:${last(v[3])}`;
    m.set(key, (m.get(key) ?? 0) + 1);
  }
  return m;
}

describe.skipIf(!haveTshark || files.length === 0)("ws_retrans_all = tshark tcp.analysis.retransmission", () => {
  let tsharkTotal = 0;
  let ourTotal = 0;
  let splitTotal = 0;
  for (const file of files) {
    it(path.basename(file), () => {
      let cap;
      try { cap = readCapture(file); } catch { return; }
      const ft = buildFlows(cap);
      const ts = tsharkRetrans(file);
      const mismatches: string[] = [];
      const seen = new Set<string>();
      for (let i = 0; i < ft.length; i++) {
        if (ft.get(i, "proto") !== "tcp") continue;
        const s = ft.get(i, "stream");
        for (const [dn, side] of [["a2b", "a"], ["b2a", "b"]]) {
          const key = `${s} ${ft.get(i, `addr_${side}`)}:${ft.get(i, `port_${side}`)}`;
          seen.add(key);
          const ours = (ft.get(i, `ws_retrans_all_${dn}`) as number | null) ?? 0;
          const split = ["ws_retrans", "ws_fast_retrans", "ws_spurious"].reduce((acc, c) => acc + ((ft.get(i, `${c}_${dn}`) as number | null) ?? 0), 0);
          const want = ts.get(key) ?? 0;
          tsharkTotal += want;
          ourTotal += ours;
          splitTotal += split;
          if (ours !== want) mismatches.push(`stream ${s} ${dn}: tshark ${want}, we ${ours}`);
          expect(ours, `stream ${s} ${dn}: split columns`).toBe(split);
        }
      }
      for (const [k, v] of ts) if (!seen.has(k)) mismatches.push(`tshark counts ${v} retransmissions for ${k}, which no flow direction has`);
      expect(mismatches).toEqual([]);
    });
  }
  it("totals", () => {
    fs.mkdirSync(path.resolve(__dirname, "../../test-output"), { recursive: true });
    fs.writeFileSync(path.resolve(__dirname, "../../test-output/flows-retrans-all.json"), JSON.stringify({ captures: files.length, tsharkTotal, ourTotal, splitTotal }, null, 1));
    expect(ourTotal).toBe(tsharkTotal);
    expect(splitTotal).toBe(tsharkTotal);
  });
});
