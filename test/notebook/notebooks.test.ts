/**
 * Executes every notebook in notebooks/ through the real tslab kernel (scripts/run-notebooks.py) and
 * checks the outputs: no errors or stderr, plots present, and the key facts of the lab report shown
 * with the values readCapture computes here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readCapture, TA } from "../../lib/index";
import { TA_NAMES } from "../../lib/tcp/flags";
import { launchChromium } from "../../lib/plot/browser";
import { chromiumAvailable, openHtmlOffline } from "../helpers/browser";
import { displayDataOf, mimeText, notebookSkipReason, outputsOf, ROOT, runNotebook, stderrOf, type NotebookJson, type NotebookRun } from "../helpers/notebook";

const PLOTLY_MIME = "application/vnd.plotly.v1+json";
const NB_DIR = path.join(ROOT, "notebooks");
const NOTEBOOKS = fs.existsSync(NB_DIR) ? fs.readdirSync(NB_DIR).filter((f) => f.endsWith(".ipynb")).sort() : [];
const PARALLEL = 2;
const skip = notebookSkipReason();
if (skip) console.warn(`notebook tests skipped: ${skip}`);

/** All text the notebook shows: text/plain and text/html of displays, and stdout. */
function textOf(nb: NotebookJson): string {
  return outputsOf(nb)
    .map((o) => (o.output_type === "stream" ? (Array.isArray(o.text) ? o.text.join("") : o.text ?? "") : ["text/plain", "text/html"].filter((m) => o.data && m in o.data).map((m) => mimeText(o, m)).join("\n")))
    .join("\n");
}

describe.skipIf(!!skip)("notebooks/*.ipynb execute cleanly and show the lab's facts", () => {
  const runs = new Map<string, NotebookRun>();
  /** Per notebook, per plot: frames of the points Chromium drew, by trace kind (filled by the render test). */
  const drawnByNotebook = new Map<string, Record<string, number[]>[]>();

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, "dist", "index.js"))) throw new Error("dist/ missing: run npm run build first");
    const queue = [...NOTEBOOKS];
    const worker = async () => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        runs.set(name, await runNotebook(path.join("notebooks", name), { cellTimeoutS: 120 }));
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  }, 400_000);

  it("has the nine notebooks, committed without outputs, with the tslab kernelspec", () => {
    expect(NOTEBOOKS.map((n) => n.slice(0, 2))).toEqual(["00", "01", "02", "03", "04", "05", "06", "07", "08"]);
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

  it("04 reports as many fast retransmissions as the analysis finds", () => {
    const cap = readCapture(path.join(ROOT, "data", "lab-lossy.pcapng"));
    let fast = 0;
    for (let r = 0; r < cap.length; r++) if (cap.packets.tcpAnalysis[r] & TA.FAST_RETRANSMISSION) fast++;
    expect(fast).toBeGreaterThan(0);
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
});
