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
  // The floor of any columnar load: the bare loop decoding Ethernet/IPv4/TCP into the same ~30 typed-array
  // columns as the packet table (addresses through a small hash table), inline in one function, no anomaly
  // checks, no other link types or protocols. It tells how much of the load is inherent to columns here.
  columnsFloor: `
    const size=require("fs").statSync(F).size, cap=Math.ceil(size/60); const mk=(T)=>new T(cap);
    const tsSec=mk(Float64Array), tsNsec=mk(Uint32Array), capLen=mk(Uint32Array), wireLen=mk(Uint32Array), fileOff=mk(Float64Array), layers=mk(Uint32Array), proto=mk(Uint32Array), src=mk(Uint32Array), dst=mk(Uint32Array), ethSrc=mk(Uint32Array), ethDst=mk(Uint32Array), ethType=mk(Uint16Array),
      ipSrc=mk(Uint32Array), ipDst=mk(Uint32Array), ipTtl=mk(Uint8Array), ipProto=mk(Uint8Array), ipId=mk(Uint16Array), ipLen=mk(Uint32Array), ipHdrLen=mk(Uint16Array), ipTos=mk(Uint8Array), ipFF=mk(Uint16Array),
      sport=mk(Uint16Array), dport=mk(Uint16Array), seqA=mk(Uint32Array), ackA=mk(Uint32Array), flagsA=mk(Uint16Array), winA=mk(Uint16Array), thl=mk(Uint8Array), tlen=mk(Uint32Array), optSeq=mk(Uint32Array), stream=mk(Int32Array);
    const hk=new Int32Array(1<<16), hv=new Int32Array(1<<16); let nid=1;
    const id=(a)=>{ let h=Math.imul(a,0x9e3779b1)>>>16; for(;;){ const v=hv[h]; if(v===0){hk[h]=a;hv[h]=nid++;return nid-1;} if(hk[h]===a)return v; h=(h+1)&0xffff; } };
    const fs=require("fs"); const fd=fs.openSync(F,"r"); const B=Buffer.allocUnsafe(4<<20); const dv=new DataView(B.buffer,B.byteOffset,B.length);
    let filled=fs.readSync(fd,B,0,B.length,0), base=0, pos=24, n=0;
    for(;;){ let o=pos-base; if(o+16>filled){ B.copyWithin(0,o,filled); filled-=o; base=pos; filled+=fs.readSync(fd,B,filled,B.length-filled,base+filled); o=0; if(o+16>filled)break; }
      const cl=dv.getUint32(o+8,true); if(o+16+cl>filled){ B.copyWithin(0,o,filled); filled-=o; base=pos; filled+=fs.readSync(fd,B,filled,B.length-filled,base+filled); o=0; if(16+cl>filled)break; }
      const row=n; tsSec[row]=dv.getUint32(o,true); tsNsec[row]=dv.getUint32(o+4,true)*1000; capLen[row]=cl; wireLen[row]=dv.getUint32(o+12,true); fileOff[row]=pos+16; stream[row]=-1;
      const e=o+16; ethDst[row]=id(dv.getInt32(e+2)); ethSrc[row]=id(dv.getInt32(e+8)); const et=dv.getUint16(e+12); ethType[row]=et; let L=1;
      if(et===0x800){ const p=e+14; const ihl=(B[p]&15)*4; const tot=dv.getUint16(p+2); const s=id(dv.getInt32(p+12)), d=id(dv.getInt32(p+16));
        ipSrc[row]=s; ipDst[row]=d; src[row]=s; dst[row]=d; ipTos[row]=B[p+1]; ipLen[row]=tot; ipHdrLen[row]=ihl; ipId[row]=dv.getUint16(p+4); ipFF[row]=dv.getUint16(p+6); ipTtl[row]=B[p+8]; const pr=B[p+9]; ipProto[row]=pr; L|=64;
        if(pr===6){ const t=p+ihl; sport[row]=dv.getUint16(t); dport[row]=dv.getUint16(t+2); seqA[row]=dv.getUint32(t+4); ackA[row]=dv.getUint32(t+8); const hl=(B[t+12]>>4)*4; flagsA[row]=((B[t+12]&15)<<8)|B[t+13]; winA[row]=dv.getUint16(t+14); thl[row]=hl; tlen[row]=tot-ihl-hl; L|=256;
          if(hl>20){ let q=t+20, end=t+hl, sq=0, k=0; while(q<end){ const kind=B[q]; if(kind===0)break; if(kind===1){sq|=6<<(4*k++);q++;continue;} const ln=B[q+1]; if(ln<2)break; sq|=(kind&7)<<(4*k++); q+=ln; } optSeq[row]=sq; } } }
      layers[row]=L; proto[row]=5; n++; pos+=16+cl; }
    RESULT=n;`,
  pcapParser: `
    const pp=require(ROOT+"/node_modules/pcap-parser"); let n=0; const parser=pp.parse(F);
    parser.on("packet",()=>{n++}); await new Promise((res,rej)=>{parser.on("end",res);parser.on("error",rej);}); RESULT=n;`,
  // Module loading (zod, the library) is timed separately: START resets the clock after require().
  require: `const {readCapture}=require(ROOT+"/dist/index"); RESULT=1000001;`,
  loadOnly: `const {readCapture}=require(ROOT+"/dist/index"); START(); const c=readCapture(F,{tcpAnalysis:false}); RESULT=c.length;`,
  loadTcp: `const {readCapture}=require(ROOT+"/dist/index"); START(); const c=readCapture(F,{appLayers:false}); RESULT=c.length;`,
  loadTcp1: `const {readCapture}=require(ROOT+"/dist/index"); START(); const c=readCapture(F,{appLayers:false,threads:false}); RESULT=c.length;`,
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
for (const [k, label] of [["bare", "bare loop: chunked read, walk records"], ["bare5tuple", "bare loop + decode 5-tuple, seq, ack"], ["pcapParser", "pcap-parser (npm) iterate packets"], ["touchFloor", "first touch of 124 MB of fresh memory (the load-only table's size), no decoding"], ["columnsFloor", "floor: bare loop decoding Eth/IPv4/TCP into the table's ~30 columns, one inline function"], ["require", "require(\"pcapframe\") alone (module loading, not counted below)"], ["loadOnly", "pcapframe readCapture, no TCP analysis (load)"], ["loadTcp", "pcapframe readCapture + TCP analysis (in a worker thread, the default here), no app layers"], ["loadTcp1", "the same in one thread (threads: false)"], ["loadAnalysis", "pcapframe readCapture (dissect + TCP analysis + app layers)"]]) {
  lines.push(`| ${label} | ${med[k].ms.toFixed(0)} | ${(med[k].ms / med.bare.ms).toFixed(2)} | ${(med[k].ms / med.bare5tuple.ms).toFixed(2)} | ${med[k].rssMB.toFixed(0)} |`);
}
if (tshark !== null) lines.push(`| tshark -n -T fields -e frame.number (1 run) | ${tshark} | ${(tshark / med.bare.ms).toFixed(2)} | ${(tshark / med.bare5tuple.ms).toFixed(2)} | |`);
lines.push("");
// loadOnly and loadTcp run back to back in every round, so the ratio within a round sees the same machine
// load; its median over the rounds is the steadier figure on a shared machine.
const perRun = (k) => median(results[k].map((r, i) => r.ms / results.loadOnly[i].ms));
lines.push(`TCP analysis overhead (issue 3): (load + TCP analysis) / load = ${perRun("loadTcp").toFixed(2)}× (median of the ${runs} per-round ratios; ratio of the medians above: ${(med.loadTcp.ms / med.loadOnly.ms).toFixed(2)}×); in one thread: ${perRun("loadTcp1").toFixed(2)}×; with app layers too: ${perRun("loadAnalysis").toFixed(2)}×`);
console.log(lines.join("\n"));
if (process.env.BENCH_WRITE) {
  const resPath = path.join(__dirname, "RESULTS.md");
  let text = fs.existsSync(resPath) ? fs.readFileSync(resPath, "utf8") : "# Benchmarks\n";
  const section = `## Reader (npm run bench)\n\nMeasured ${new Date().toISOString().slice(0, 10)}.\n\n${lines.join("\n")}\n`;
  text = text.includes("## Reader (npm run bench)") ? text.replace(/## Reader \(npm run bench\)[\s\S]*?(?=\n## |$)/, section) : text.trimEnd() + "\n\n" + section;
  fs.writeFileSync(resPath, text);
}
