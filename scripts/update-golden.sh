#!/usr/bin/env bash
# Regenerates every oracle file under test/golden/ from tshark and tcptrace.
# This is the ONLY place where tshark/tcptrace are run for goldens; tests only read the outputs.
#
#   bash scripts/update-golden.sh            # all captures in data/ and ${PCAPFRAME_SHARED:-../shared}/captures
#   JOBS=1 bash scripts/update-golden.sh     # serial
#   GOLDEN_ONLY="a.pcap b.pcap" bash scripts/update-golden.sh   # regenerate only these captures' oracle files
#
# Inputs: data/, ${PCAPFRAME_SHARED:-../shared}/captures ("shared"), .../captures-wave2 ("wave2": tunnels and
# TLS decryption, goldens without key logs) and test/fixtures/tunnels ("fixture": byte-built by
# scripts/make-tunnel-fixtures.js).
#
# Reference tools: Debian 12 tshark 4.0.17, tcptrace 6.6.7. Output is deterministic
# (gzip -n, LC_ALL=C, TZ=UTC, wall-clock lines of tcptrace removed).
set -euo pipefail
export LC_ALL=C TZ=UTC

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SELF="$ROOT/scripts/update-golden.sh"
OUT="$ROOT/test/golden"
SHARED_BASE="${PCAPFRAME_SHARED:-../shared}"
case "$SHARED_BASE" in /*) ;; *) SHARED_BASE="$ROOT/$SHARED_BASE" ;; esac
SHARED_DIR="$SHARED_BASE/captures"
WAVE2_DIR="$SHARED_BASE/captures-wave2"
FIXTURE_DIR="$ROOT/test/fixtures/tunnels"
GOLDEN_ONLY="${GOLDEN_ONLY:-}"
JOBS="${JOBS:-2}"

# ---------------------------------------------------------------- field lists
# the packet schema's Wireshark fields plus the oracle-only ones (scripts/golden-fields.js; needs dist/)
[ -f "$ROOT/dist/table/schema.js" ] || (cd "$ROOT" && npm run build >/dev/null)
mapfile -t PACKET_FIELDS < <(node "$ROOT/scripts/golden-fields.js")
NOTLS_FIELDS=(frame.number _ws.col.Protocol _ws.col.Info)
# Application dissectors switched off for the pure-TCP Info oracle. On top of that every TCP port is
# decoded as "data", which stops the remaining port/heuristic dissectors (e.g. LANforge on pptp.pcap,
# the port-7000 dissector that adds "[TCP segment of a reassembled PDU]" on echo-connections).
NOTLS_OPTS=(
  --disable-protocol tls --disable-protocol http --disable-protocol http2 --disable-protocol ssh
  --disable-protocol pptp --disable-protocol rtsp --disable-protocol mbtcp --disable-protocol s7comm
  --disable-protocol cotp --disable-protocol tpkt --disable-protocol grpc --disable-protocol lanforge
  -d 'tcp.port==0-65535,data'
)

strip_tshark_noise() { grep -v '^Running as user "root" and group "root". This could be dangerous.$' || true; }

# ---------------------------------------------------------------- one capture
# golden_one NAME PATH SOURCE
golden_one() {
  local name="$1" file="$2" src="$3"
  local fargs=() f
  for f in "${PACKET_FIELDS[@]}"; do fargs+=(-e "$f"); done
  local nargs=()
  for f in "${NOTLS_FIELDS[@]}"; do nargs+=(-e "$f"); done
  local tmp; tmp="$(mktemp -d)"
  local rc

  # per-packet (two-pass)
  rc=0
  tshark -2 -n -r "$file" -T fields -E header=y -E separator=/t -E occurrence=a -E aggregator=, \
    "${fargs[@]}" >"$tmp/p.tsv" 2>"$tmp/p.err" || rc=$?
  gzip -n -9 <"$tmp/p.tsv" >"$OUT/packets/$name.tsv.gz"
  strip_tshark_noise <"$tmp/p.err" >"$tmp/p.err2"
  if [ -s "$tmp/p.err2" ] || [ "$rc" != 0 ]; then
    { echo "exit $rc"; cat "$tmp/p.err2"; } >"$OUT/packets/$name.stderr.txt"
  else
    rm -f "$OUT/packets/$name.stderr.txt"
  fi

  # pure TCP Info text
  tshark -2 -n -r "$file" "${NOTLS_OPTS[@]}" -T fields -E header=y -E separator=/t -E occurrence=a -E aggregator=, \
    "${nargs[@]}" 2>/dev/null | gzip -n -9 >"$OUT/packets-notls/$name.tsv.gz" || true

  # conversation tables (single pass, as a user would run them)
  tshark -n -q -r "$file" -z conv,tcp 2>/dev/null | strip_tshark_noise >"$OUT/conv/$name.tcp.txt" || true
  tshark -n -q -r "$file" -z conv,udp 2>/dev/null | strip_tshark_noise >"$OUT/conv/$name.udp.txt" || true

  # tcptrace (-r = RTT statistics, not "read"); run from the file's directory so "filename:" is the base name
  local dir base
  dir="$(dirname "$file")"; base="$(basename "$file")"
  rc=0
  (cd "$dir" && tcptrace -l -n -r "$base") >"$tmp/t.out" 2>"$tmp/t.err" || rc=$?
  { grep -v '^elapsed wallclock time:' "$tmp/t.out" || true
    if [ -s "$tmp/t.err" ] || [ "$rc" != 0 ]; then echo "--- stderr (exit $rc)"; cat "$tmp/t.err"; fi
  } >"$OUT/tcptrace/$name.txt"
  (cd "$dir" && tcptrace -l -n -r --csv "$base" 2>&1) | grep -v '^#elapsed wallclock time:' >"$OUT/tcptrace/$name.csv" || true

  rm -rf "$tmp"
  echo "golden: $name ($src)" >&2
}

if [ "${1:-}" = "--one" ]; then
  shift
  golden_one "$@"
  exit 0
fi

# ---------------------------------------------------------------- main
command -v tshark >/dev/null || { echo "tshark not installed" >&2; exit 1; }
command -v tcptrace >/dev/null || { echo "tcptrace not installed" >&2; exit 1; }
command -v node >/dev/null || { echo "node not installed" >&2; exit 1; }

mkdir -p "$OUT"/{packets,packets-notls,conv,tcptrace}
# stale outputs of captures that disappeared are removed by regenerating from scratch
[ -n "$GOLDEN_ONLY" ] || rm -f "$OUT"/packets/* "$OUT"/packets-notls/* "$OUT"/conv/* "$OUT"/tcptrace/*

LIST="$(mktemp)"
trap 'rm -f "$LIST"' EXIT
# data/: every capture except the deliberately broken fixtures
for f in "$ROOT"/data/*; do
  b="$(basename "$f")"
  case "$b" in
    *.md|*.txt|bad-*) continue ;;
    *.pcap|*.pcapng|*.pcap.gz|*.pcapng.gz|*.cap) printf '%s\t%s\t%s\n' "$b" "$f" data >>"$LIST" ;;
  esac
done
if [ -d "$SHARED_DIR" ]; then
  for f in "$SHARED_DIR"/*; do
    b="$(basename "$f")"
    case "$b" in *.md|*.txt) continue ;; esac
    if [ -e "$ROOT/data/$b" ]; then
      if ! cmp -s "$f" "$ROOT/data/$b"; then
        echo "name clash with different bytes: data/$b vs $f" >&2; exit 1
      fi
      continue # identical copy: one golden serves both
    fi
    printf '%s\t%s\t%s\n' "$b" "$f" shared >>"$LIST"
  done
else
  echo "note: $SHARED_DIR absent, shared captures skipped" >&2
fi
if [ -d "$WAVE2_DIR" ]; then
  for f in "$WAVE2_DIR"/*; do
    b="$(basename "$f")"
    case "$b" in *.pcap|*.pcapng|*.pcap.gz|*.pcapng.gz|*.cap) ;; *) continue ;; esac
    [ -e "$ROOT/data/$b" ] && continue
    printf '%s\t%s\t%s\n' "$b" "$f" wave2 >>"$LIST"
  done
else
  echo "note: $WAVE2_DIR absent, wave-2 captures skipped" >&2
fi
for f in "$FIXTURE_DIR"/*.pcap; do
  [ -e "$f" ] || continue
  printf '%s\t%s\t%s\n' "$(basename "$f")" "$f" fixture >>"$LIST"
done
sort -o "$LIST" "$LIST"

# captures.tsv: what the goldens were made from
{
  printf 'name\tsource\tsha256\tbytes\n'
  while IFS=$'\t' read -r b f src; do
    printf '%s\t%s\t%s\t%s\n' "$b" "$src" "$(sha256sum "$f" | cut -d' ' -f1)" "$(stat -c %s "$f")"
  done <"$LIST"
} >"$OUT/captures.tsv"
# a capture present both in data/ and shared/ is listed once, as "data"; mark it
if [ -d "$SHARED_DIR" ]; then
  node -e '
    const fs=require("fs"),p=process.argv[1],sh=process.argv[2];
    const lines=fs.readFileSync(p,"utf8").trimEnd().split("\n");
    const out=[lines[0]+"\talso_in_shared"];
    for(const l of lines.slice(1)){const n=l.split("\t")[0];out.push(l+"\t"+(fs.existsSync(sh+"/"+n)?"yes":"no"));}
    fs.writeFileSync(p,out.join("\n")+"\n");' "$OUT/captures.tsv" "$SHARED_DIR"
fi

{
  tshark --version 2>/dev/null | head -1
  capinfos --version 2>/dev/null | head -1
  tcptrace -v 2>&1 | grep -m1 -i version || true
  echo "generated by scripts/update-golden.sh"
} >"$OUT/VERSIONS.txt"

while IFS=$'\t' read -r b f src; do
  if [ -n "$GOLDEN_ONLY" ] && [[ " $GOLDEN_ONLY " != *" $b "* ]]; then continue; fi
  printf '%s\0%s\0%s\0' "$b" "$f" "$src"
done <"$LIST" |
  xargs -0 -n 3 -P "$JOBS" bash "$SELF" --one

# ---------------------------------------------------------------- parse conv + tcptrace into JSON
node - "$OUT" <<'NODE'
"use strict";
const fs = require("fs");
const path = require("path");
const OUT = process.argv[2];

// "addr:port" -> [addr, port] (IPv6 addresses contain colons: split at the last one)
function splitEndpoint(s) {
  const i = s.lastIndexOf(":");
  return [s.slice(0, i), Number(s.slice(i + 1))];
}
// tshark 4.0 prints byte counts with SI units ("1146 bytes", "14 kB", "2 MB"); only "bytes" is exact
function bytesLabel(label) {
  const m = /^(\d+) (bytes|kB|MB|GB)$/.exec(label);
  return { label, exact: m && m[2] === "bytes" ? Number(m[1]) : null };
}
const ROW = /^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+(\d+ (?:bytes|kB|MB|GB))\s+(\d+)\s+(\d+ (?:bytes|kB|MB|GB))\s+(\d+)\s+(\d+ (?:bytes|kB|MB|GB))\s+(-?[\d.]+)\s+(-?[\d.]+)\s*$/;

function parseConv(text, proto) {
  const rows = [];
  for (const line of text.split("\n")) {
    const m = ROW.exec(line);
    if (!m) continue;
    const [addrA, portA] = splitEndpoint(m[1]);
    const [addrB, portB] = splitEndpoint(m[2]);
    const bBA = bytesLabel(m[4]), bAB = bytesLabel(m[6]), bT = bytesLabel(m[8]);
    rows.push({
      proto, addrA, portA, addrB, portB,
      // tshark columns: "<-" = frames/bytes sent by B to A, "->" = sent by A to B
      framesBtoA: Number(m[3]), bytesBtoA: bBA.label, bytesBtoAExact: bBA.exact,
      framesAtoB: Number(m[5]), bytesAtoB: bAB.label, bytesAtoBExact: bAB.exact,
      framesTotal: Number(m[7]), bytesTotal: bT.label, bytesTotalExact: bT.exact,
      relStart: m[9], relStartSec: Number(m[9]),
      duration: m[10], durationSec: Number(m[10]),
      line,
    });
  }
  return rows;
}

function num(v) {
  const m = /^(-?\d+(?:\.\d+)?)(?:\s+\S+)?$/.exec(v.trim());
  return m ? Number(m[1]) : v.trim();
}
const SUMMARY = {
  totalPackets: "total packets", ackPkts: "ack pkts sent", pureAcks: "pure acks sent",
  sackPkts: "sack pkts sent", uniqueBytes: "unique bytes sent",
  actualDataPkts: "actual data pkts", actualDataBytes: "actual data bytes",
  rexmtDataPkts: "rexmt data pkts", rexmtDataBytes: "rexmt data bytes",
  zwndProbePkts: "zwnd probe pkts", outOfOrderPkts: "outoforder pkts", synFin: "SYN/FIN pkts sent",
  mssRequested: "mss requested", hardwareDups: "hardware dups",
  rttSamples: "RTT samples", rttMinMs: "RTT min", rttMaxMs: "RTT max", rttAvgMs: "RTT avg", rttStdevMs: "RTT stdev",
  rtt3whsMs: "RTT from 3WHS", postLossAcks: "post-loss acks", ambiguousAcks: "ambiguous acks",
  segsCumAcked: "segs cum acked", duplicateAcks: "duplicate acks", tripleDupacks: "triple dupacks",
  maxRetrans: "max # retrans", throughputBps: "throughput",
};

function parseTcptrace(text) {
  const seen = /^(\d+) packets seen, (\d+) TCP packets traced/m.exec(text);
  const head = { packetsSeen: seen ? Number(seen[1]) : null, tcpPacketsTraced: seen ? Number(seen[2]) : null };
  if (!/TCP connection \d+:/.test(text)) {
    if (/no traced TCP packets/.test(text)) return { error: null, ...head, connections: [] };
    const i = text.indexOf("--- stderr");
    const lines = (i >= 0 ? text.slice(i) : text).split("\n").filter((l) => l.trim() && !/^(---|Ostermann|\d+ arg remaining)/.test(l));
    return { error: lines[0] || "no output", errorExit: (/--- stderr \(exit (\d+)\)/.exec(text) || [])[1] ?? null, ...head, connections: [] };
  }
  const conns = [];
  let cur = null;
  for (const line of text.split("\n")) {
    let m;
    if ((m = /^TCP connection (\d+):/.exec(line))) {
      cur = { index: Number(m[1]), a2b: {}, b2a: {} };
      conns.push(cur);
      continue;
    }
    if (!cur) continue;
    if ((m = /^\thost ([a-z]+):\s+(\S+)/.exec(line))) {
      const [addr, port] = splitEndpoint(m[2]);
      const side = cur.hostA === undefined ? "A" : "B";
      cur["host" + side] = m[2]; cur["letter" + side] = m[1];
      cur["addr" + side] = addr; cur["port" + side] = port;
      continue;
    }
    if ((m = /^\t(complete conn|first packet|last packet|elapsed time|total packets|filename):\s+(.*?)\s*$/.exec(line))) {
      const key = { "complete conn": "complete", "first packet": "firstPacket", "last packet": "lastPacket",
        "elapsed time": "elapsed", "total packets": "totalPackets", filename: "filename" }[m[1]];
      cur[key] = key === "totalPackets" ? Number(m[2]) : m[2];
      continue;
    }
    // two-column statistics: "     label:   value     label:   value"
    if ((m = /^\s+(\S.*?):\s+(.*?)\s{2,}(\S.*?):\s+(.*?)\s*$/.exec(line)) && m[1] === m[3]) {
      let label = m[1];
      if (label === "initial window") label = /pkts/.test(m[2]) ? "initial window pkts" : "initial window bytes";
      if (label === "urgent data pkts" || label === "urgent data bytes") { /* fine */ }
      cur.a2b[label] = m[2].trim();
      cur.b2a[label] = m[4].trim();
    }
  }
  for (const c of conns) {
    for (const dir of ["a2b", "b2a"]) {
      const raw = c[dir];
      const s = {};
      for (const [k, label] of Object.entries(SUMMARY)) if (label in raw) s[k] = num(raw[label]);
      c[dir] = { summary: s, raw };
    }
  }
  return { error: null, ...head, connections: conns };
}

const names = fs.readFileSync(path.join(OUT, "captures.tsv"), "utf8").trimEnd().split("\n").slice(1).map((l) => l.split("\t")[0]);
for (const name of names) {
  const conv = [];
  for (const proto of ["tcp", "udp"]) {
    const p = path.join(OUT, "conv", `${name}.${proto}.txt`);
    if (fs.existsSync(p)) conv.push(...parseConv(fs.readFileSync(p, "utf8"), proto));
  }
  fs.writeFileSync(path.join(OUT, "conv", `${name}.json`), "[" + conv.map((c) => "\n " + JSON.stringify(c)).join(",") + (conv.length ? "\n" : "") + "]\n");
  const tp = path.join(OUT, "tcptrace", `${name}.txt`);
  const tt = parseTcptrace(fs.readFileSync(tp, "utf8"));
  // compact: one connection per line
  const { connections, ...top } = tt;
  const body = connections.map((c) => " " + JSON.stringify(c)).join(",\n");
  fs.writeFileSync(path.join(OUT, "tcptrace", `${name}.json`),
    JSON.stringify(top).slice(0, -1) + ',"connections":[' + (body ? "\n" + body + "\n" : "") + "]}\n");
}
console.error(`parsed ${names.length} captures`);
NODE
echo "done: $(wc -l <"$LIST") captures -> $OUT" >&2

# display filters (frame sets of every filter of test/golden/filters/filters.txt) and TLS decryption with the
# key logs (Protocol/Info, HTTP messages, exported objects): their own scripts, skipped for GOLDEN_ONLY runs
if [ -z "${GOLDEN_ONLY:-}" ]; then
  node "$ROOT/scripts/golden-filters.js"
  bash "$ROOT/scripts/golden-tls.sh"
fi
