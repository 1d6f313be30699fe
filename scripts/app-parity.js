#!/usr/bin/env node
/*
 * Application-layer parity against tshark 4.0 (`tshark -2 -n`, default preferences).
 *
 *   node node_modules/typescript/bin/tsc -p tsconfig.json --outDir .qb
 *   node scripts/app-parity.js [--file SUBSTR] [--diff N] [--no-cache]
 *
 * Per capture in /work/shared/captures, /work/shared/captures-wave2, data/ and test/fixtures/tunnels (deduplicated
 * by file name), compares:
 *   proto  — our Protocol column vs _ws.col.Protocol, all rows;
 *   info   — app Info on rows whose tshark Protocol is not TCP (TCP analysis prefixes stripped from
 *            tshark's text, unless our TcpAnalyzer provides analysisPrefix(), then compared in full);
 *   pduseg — on rows whose tshark Protocol is TCP: "[TCP segment of a reassembled PDU]" present in
 *            tshark's Info ⇔ our Layer.PDU_SEGMENT bit.
 * tshark output is cached in $TMPDIR/app-parity-cache (keyed by name + size + mtime).
 */
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

const root = path.resolve(__dirname, "..");
const qb = path.join(root, ".qb");
const { loadCapture } = require(path.join(qb, "read", "load.js"));
const { Layer } = require(path.join(qb, "table", "layers.js"));

const args = process.argv.slice(2);
const opt = (k, d) => {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1] : d;
};
const fileFilter = opt("--file", "");
const diffN = Number(opt("--diff", "0"));
const noCache = args.includes("--no-cache");
const cacheDir = path.join(os.tmpdir(), "app-parity-cache");
fs.mkdirSync(cacheDir, { recursive: true });

const dirs = ["/work/shared/captures", "/work/shared/captures-wave2", path.join(root, "data"), path.join(root, "test", "fixtures", "tunnels")];
const seen = new Set();
const files = [];
for (const d of dirs) {
  if (!fs.existsSync(d)) continue;
  for (const f of fs.readdirSync(d).sort()) {
    if (!/\.(pcap|pcapng|cap)(\.gz)?$/.test(f) || seen.has(f)) continue;
    if (fileFilter && !f.includes(fileFilter)) continue;
    seen.add(f);
    files.push(path.join(d, f));
  }
}

function tshark(file) {
  const st = fs.statSync(file);
  const key = path.join(cacheDir, `${path.basename(file)}.${st.size}.${Math.floor(st.mtimeMs)}.tsv`);
  if (!noCache && fs.existsSync(key)) return fs.readFileSync(key, "utf8");
  let out = "";
  try {
    out = execFileSync("tshark", ["-2", "-n", "-r", file, "-T", "fields", "-e", "frame.number", "-e", "_ws.col.Protocol", "-e", "_ws.col.Info"], {
      encoding: "utf8",
      maxBuffer: 1 << 30,
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch (e) {
    out = e.stdout || ""; // damaged files: tshark prints what it read, then fails
  }
  fs.writeFileSync(key, out);
  return out;
}

const PREFIX_RE = /^(\[TCP [^\]]*\] )+/;
const SEG = "[TCP segment of a reassembled PDU]";

const tot = { rows: 0, protoOk: 0, infoRows: 0, infoOk: 0, segRows: 0, segOk: 0, segTs: 0, segUs: 0, tcpInfoRows: 0, tcpInfoOk: 0 };
const lines = [];
for (const file of files) {
  const ts = tshark(file)
    .split("\n")
    .filter((l) => l)
    .map((l) => l.split("\t"));
  let cap;
  try {
    cap = loadCapture(file, { strict: false });
  } catch (e) {
    lines.push(`${path.basename(file)}: load error ${e.message}`);
    continue;
  }
  const { table: t, tcp, app } = cap;
  const hasPrefix = typeof tcp.analysisPrefix === "function" && t.tcpStream && Array.from(t.tcpStream.subarray(0, t.length)).some((x) => x >= 0);
  const st = { rows: 0, protoOk: 0, infoRows: 0, infoOk: 0, segRows: 0, segOk: 0, tcpInfoRows: 0, tcpInfoOk: 0 };
  const diffs = [];
  const n = Math.min(ts.length, t.length);
  for (let i = 0; i < n; i++) {
    const [, tp, ti = ""] = ts[i];
    const ourProto = t.strings.get(t.proto[i]);
    st.rows++;
    if (ourProto === tp) st.protoOk++;
    else if (diffs.length < diffN) diffs.push(`  #${i + 1} proto ts=${tp} us=${ourProto} | ${ti.slice(0, 110)}`);
    const isTcp = (t.layers[i] & Layer.TCP) !== 0;
    if (tp === "TCP") {
      if (!isTcp) continue;
      const tsSeg = ti.endsWith(SEG) || ti.includes(SEG + ", ");
      const usSeg = (t.layers[i] & Layer.PDU_SEGMENT) !== 0;
      st.segRows++;
      if (tsSeg === usSeg) st.segOk++;
      else {
        if (tsSeg) tot.segTs++;
        else tot.segUs++;
        if (diffs.length < diffN) diffs.push(`  #${i + 1} pduseg ts=${tsSeg} us=${usSeg} | ${ti.slice(0, 120)}`);
      }
      if (hasPrefix && typeof tcp.info === "function") {
        let our = tcp.info(i);
        if (usSeg && !our.endsWith(SEG)) our += " " + SEG;
        if (usSeg && app.appText(i)) our += ", " + app.appText(i);
        st.tcpInfoRows++;
        if (our === ti) st.tcpInfoOk++;
      }
      continue;
    }
    const appText = app.appText(i);
    if (!appText && !(t.layers[i] & (Layer.TCP | Layer.UDP | Layer.ICMP | Layer.ICMPV6))) continue; // link-layer rows: not ours
    st.infoRows++;
    let ours;
    let theirs = ti;
    if (isTcp && hasPrefix) ours = app.infoWithPrefix(i, tcp.analysisPrefix(i));
    else if (isTcp) {
      ours = appText;
      // Strip tshark's TCP analysis prefixes (and the ", " TLS/SSH then put after them).
      const m = /^((?:Client|Server): )?((?:\[TCP [^\]]*\] )+)(?:, )?(.*)$/.exec(theirs);
      if (m) theirs = (m[1] || "") + m[3];
    } else ours = appText;
    if (ours === theirs) st.infoOk++;
    else if (diffs.length < diffN) diffs.push(`  #${i + 1} info [${tp}]\n     ts=${JSON.stringify(theirs.slice(0, 160))}\n     us=${JSON.stringify(ours.slice(0, 160))}`);
  }
  if (ts.length !== t.length) diffs.unshift(`  row count ts=${ts.length} us=${t.length}`);
  for (const k of Object.keys(st)) tot[k] += st[k];
  const pct = (a, b) => (b ? ((100 * a) / b).toFixed(2) + "%" : "  -  ");
  lines.push(
    `${path.basename(file).padEnd(44)} rows ${String(st.rows).padStart(6)}  proto ${pct(st.protoOk, st.rows).padStart(7)}  appinfo ${pct(st.infoOk, st.infoRows).padStart(7)} (${st.infoRows})  pduseg ${pct(st.segOk, st.segRows).padStart(7)} (${st.segRows})` +
      (st.tcpInfoRows ? `  tcpinfo ${pct(st.tcpInfoOk, st.tcpInfoRows)}` : ""),
  );
  for (const d of diffs) lines.push(d);
}
const pct = (a, b) => (b ? ((100 * a) / b).toFixed(2) + "%" : "-");
console.log(lines.join("\n"));
console.log(
  `\nTOTAL rows ${tot.rows}: Protocol ${pct(tot.protoOk, tot.rows)} (${tot.rows - tot.protoOk} differ); app Info (non-TCP rows) ${pct(tot.infoOk, tot.infoRows)} of ${tot.infoRows}; ` +
    `TCP rows PDU-segment decision ${pct(tot.segOk, tot.segRows)} of ${tot.segRows} (missed ${tot.segTs}, extra ${tot.segUs})` +
    (tot.tcpInfoRows ? `; TCP Info ${pct(tot.tcpInfoOk, tot.tcpInfoRows)} of ${tot.tcpInfoRows}` : ""),
);
