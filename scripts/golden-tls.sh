#!/usr/bin/env bash
# Oracle files for TLS decryption (test/golden/tls/), from tshark 4.0.17 with the key log and
# out-of-order TCP reassembly — the reference of issue 15:
#   tshark -2 -n -r F -o tls.keylog_file:K -o tcp.reassemble_out_of_order:TRUE
# Captures: every capture in data/ with a key log next to it (NAME.keylog), and those of
# ${PCAPFRAME_SHARED:-../shared}/captures-wave2 with a key log or with pcapng Decryption Secrets Blocks
# (names already in data/ are taken from data/). Per capture NAME:
#   NAME.packets.tsv.gz  frame.number, _ws.col.Protocol, _ws.col.Info
#   NAME.http.tsv        HTTP/1.x messages: frame, method, uri, response code, host
#   NAME.http2.tsv       HTTP/2 HEADERS frames: frame, stream id, :method, :path, :status
#   NAME.objects.tsv     --export-objects http: file name, size, sha256
# and captures.tsv (name, source, key material, sha256). Deterministic (gzip -n, LC_ALL=C).
#   bash scripts/golden-tls.sh      (called by scripts/update-golden.sh)
set -euo pipefail
export LC_ALL=C TZ=UTC

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/test/golden/tls"
SHARED_BASE="${PCAPFRAME_SHARED:-../shared}"
case "$SHARED_BASE" in /*) ;; *) SHARED_BASE="$ROOT/$SHARED_BASE" ;; esac
WAVE2="$SHARED_BASE/captures-wave2"
mkdir -p "$OUT"

noise() { grep -v '^Running as user "root" and group "root". This could be dangerous.$' || true; }

# does a pcapng file hold a Decryption Secrets Block (block type 0x0000000A)?
has_dsb() {
  node -e '
    const b = require("fs").readFileSync(process.argv[1]);
    if (b.length < 12 || b.readUInt32LE(0) !== 0x0a0d0d0a) process.exit(1);
    const le = b.readUInt32LE(8) === 0x1a2b3c4d;
    let o = 0;
    while (o + 12 <= b.length) {
      const t = le ? b.readUInt32LE(o) : b.readUInt32BE(o);
      const l = le ? b.readUInt32LE(o + 4) : b.readUInt32BE(o + 4);
      if (t === 0x0a) process.exit(0);
      if (l < 12) break;
      o += l;
    }
    process.exit(1);' "$1"
}

INDEX="$OUT/captures.tsv"
printf 'name\tsource\tkeys\tsha256\n' > "$INDEX.tmp"
declare -A SEEN=()

one() {
  local f="$1" source="$2" name key keys
  name="$(basename "$f")"
  if [[ -n "${SEEN[$name]:-}" ]]; then return 0; fi
  key="${f%.*}.keylog"
  local opts=(-2 -n -r "$f" -o tcp.reassemble_out_of_order:TRUE)
  if [[ -f "$key" ]]; then
    opts+=(-o "tls.keylog_file:$key")
    keys="$(basename "$key")"
  elif has_dsb "$f"; then
    keys="dsb"
  else
    return 0
  fi
  SEEN[$name]=1
  echo "golden-tls: $name ($keys)" >&2
  tshark "${opts[@]}" -T fields -e frame.number -e _ws.col.Protocol -e _ws.col.Info 2>/dev/null | noise | gzip -n -9 > "$OUT/$name.packets.tsv.gz"
  tshark "${opts[@]}" -Y http -T fields -e frame.number -e http.request.method -e http.request.uri -e http.response.code -e http.host 2>/dev/null | noise > "$OUT/$name.http.tsv"
  tshark "${opts[@]}" -Y 'http2.type==1' -T fields -e frame.number -e http2.streamid -e http2.headers.method -e http2.headers.path -e http2.headers.status 2>/dev/null | noise > "$OUT/$name.http2.tsv"
  local eo
  eo="$(mktemp -d)"
  tshark "${opts[@]}" -q --export-objects "http,$eo" >/dev/null 2>&1 || true
  ( cd "$eo" && for o in *; do
      if [[ -f "$o" ]]; then printf '%s\t%s\t%s\n' "$o" "$(stat -c %s "$o")" "$(sha256sum "$o" | cut -d' ' -f1)"; fi
    done ) | sort > "$OUT/$name.objects.tsv"
  rm -rf "$eo"
  printf '%s\t%s\t%s\t%s\n' "$name" "$source" "$keys" "$(sha256sum "$f" | cut -d' ' -f1)" >> "$INDEX.tmp"
}

for f in "$ROOT"/data/*.pcap "$ROOT"/data/*.pcapng; do
  if [[ -f "$f" ]]; then one "$f" data; fi
done
if [[ -d "$WAVE2" ]]; then
  for f in "$WAVE2"/*.pcap "$WAVE2"/*.pcapng; do
    if [[ -f "$f" ]]; then one "$f" shared-wave2; fi
  done
fi
mv "$INDEX.tmp" "$INDEX"
