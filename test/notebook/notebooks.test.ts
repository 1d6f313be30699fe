/**
 * Executes every notebook in notebooks/ through the real tslab kernel (scripts/run-notebooks.py) and
 * checks the outputs: no errors or stderr, plots present, and the key facts of the lab report shown
 * with the values readCapture computes here. Every notebook also runs on three captures of other shapes
 * (PCAPFRAME_FILE): a notebook whose phenomenon is absent must say so, not crash. A static check keeps the
 * notebooks on the library (one import from "pcapframe", no raw typed-array reads, no bit masks).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildFlows, exportObjects, httpExchanges, readCapture, TA } from "../../lib/index";
import { TA_NAMES } from "../../lib/tcp/flags";
import { launchChromium } from "../../lib/plot/browser";
import { chromiumAvailable, openHtmlOffline } from "../helpers/browser";
import { displayDataOf, mimeText, notebookSkipReason, outputsOf, ROOT, runNotebook, stderrOf, type NotebookJson, type NotebookRun } from "../helpers/notebook";

const PLOTLY_MIME = "application/vnd.plotly.v1+json";
const NB_DIR = path.join(ROOT, "notebooks");
const NOTEBOOKS = fs.existsSync(NB_DIR) ? fs.readdirSync(NB_DIR).filter((f) => f.endsWith(".ipynb")).sort() : [];
const PARALLEL = 2;
/** Captures of other shapes every notebook must run on: loss with a RST and no FIN; IPv6 with four HTTP streams and no teardown; no TCP at all. */
const OTHER_CAPTURES = ["retransmit-fast009.pcap", "four_ipv6_http_streams.pcap", "dot1ad.pcap"];
const skip = notebookSkipReason();
if (skip) console.warn(`notebook tests skipped: ${skip}`);

/** The code cells of a committed notebook, joined. */
function codeOf(name: string): string {
  const nb = JSON.parse(fs.readFileSync(path.join(NB_DIR, name), "utf8")) as NotebookJson;
  return nb.cells.filter((c) => c.cell_type === "code").map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source)).join("\n");
}

describe("notebooks/*.ipynb teach the library, not work around it", () => {
  it.each(NOTEBOOKS)("%s: one import, from \"pcapframe\"; no ../dist, raw typed-array reads, bit masks or row loops", (name) => {
    const code = codeOf(name);
    const imports = code.match(/^\s*import\b.*$/gm) ?? [];
    expect(imports, "exactly one import line").toHaveLength(1);
    expect(imports[0]).toMatch(/^import \{[^}]+\} from "pcapframe";$/);
    expect(code).not.toMatch(/\brequire\(/);
    expect(code).not.toContain("../dist");
    expect(code, "raw typed-array reads").not.toMatch(/\.packets\.|\btcpAnalysis\b|\btcpFlags\b|\btcpStream\b/);
    expect(code, "analysis bit constants").not.toMatch(/\b(TA|TcpFlag)\./);
    expect(code, "a bit mask").not.toMatch(/(?<![&|])&(?![&|])\s*(0x|[A-Z]\w*\.)/);
    expect(code, "0-based row APIs (cap.tcp.*, relativeTime(row), protocol(row), info(row))").not.toMatch(/\bcap\.(tcp\.|relativeTime\(|protocol\(|info\(|epoch\()/);
    expect(code, "a loop over every row").not.toMatch(/for\s*\(\s*let\s+\w+\s*=\s*0\s*;\s*\w+\s*<\s*cap\.length/);
    expect(code, "a per-notebook prose helper").not.toMatch(/\bconst\s+(say|ms|packets)\s*=|function\s+(say|ms|packets)\b/);
  });
});

/** All text the notebook shows: text/plain and text/html of displays, and stdout (white space runs as one space). */
function textOf(nb: NotebookJson): string {
  return outputsOf(nb)
    .map((o) => (o.output_type === "stream" ? (Array.isArray(o.text) ? o.text.join("") : o.text ?? "") : ["text/plain", "text/html"].filter((m) => o.data && m in o.data).map((m) => mimeText(o, m)).join("\n")))
    .join("\n")
    .replace(/\s+/g, " ");
}

describe.skipIf(!!skip)("notebooks/*.ipynb execute cleanly and show the lab's facts", () => {
  const runs = new Map<string, NotebookRun>();
  /** Runs on OTHER_CAPTURES, by "<capture>/<notebook>". */
  const otherRuns = new Map<string, NotebookRun>();
  /** Per notebook, per plot: frames of the points Chromium drew, by trace kind (filled by the render test). */
  const drawnByNotebook = new Map<string, Record<string, number[]>[]>();

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, "dist", "index.js"))) throw new Error("dist/ missing: run npm run build first");
    // one queue, PARALLEL kernels at a time: the lab capture (with HTML), then every other capture (no HTML)
    const queue: { name: string; capture?: string }[] = [
      ...NOTEBOOKS.map((name) => ({ name })),
      ...OTHER_CAPTURES.flatMap((capture) => NOTEBOOKS.map((name) => ({ name, capture }))),
    ];
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const nb = path.join("notebooks", job.name);
        if (!job.capture) runs.set(job.name, await runNotebook(nb, { cellTimeoutS: 120 }));
        else {
          const env = { PCAPFRAME_FILE: path.join(ROOT, "data", job.capture) };
          otherRuns.set(`${job.capture}/${job.name}`, await runNotebook(nb, { cellTimeoutS: 120, env, html: false }));
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  }, 900_000);

  it("has notebooks 00–10, committed without outputs, with the tslab kernelspec", () => {
    expect(NOTEBOOKS.map((n) => n.slice(0, 2))).toEqual(expect.arrayContaining(["00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10"]));
    for (const n of NOTEBOOKS) expect(n).toMatch(/^\d\d-[a-z0-9-]+\.ipynb$/);
    for (const n of NOTEBOOKS) {
      const nb = JSON.parse(fs.readFileSync(path.join(NB_DIR, n), "utf8")) as NotebookJson;
      expect(nb.nbformat).toBe(4);
      expect(nb.metadata.kernelspec.name).toBe("tslab");
      for (const c of nb.cells.filter((x) => x.cell_type === "code")) {
        expect(c.outputs, n).toEqual([]);
        expect(c.execution_count, n).toBeNull();
      }
    }
  });

  it.each(NOTEBOOKS)("%s runs without errors or stderr, in under 60 s, and shows plots", (name) => {
    const run = runs.get(name)!;
    expect(stderrOf(run.nb), name).toEqual([]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const code = run.nb.cells.filter((c) => c.cell_type === "code");
    expect(code.every((c) => typeof c.execution_count === "number"), "every cell executed").toBe(true);
    expect(run.durationMs).toBeLessThan(60_000);
    const figs = displayDataOf(run.nb, PLOTLY_MIME);
    expect(figs.length, "plotly outputs").toBeGreaterThan(0);
    for (const f of figs) {
      expect(Object.keys(f.data!)).toEqual(expect.arrayContaining([PLOTLY_MIME, "text/html", "text/plain"]));
      expect((f.data![PLOTLY_MIME] as { data: unknown[] }).data.length).toBeGreaterThan(0);
    }
  });

  it.each(OTHER_CAPTURES)("every notebook runs on data/%s without errors or stderr", (capture) => {
    for (const name of NOTEBOOKS) {
      const run = otherRuns.get(`${capture}/${name}`)!;
      expect(stderrOf(run.nb), `${name} on ${capture}`).toEqual([]);
      expect(run.exitCode, `${name} on ${capture}: ${run.stdout}${run.stderr}`).toBe(0);
      const code = run.nb.cells.filter((c) => c.cell_type === "code");
      expect(code.every((c) => typeof c.execution_count === "number"), `${name} on ${capture}: every cell executed`).toBe(true);
    }
  });

  it("notebooks say so when a capture lacks the phenomenon they show", () => {
    const text = (capture: string, name: string) => textOf(otherRuns.get(`${capture}/${name}`)!.nb);
    expect(text("dot1ad.pcap", "01-three-way-handshake.ipynb")).toContain("no complete three-way handshake");
    expect(text("dot1ad.pcap", "03-data-transfer.ipynb")).toContain("no TCP payload");
    expect(text("four_ipv6_http_streams.pcap", "04-loss-and-recovery.ipynb")).toContain("no fast retransmission");
    expect(text("four_ipv6_http_streams.pcap", "05-teardown.ipynb")).toContain("no connection closed by a complete four-way FIN handshake");
    expect(text("dot1ad.pcap", "08-your-own-capture.ipynb")).toContain("No TCP streams in this capture");
    expect(text("retransmit-fast009.pcap", "04-loss-and-recovery.ipynb")).toContain("The capture has 1 fast retransmission, ");
  });

  it("00 and 08 show the summary card and the busiest stream", () => {
    const cap = readCapture(path.join(ROOT, "data", "lab-lossy.pcapng"));
    const t0 = textOf(runs.get("00-quickstart.ipynb")!.nb);
    expect(t0).toContain(`${cap.length} packets`);
    const top = cap.groupBy("stream").agg({ tcp_len: "sum" }).sortBy("tcp_len_sum", { descending: true });
    expect(t0).toContain(`The busiest stream is ${top.get(0, "stream")}: ${top.get(0, "tcp_len_sum")} payload bytes`);
    const clean = readCapture(path.join(ROOT, "data", "lab-clean.pcapng"));
    const t8 = textOf(runs.get("08-your-own-capture.ipynb")!.nb);
    expect(t8).toContain(`${clean.length} packets`);
    const busiest = clean.valueCounts("stream");
    expect(t8).toContain(`Stream ${busiest.get(0, "stream")} has ${busiest.get(0, "count")} of the capture's ${clean.length} packets`);
    expect(t8).toContain(`matches ${clean.filter("tcp.flags.syn == 1 && tcp.flags.ack == 0").length} of ${clean.length} packets`);
  });

  it("01 shows the handshake frames readCapture finds", () => {
    const cap = readCapture(path.join(ROOT, "data", "lab-lossy.pcapng"));
    const text = textOf(runs.get("01-three-way-handshake.ipynb")!.nb);
    const streams = cap.tcp.streams();
    expect(streams.length).toBeGreaterThan(0);
    for (const s of streams) {
      let ack = -1;
      for (let r = s.synAckRow + 1; r <= s.lastRow && ack < 0; r++) if (cap.packets.tcpStream[r] === s.index && cap.tcp.dir(r) === cap.tcp.dir(s.synRow)) ack = r;
      expect(text).toContain(`Stream ${s.index}: SYN = frame ${s.synRow + 1}, SYN/ACK = frame ${s.synAckRow + 1}, ACK = frame ${ack + 1}`);
    }
    expect(text).toContain(`MSS ${streams[0].mss[0]}`);
  });

  it("02 shows the negotiated cipher suite and the ClientHello/ServerHello frames", () => {
    const cap = readCapture(path.join(ROOT, "data", "lab-lossy.pcapng"));
    const text = textOf(runs.get("02-tls-handshake.ipynb")!.nb);
    expect(text).toContain("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    const s0 = Math.min(...cap.app.tlsStreams());
    const t = cap.app.streamTls(s0)!;
    expect(text).toContain(`ClientHello in frame ${t.clientHelloFrame}, ServerHello in frame ${t.serverHelloFrame}`);
    expect(text).toContain("renegotiation_info");
    expect(text).toContain("lab-lossy.keylog");
  });

  it("03 counts the server's full-size segments and the client's pure ACKs", () => {
    const cap = readCapture(path.join(ROOT, "data", "lab-lossy.pcapng"));
    const text = textOf(runs.get("03-data-transfer.ipynb")!.nb);
    const data = cap.filter("tcp.stream == 0 && tcp.srcport == 443 && tcp.len > 0");
    const full = data.filter("tcp.len == 1448").length;
    expect(full).toBeGreaterThan(0);
    expect(text).toContain(`${data.length} data segments from the server: ${full} (`);
    const [first, last] = [data.get(0, "no"), data.get(data.length - 1, "no")];
    const pure = cap.filter(`tcp.stream == 0 && tcp.srcport != 443 && frame.number > ${first} && frame.number < ${last} && tcp.len == 0`).length;
    expect(text).toContain(`${pure} pure ACKs`);
  });

  it("07 shows tcptrace's and Wireshark's retransmission counts from the flow table", () => {
    const flows = buildFlows(readCapture(path.join(ROOT, "data", "lab-lossy.pcapng"))).filter((f) => f.proto === "tcp");
    const sum = (c: string) => flows.column(c).reduce((a: number, b) => a + (b as number), 0);
    const text = textOf(runs.get("07-rtt-and-retransmission-statistics.ipynb")!.nb);
    expect(sum("ws_retrans_all_b2a")).toBeGreaterThan(0);
    expect(text).toContain(`tcptrace counts ${sum("retrans_pkts_b2a")} retransmitted packets and ${sum("out_of_order_b2a")} out-of-order ones; Wireshark flags ${sum("ws_retrans_all_b2a")} retransmissions`);
  });

  it("04 reports as many fast retransmissions as the analysis finds", () => {
    const cap = readCapture(path.join(ROOT, "data", "lab-lossy.pcapng"));
    let fast = 0;
    for (let r = 0; r < cap.length; r++) if (cap.packets.tcpAnalysis[r] & TA.FAST_RETRANSMISSION) fast++;
    expect(fast).toBeGreaterThan(0);
    expect(cap.filter("tcp.analysis.fast_retransmission").length).toBe(fast);
    const text = textOf(runs.get("04-loss-and-recovery.ipynb")!.nb);
    expect(text).toContain(`${fast} fast retransmissions`);
    expect(text).toContain("fast_retransmission");
    expect(text).toMatch(/dup ACKs from the peer \(frames [\d, ]+\)/);
  });

  it("05 and 06 name the closing frames and the idle connection", () => {
    const t5 = textOf(runs.get("05-teardown.ipynb")!.nb);
    expect(t5).toMatch(/closes in four steps/);
    expect(t5).toMatch(/answers with RST in frame \d+/);
    const t6 = textOf(runs.get("06-parallel-connections.ipynb")!.nb);
    expect(t6).toMatch(/carried no request/);
  });

  it.skipIf(!chromiumAvailable())("every notebook's HTML renders all its plots offline in Chromium", async () => {
    const browser = await launchChromium();
    try {
      for (const name of NOTEBOOKS) {
        const run = runs.get(name)!;
        const expected = displayDataOf(run.nb, PLOTLY_MIME).length;
        const page = await openHtmlOffline(run.htmlPath, { expectPlots: expected, screenshotName: `notebook-${name.slice(0, 2)}.png`, browser });
        expect(page.pageErrors, name).toEqual([]);
        expect(page.blockedRequests, name).toEqual([]);
        expect(page.plots, name).toBe(expected);
        expect(page.mainSvgs, name).toBeGreaterThanOrEqual(expected);
        drawnByNotebook.set(name, page.drawn);
      }
    } finally {
      await browser.close();
    }
  }, 300_000);

  it.skipIf(!chromiumAvailable())("06: the drawn tcptrace graph of two connections has one marker per analysis flag, both directions", () => {
    const name = "06-parallel-connections.ipynb";
    const figs = displayDataOf(runs.get(name)!.nb, PLOTLY_MIME).map((o) => o.data![PLOTLY_MIME] as { data: { meta?: { kind?: string; stream?: number; dir?: number } }[] });
    const k = figs.findIndex((f) => f.data.some((t) => t.meta?.kind === "ack"));
    expect(k, "a sequence graph in 06").toBeGreaterThanOrEqual(0);
    const streams = [...new Set(figs[k].data.map((t) => t.meta?.stream).filter((x) => x !== undefined))];
    const dirs = new Set(figs[k].data.map((t) => t.meta?.dir));
    expect(streams.length, "two connections on one time axis").toBeGreaterThanOrEqual(2);
    expect([...dirs].sort(), "both directions").toEqual([0, 1]);
    const drawn = { ...drawnByNotebook.get(name)![k] };
    // the third duplicate ACK of a run is its own marker kind ("3": the fast-retransmit trigger)
    drawn.duplicate_ack = [...(drawn.duplicate_ack ?? []), ...(drawn.dup_ack_3 ?? [])];
    const cap = readCapture(path.join(ROOT, "data", "lab-lossy.pcapng"));
    const framesWith = (test: (bits: number) => boolean): number[] => {
      const out: number[] = [];
      for (let r = 0; r < cap.length; r++) if (streams.includes(cap.packets.tcpStream[r]) && test(cap.packets.tcpAnalysis[r])) out.push(r + 1);
      return out;
    };
    const sorted = (a: number[] | undefined) => [...(a ?? [])].sort((x, y) => x - y);
    let flagsSeen = 0;
    for (const [bit, kind] of TA_NAMES) {
      if (bit & (TA.RETRANSMISSION | TA.FAST_RETRANSMISSION | TA.SPURIOUS_RETRANSMISSION)) continue;
      const want = framesWith((b) => (b & bit) !== 0);
      flagsSeen += want.length;
      expect(sorted(drawn[kind]), kind).toEqual(want);
    }
    const retx = sorted(["retransmission", "fast_retransmission", "spurious_retransmission"].flatMap((kind) => drawn[kind] ?? []));
    expect(retx, "retransmission markers").toEqual(framesWith((b) => (b & (TA.RETRANSMISSION | TA.FAST_RETRANSMISSION | TA.SPURIOUS_RETRANSMISSION)) !== 0));
    expect(sorted(drawn.fast_retransmission)).toEqual(framesWith((b) => (b & TA.FAST_RETRANSMISSION) !== 0));
    expect(flagsSeen + retx.length, "the lossy capture has flagged packets in these streams").toBeGreaterThan(20);
    expect(drawn.fast_retransmission?.length ?? 0).toBeGreaterThan(0);
    expect(drawn.duplicate_ack?.length ?? 0).toBeGreaterThan(0);
  });
  it("10 converts the captures (progress line, packet and flow counts) and ranks connections by retransmission rate", () => {
    const text = textOf(runs.get("10-many-captures.ipynb")!.nb);
    const files = ["lab-lossy.pcapng", "lab-clean.pcapng", "http2-nghttp2.pcap", "retransmit-fast009.pcap", "four_ipv6_http_streams.pcap"];
    let packets = 0;
    let flows = 0;
    // the worst retransmission rate over every TCP connection of every file (Wireshark's retransmission flags)
    let worst = { rate: -1, retrans: 0, packets: 0 };
    for (const f of files) {
      const cap = readCapture(path.join(ROOT, "data", f));
      packets += cap.length;
      flows += buildFlows(cap).length;
      const per = new Map<number, [number, number]>();
      for (let r = 0; r < cap.length; r++) {
        const s = cap.packets.tcpStream[r];
        if (s < 0) continue;
        const c = per.get(s) ?? [0, 0];
        c[0]++;
        if (cap.packets.tcpAnalysis[r] & TA.RETRANSMISSION) c[1]++;
        per.set(s, c);
      }
      for (const [n, k] of per.values()) if (k / n > worst.rate) worst = { rate: k / n, retrans: k, packets: n };
    }
    expect(text).toMatch(/done in [\d.]+ s: \[#{24}\] 100% /);
    expect(text).toContain(`Converted 5 file(s): ${packets} packets and ${flows} flows.`);
    expect(worst.retrans).toBeGreaterThan(0);
    expect(text).toContain(`${worst.retrans} of ${worst.packets} packets retransmitted`);
    expect(text).toContain("Dataset folder removed.");
    // on a capture without TCP it says so instead of showing an empty ranking
    expect(textOf(otherRuns.get("dot1ad.pcap/10-many-captures.ipynb")!.nb)).toContain("These captures have no TCP connection.");
  });

  it("09 shows the decrypted page: requests with frame numbers, the 206 range answers, the objects inline", () => {
    const data = path.join(ROOT, "data");
    const cap = readCapture(path.join(data, "lab-clean.pcapng"), { keylog: path.join(data, "lab-clean.keylog") });
    const nb = runs.get("09-inside-tls.ipynb")!.nb;
    const text = textOf(nb);
    const ex = httpExchanges(cap);
    expect(ex.length).toBeGreaterThanOrEqual(5);
    expect(text).toContain("keys for <b>3</b> of the 3 TLS session(s)");
    for (const x of ex.filter((e) => e.status === 206)) {
      expect(text).toContain(`Frame <b>${x.requestRow + 1}</b> asks for <code>${x.uri}</code> with <code>Range: ${x.range}</code>; frame <b>${x.responseRow + 1}</b>`);
      expect(text).toContain(`Content-Range: ${x.contentRange}`);
    }
    expect(ex.filter((e) => e.status === 206).map((e) => e.contentType)).toEqual(["audio/ogg", "video/webm"]);
    // the page's four objects (HTML, image, audio, video) as tshark exports them, shown inline
    const objects = exportObjects(cap).rows;
    expect(objects.map((o) => o.contentType).slice(0, 4).sort()).toEqual(["audio/ogg", "image/jpeg", "text/html", "video/webm"]);
    const html = outputsOf(nb).filter((o) => o.data && "text/html" in o.data).map((o) => mimeText(o, "text/html")).join("\n");
    const img = objects.find((o) => o.contentType === "image/jpeg")!;
    expect(html).toContain(`<img src="data:image/jpeg;base64,${Buffer.from(img.bytes).toString("base64")}"`);
    expect(html).toMatch(/<audio controls src="data:audio\/ogg;base64,/);
    expect(html).toMatch(/<video controls src="data:video\/webm;base64,/);
    expect(html).toContain("Computer Networks capture test page");
  });
});
