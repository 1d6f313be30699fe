import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, openHtmlOffline } from "../helpers/browser";
import {
  displayDataOf,
  mimeText,
  notebookSkipReason,
  ROOT,
  runNotebook,
  stderrOf,
  stdoutOf,
  type NotebookRun,
} from "../helpers/notebook";

const PLOTLY_MIME = "application/vnd.plotly.v1+json";
const skip = notebookSkipReason();
if (skip) console.warn(`notebook-runner tests skipped: ${skip}`);

describe.skipIf(!!skip)("scripts/run-notebooks.py with the tslab kernel", () => {
  let run: NotebookRun;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, "dist", "notebook", "index.js"))) {
      throw new Error("dist/notebook/index.js missing: run bash scripts/setup.sh (or npm run build) first");
    }
    run = await runNotebook("test/fixtures/nb-smoke.ipynb");
    console.log(`smoke notebook: ${run.durationMs} ms\n${run.stdout.trim()}`);
  });

  it("executes every cell without errors or stderr", () => {
    expect(run.stderr + run.stdout).not.toMatch(/FAIL/);
    expect(run.exitCode).toBe(0);
    expect(stderrOf(run.nb)).toEqual([]);
    const code = run.nb.cells.filter((c) => c.cell_type === "code");
    expect(code.map((c) => c.execution_count)).toEqual([1, 2, 3, 4]);
    expect(stdoutOf(run.nb)).toBe("imported\n42\n");
    expect(fs.existsSync(run.htmlPath)).toBe(true);
  });

  it("shows the figure as one display_data with plotly JSON, HTML and text", () => {
    const figs = displayDataOf(run.nb, PLOTLY_MIME);
    expect(figs).toHaveLength(1);
    const out = figs[0];
    expect(out.output_type).toBe("display_data");
    expect(Object.keys(out.data!).sort()).toEqual([PLOTLY_MIME, "text/html", "text/plain"].sort());
    const fig = out.data![PLOTLY_MIME];
    expect(fig.data[0].x).toEqual([1, 2, 3, 4, 5]);
    expect(fig.layout.title.text).toBe("smoke");
    const html = mimeText(out, "text/html");
    expect(html).toContain("if (!window.Plotly)");
    expect(html).not.toContain("<img");
    expect(mimeText(out, "text/plain")).toContain("Figure: 1 trace");
  });

  it("shows the table as escaped HTML", () => {
    const tables = displayDataOf(run.nb, "text/html").filter((o) => !(PLOTLY_MIME in o.data!));
    expect(tables).toHaveLength(1);
    const html = mimeText(tables[0], "text/html");
    expect(html).toContain('class="dataframe"');
    expect(html).toContain("&lt;b&gt;not bold&lt;/b&gt;");
    expect(html).not.toContain("<b>");
  });

  it.skipIf(!chromiumAvailable())("renders the exported HTML offline in Chromium", async () => {
    const r = await openHtmlOffline(run.htmlPath, { screenshotName: "nb-smoke.png" });
    console.log(`nb-smoke.html offline render: ${r.renderMs} ms, screenshot ${r.screenshot}`);
    expect(r.pageErrors).toEqual([]);
    expect(r.plots).toBe(1);
    expect(r.points).toBe(5);
    expect(r.title).not.toBe("pwned");
    // nbconvert's template references require.js/MathJax online; they must have been blocked, not loaded
    expect(r.blockedRequests.every((u) => !u.startsWith("file:"))).toBe(true);
  });

  it("reports a failing cell's stderr, exits 1 and still writes the notebook", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcapframe-nbfail-"));
    const nbPath = path.join(dir, "nb-fail.ipynb");
    const cell = (source: string) => ({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source });
    fs.writeFileSync(
      nbPath,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
        cells: [
          { ...cell('console.log("before");'), id: "c1" },
          { ...cell('const s: string = 42;\nconsole.log("typed", s);'), id: "c2" },
          { ...cell('console.log("after");'), id: "c3" },
        ],
      }),
    );
    const r = await runNotebook(nbPath, { outDir: path.join(dir, "out") });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("FAIL");
    expect(r.stdout).toContain("cell 2: const s: string = 42;");
    expect(r.stdout).toMatch(/not assignable to type 'string'/);
    expect(r.stdout).toContain("1 later code cell(s) were not executed");
    expect(stdoutOf(r.nb, 0)).toBe("before\n");
    expect(stderrOf(r.nb).join("\n")).toMatch(/not assignable/);
    expect(fs.existsSync(r.htmlPath)).toBe(true);
  });
});
