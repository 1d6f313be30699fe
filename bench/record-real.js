#!/usr/bin/env node
"use strict";
// Records a real TCP capture for the CLI benchmark, as the lab harness does (root): three network namespaces
// (server, bridge, client, lib/lab/netns.ts), random loss of the server's data segments on the bridge
// (nftables), a Node server sending bulk data on port 443 to a few client connections, tcpdump on the
// client side with snaplen 128, until N packets are captured.
// Usage: sudo node bench/record-real.js [packets=1000000] [out=bench/real.pcap] [connections=4] [loss%=0.5]
const path = require("node:path");
const { spawn } = require("node:child_process");
const netns = require(path.join(__dirname, "..", "dist", "lab", "netns.js"));

const N = Number(process.argv[2] || 1_000_000);
const out = path.resolve(process.argv[3] || path.join(__dirname, "real.pcap"));
const CONNS = Number(process.argv[4] || 4);
const LOSS = Number(process.argv[5] || 0.5);

const ns = netns.newNamespaceNames(`bench${process.pid % 100000}`);
const procs = [];
const cleanup = () => {
  for (const p of procs) try { process.kill(-p.pid, "SIGKILL"); } catch { /* gone */ }
  netns.destroyTopology(ns);
};
process.on("SIGINT", () => { cleanup(); process.exit(130); });

const inNs = (n, args) => {
  const p = spawn("ip", ["netns", "exec", n, ...args], { stdio: ["ignore", "inherit", "inherit"], detached: true });
  procs.push(p);
  return p;
};

const SERVER = `const net=require("net");const b=Buffer.alloc(1<<16,120);net.createServer((s)=>{s.on("error",()=>{});const w=()=>{while(s.write(b)){}};s.on("drain",w);w();}).listen(443,"${netns.SERVER_IP}",()=>console.log("listening"));`;
const CLIENT = `const net=require("net");for(let i=0;i<${CONNS};i++){const c=net.connect(443,"${netns.SERVER_IP}");c.on("data",()=>{});c.on("error",()=>{});}`;

async function main() {
  netns.checkNetnsAvailable();
  netns.createTopology(ns);
  if (LOSS > 0) netns.installLoss(ns, LOSS);
  const dump = inNs(ns.client, ["tcpdump", "-i", netns.IFACE, "-B", "262144", "-s", "128", "-c", String(N), "-w", out, "-n", "tcp"]);
  const dumpDone = new Promise((res) => dump.on("exit", res));
  await new Promise((r) => setTimeout(r, 1500)); // tcpdump listening
  inNs(ns.server, [process.execPath, "-e", SERVER]);
  await new Promise((r) => setTimeout(r, 1000));
  inNs(ns.client, [process.execPath, "-e", CLIENT]);
  await dumpDone;
  console.log(`wrote ${out} (${N} packets, ${CONNS} connections, ${LOSS}% loss of the server's data segments, snaplen 128; ${netns.droppedPackets(ns)} dropped)`);
}

main().then(cleanup, (e) => { cleanup(); console.error(e); process.exit(1); });
