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
trap 'rm -rf "$STAGE"' EXIT

# 1. the package files (same set as package.json "files")
node node_modules/typescript/bin/tsc -p tsconfig.json --outDir "$STAGE/dist" >&2
cp -r bin "$STAGE/bin"
cp package.json "$STAGE/"
for f in README.md LICENSE; do [ -f "$f" ] && cp "$f" "$STAGE/"; done

# 2. the production dependency tree as installed here (overrides applied). npm pack only takes the
#    bundled ones (danfojs-node and everything it depends on) from it; copying a top-level package
#    brings its nested node_modules along. node_modules may be a symlink (worktrees): copy real files,
#    npm pack would otherwise write "../" paths into the tarball.
mkdir -p "$STAGE/node_modules"
NM="$(cd node_modules && pwd -P)"
{ npm ls --omit=dev --all --parseable 2>/dev/null || true; } | while read -r p; do
  rel="${p#"$ROOT"/}"
  case "$rel" in
    node_modules/@*/*/*|node_modules/[!@]*/*) continue ;; # nested: comes with its parent
    node_modules/*) ;;
    *) continue ;;
  esac
  [ "$rel" = "node_modules/pcapframe" ] && continue
  mkdir -p "$STAGE/$(dirname "$rel")"
  cp -r "$NM/${rel#node_modules/}" "$STAGE/$rel"
done

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
