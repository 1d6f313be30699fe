#!/usr/bin/env bash
# Make this checkout ready: system packages, node_modules, dist/ build, tslab kernelspec.
# Idempotent and quick when everything is in place (each step checks before doing anything).
# Usage: bash scripts/setup.sh [--kernel-only] [--lab]
#   --kernel-only   only (re)install the tslab kernelspec into ./.jupyter
#   --lab           (kept for `npm run lab`; the lab's tools are always installed now)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

KERNEL_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --kernel-only) KERNEL_ONLY=1 ;;
    --lab) ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "setup: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

say() { echo "setup: $*"; }
warn() { echo "setup: WARNING: $*" >&2; }

TSLAB_BIN="$ROOT/node_modules/.bin/tslab"
KERNEL_JSON="$ROOT/.jupyter/share/jupyter/kernels/tslab/kernel.json"

install_kernel() {
  if [ ! -x "$TSLAB_BIN" ]; then
    warn "node_modules/.bin/tslab missing; kernelspec not installed"
    return 0
  fi
  if ! /usr/bin/python3 -c 'import IPython, jupyter_client' >/dev/null 2>&1; then
    warn "/usr/bin/python3 has no IPython/jupyter_client (apt: python3-ipykernel jupyter-client); kernelspec not installed"
    return 0
  fi
  say "installing the tslab kernelspec (kernel/) into .jupyter"
  bash "$ROOT/kernel/install.sh" "$ROOT/.jupyter" "$TSLAB_BIN" >/dev/null
}

if [ "$KERNEL_ONLY" = 1 ]; then
  install_kernel
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# (a) Debian packages
# The lab harness (`npm run lab`, and its capture test in `npm test`) needs the media generators and
# ethtool (veth offloads off → MSS-sized segments) besides tcpdump, chromium, nftables and iproute2;
# fonts-wqy-microhei lets headless Chromium draw the notebooks' Chinese text (export, screenshots).
APT_PACKAGES=(tshark tcptrace tcpdump wireshark-common jupyter-nbconvert python3-nbclient python3-ipykernel
  jupyter-client jupyter-core chromium fonts-wqy-microhei nftables iproute2 openssl ffmpeg imagemagick ethtool)

missing_packages() {
  # one dpkg-query call for all packages; a package counts as present when "install ok installed"
  local installed
  installed="$(dpkg-query -W -f='${Package} ${Status}\n' "${APT_PACKAGES[@]}" 2>/dev/null | awk '$NF == "installed" { print $1 }' || true)"
  local p
  for p in "${APT_PACKAGES[@]}"; do
    grep -qx -- "$p" <<<"$installed" || echo "$p"
  done
}

# run apt-get, waiting while another apt/dpkg holds its locks
apt_retry() {
  local i out
  for i in $(seq 1 120); do
    if out="$("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@" 2>&1)"; then
      return 0
    fi
    if grep -qiE 'could not get lock|unable to lock|is another process using it|dpkg frontend lock' <<<"$out"; then
      [ "$i" = 1 ] && say "apt/dpkg is locked by another process; waiting"
      sleep 5
      continue
    fi
    echo "$out" | tail -n 20 >&2
    return 1
  done
  echo "$out" | tail -n 20 >&2
  return 1
}

if command -v dpkg-query >/dev/null 2>&1; then
  mapfile -t MISSING < <(missing_packages)
  if [ "${#MISSING[@]}" -gt 0 ]; then
    SUDO=()
    if [ "$(id -u)" != 0 ]; then
      if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
      else
        SUDO=(false)
      fi
    fi
    if [ "${SUDO[*]-}" = false ] || ! command -v apt-get >/dev/null 2>&1; then
      warn "missing packages (${MISSING[*]}) and no root/sudo or apt-get; tests that need them will be skipped"
    else
      say "apt-get install ${MISSING[*]}"
      if apt_retry update -qq && apt_retry install -y -qq --no-install-recommends "${MISSING[@]}"; then
        :
      else
        warn "apt-get failed; tests that need ${MISSING[*]} will be skipped"
      fi
    fi
  fi
else
  warn "dpkg-query not found (not Debian?); install manually: ${APT_PACKAGES[*]}"
fi

# ---------------------------------------------------------------------------------------------
# (b) node_modules
NPM_STAMP="$ROOT/node_modules/.package-lock.json"   # written by npm on every install
if [ -f package-lock.json ]; then LOCK=package-lock.json; else LOCK=package.json; fi
if [ ! -d node_modules ] || [ ! -f "$NPM_STAMP" ]; then
  if [ -f package-lock.json ]; then
    say "npm ci"
    npm ci --no-audit --no-fund
  else
    say "npm install (no package-lock.json)"
    npm install --no-audit --no-fund
  fi
  touch "$NPM_STAMP"
elif [ "$LOCK" -nt "$NPM_STAMP" ]; then
  # node_modules exists (others may be using it): update in place instead of deleting it with npm ci
  say "npm install ($LOCK is newer than node_modules)"
  npm install --no-audit --no-fund
  touch "$NPM_STAMP"
fi

# ---------------------------------------------------------------------------------------------
# (c) build dist/ from lib/
BUILD_STAMP="$ROOT/dist/.build-stamp"
need_build=0
if [ ! -f "$BUILD_STAMP" ]; then
  need_build=1
elif [ tsconfig.json -nt "$BUILD_STAMP" ] || [ -n "$(find lib -newer "$BUILD_STAMP" -print -quit 2>/dev/null)" ]; then
  need_build=1
fi
if [ "$need_build" = 1 ]; then
  say "building dist/ (tsc)"
  # node_modules/.bin/tsc is tslab's TypeScript 5.0.4: call the project's compiler directly
  node node_modules/typescript/bin/tsc -p tsconfig.json
  touch "$BUILD_STAMP"
fi

# ---------------------------------------------------------------------------------------------
# (d) tslab kernelspec in ./.jupyter, pointing at this checkout
if [ ! -f "$KERNEL_JSON" ] || [ ! -e "$TSLAB_BIN" ] || ! grep -qF "\"$(readlink -f "$TSLAB_BIN")\"" "$KERNEL_JSON"; then
  install_kernel
fi
