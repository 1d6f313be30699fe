// Rich display of tables in a tslab kernel, and the kernel lookup with several tslab copies loaded
// (a global tslab running the kernel + the project's own, required by a cell): issue 14.
import Module from "node:module";
import * as path from "node:path";
import * as util from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { displayBundle, inKernel, kernelWriter } from "../../lib/base/tslab";
import { showFrame, showHtml } from "../../lib/notebook/display";
import { Table } from "../../lib/frame/table";

type Cache = Record<string, { exports: unknown } | undefined>;
const cache = (Module as unknown as { _cache: Cache })._cache;
const fakeKeys: string[] = [];

/** Put a fake `tslab/dist/jupyter.js` module into require.cache. */
function fakeTslab(root: string, writer: ((msg: unknown, update: boolean) => void) | null): void {
  const key = path.join(root, "node_modules", "tslab", "dist", "jupyter.js");
  cache[key] = { exports: { lastWriteDisplayData: writer } } as never;
  fakeKeys.push(key);
}

afterEach(() => {
  for (const k of fakeKeys.splice(0)) delete cache[k];
});

describe("kernel display with several tslab copies", () => {
  it("uses the copy that runs the cell, whatever the require.cache order", () => {
    const sent: unknown[] = [];
    // the first copy in require.cache: the project's tslab, loaded by an import, not running anything
    fakeTslab("/work/project", null);
    // the running kernel: a global tslab
    fakeTslab("/usr/local/lib", (msg) => sent.push(msg));
    expect(inKernel()).toBe(true);
    expect(displayBundle({ "text/plain": "x" })).toBe(true);
    expect(showHtml("<b>hi</b>")).toBeUndefined();
    const t = Table.from({ a: [1, 2], s: ["<x>", null] });
    expect(showFrame(t)).toBeUndefined();
    expect(sent).toHaveLength(3);
    const html = (sent[2] as { data: Record<string, string> }).data["text/html"];
    expect(html).toContain("&lt;x&gt;");
    expect(html).toContain("2 rows × 2 columns");
  });

  it("not in a kernel: no writer, show* return their bundle", () => {
    fakeTslab("/work/project", null);
    expect(kernelWriter()).toBeUndefined();
    expect(inKernel()).toBe(false);
    const b = showFrame(Table.from({ a: [1] }));
    expect(b?.["text/plain"]).toContain("[1 row × 1 column]");
  });

  it("a table as a cell's last expression displays as HTML, printing nothing", () => {
    const sent: { data: Record<string, string> }[] = [];
    fakeTslab("/usr/local/lib", (msg) => sent.push(msg as { data: Record<string, string> }));
    const t = Table.from({ protocol: ["TCP", "0x890d"] });
    // tslab prints a cell's last expression with console.log, i.e. util.inspect at the default depth
    expect(util.inspect(t)).toBe("");
    expect(sent).toHaveLength(1);
    expect(sent[0].data["text/html"]).toContain("<td>0x890d</td>");
    expect(sent[0].data["text/plain"]).toContain("0x890d");
    // nested in another value: text, no display
    expect(util.inspect({ t })).toContain("0x890d");
    expect(sent).toHaveLength(1);
  });
});
