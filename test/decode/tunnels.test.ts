// Tunnels and encapsulations (issue 18): every tunnelled packet of the byte-built fixtures
// (scripts/make-tunnel-fixtures.js) and of ../shared/captures-wave2 against tshark's goldens, the outer
// columns, and truncated tunnel headers on byte literals.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { Anomaly } from "../../lib/base/errors";
import { Layer } from "../../lib/table/layers";
import { MAX_NESTING } from "../../lib/decode/tunnel";
import { FIXTURE_TUNNELS_DIR, listGoldenCaptures, readPacketsGolden, splitAgg } from "../helpers/golden";
import { loadCapture } from "../../lib/read/load";
import { TA_NAMES } from "../../lib/tcp/flags";
import { COMPARED_FIELDS, ourField } from "../../lib/check/compare";

const TUNNEL_PROTOS = /:(pppoes|pppoed|mpls|gre|gtp|vxlan|geneve|erspan)(:|$)|:ip:(ip|ipv6):|:ipv6:(ip|ipv6):/;
/** The wave-2 tunnel captures (the permissive ones are also copied into data/). */
const WAVE2_TUNNELS = new Set([
  "pppoe-session-http.pcap", "gtp6_gtp_0x32.pcap", "vxlan-encapsulated-http.pcap", "gre-sample.pcap", "gre-erspan-vxlan.pcap",
  "mpls-basic.pcap", "ipv4_over_ipv4.pcap", "6in4tunnel.pcap", "tcpdump-geneve.pcap", "dot1ad.pcap",
]);
/** The tshark field holding each tunnel's id (tunnel_id column). */
const ID_FIELD: Record<string, string> = {
  PPPoE: "pppoe.session_id", "GTP-U": "gtp.teid", VXLAN: "vxlan.vni", Geneve: "geneve.vni", GRE: "gre.key", ERSPAN: "erspan.spanid", MPLS: "mpls.label",
};
const tunnelCaptures = listGoldenCaptures().filter((c) => c.source === "fixture" || WAVE2_TUNNELS.has(c.name));

const last = (cell: string) => {
  const v = splitAgg(cell);
  return v.length ? v[v.length - 1] : "";
};

describe("every tunnelled packet agrees with tshark -2 (Source, Destination, ports, tcp.stream, tunnel id)", () => {
  it("has the fixture goldens and the data/ copies of the wave-2 tunnel captures", () => {
    expect(tunnelCaptures.filter((c) => c.source === "fixture").length).toBeGreaterThanOrEqual(8);
    expect(tunnelCaptures.filter((c) => c.source === "data").length).toBe(9);
  });
  for (const c of tunnelCaptures) {
    it(`${c.source}/${c.name}`, () => {
      const g = readPacketsGolden(c.name);
      const cap = readCapture(c.path);
      expect(cap.length).toBe(g.rows);
      const bad: string[] = [];
      let tunnelled = 0;
      for (let i = 0; i < g.rows; i++) {
        const stack = g.columns["frame.protocols"][i];
        if (!TUNNEL_PROTOS.test(stack)) continue;
        tunnelled++;
        expect(cap.packets.layers[i] & Layer.TUNNEL, `#${i + 1} ${stack}`).not.toBe(0);
        const quoted = /:icmp(v6)?:ip(v6)?:/.test(stack);
        const want: Record<string, string> = { src: g.columns["_ws.col.Source"][i], dst: g.columns["_ws.col.Destination"][i] };
        if (!quoted) {
          want.srcport = last(g.columns["tcp.srcport"][i]) || last(g.columns["udp.srcport"][i]);
          want.dstport = last(g.columns["tcp.dstport"][i]) || last(g.columns["udp.dstport"][i]);
          want.stream = g.columns["tcp.stream"][i];
        }
        // tunnel_id: the id of the innermost tunnel that has one, as tshark's field of that protocol
        const chain = String(cap.column("tunnel", [i])[0] ?? "").split("/");
        for (let k = chain.length - 1; k >= 0; k--) {
          const field = ID_FIELD[chain[k]];
          const cell = field ? g.columns[field]?.[i] ?? "" : "";
          if (cell === "") continue;
          const vals = splitAgg(cell);
          want.tunnel_id = String(Number(chain[k] === "MPLS" ? vals[0] : vals[vals.length - 1]));
          break;
        }
        for (const [k, v] of Object.entries(want)) {
          const ours = String(cap.column(k, [i])[0] ?? "");
          if (ours !== v) bad.push(`#${i + 1} ${k}: ours=${ours} tshark=${v}`);
        }
      }
      expect(bad).toEqual([]);
      if (c.source === "fixture" && /^(gre|gtpu|ipip|mpls|pppoe|same-inner-tuple|vxlan-geneve)\.pcap$/.test(c.name)) expect(tunnelled).toBeGreaterThan(0);
    });
  }
});

describe("TCP fields and analysis flags of tunnelled TCP agree with tshark as on plain TCP", () => {
  it("every compared tcp.* field and every tcp.analysis flag on every tunnelled TCP row", () => {
    let rows = 0;
    const bad: string[] = [];
    for (const c of tunnelCaptures) {
      const g = readPacketsGolden(c.name);
      const { table: t, tcp } = loadCapture(c.path);
      for (let i = 0; i < g.rows; i++) {
        if (!(t.layers[i] & Layer.TUNNEL) || !(t.layers[i] & Layer.TCP) || t.layers[i] & Layer.ICMP_QUOTED) continue;
        rows++;
        for (const f of COMPARED_FIELDS) {
          const col = g.columns[f];
          if (!col) continue;
          const theirs = col[i].split(",")[0];
          const ours = ourField(tcp, t, i, f);
          const ok = f.endsWith("_rtt") || f.endsWith(".rto") ? (ours === "" ? theirs === "" : Math.abs(Number(ours) - Number(theirs)) <= 1e-6) : f === "tcp.flags" ? parseInt(ours, 16) === parseInt(theirs, 16) : ours === theirs;
          if (!ok) bad.push(`${c.name} #${i + 1} ${f}: ours=${ours} tshark=${theirs}`);
        }
        for (const [bit, name] of TA_NAMES) {
          const col = g.columns[`tcp.analysis.${name}`];
          if (col && (col[i] !== "") !== ((t.tcpAnalysis[i] & bit) !== 0)) bad.push(`${c.name} #${i + 1} tcp.analysis.${name}`);
        }
      }
    }
    expect(bad).toEqual([]);
    expect(rows).toBeGreaterThan(250);
  });
});

describe.skipIf(!fs.existsSync(path.join(FIXTURE_TUNNELS_DIR, "gre.pcap")))("outer layers as columns", () => {
  const fx = (n: string) => readCapture(path.join(FIXTURE_TUNNELS_DIR, n));
  const row = (cap: ReturnType<typeof readCapture>, i: number, names: string[]) => Object.fromEntries(names.map((n) => [n, cap.column(n, [i])[0]]));
  const COLS = ["tunnel", "tunnel_id", "outer_src", "outer_dst", "src", "dst", "srcport", "dstport", "protocol"];

  it("PPPoE: session id, PPP protocol; discovery and LCP named as tshark does", () => {
    const cap = fx("pppoe.pcap");
    expect(row(cap, 8, COLS)).toEqual({ tunnel: "PPPoE", tunnel_id: 0x1234, outer_src: null, outer_dst: null, src: "100.64.0.2", dst: "198.51.100.80", srcport: 50000, dstport: 80, protocol: "TCP" });
    expect(cap.packets.pppProto![8]).toBe(0x0021);
    expect(cap.packets.pppProto![16]).toBe(0x0057);
    expect([cap.protocol(0), cap.info(0)]).toEqual(["PPPoED", "Active Discovery Initiation (PADI)"]);
    expect(cap.info(1)).toBe("Active Discovery Offer (PADO) AC-Name='AC-1'");
    expect([cap.protocol(4), cap.info(4)]).toEqual(["PPP LCP", "Configuration Request"]);
    expect([cap.protocol(7), cap.info(7)]).toEqual(["PPP IPCP", "Configuration Request"]);
  });

  it("MPLS: label stack top first, one TCP stream across labelled and plain frames", () => {
    const cap = fx("mpls.pcap");
    expect(cap.column("mpls_labels", [0, 1, 8, 9])).toEqual(["29", null, "1000,16", "2000,17"]);
    expect(cap.column("tunnel_id", [8])).toEqual([1000]);
    expect(cap.column("stream", [0, 1, 2])).toEqual([0, 0, 0]);
  });

  it("GRE: key and sequence, PPTP call id, transparent Ethernet bridging, ERSPAN I-III, MPLS over GRE", () => {
    const cap = fx("gre.pcap");
    expect(row(cap, 0, COLS)).toEqual({ tunnel: "GRE", tunnel_id: 42, outer_src: "192.0.2.1", outer_dst: "192.0.2.2", src: "10.1.0.1", dst: "10.1.0.2", srcport: 41000, dstport: 80, protocol: "TCP" });
    expect(cap.packets.tunnelSeq![0]).toBe(1);
    expect(cap.column("tunnel_id", [1, 24, 25])).toEqual([43, 0x4001, 0x8001]);
    expect(cap.column("tunnel", [16, 24, 33, 34, 35, 36, 37])).toEqual(["GRE", "GRE", "GRE/ERSPAN", "GRE/ERSPAN", "GRE/ERSPAN", "GRE/ERSPAN", "GRE/MPLS"]);
    expect(cap.column("tunnel_id", [34, 35, 36])).toEqual([20, 30, 31]);
    expect([cap.protocol(32), cap.info(32), cap.column("src", [32])[0]]).toEqual(["GRE", "Encapsulated PPP", "192.0.2.2"]);
  });

  it("GTP-U: TEID, sequence number, extension headers; the Protocol column wraps the inner protocol", () => {
    const cap = fx("gtpu.pcap");
    expect(row(cap, 0, COLS)).toEqual({ tunnel: "GTP-U", tunnel_id: 0x1001, outer_src: "192.0.2.10", outer_dst: "192.0.2.20", src: "10.45.0.2", dst: "93.184.216.34", srcport: 43000, dstport: 5001, protocol: "GTP <TCP>" });
    expect(cap.packets.tunnelSeq![1]).toBe(100);
    expect(row(cap, 8, ["src", "srcport", "protocol", "tunnel_id"])).toEqual({ src: "2001:db8:45::2", srcport: 43001, protocol: "GTP <TCP>", tunnel_id: 0x1002 });
    expect([cap.protocol(16), cap.info(16), cap.column("srcport", [16])[0]]).toEqual(["GTP", "Echo request", 2152]);
    expect(cap.protocol(18)).toBe("GTP <ICMP>");
  });

  it("VXLAN and Geneve: VNI, options skipped, Ethernet or IP inside", () => {
    const cap = fx("vxlan-geneve.pcap");
    expect(row(cap, 0, ["tunnel", "tunnel_id", "outer_src", "src"])).toEqual({ tunnel: "VXLAN", tunnel_id: 100, outer_src: "198.18.0.1", src: "10.10.0.1" });
    expect(row(cap, 8, ["tunnel", "tunnel_id", "src", "dstport"])).toEqual({ tunnel: "Geneve", tunnel_id: 0xabcdef, src: "fd01::1", dstport: 22 });
    expect(row(cap, 16, ["tunnel", "tunnel_id", "src"])).toEqual({ tunnel: "Geneve", tunnel_id: 5, src: "10.11.0.1" });
    expect([cap.protocol(24), cap.info(24)]).toEqual(["ARP", "Who has 10.10.0.2? Tell 10.10.0.1"]);
  });

  it("IP in IP: 4in4, 6in4, 4in6, 6in6", () => {
    const cap = fx("ipip.pcap");
    expect(cap.column("tunnel", [0, 8, 16, 24])).toEqual(["IP-in-IP", "IPv6-in-IP", "IP-in-IP", "IPv6-in-IP"]);
    expect(cap.column("outer_src", [0, 16])).toEqual(["203.0.113.1", "2001:db8:f::1"]);
    expect(cap.column("src", [0, 8, 16, 24])).toEqual(["10.20.0.1", "2001:db8:20::1", "10.21.0.1", "2001:db8:21::1"]);
  });

  it("the same inner 5-tuple in two tunnels is one conversation, as in tshark (port reuse opens stream 1)", () => {
    const cap = fx("same-inner-tuple.pcap");
    expect(cap.column("stream")).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(cap.column("tunnel_id", [0, 8])).toEqual([1, 2]);
  });

  it("plain Ethernet/IP packets have no tunnel columns", () => {
    const cap = fx("tcp-options.pcap");
    expect(cap.packets.tunnel).toBeNull();
    expect(cap.packets.outerSrc).toBeNull();
    expect(cap.column("tunnel", [0])).toEqual([null]);
  });
});

describe("truncated and malformed tunnel headers never throw", () => {
  /** A pcap with one Ethernet frame. */
  function pcap(frame: number[]): Uint8Array {
    const h = [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0];
    const n = frame.length;
    const rec = [1, 0, 0, 0, 0, 0, 0, 0, n & 255, n >> 8, 0, 0, n & 255, n >> 8, 0, 0];
    return new Uint8Array([...h, ...rec, ...frame]);
  }
  const ETH = (type: number) => [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, type >> 8, type & 255];
  const IP4 = (proto: number, payload: number[]) => {
    const len = 20 + payload.length;
    return [0x45, 0, len >> 8, len & 255, 0, 1, 0, 0, 64, proto, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2, ...payload];
  };
  const UDP = (sp: number, dp: number, payload: number[]) => [sp >> 8, sp & 255, dp >> 8, dp & 255, 0, 8 + payload.length, 0, 0, ...payload];

  const cases: [string, number[]][] = [
    ["PPPoE session cut in its header", [...ETH(0x8864), 0x11, 0x00, 0x12]],
    ["PPPoE discovery cut", [...ETH(0x8863), 0x11]],
    ["MPLS stack without bottom of stack", [...ETH(0x8847), 0, 0x01, 0xd0, 0x40, 0, 0x02, 0x00, 0x40]],
    ["GRE with a key flag and no key", [...ETH(0x0800), ...IP4(47, [0x20, 0x00, 0x08, 0x00, 0, 0])]],
    ["GTP-U cut after 4 bytes", [...ETH(0x0800), ...IP4(17, UDP(2152, 2152, [0x30, 0xff, 0, 8]))]],
    ["GTP-U extension header of length 0", [...ETH(0x0800), ...IP4(17, UDP(2152, 2152, [0x34, 0xff, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0x85, 0, 0, 0, 0]))]],
    ["VXLAN cut", [...ETH(0x0800), ...IP4(17, UDP(50000, 4789, [8, 0, 0]))]],
    ["Geneve option length past the end", [...ETH(0x0800), ...IP4(17, UDP(50000, 6081, [0x3f, 0, 0x65, 0x58, 0, 0, 1, 0]))]],
    ["IP-in-IP with a 3-byte inner header", [...ETH(0x0800), ...IP4(4, [0x45, 0, 0])]],
  ];
  for (const [what, frame] of cases) {
    it(what, () => {
      const bytes = pcap(frame);
      const cap = readCapture(bytes);
      expect(cap.length).toBe(1);
      expect(cap.packets.anomaly?.[0] ?? 0).not.toBe(0);
      expect(() => cap.info(0)).not.toThrow();
    });
  }
  it("flags a cut tunnel header as tunnel_truncated", () => {
    const cap = readCapture(pcap([...ETH(0x0800), ...IP4(17, UDP(2152, 2152, [0x30, 0xff, 0, 8]))]));
    expect((cap.packets.anomaly![0] & Anomaly.TUNNEL_TRUNCATED) !== 0).toBe(true);
  });
  it("IP-in-IP nested 3000 deep: decoding stops after MAX_NESTING tunnels, flagged tunnel_too_deep (no stack overflow)", () => {
    let frame: number[] = UDP(1, 2, []);
    frame = IP4(17, frame);
    for (let i = 0; i < 3000; i++) frame = IP4(4, frame);
    const cap = readCapture(pcap([...ETH(0x0800), ...frame]));
    expect(cap.length).toBe(1);
    expect((cap.packets.anomaly![0] & Anomaly.TUNNEL_TOO_DEEP) !== 0).toBe(true);
    expect(String(cap.column("tunnel", [0])[0]).split("/").length).toBe(MAX_NESTING);
  });
});
