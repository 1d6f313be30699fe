import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as util from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import {
  escapeHtml,
  html,
  htmlToText,
  say,
  figureBundle,
  figureHtml,
  frameToHtml,
  frameToText,
  jsonForScript,
  plotlyJs,
  PLOTLY_MIME,
  showFigure,
  showFrame,
} from "../../lib/notebook/index";
import { closeBrowser, savePlot } from "../../lib/plot/export";
import type { Figure } from "../../lib/plot/figure";
import { loadDanfo } from "../../lib/frame/danfo";
import { chromiumAvailable, openHtmlOffline, TEST_OUTPUT } from "../helpers/browser";

const ROOT = path.resolve(__dirname, "..", "..");
const HOSTILE = `</script><img src=x onerror="document.title='pwned'"><!--<script>`;

function hostileFigure(n = 5): Figure {
  return {
    data: [
      {
        type: "scatter",
        mode: "markers",
        name: HOSTILE,
        x: Float64Array.from({ length: n }, (_, i) => i),
        y: Array.from({ length: n }, (_, i) => (i * 7) % 11),
      },
    ],
    layout: { title: { text: `title ${HOSTILE}` }, width: 640, height: 400 },
  };
}

/** `<script ...>` openings and `</script` closings in an HTML string. */
function scriptTags(html: string) {
  return { open: (html.match(/<script[\s>]/gi) ?? []).length, close: (html.match(/<\/script/gi) ?? []).length };
}

describe("escapeHtml / jsonForScript", () => {
  it("escapes the five HTML specials", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&#34;x&#34; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    expect(escapeHtml(42)).toBe("42");
  });
  it("emits JSON without <, >, & and line separators, and round-trips", () => {
    const v = { s: `${HOSTILE} & \u2028 \u2029`, n: 1n, t: Uint8Array.of(1, 2) };
    const text = jsonForScript(v);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual({ s: v.s, n: 1, t: [1, 2] });
  });
});

describe("html`…` / say`…`", () => {
  it("keeps the literal markup, escapes every value, joins arrays and keeps nested html", () => {
    const host = HOSTILE;
    const m = html`Frame <b>${42}</b> from ${host} in ${[1, "<2>"]}${null}${html`<i>${"&"}</i>`}`;
    expect(m.html).toBe(`Frame <b>42</b> from ${escapeHtml(HOSTILE)} in 1, &lt;2&gt;<i>&amp;</i>`);
    expect(m.html).not.toContain("<img");
  });

  it("says a sentence as a paragraph with a plain-text fallback (outside a kernel: returns the bundle)", () => {
    const b = say`Frame <b>${7}</b> says ${"a < b & \"c\""}<br>next`;
    expect(b).toEqual({
      "text/html": "<p>Frame <b>7</b> says a &lt; b &amp; &#34;c&#34;<br>next</p>",
      "text/plain": 'Frame 7 says a < b & "c"\nnext',
    });
    expect(say("plain <text>")).toEqual({ "text/html": "<p>plain &lt;text&gt;</p>", "text/plain": "plain <text>" });
    expect(htmlToText("&#x41;&#66;&bogus; &#99999999;")).toBe("AB&bogus; &#99999999;");
  });
});

describe("figureHtml", () => {
  it("keeps a hostile trace name inside the script (no breakout)", () => {
    const html = figureHtml(hostileFigure(), { includePlotlyJs: false });
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<!--");
    expect(html).toContain("\\u003c/script\\u003e\\u003cimg");
    // exactly one script element, closed exactly once
    expect(scriptTags(html)).toEqual({ open: 1, close: 1 });
    // the embedded JSON still decodes to the original strings
    const m = /var fig = (.*);\n/.exec(html);
    expect(m).not.toBeNull();
    const fig = JSON.parse(m![1]);
    expect(fig.data[0].name).toBe(HOSTILE);
    expect(fig.data[0].x).toEqual([0, 1, 2, 3, 4]); // typed array -> plain array
    expect(fig.layout.title.text).toBe(`title ${HOSTILE}`);
  });

  it("inlines plotly.js once, guarded, and only when asked", () => {
    const withJs = figureHtml(hostileFigure(), { includePlotlyJs: true });
    const without = figureHtml(hostileFigure(), { includePlotlyJs: false });
    expect(without.length).toBeLessThan(5000);
    expect(withJs.length).toBeGreaterThan(1_000_000);
    expect(withJs.split("if (!window.Plotly) {").length - 1).toBe(1);
    expect(scriptTags(withJs)).toEqual({ open: 2, close: 2 });
    expect(plotlyJs()).not.toMatch(/<\/script/i);
  });

  it("uses a unique div id per call", () => {
    const id = (h: string) => /<div id="([^"]+)"/.exec(h)![1];
    const a = figureHtml(hostileFigure(), { includePlotlyJs: false });
    const b = figureHtml(hostileFigure(), { includePlotlyJs: false });
    expect(id(a)).not.toBe(id(b));
  });

  it("builds a plotly + html + text bundle; showFigure outside a kernel returns it", () => {
    const bundle = figureBundle(hostileFigure(3), { includePlotlyJs: false });
    expect(Object.keys(bundle).sort()).toEqual([PLOTLY_MIME, "text/html", "text/plain"].sort());
    const pj = bundle[PLOTLY_MIME] as Figure;
    expect(pj.data[0].x).toEqual([0, 1, 2]);
    expect(JSON.parse(JSON.stringify(pj))).toEqual(pj);
    expect(bundle["text/plain"]).toMatch(/^Figure: 1 trace \(scatter×1\), 3 points/);
    const shown = showFigure(hostileFigure(3));
    expect(shown).toBeDefined();
    expect(shown!["text/html"]).toContain("if (!window.Plotly)");
  });
});

describe("frameToHtml", () => {
  it("escapes headers, index labels, cells and caption", () => {
    const html = frameToHtml(
      { columns: ["ok", HOSTILE], rows: [[HOSTILE, 1.5], { ok: "<b>", [HOSTILE]: 2 }], index: [HOSTILE, "r2"] },
      { caption: HOSTILE },
    );
    expect(html).toMatch(/^<div class="pcapframe-frame"><table border="1" class="dataframe">/);
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<b>");
    expect(html).toContain("&lt;/script&gt;&lt;img src=x onerror=&#34;document.title=&#39;pwned&#39;&#34;&gt;");
    expect(html).toContain("<td>&lt;b&gt;</td>");
    expect(html).toContain('<td style="text-align: right;">1.5</td>');
  });

  it("shows head + tail with an ellipsis row and a '… N more rows' footer", () => {
    const rows = Array.from({ length: 100 }, (_, i) => [i, `row${i}`]);
    const html = frameToHtml({ columns: ["i", "s"], rows }, { maxRows: 10 });
    const bodyRows = html.split("<tbody>")[1].split("</tbody>")[0].match(/<tr/g)!.length;
    expect(bodyRows).toBe(11); // 5 head + ellipsis + 5 tail
    for (const i of [0, 4, 95, 99]) expect(html).toContain(`<td>row${i}</td>`);
    for (const i of [5, 50, 94]) expect(html).not.toContain(`<td>row${i}</td>`);
    expect(html).toContain("… 90 more rows");
    expect(html).toContain("100 rows × 2 columns");
    expect(frameToHtml({ columns: ["i", "s"], rows: rows.slice(0, 10) }, { maxRows: 10 })).not.toContain("more rows");
    const text = frameToText({ columns: ["i", "s"], rows }, { maxRows: 4 });
    expect(text).toContain("… 96 more rows");
    expect(text.split("\n")).toHaveLength(1 + 2 + 1 + 2 + 2);
  });

  it("formats numbers, bigints, nulls, dates and bytes; truncates long text", () => {
    const html = frameToHtml({
      columns: ["v"],
      rows: [[0.1 + 0.2], [2n ** 64n], [null], [new Date(0)], [Uint8Array.of(0xde, 0xad)], [NaN], ["x".repeat(200)], [6.1429e-5]],
    });
    expect(html).toContain(">0.3<");
    expect(html).toContain(">18446744073709551616<");
    expect(html).not.toContain(">null<"); // absent values are blank cells
    expect(html).toContain(">0.000061429<"); // small seconds in fixed notation
    expect(html).toContain(">1970-01-01T00:00:00.000Z<");
    expect(html).toContain(">dead<");
    expect(html).toContain(">NaN<");
    expect(html).toContain("x".repeat(79) + "…");
  });

  it("renders danfo DataFrames and Series; loadDanfo patches util.inspect", () => {
    const dfd = loadDanfo();
    expect(loadDanfo()).toBe(dfd);
    const df = new dfd.DataFrame({ a: [1, 2, 3], b: ["<x>", "y", "z"] });
    const html = frameToHtml(df as never);
    expect(html).toContain("<th>a</th><th>b</th>");
    expect(html).toContain("<td>&lt;x&gt;</td>");
    expect(html).toContain("3 rows × 2 columns");
    const col = frameToHtml(df["a"] as never);
    expect(col).toContain("<th>a</th>");
    expect(col).toContain("3 rows × 1 columns");
    // a bare df / series prints danfo's table, not its internals
    for (const x of [df, df["b"]]) {
      const s = util.inspect(x);
      expect(s).not.toContain("$data");
      expect(s).toContain("║");
    }
    expect(showFrame(df as never)?.["text/plain"]).toContain("[3 rows × 2 columns]");
  }, 60_000);

  it("importing the package does not load danfo", () => {
    const entries = ["dist/index.js", "dist/notebook/index.js", "dist/plot/export.js"].filter((f) =>
      fs.existsSync(path.join(ROOT, f)),
    );
    if (entries.length === 0) return; // not built
    const code = `for (const f of ${JSON.stringify(entries)}) require("./" + f);
      process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) => /danfojs|tfjs|tensorflow/.test(k))));`;
    const r = spawnSync(process.execPath, ["-e", code], { cwd: ROOT, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});

describe.skipIf(!chromiumAvailable())("savePlot + offline rendering in Chromium", () => {
  afterAll(async () => {
    await closeBrowser();
  });
  const N = 25;
  const dir = path.join(TEST_OUTPUT, "display");

  it("writes a standalone .html that renders offline with N points", async () => {
    const file = await savePlot(hostileFigure(N), path.join(dir, "scatter.html"));
    const html = fs.readFileSync(file, "utf8");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toContain("<img");
    const r = await openHtmlOffline(file, { screenshotName: "display-scatter.png" });
    console.log(`offline render of savePlot html: ${r.renderMs} ms`);
    expect(r.pageErrors).toEqual([]);
    expect(r.blockedRequests).toEqual([]);
    expect(r.plots).toBe(1);
    expect(r.mainSvgs).toBeGreaterThanOrEqual(1);
    expect(r.points).toBe(N);
    expect(r.title).not.toBe("pwned");
    expect(fs.statSync(r.screenshot).size).toBeGreaterThan(5000);
  });

  it("exports .png and .svg with one shared browser", async () => {
    const t0 = Date.now();
    const png = await savePlot(hostileFigure(N), path.join(dir, "scatter.png"), { width: 500, height: 300, scale: 2 });
    const t1 = Date.now();
    const svg = await savePlot(hostileFigure(N), path.join(dir, "scatter.svg"), { width: 500, height: 300 });
    const t2 = Date.now();
    console.log(`savePlot png (launch + plotly load + render): ${t1 - t0} ms, svg: ${t2 - t1} ms`);
    const buf = fs.readFileSync(png);
    expect(buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(buf.readUInt32BE(16)).toBe(1000); // IHDR width = 500 * scale 2
    expect(buf.readUInt32BE(20)).toBe(600);
    expect(buf.length).toBeGreaterThan(10_000);
    expect(buf.length).toBeLessThan(2_000_000);
    const text = fs.readFileSync(svg, "utf8");
    expect(text).toMatch(/^<svg/);
    expect((text.match(/class="point"/g) ?? []).length).toBe(N);
    expect(text).not.toContain("<img");
    expect(t2 - t1).toBeLessThan(t1 - t0); // second image reused the browser
    await expect(savePlot(hostileFigure(), path.join(dir, "x.pdf"))).rejects.toThrow(/unsupported/);
  });
});
