/**
 * notebookProgress(): quiet for short work, then one output updated in place (display_data followed by
 * update_display_data with the same display_id), final figures at done(); nothing outside a kernel.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { notebookProgress } from "../../lib/notebook/progress";
import type { Progress } from "../../lib/base/progress";

type Msg = { data: Record<string, string>; transient?: { display_id: string } };
const sent: { msg: Msg; update: boolean }[] = [];
let fake: string | null = null;

/** A stand-in for the running tslab kernel: a module at …/tslab/dist/jupyter.js whose writer records messages. */
function fakeKernel(): void {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pcapframe-kernel-")), "tslab", "dist");
  fs.mkdirSync(dir, { recursive: true });
  fake = path.join(dir, "jupyter.js");
  fs.writeFileSync(fake, "exports.lastWriteDisplayData = null;\n");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const m = require(fake) as { lastWriteDisplayData: unknown };
  m.lastWriteDisplayData = (msg: Msg, update: boolean) => sent.push({ msg, update });
}
afterEach(() => {
  if (fake) delete require.cache[fake];
  fake = null;
  sent.length = 0;
});

const at = (ms: number, done: number): Progress => ({ bytesDone: done, bytesTotal: 1000, packets: done / 10, filesDone: 0, files: 2, elapsedMs: ms, bytesPerSecond: (done * 1000) / ms, etaMs: ((1000 - done) * ms) / done });

describe("notebookProgress", () => {
  it("waits a second, then updates one line in place; done() shows the final figures on it", () => {
    fakeKernel();
    const bar = notebookProgress();
    bar.update(at(200, 100));
    expect(sent).toHaveLength(0);
    bar.update(at(1100, 400));
    bar.update(at(1200, 450)); // within 250 ms of the last drawing: skipped
    bar.update(at(1500, 700));
    bar.done();
    expect(sent.map((s) => s.update)).toEqual([false, true, true]);
    const ids = new Set(sent.map((s) => s.msg.transient?.display_id));
    expect(ids.size).toBe(1);
    expect(sent[0].msg.data["text/plain"]).toMatch(/^\[##########-+\]  40% /);
    expect(sent[2].msg.data["text/plain"]).toMatch(/^done in 1\.5 s: \[#{17}-{7}\]  70% .*, 70 packets, 0\/2 files/);
    expect(sent[2].msg.data["text/html"]).toContain('<progress max="1" value="0.700"');
  });

  it("short work shows only the final line; outside a kernel nothing at all", () => {
    fakeKernel();
    const bar = notebookProgress();
    bar.update(at(300, 1000));
    bar.done();
    expect(sent.map((s) => s.update)).toEqual([false]);
    expect(sent[0].msg.data["text/plain"]).toMatch(/^done in 0\.3 s: \[#{24}\] 100% /);
    delete require.cache[fake!];
    sent.length = 0;
    const quiet = notebookProgress();
    quiet.update(at(5000, 500));
    quiet.done();
    expect(sent).toHaveLength(0);
  });
});
