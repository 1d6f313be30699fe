/** Plots, buildFlows and describeConnection take a packet selection: a display filter or a table of packets. */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { describeConnection } from "../../lib/flows/index";
import { ioGraph, ladderDiagram, seqGraph } from "../../lib/plot/index";
import { buildPlot } from "../../lib/plot/command";
import { TA } from "../../lib/tcp/flags";
import { ROOT } from "../helpers/notebook";

const cap = readCapture(path.join(ROOT, "data", "lab-lossy.pcapng"));

/** Frame numbers a figure's traces carry in customdata (every marker/bar/arrow point), sorted and distinct. */
function framesOf(fig: { data: unknown[] }): number[] {
  const out = new Set<number>();
  for (const tr of fig.data as { customdata?: unknown[] }[]) for (const c of tr.customdata ?? []) if (typeof c === "number") out.add(c);
  return [...out].sort((a, b) => a - b);
}

describe("packet selections in plots and flow views", () => {
  it("seqGraph draws only the selected packets; the same selection as a filter or a table", () => {
    const all = framesOf(seqGraph(cap, { stream: 1 }));
    const byFilter = framesOf(seqGraph(cap, { stream: 1, filter: "tcp.len > 0" }));
    const byTable = framesOf(seqGraph(cap, { stream: 1, filter: cap.filter("tcp.stream == 1 && tcp.len > 0") }));
    const dataFrames = Array.from(cap.filter("tcp.stream == 1 && tcp.len > 0").column("no"));
    expect(all.length).toBeGreaterThan(byFilter.length);
    expect(byFilter.length).toBeGreaterThan(0);
    expect(byFilter.every((f) => dataFrames.includes(f))).toBe(true);
    expect(byTable).toEqual(byFilter);
    expect(() => seqGraph(cap, { stream: 1, filter: "udp" })).toThrow(/stream 1 has no packets in the filter's selection/);
    expect(() => seqGraph(cap, { stream: 1, filter: "tcp.lenn > 0" })).toThrow(/tcp\.lenn/);
    expect(() => seqGraph(cap, { stream: 1, filter: 42 as never })).toThrow(/display filter/);
  });

  it("ladderDiagram draws one arrow per selected packet", () => {
    const sel = cap.filter("tcp.stream == 0 && tcp.flags.syn == 1");
    const fig = ladderDiagram(cap, { filter: "tcp.stream == 0 && tcp.flags.syn == 1" });
    const arrows = (fig.layout as { annotations?: { showarrow?: boolean }[] }).annotations!.filter((a) => a.showarrow);
    expect(arrows.length).toBe(sel.length);
    expect(() => ladderDiagram(cap, { filter: "dns" })).toThrow(/selected by the filter/);
  });

  it("the CLI's figure builder passes the filter to seq/tcptrace/ladder and refuses it for the others", () => {
    const f = "tcp.stream == 0 && frame.number >= 200 && frame.number <= 230";
    expect(framesOf(buildPlot(cap, { stream: 0, kind: "tcptrace", filter: f }))).toEqual(framesOf(seqGraph(cap, { stream: 0, filter: f })));
    expect(JSON.stringify(buildPlot(cap, { stream: 0, kind: "ladder", filter: f }))).toBe(JSON.stringify(ladderDiagram(cap, { stream: 0, filter: f })));
    expect(() => buildPlot(cap, { stream: 0, kind: "rtt", filter: f })).toThrow(/applies to the seq, tcptrace, ladder kinds/);
  });

  it("ioGraph series take display filters (named by their text) as well as predicates", () => {
    const y = (fig: { data: unknown[] }, i: number) => (fig.data[i] as { y: number[] }).y;
    const byFilter = ioGraph(cap, { filter: "tcp.analysis.retransmission", interval: 0.1 });
    const byPred = ioGraph(cap, { filter: (r, c) => (c.packets.tcpAnalysis[r] & TA.RETRANSMISSION) !== 0, interval: 0.1 });
    expect((byFilter.data[1] as { name: string }).name).toBe("tcp.analysis.retransmission");
    expect(y(byFilter, 1)).toEqual(y(byPred, 1));
    expect(y(byFilter, 1).reduce((a, b) => a + b, 0)).toBe(cap.filter("tcp.analysis.retransmission").length);
    const named = ioGraph(cap, { filter: { retrans: "tcp.analysis.retransmission", syn: cap.filter("tcp.flags.syn == 1") }, all: false });
    expect(named.data.map((t) => (t as { name: string }).name)).toEqual(["retrans", "syn"]);
  });

  it("describeConnection takes a stream number or a selection of one stream's packets", () => {
    expect(describeConnection(cap, "tcp.stream == 1 && tcp.len > 0").text).toBe(describeConnection(cap, 1).text);
    expect(describeConnection(cap, cap.filter("tcp.stream == 0").tail(1)).text).toBe(describeConnection(cap, 0).text);
    expect(() => describeConnection(cap, "tcp")).toThrow(/selects packets of 3 TCP streams \(0, 1, 2\)/);
    expect(() => describeConnection(cap, "arp")).toThrow(/selects no TCP packet/);
  });

  it("cap.why takes Wireshark's frame number; whyTable lists every flag with its rule", () => {
    const f = cap.filter("tcp.analysis.fast_retransmission").get(0, "no") as number;
    expect(cap.why(f)).toEqual(cap.tcp.why(f - 1));
    expect(cap.why(f).map((w) => w.flag)).toContain("fast_retransmission");
    expect(() => cap.why(0)).toThrow(RangeError);
    expect(() => cap.why(cap.length + 1)).toThrow(/numbered 1…1121/);
    const wt = cap.whyTable();
    expect(new Set(wt.column("frame")).size).toBe(cap.filter("tcp.analysis.flags").length);
    const one = cap.whyTable(`frame.number == ${f}`);
    expect(one.column("flag")).toEqual(cap.why(f).map((w) => w.flag));
    expect(() => cap.whyTable(cap.filter("tcp").select(["src"]) as never)).toThrow(/needs its "no" column/);
  });
});
