// Tables in a real tslab kernel: a Table as a cell's last expression and showFrame display HTML even
// when a second (idle) tslab copy sits first in require.cache; the runner fails a notebook whose rich
// output degraded to a text dump of its MIME bundle (issue 14).
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { displayDataOf, mimeText, notebookSkipReason, ROOT, runNotebook, stderrOf, stdoutOf, type NotebookRun } from "../helpers/notebook";

const skip = notebookSkipReason();
if (skip) console.warn(`frame notebook tests skipped: ${skip}`);

describe.skipIf(!!skip)("tables in the tslab kernel", () => {
  let run: NotebookRun;
  let bad: NotebookRun;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, "dist", "frame", "index.js"))) throw new Error("dist/frame missing: npm run build first");
    run = await runNotebook("test/frame/fixtures/nb-table.ipynb");
    bad = await runNotebook("test/frame/fixtures/nb-degraded.ipynb");
  }, 300_000);

  it("displays tables as escaped HTML with two tslab copies loaded", () => {
    expect(run.stdout).toMatch(/^ok /m);
    expect(run.exitCode).toBe(0);
    expect(stderrOf(run.nb)).toEqual([]);
    expect(stdoutOf(run.nb, 1)).toBe("2\n"); // two jupyter.js copies in require.cache
    const html = displayDataOf(run.nb, "text/html");
    expect(html.map((o) => o.cell)).toEqual([3, 4, 5]);
    const t = mimeText(html[0], "text/html");
    expect(t).toContain("&lt;b&gt;0x890d&lt;/b&gt;");
    expect(t).toContain("3 rows × 2 columns");
    expect(mimeText(html[1], "text/html")).toContain("<th>count</th>");
    expect(mimeText(html[2], "text/html")).toContain("<th>25%</th>");
    // nothing dumped as text
    expect(stdoutOf(run.nb)).not.toContain("text/html");
  });

  it("the runner fails a notebook whose rich output degraded to text", () => {
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain("rich output degraded to text");
  });
});
