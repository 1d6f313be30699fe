// Flow table parity: tshark `-z conv,tcp|udp` + per-packet fields (flow count, per-direction frames
// and bytes) and `tcptrace -l -n -r` (RTT samples/min/max/avg, rexmt data pkts), run directly on
// every capture in data/ and the shared corpus. Skips cleanly without tshark/tcptrace or captures.
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { readCapture } from "../../lib/capture/capture";
import { analyzeFlows, buildFlows } from "../../lib/flows/index";

const ROOT = path.resolve(__dirname, "..", "..");

function sharedDir(): string | null {
  const env = process.env.PCAPFRAME_SHARED;
  const dir = env ? path.join(path.isAbsolute(env) ? env : path.resolve(ROOT, env), "captures") : path.resolve(ROOT, "../shared/captures");
  return fs.existsSync(dir) ? dir : null;
}

function have(cmd: string): boolean {
  return spawnSync(cmd, ["-v"], { stdio: "ignore" }).error === undefined;
}

const CAPTURE_RE = /\.(pcap|pcapng|cap)(\.gz)?$/;
function captures(): string[] {
  const out = new Map<string, string>();
  for (const dir of [path.join(ROOT, "data"), sharedDir()]) {
    if (!dir || !fs.existsSync(dir)) continue;
    // bad-* are broken on purpose; my-* are the user's own lab recordings (npm run lab), not part of the suite
    for (const f of fs.readdirSync(dir).sort()) if (CAPTURE_RE.test(f) && !f.startsWith("bad-") && !f.startsWith("my-") && !out.has(f)) out.set(f, path.join(dir, f));
  }
  return [...out.values()];
}

interface TtDir { samples: number; min: number; max: number; avg: number; rexmt: number; dupacks: number }
interface TtConn { a: string; b: string; packets: number; a2b: TtDir; b2a: TtDir }

/** tcptrace prints IPv6 partly expanded ("2001:0618:0400::5199:cc70"): normalise both sides. */
export function normEndpoint(ep: string): string {
  const i = ep.lastIndexOf(":");
  const addr = ep.slice(0, i);
  const port = ep.slice(i + 1);
  if (!addr.includes(":")) return ep;
  const [h, t] = addr.split("::");
  const hs = h ? h.split(":") : [];
  const tl = t !== undefined ? (t ? t.split(":") : []) : [];
  const fill = t !== undefined ? new Array(8 - hs.length - tl.length).fill("0") : [];
  return [...hs, ...fill, ...tl].map((g) => parseInt(g, 16).toString(16)).join(":") + ":" + port;
}

/** Parse `tcptrace -l -n -r` text. */
export function parseTcptrace(text: string): TtConn[] {
  const conns: TtConn[] = [];
  let cur: { a?: string; b?: string; packets?: number; l: Record<string, string>; r: Record<string, string> } | null = null;
  const flush = () => {
    if (!cur || !cur.a) return;
    const dir = (m: Record<string, string>): TtDir => ({
      samples: Number(m["RTT samples"] ?? 0), min: Number(m["RTT min"] ?? 0), max: Number(m["RTT max"] ?? 0),
      avg: Number(m["RTT avg"] ?? 0), rexmt: Number(m["rexmt data pkts"] ?? 0), dupacks: Number(m["duplicate acks"] ?? 0),
    });
    conns.push({ a: normEndpoint(cur.a), b: normEndpoint(cur.b!), packets: cur.packets ?? 0, a2b: dir(cur.l), b2a: dir(cur.r) });
  };
  for (const line of text.split("\n")) {
    if (/^TCP connection \d+:/.test(line)) { flush(); cur = { l: {}, r: {} }; continue; }
    if (!cur) continue;
    let m = /^\s+total packets: (\d+)$/.exec(line);
    if (m) { cur.packets = Number(m[1]); continue; }
    m = /^\s+host \w+:\s+(\S+)$/.exec(line);
    if (m) { if (!cur.a) cur.a = m[1]; else cur.b = m[1]; continue; }
    m = /^\s+(\S.*?):\s+(\S+) (\S*)\s+(\S.*?):\s+(\S+)/.exec(line);
    if (m) { cur.l[m[1]] = m[2]; cur.r[m[4]] = m[5]; }
  }
  flush();
  return conns;
}

/** One tshark pass: per stream frames/bytes per direction (keyed by sender endpoint) + conv,tcp/udp row counts. */
function tshark(file: string): { streams: Map<number, Map<string, { frames: number; bytes: number }>>; convTcp: number; convUdp: number } {
  const out = execFileSync("tshark", ["-n", "-r", file, "-Y", "tcp && !icmp && !icmpv6", "-T", "fields", "-E", "separator=/t",
    "-e", "tcp.stream", "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport", "-e", "frame.len", "-e", "frame.protocols", "-z", "conv,tcp", "-z", "conv,udp"],
    { maxBuffer: 1 << 30, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const streams = new Map<number, Map<string, { frames: number; bytes: number }>>();
  let section = "";
  let convTcp = 0, convUdp = 0;
  for (const line of out.split("\n")) {
    if (line.startsWith("TCP Conversations")) { section = "tcp"; continue; }
    if (line.startsWith("UDP Conversations")) { section = "udp"; continue; }
    if (section) {
      // a UDP tunnel's own conversation (GTP-U 2152, VXLAN 4789/4790, Geneve 6081) is not a flow: the flow table
      // keys each packet by its innermost transport (docs/protocol-differences.md)
      if (line.includes("<->")) { if (section === "tcp") convTcp++; else if (!/:(2152|4789|4790|6081)\s/.test(line)) convUdp++; }
      continue;
    }
    const v = line.split("\t");
    if (v.length !== 6) continue;
    const [s, ip4, ip6, port, len, protocols] = v;
    // the innermost IP header and TCP header (a tunnelled packet lists the outer ones first): the last of
    // ip/ipv6 in frame.protocols says which family is innermost
    const layers = protocols.split(":");
    const innerIs6 = layers.lastIndexOf("ipv6") > layers.lastIndexOf("ip");
    const last = (x: string) => x.split(",").at(-1)!;
    const st = Number(last(s));
    const src = `${last(innerIs6 ? ip6 : ip4)}:${last(port)}`;
    let m = streams.get(st);
    if (!m) streams.set(st, (m = new Map()));
    const e = m.get(src) ?? { frames: 0, bytes: 0 };
    e.frames++;
    e.bytes += Number(len);
    m.set(src, e);
  }
  return { streams, convTcp, convUdp };
}

const tools = have("tshark") && spawnSync("tcptrace", ["-v"], { stdio: "ignore" }).error === undefined;
const files = captures();

export interface ParityTotals {
  tcpFlows: number; tcpFlowsExact: number; convMismatch: string[];
  dirs: number; dirsWithSamples: number; split: string[]; splitDirs: number; splitDirsWithSamples: number; rttExact: number; rexmtExact: number; dupExact: number; dupMismatch: string[]; rttMismatch: string[]; rexmtMismatch: string[];
  udpConvMismatch: string[];
}

export function parity(list: string[]): ParityTotals {
  const tot: ParityTotals = { tcpFlows: 0, tcpFlowsExact: 0, convMismatch: [], dirs: 0, dirsWithSamples: 0, split: [], splitDirs: 0, splitDirsWithSamples: 0, rttExact: 0, rexmtExact: 0, dupExact: 0, dupMismatch: [], rttMismatch: [], rexmtMismatch: [], udpConvMismatch: [] };
  for (const file of list) {
    const name = path.basename(file);
    let cap;
    try { cap = readCapture(file); } catch { continue; }
    const fa = analyzeFlows(cap);
    const ft = fa.table;
    const tcpRows: number[] = [];
    for (let i = 0; i < ft.length; i++) if (ft.get(i, "proto") === "tcp") tcpRows.push(i);
    // --- tshark
    const tsr = tshark(file);
    const nConvTcp = tsr.convTcp;
    if (nConvTcp !== tcpRows.length) tot.convMismatch.push(`${name}: tshark ${nConvTcp} TCP conversations, we ${tcpRows.length}`);
    const nUdp = ft.column("proto").filter((p) => p === "udp").length;
    const nConvUdp = tsr.convUdp;
    if (nConvUdp !== nUdp) tot.udpConvMismatch.push(`${name}: tshark ${nConvUdp} UDP conversations, we ${nUdp}`);
    const ts = tsr.streams;
    for (const i of tcpRows) {
      tot.tcpFlows++;
      const s = ft.get(i, "stream") as number;
      const m = ts.get(s);
      const a = `${ft.get(i, "addr_a")}:${ft.get(i, "port_a")}`;
      const b = `${ft.get(i, "addr_b")}:${ft.get(i, "port_b")}`;
      const ea = m?.get(a) ?? { frames: 0, bytes: 0 };
      const eb = m?.get(b) ?? { frames: 0, bytes: 0 };
      if (m && ea.frames === ft.get(i, "pkts_a2b") && ea.bytes === ft.get(i, "bytes_a2b") && eb.frames === ft.get(i, "pkts_b2a") && eb.bytes === ft.get(i, "bytes_b2a")) tot.tcpFlowsExact++;
      else tot.convMismatch.push(`${name} stream ${s}: tshark a2b ${ea.frames}/${ea.bytes} b2a ${eb.frames}/${eb.bytes}; we ${ft.get(i, "pkts_a2b")}/${ft.get(i, "bytes_a2b")} ${ft.get(i, "pkts_b2a")}/${ft.get(i, "bytes_b2a")}`);
    }
    // --- tcptrace: match each connection to the flow with the same endpoints and packet count
    const r = spawnSync("tcptrace", ["-l", "-n", "-r", file], { encoding: "utf8", maxBuffer: 1 << 30 });
    const tt = parseTcptrace(r.stdout ?? "");
    const used = new Set<number>();
    const epA = (k: number) => normEndpoint(`${ft.get(k, "addr_a")}:${ft.get(k, "port_a")}`);
    const epB = (k: number) => normEndpoint(`${ft.get(k, "addr_b")}:${ft.get(k, "port_b")}`);
    const total = (k: number) => (ft.get(k, "pkts_a2b") as number) + (ft.get(k, "pkts_b2a") as number);
    for (const c of tt) {
      const same = (k: number) => !used.has(k) && ((epA(k) === c.a && epB(k) === c.b) || (epA(k) === c.b && epB(k) === c.a));
      const i = tcpRows.find((k) => same(k) && total(k) === c.packets);
      if (i === undefined) {
        // counted as failures in the ratios: tcptrace split (or merged) the Wireshark stream
        tot.dirs += 2;
        tot.dirsWithSamples += (c.a2b.samples > 0 ? 1 : 0) + (c.b2a.samples > 0 ? 1 : 0);
        tot.splitDirs += 2;
        tot.splitDirsWithSamples += (c.a2b.samples > 0 ? 1 : 0) + (c.b2a.samples > 0 ? 1 : 0);
        tot.split.push(`${name}: tcptrace connection ${c.a} - ${c.b} (${c.packets} pkts) has no flow with the same packets (tcptrace split the Wireshark stream)`);
        continue;
      }
      used.add(i);
      const swapped = epA(i) !== c.a;
      for (const [td, ours] of [[c.a2b, swapped ? "b2a" : "a2b"], [c.b2a, swapped ? "a2b" : "b2a"]] as [TtDir, string][]) {
        tot.dirs++;
        const n = ft.get(i, `rtt_samples_${ours}`) as number;
        if (n > 0 || td.samples > 0) tot.dirsWithSamples++;
        const close = (ms: number, s: number | null) => s === null ? ms === 0 : Math.abs(Number((s * 1000).toFixed(1)) - ms) <= Math.max(0.1, ms * 0.01);
        const okRtt = n === td.samples && (n === 0 || (close(td.min, ft.get(i, `rtt_min_${ours}`) as number) && close(td.max, ft.get(i, `rtt_max_${ours}`) as number) && close(td.avg, ft.get(i, `rtt_avg_${ours}`) as number)));
        if (okRtt && (n > 0 || td.samples > 0)) tot.rttExact++;
        if (!okRtt) tot.rttMismatch.push(`${name} stream ${ft.get(i, "stream")} ${ours}: tcptrace n=${td.samples} min/avg/max ${td.min}/${td.avg}/${td.max}; we n=${n} ${[ft.get(i, `rtt_min_${ours}`), ft.get(i, `rtt_avg_${ours}`), ft.get(i, `rtt_max_${ours}`)].map((x) => x === null ? "-" : ((x as number) * 1000).toFixed(1)).join("/")}`);
        if (ft.get(i, `retrans_pkts_${ours}`) === td.rexmt) tot.rexmtExact++;
        else tot.rexmtMismatch.push(`${name} stream ${ft.get(i, "stream")} ${ours}: tcptrace rexmt ${td.rexmt}, we ${ft.get(i, `retrans_pkts_${ours}`)}`);
        if (ft.get(i, `dup_acks_tt_${ours}`) === td.dupacks) tot.dupExact++;
        else tot.dupMismatch.push(`${name} stream ${ft.get(i, "stream")} ${ours}: tcptrace duplicate acks ${td.dupacks}, we ${ft.get(i, `dup_acks_tt_${ours}`)}`);
      }
    }
    void fa;
  }
  return tot;
}

describe.skipIf(!tools || files.length === 0)("flows vs tshark / tcptrace", () => {
  const all: ParityTotals[] = [];
  for (const file of files) {
    it(`parity on ${path.basename(file)}`, () => {
      all.push(parity([file]));
    });
  }
  it("meets the done-when thresholds (numbers in test-output/flows-parity.json)", () => {
    const tot: ParityTotals = { tcpFlows: 0, tcpFlowsExact: 0, convMismatch: [], dirs: 0, dirsWithSamples: 0, split: [], splitDirs: 0, splitDirsWithSamples: 0, rttExact: 0, rexmtExact: 0, dupExact: 0, dupMismatch: [], rttMismatch: [], rexmtMismatch: [], udpConvMismatch: [] };
    for (const p of all) {
      for (const k of Object.keys(tot) as (keyof ParityTotals)[]) {
        if (Array.isArray(tot[k])) (tot[k] as string[]).push(...(p[k] as string[]));
        else (tot[k] as number) += p[k] as number;
      }
    }
    fs.mkdirSync(path.join(ROOT, "test-output"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, "test-output", "flows-parity.json"), JSON.stringify(tot, null, 1));
    expect(tot.convMismatch.filter((m) => m.includes("conversations"))).toEqual([]);
    expect(tot.udpConvMismatch).toEqual([]);
    expect(tot.tcpFlowsExact / tot.tcpFlows).toBeGreaterThanOrEqual(0.99);
    if (sharedDir()) {
      // issue 4's done-when, over the shared corpus (+ data/): connections tcptrace splits count as failures
      expect(tot.rttExact / tot.dirsWithSamples).toBeGreaterThanOrEqual(0.95);
      expect(tot.rexmtExact / tot.dirs).toBeGreaterThanOrEqual(0.95);
      expect(tot.dupExact / tot.dirs, tot.dupMismatch.slice(0, 8).join("\n")).toBeGreaterThanOrEqual(0.95);
      // every connection tcptrace does not split agrees exactly (docs/flows-differences.md, "duplicate acks")
      expect(tot.dupMismatch).toEqual([]);
    } else {
      // data/ alone (a clone without the team's corpus): one capture holds most of the connections tcptrace
      // splits, so the ratios are taken over the connections it does not split, where every one must agree
      expect(tot.rttMismatch).toEqual([]);
      expect(tot.rexmtMismatch).toEqual([]);
      expect(tot.dupMismatch).toEqual([]);
      expect(tot.rttExact).toBe(tot.dirsWithSamples - tot.splitDirsWithSamples);
      expect(tot.dirs - tot.splitDirs).toBeGreaterThan(100);
    }
  });
});

describe("flow table API", () => {
  const file = path.join(ROOT, "data", "retransmit-fast009.pcap");
  it.skipIf(!fs.existsSync(file))("rows, records, CSV", () => {
    const cap = readCapture(file);
    const ft = buildFlows(cap);
    expect(ft.length).toBe(1);
    const r = ft.toRecords({ rows: [0] })[0];
    expect(r.proto).toBe("tcp");
    expect(r.port_b).toBe(80);
    expect(r.state).toBe("RSTO");
    expect(String(r.history).startsWith("ShAD")).toBe(true);
    expect(ft.toRecords().length).toBe(1);
    const csv = ft.toCSV({ columns: ["stream", "proto", "rtt_samples_b2a"] });
    expect(csv.split("\n")[0]).toBe("stream,proto,rtt_samples_b2a");
    expect(buildFlows(cap)).toBe(ft); // cached
  });
});
