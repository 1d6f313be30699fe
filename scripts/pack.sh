#!/usr/bin/env bash
# Build the installable tarball pcapframe-<version>.tgz: dist/ + bin/ + the danfojs-node dependency tree
# bundled (package.json "bundleDependencies"), so that `npm install ./pcapframe-<version>.tgz` in an
# empty folder needs only the npm registry. Why bundle: danfojs-node 1.2.0 declares xlsx as a tarball
# URL outside the registry and @tensorflow/tfjs-node (whose install script downloads libtensorflow);
# this project's "overrides" replace both, but overrides are not inherited by a consumer. Bundling ships
# the overridden tree as resolved here (npm installs bundled packages from the tarball, never re-resolves
# them).
#
# Usage: bash scripts/pack.sh [OUT_DIR]     (default OUT_DIR: the repository root)
# Prints the tarball's path on the last line of stdout.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$(mkdir -p "${1:-$ROOT}" && cd "${1:-$ROOT}" && pwd)"
cd "$ROOT"

STAGE="$(mktemp -d "${TMPDIR:-/tmp}/pcapframe-pack.XXXXXX")"
[ -n "${PCAPFRAME_KEEP_STAGE:-}" ] || trap 'rm -rf "$STAGE"' EXIT

# 1. the package files (same set as package.json "files")
node node_modules/typescript/bin/tsc -p tsconfig.json --outDir "$STAGE/dist" >&2
cp -r bin "$STAGE/bin"
cp -r kernel "$STAGE/kernel"
# The packed manifest has no devDependencies: consumers never install them, and npm pack would leave
# out of the bundle any package that is also a devDependency here (e.g. @types/node, which a bundled
# package depends on).
node -e 'const fs = require("fs"); const p = JSON.parse(fs.readFileSync("package.json", "utf8")); delete p.devDependencies; fs.writeFileSync(process.argv[1], JSON.stringify(p, null, 2) + "\n")' "$STAGE/package.json"
for f in README.md LICENSE; do [ -f "$f" ] && cp "$f" "$STAGE/"; done

# 2. the bundled packages (package.json "bundleDependencies") and everything they depend on, as installed
#    here (overrides applied), found the way Node resolves them (nested node_modules first) and copied
#    with the same layout. node_modules may be a symlink (worktrees): real files are copied, since npm pack
#    would otherwise write "../" paths into the tarball.
node - "$STAGE" "$(cd node_modules && pwd -P)" <<'JS'
const fs = require("node:fs");
const path = require("node:path");
const [stage, nm] = process.argv.slice(2);
const root = JSON.parse(fs.readFileSync(path.join(stage, "package.json"), "utf8"));
const manifest = (dir) => JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
/** The installed directory of `name` as seen from `from` (a package directory under nm). */
function resolve(from, name) {
  for (let d = from; d.startsWith(nm); d = path.dirname(d)) {
    const cand = path.join(d, path.basename(d) === "node_modules" ? "" : "node_modules", name);
    if (fs.existsSync(path.join(cand, "package.json"))) return cand;
    if (d === nm) break;
  }
  return undefined;
}
const seen = new Set();
const queue = (root.bundleDependencies ?? []).map((name) => path.join(nm, name));
while (queue.length) {
  const dir = queue.pop();
  if (seen.has(dir)) continue;
  seen.add(dir);
  const rel = path.relative(nm, dir);
  const dest = path.join(stage, "node_modules", rel);
  if (!fs.existsSync(dest)) {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.cpSync(dir, dest, { recursive: true, verbatimSymlinks: true });
  }
  const m = manifest(dir);
  for (const name of Object.keys({ ...m.dependencies, ...m.optionalDependencies })) {
    const dep = resolve(dir, name);
    if (dep) queue.push(dep);
    else if (!(m.optionalDependencies && name in m.optionalDependencies)) throw new Error(`pack: ${name} (needed by ${rel}) is not installed`);
  }
}
console.error(`pack: bundled ${seen.size} packages`);
JS

# 3. the project's "overrides", written into the bundled manifests. Without this the bundled danfojs-node
#    still declares xlsx as a URL and @tensorflow/tfjs-node ^3.13.0: npm installs the bundle as it is the
#    first time, but the consumer's next `npm install <anything>` sees those edges as unmet and fetches them
#    (the URL is outside the registry, so that install fails).
node - "$STAGE" <<'JS'
const fs = require("node:fs");
const path = require("node:path");
const stage = process.argv[2];
const overrides = JSON.parse(fs.readFileSync(path.join(stage, "package.json"), "utf8")).overrides ?? {};
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name === ".bin") continue;
    const p = path.join(dir, e.name);
    if (e.name.startsWith("@")) { walk(p); continue; }
    const manifest = path.join(p, "package.json");
    if (fs.existsSync(manifest)) {
      const pkg = JSON.parse(fs.readFileSync(manifest, "utf8"));
      let changed = false;
      for (const field of ["dependencies", "optionalDependencies"]) {
        for (const [name, spec] of Object.entries(overrides)) {
          if (typeof spec === "string" && pkg[field]?.[name] !== undefined && pkg[field][name] !== spec) {
            console.error(`pack: ${path.relative(stage, manifest)}: ${field}.${name} ${pkg[field][name]} -> ${spec} (project override)`);
            pkg[field][name] = spec;
            changed = true;
          }
        }
      }
      if (changed) fs.writeFileSync(manifest, JSON.stringify(pkg, null, 2) + "\n");
    }
    if (fs.existsSync(path.join(p, "node_modules"))) walk(path.join(p, "node_modules"));
  }
};
walk(path.join(stage, "node_modules"));
JS

# 4. pack
(cd "$STAGE" && npm pack --pack-destination "$OUT" --silent >/dev/null)
NAME="$(node -p 'const p=require("./package.json"); p.name + "-" + p.version + ".tgz"')"
echo "$OUT/$NAME"
