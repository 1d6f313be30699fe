// The layout rule of lib/ (README "Layout"): stages in pipeline order, no import of a later stage (type-only
// imports included), no import cycle between files. The checker itself is tested on a small tree it must reject.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkLayout, STAGES } = require("../scripts/check-layout.js") as {
  checkLayout(root: string): { files: number; problems: string[] };
  STAGES: string[];
};
const ROOT = path.resolve(__dirname, "..");

describe("lib/ layout", () => {
  it("has no import of a later stage and no import cycle", () => {
    const r = checkLayout(ROOT);
    expect(r.files).toBeGreaterThan(50);
    expect(r.problems).toEqual([]);
  });

  it("every folder of lib/ is a declared stage, listed in the README's layout table in stage order", () => {
    const folders = fs.readdirSync(path.join(ROOT, "lib"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    for (const f of folders) expect(STAGES).toContain(f);
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const listed = [...readme.matchAll(/^\| `lib\/([a-z]+)\/` \|/gm)].map((m) => m[1]);
    expect(listed).toEqual(STAGES.filter((s) => folders.includes(s)));
  });

  it("rejects an upward import, a type-only upward import and a file cycle", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "layout-"));
    const w = (f: string, s: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), s);
    };
    w("lib/base/a.ts", 'import { b } from "./b";\nexport const a = 1;\n');
    w("lib/base/b.ts", 'import { a } from "./a";\nexport const b = 2;\n');
    w("lib/table/t.ts", 'import type { X } from "../plot/x";\nexport const t = 1;\n');
    w("lib/file/f.ts", 'export const f: import("../capture/c").C = 1;\n');
    w("lib/plot/x.ts", "export type X = number;\n");
    w("lib/capture/c.ts", "export type C = number;\n");
    const r = checkLayout(dir);
    expect(r.problems.some((p) => p.startsWith("import cycle: lib/base/a.ts ↔ lib/base/b.ts"))).toBe(true);
    expect(r.problems.some((p) => p.includes("lib/table/t.ts imports lib/plot/x.ts"))).toBe(true);
    expect(r.problems.some((p) => p.includes("lib/file/f.ts imports lib/capture/c.ts"))).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
