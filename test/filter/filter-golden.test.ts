// Display filters against tshark 4.0.17: every filter of test/golden/filters/filters.txt on every capture
// with goldens (data/, ../shared/captures, ../shared/captures-wave2, the byte-built tunnel fixtures),
// comparing frame-number sets; and every filter tshark rejects (invalid.tsv) must be rejected.
// Goldens: scripts/golden-filters.js.
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { describe, expect, test } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { compileFilter, FilterError } from "../../lib/filter/index";
import { DATA_DIR, FIXTURE_TUNNELS_DIR, GOLDEN_DIR, sharedCapturesDir } from "../helpers/golden";

const GOLD = path.join(GOLDEN_DIR, "filters");
const shared = sharedCapturesDir();
const dirs: Record<string, string | null> = {
  data: DATA_DIR,
  shared,
  wave2: shared ? path.join(path.dirname(shared), "captures-wave2") : null,
  fixture: FIXTURE_TUNNELS_DIR,
};

function ranges(frames: ArrayLike<number>): string {
  const out: string[] = [];
  for (let i = 0; i < frames.length; ) {
    let j = i;
    while (j + 1 < frames.length && frames[j + 1] === frames[j] + 1) j++;
    out.push(j > i ? `${frames[i]}-${frames[j]}` : `${frames[i]}`);
    i = j + 1;
  }
  return out.join(",");
}

/** Known disagreements, each with its reason (docs/filter-differences.md explains them). */
function known(): Map<string, string> {
  const m = new Map<string, string>();
  const p = path.join(GOLD, "known-differences.tsv");
  if (!fs.existsSync(p)) return m;
  for (const line of fs.readFileSync(p, "utf8").split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const [cap, filter, reason] = line.split("\t");
    m.set(`${cap}\t${filter}`, reason);
  }
  return m;
}

interface Pair {
  cap: string;
  path: string;
  file: string;
}
function pairs(): Pair[] {
  const out: Pair[] = [];
  const res = path.join(GOLD, "results");
  if (!fs.existsSync(res)) return out;
  for (const src of fs.readdirSync(res).sort()) {
    const dir = dirs[src];
    if (!dir) continue;
    for (const f of fs.readdirSync(path.join(res, src)).sort()) {
      const name = f.replace(/\.tsv\.gz$/, "");
      const p = path.join(dir, name);
      if (fs.existsSync(p)) out.push({ cap: `${src}/${name}`, path: p, file: path.join(res, src, f) });
    }
  }
  return out;
}

const caps = pairs();

describe.skipIf(caps.length === 0)("display filters vs tshark (frame sets)", () => {
  test("every filter on every capture", () => {
    const expected = known();
    let total = 0;
    const differ: string[] = [];
    const unexpected: string[] = [];
    const compiled = new Map<string, ReturnType<typeof compileFilter>>();
    for (const c of caps) {
      const cap = readCapture(c.path);
      for (const line of zlib.gunzipSync(fs.readFileSync(c.file)).toString("utf8").split("\n")) {
        if (!line) continue;
        const [expr, gold] = line.split("\t");
        let f = compiled.get(expr);
        if (!f) compiled.set(expr, (f = compileFilter(expr)));
        const got = ranges(f.frames(cap));
        total++;
        if (got === gold) continue;
        const key = `${c.cap}\t${expr}`;
        differ.push(key);
        if (!expected.has(key)) unexpected.push(`${key}\n    tshark: ${gold.slice(0, 200)}\n    ours:   ${got.slice(0, 200)}`);
      }
    }
    const agree = (total - differ.length) / total;
    console.log(`display filters: ${total - differ.length}/${total} (filter, capture) pairs agree with tshark (${(agree * 100).toFixed(2)}%)`);
    expect(unexpected, unexpected.join("\n")).toEqual([]);
    const fixed = [...expected.keys()].filter((k) => !differ.includes(k) && caps.some((c) => k.startsWith(c.cap + "\t")));
    expect(fixed, "known differences that no longer differ: remove them from known-differences.tsv").toEqual([]);
    expect(agree).toBeGreaterThanOrEqual(0.995);
  }, 300_000);
});

describe("filters tshark rejects", () => {
  const file = path.join(GOLD, "invalid.tsv");
  const lines = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
  test.each(lines.map((l) => l.split("\t")))("%s", (expr) => {
    expect(() => compileFilter(expr)).toThrow(FilterError);
  });
});
