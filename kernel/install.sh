#!/usr/bin/env bash
# Install the tslab kernelspec of pcapframe (kernel name "tslab": the notebooks ask for it).
# Usage: bash kernel/install.sh [PREFIX] [TSLAB]
#   PREFIX  where Jupyter looks: PREFIX/share/jupyter/kernels/tslab (default: ./.jupyter of this checkout;
#           use ~/.local for your own Jupyter, or a notebook folder's .jupyter)
#   TSLAB   the tslab executable the kernel runs (default: this checkout's node_modules/.bin/tslab)
# Jupyter finds a PREFIX other than ~/.local and /usr/local through JUPYTER_PATH=PREFIX/share/jupyter.
# The paths written are absolute: run it again after moving the checkout.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
PREFIX="${1:-$ROOT/.jupyter}"
TSLAB="${2:-$ROOT/node_modules/.bin/tslab}"
if [ ! -x "$TSLAB" ]; then
  echo "kernel/install.sh: $TSLAB is not an executable tslab (run npm ci first)" >&2
  exit 1
fi
TSLAB="$(cd "$(dirname "$TSLAB")" && pwd)/$(basename "$TSLAB")"
DEST="$PREFIX/share/jupyter/kernels/tslab"
mkdir -p "$DEST"
# the template with absolute node and tslab paths put in (Jupyter then needs neither PATH nor npx);
# lib/notebook/init.ts (pcapframe init-notebooks) fills the same template
node -e 'const fs = require("fs"); const [tpl, bin, out] = process.argv.slice(1);
  const fill = { "\"@NODE@\"": JSON.stringify(process.execPath), "\"@TSLAB@\"": JSON.stringify(fs.realpathSync(bin)) };
  fs.writeFileSync(out, fs.readFileSync(tpl, "utf8").replace(/"@(NODE|TSLAB)@"/g, (m) => fill[m]));' "$HERE/kernel.json" "$TSLAB" "$DEST/kernel.json"
cp "$HERE/logo-32x32.png" "$HERE/logo-64x64.png" "$DEST/"
echo "kernelspec tslab → $DEST (runs $TSLAB)"
