#!/usr/bin/env node
// The layout rule of lib/ (README, "Layout"): the folders are the pipeline's stages, in STAGES order, and a
// file may import only files of its own stage or of earlier stages — type-only imports and `import("…")`
// types included — and no two files may import each other, directly or through others.
// Prints every violation and exits 1 if there is one. Used by test/layout.test.ts (and so by CI).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

/** lib/'s folders in the order data flows through them (index.ts, the package entry, comes last). */
const STAGES = ["base", "file", "table", "decode", "tcp", "app", "decrypt", "tcptrace", "read", "frame", "filter", "capture", "flows", "check", "store", "plot", "notebook", "lab", "cli"];

function listTs(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listTs(p));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** Relative module specifiers a file imports: import/export … from, import("…"), require("…"). */
function importsOf(text) {
  const specs = [];
  const noComments = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(["'])(\.{1,2}\/[^"']+|\.{1,2})\1/gm;
  let m;
  while ((m = re.exec(noComments))) specs.push(m[2]);
  return specs;
}

function resolve(fromFile, spec) {
  const base = path.resolve(path.dirname(fromFile), spec.replace(/\.js$/, ""));
  for (const c of [base + ".ts", path.join(base, "index.ts")]) if (fs.existsSync(c)) return c;
  return null;
}

function checkLayout(root) {
  const lib = path.join(root, "lib");
  const files = listTs(lib);
  const problems = [];
  const stageOf = (f) => {
    const rel = path.relative(lib, f).split(path.sep);
    return rel.length === 1 ? STAGES.length : STAGES.indexOf(rel[0]);
  };
  const graph = new Map();
  for (const f of files) {
    const rel = path.relative(root, f);
    const s = stageOf(f);
    if (s < 0) problems.push(`${rel}: folder lib/${path.relative(lib, f).split(path.sep)[0]} is not a declared stage (scripts/check-layout.js STAGES)`);
    if (s === STAGES.length && path.basename(f) !== "index.ts") problems.push(`${rel}: only index.ts may sit at the top of lib/`);
    const deps = [];
    for (const spec of importsOf(fs.readFileSync(f, "utf8"))) {
      const t = resolve(f, spec);
      if (!t) {
        problems.push(`${rel}: cannot resolve "${spec}"`);
        continue;
      }
      if (!t.startsWith(lib + path.sep)) continue;
      deps.push(t);
      const ts = stageOf(t);
      if (ts > s) problems.push(`${rel} imports ${path.relative(root, t)}: stage ${STAGES[s] ?? "index"} may not import the later stage ${STAGES[ts] ?? "index"}`);
    }
    graph.set(f, deps);
  }
  // file-level cycles (Tarjan's strongly connected components)
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], on = new Set();
  const strong = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        comp.push(path.relative(root, w));
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) problems.push(`import cycle: ${comp.sort().join(" ↔ ")}`);
    }
  };
  for (const f of files) if (!idx.has(f)) strong(f);
  return { files: files.length, problems };
}

module.exports = { checkLayout, STAGES, importsOf };

if (require.main === module) {
  const { files, problems } = checkLayout(path.resolve(__dirname, ".."));
  for (const p of problems) console.log(p);
  console.log(`${files} files in lib/, ${problems.length} layout problem${problems.length === 1 ? "" : "s"}`);
  process.exit(problems.length ? 1 : 0);
}
