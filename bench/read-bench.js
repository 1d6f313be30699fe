#!/usr/bin/env node
"use strict";
// Reader benchmark (issue 2): reading a 1 M-packet capture into the packet table, against
//   (a) a bare loop that reads the same file in chunks into one reused 4 MiB buffer and walks its records,
//   (b) the same loop also decoding the 5-tuple, seq and ack (the reference figure of the issue),
//   (c) pcap-parser (npm) iterating the same file,
//   (d) pcapframe readCapture without TCP analysis (load only), and (e) with analysis + app layers,
//   (f) tshark -n -r FILE -T fields -e frame.number (single pass), once, as an outside reference.
// Each measurement runs in a fresh node process; we report medians of N runs (default 5).
// Usage: node bench/read-bench.js [file=bench/big.pcap] [runs=5]
const { spawnSync, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const file = path.resolve(process.argv[2] || path.join(__dirname, "big.pcap"));
const runs = Number(process.argv[3] || 5);
if (!fs.existsSync(file)) {
  console.log(`generating ${file} …`);
  execFileSync(process.execPath, [path.join(__dirname, "make-big.js"), "1000000", file], { stdio: "inherit" });
}
const root = path.resolve(__dirname, "..");

const tasks = {
  bare: `
    const fs=require("fs"); const fd=fs.openSync(F,"r"); const B=Buffer.allocUnsafe(4<<20); const dv=new DataView(B.buffer,B.byteOffset,B.length);
    let filled=fs.readSync(fd,B,0,B.length,0), base=0, pos=24, n=0;
    for(;;){ let o=pos-base; if(o+16>filled){ B.copyWithin(0,o,filled); filled-=o; base=pos; filled+=fs.readSync(fd,B,filled,B.length-filled,base+filled); o=0; if(o+16>filled)break; }
      const cap=dv.getUint32(o+8,true); if(o+16+cap>filled){ B.copyWithin(0,o,filled); filled-=o; base=pos; filled+=fs.readSync(fd,B,filled,B.length-filled,base+filled); o=0; if(16+cap>filled)break; }
      n++; pos+=16+cap; }
    RESULT=n;`,
  bare5tuple: `
    const fs=require("fs"); const fd=fs.openSync(F,"r"); const B=Buffer.allocUnsafe(4<<20); const dv=new DataView(B.buffer,B.byteOffset,B.length);
    let filled=fs.readSync(fd,B,0,B.length,0), base=0, pos=24, n=0, x=0;
    for(;;){ let o=pos-base; if(o+16>filled){ B.copyWithin(0,o,filled); filled-=o; base=pos; filled+=fs.readSync(fd,B,filled,B.length-filled,base+filled); o=0; if(o+16>filled)break; }
      const cap=dv.getUint32(o+8,true); if(o+16+cap>filled){ B.copyWithin(0,o,filled); filled-=o; base=pos; filled+=fs.readSync(fd,B,filled,B.length-filled,base+filled); o=0; if(16+cap>filled)break; }
      const p=o+16+14; const ihl=(B[p]&15)*4; const src=dv.getUint32(p+12), dst=dv.getUint32(p+16); const t=p+ihl;
      const sp=dv.getUint16(t), dp=dv.getUint16(t+2), seq=dv.getUint32(t+4), ack=dv.getUint32(t+8); x^=src^dst^sp^dp^seq^ack^B[p+9];
      n++; pos+=16+cap; }
    RESULT=n+(x&0);`,
  pcapParser: `
    const pp=require(ROOT+"/node_modules/pcap-parser"); let n=0; const parser=pp.parse(F);
    parser.on("packet",()=>{n++}); await new Promise((res,rej)=>{parser.on("end",res);parser.on("error",rej);}); RESULT=n;`,
  // Module loading (zod, the library) is timed separately: START resets the clock after require().
  require: `const {readCapture}=require(ROOT+"/dist/index"); RESULT=1000001;`,
  loadOnly: `const {readCapture}=require(ROOT+"/dist/index"); START(); const c=readCapture(F,{tcpAnalysis:false}); RESULT=c.length;`,
  loadTcp: `const {readCapture}=require(ROOT+"/dist/index"); START(); const c=readCapture(F,{appLayers:false}); RESULT=c.length;`,
  loadAnalysis: `const {readCapture}=require(ROOT+"/dist/index"); START(); const c=readCapture(F); RESULT=c.length;`,
  // The cost of first touching fresh memory the size of the load-only table (124 B/row here): a floor for any columnar load.
  touchFloor: `const n=1000000*124/8; const a=new Float64Array(n); for(let i=0;i<n;i+=512)a[i]=1; RESULT=1000001;`,
};

function runOnce(name) {
  const code = `(async()=>{const F=${JSON.stringify(file)};const ROOT=${JSON.stringify(root)};let RESULT;let t0=process.hrtime.bigint();const START=()=>{t0=process.hrtime.bigint();};${tasks[name]}
    const ms=Number(process.hrtime.bigint()-t0)/1e6; const mem=process.memoryUsage(); console.log(JSON.stringify({ms,n:RESULT,rss:mem.rss,ab:mem.arrayBuffers}));})().catch(e=>{console.error(e);process.exit(1)})`;
  const r = spawnSync(process.execPath, ["--max-old-space-size=8192", "-e", code], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };

const results = {};
for (let i = 0; i < runs; i++) {
  for (const name of Object.keys(tasks)) {
    const r = runOnce(name);
    (results[name] ??= []).push(r);
  }
}
let tshark = null;
try {
  const t0 = Date.now();
  execFileSync("tshark", ["-n", "-r", file, "-T", "fields", "-e", "frame.number"], { stdio: ["ignore", "ignore", "ignore"], maxBuffer: 1 << 30 });
  tshark = Date.now() - t0;
} catch { /* tshark absent */ }

const size = fs.statSync(file).size;
const med = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { ms: median(v.map((x) => x.ms)), n: v[0].n, rssMB: median(v.map((x) => x.rss)) / 2 ** 20 }]));
const lines = [];
lines.push(`file: ${path.relative(root, file)} — ${med.bare.n} packets, ${(size / 1e6).toFixed(1)} MB; medians of ${runs} runs, each in a fresh node process (node ${process.version}, ${require("os").cpus().length} cores)`);
lines.push("");
lines.push("| measurement | median ms | × bare loop | × bare + 5-tuple | peak RSS MB |");
lines.push("|---|---:|---:|---:|---:|");
for (const [k, label] of [["bare", "bare loop: chunked read, walk records"], ["bare5tuple", "bare loop + decode 5-tuple, seq, ack"], ["pcapParser", "pcap-parser (npm) iterate packets"], ["touchFloor", "first touch of 124 MB of fresh memory (the load-only table's size), no decoding"], ["require", "require(\"pcapframe\") alone (module loading, not counted below)"], ["loadOnly", "pcapframe readCapture, no TCP analysis (load)"], ["loadTcp", "pcapframe readCapture + TCP analysis, no app layers"], ["loadAnalysis", "pcapframe readCapture (dissect + TCP analysis + app layers)"]]) {
  lines.push(`| ${label} | ${med[k].ms.toFixed(0)} | ${(med[k].ms / med.bare.ms).toFixed(2)} | ${(med[k].ms / med.bare5tuple.ms).toFixed(2)} | ${med[k].rssMB.toFixed(0)} |`);
}
if (tshark !== null) lines.push(`| tshark -n -T fields -e frame.number (1 run) | ${tshark} | ${(tshark / med.bare.ms).toFixed(2)} | ${(tshark / med.bare5tuple.ms).toFixed(2)} | |`);
lines.push("");
lines.push(`TCP analysis overhead (issue 3): (load + TCP analysis) / load = ${(med.loadTcp.ms / med.loadOnly.ms).toFixed(2)}×; with app layers too: ${(med.loadAnalysis.ms / med.loadOnly.ms).toFixed(2)}×`);
console.log(lines.join("\n"));
if (process.env.BENCH_WRITE) {
  const resPath = path.join(__dirname, "RESULTS.md");
  let text = fs.existsSync(resPath) ? fs.readFileSync(resPath, "utf8") : "# Benchmarks\n";
  const section = `## Reader (npm run bench)\n\nMeasured ${new Date().toISOString().slice(0, 10)}.\n\n${lines.join("\n")}\n`;
  text = text.includes("## Reader (npm run bench)") ? text.replace(/## Reader \(npm run bench\)[\s\S]*?(?=\n## |$)/, section) : text.trimEnd() + "\n\n" + section;
  fs.writeFileSync(resPath, text);
}
