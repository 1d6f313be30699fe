import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { readCapture, DEFAULT_CSV_COLUMNS, Capture } from "../capture/capture";
import { CaptureError } from "../base/errors";
import { compileFilter, FilterError } from "../filter/index";
import { terminalProgress } from "../base/progress";
import { resolveInputs } from "../read/inputs";
import { buildFlows, writeFlowsCSV } from "../flows/build";
import { flowColumns } from "../flows/schema";
import { plotCommand, type PlotCommandOptions } from "../plot/command";
import { closeBrowser } from "../plot/export";
import { compareWithTshark } from "../check/compare";
import { runLab } from "../lab/index";
import { parseLabArgs } from "../lab/cli";
import { labFacts, formatLabFacts } from "../lab/facts";
import { initNotebooks } from "../notebook/init";
import { exportObjects } from "../decrypt/index";

const USAGE = `pcapframe — packet captures as tables, TCP analysis, flows and plots

Usage:
  pcapframe info FILE                      capture metadata (format, interfaces, time span, packets)
  pcapframe packets FILE… [-Y FILTER] [--csv] [--columns a,b,…] [--limit N] [--strict]
                                           the packet list (Wireshark's columns + TCP analysis);
                                           -Y/--filter: only frames matching a Wireshark display filter
  pcapframe flows FILE [--csv]             one row per TCP stream / UDP flow, with RTT and retransmission stats
  pcapframe plot FILE --stream N --kind seq|tcptrace|rtt|throughput|inflight|ladder -o out.png|out.svg|out.html
  pcapframe objects FILE --out DIR         HTTP objects (Wireshark's Export Objects → HTTP) written to DIR
  pcapframe compare FILE                   per-packet disagreements with tshark (needs tshark)
  pcapframe lab [--loss 0.03] [--tls 1.2|1.3] [--out data] [--name NAME] [--notebooks] [--cleanup]
                                           (--notebooks: then run every notebook on it, into out/NAME/)
                                           record a real browser ↔ HTTPS server capture (root, netns)
  pcapframe start                          the main job: summary of data/lab-lossy.pcapng + notebooks to out/
  pcapframe columns [--flows]              the packet-table (or flow-table) columns: name, type, unit, what each mirrors
  pcapframe init-notebooks [DIR] [--capture FILE] [--no-install] [--force]
                                           set up DIR (default notebooks/) for tslab notebooks: tslab, a
                                           kernelspec in DIR/.jupyter, a starter notebook importing "pcapframe"

  pcapframe convert FILES… --out DIR [--one-capture] [--shard i/n] [--batch-rows N] [--workers N] [--no-flows]
                                           captures → Hive-partitioned Parquet (DIR/packets, DIR/flows); each file
                                           on its own, in parallel, or --one-capture: all as one (rotations)
  pcapframe sql DIR "SELECT …"             SQL (DuckDB) over a converted dataset: views packets, flows; CSV out


FILE may be pcap (µs/ns, either byte order), pcapng, or either gzip-compressed; the format is
detected from the magic number. Framing errors keep the packets before them (warning on stderr);
--strict turns them into an error. Several FILEs, or a directory (tcpdump -C/-G rotations, in natural
name order), read as one capture. On a terminal, a progress bar (bytes, packets, rate, ETA) shows on stderr.
--keylog KEYS (info, packets, flows, plot, objects): decrypt TLS with an NSS key log (SSLKEYLOGFILE);
pcapng Decryption Secrets Blocks are used without it.`;

interface Args {
  cmd: string;
  positional: string[];
  flags: Record<string, string | boolean>;
}

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags: Record<string, string | boolean> = {};
  const valued = new Set(["capture", "shard", "batch-rows", "workers", "columns", "limit", "stream", "kind", "o", "out", "loss", "tls", "name", "student", "direction", "Y", "filter", "keylog"]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--") || (a.startsWith("-") && a.length === 2)) {
      const eq = a.indexOf("=");
      const key = (eq > 0 ? a.slice(0, eq) : a).replace(/^-+/, "");
      if (eq > 0) flags[key] = a.slice(eq + 1);
      else if (valued.has(key) && i + 1 < argv.length) flags[key] = argv[++i];
      else flags[key] = true;
    } else positional.push(a);
  }
  return { cmd: positional.shift() ?? "", positional, flags };
}

function out(s: string): void {
  process.stdout.write(s);
}

/** Entry point used by bin/pcapframe.js. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (!args.cmd || args.flags.help || args.flags.h || args.cmd === "help") {
    out(USAGE + "\n");
    return args.cmd ? 0 : 2;
  }
  try {
    switch (args.cmd) {
      case "info":
        return cmdInfo(args);
      case "packets":
        return cmdPackets(args);
      case "flows":
        return cmdFlows(args);
      case "plot":
        return await cmdPlot(args);
      case "objects":
        return cmdObjects(args);
      case "compare":
        return cmdCompare(args);
      case "lab":
        return await cmdLab(argv.slice(argv.indexOf("lab") + 1));
      case "start":
        return await cmdStart(args);
      case "init-notebooks":
        return cmdInitNotebooks(args);
      case "convert":
        return await cmdConvert(args);
      case "sql":
        return await cmdSql(args);
      case "columns":
        if (args.flags.flows) {
          for (const c of flowColumns()) out(`${c.name.padEnd(26)} ${c.type.padEnd(8)} ${(c.unit ?? "").padEnd(6)} ${c.mirrors.padEnd(24)} ${c.description}\n`);
        } else {
          for (const c of Capture.describeColumns()) out(`${c.name.padEnd(16)} ${c.type.padEnd(8)} ${c.unit.padEnd(6)} ${c.wireshark.padEnd(34)} ${c.description}\n`);
        }
        return 0;
      default:
        process.stderr.write(`pcapframe: unknown command "${args.cmd}"\n\n${USAGE}\n`);
        return 2;
    }
  } catch (e) {
    if (e instanceof CaptureError) {
      process.stderr.write(`pcapframe: ${e.message} [${e.code}]\n`);
      return 1;
    }
    if (e instanceof FilterError || e instanceof UsageError) {
      process.stderr.write(`pcapframe: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** Bad usage (unknown option, missing value): message and exit code 2. */
class UsageError extends Error {}

function cmdInitNotebooks(args: Args): number {
  const dir = args.positional[0] ?? "notebooks";
  const capture = typeof args.flags.capture === "string" ? path.resolve(args.flags.capture) : undefined;
  const r = initNotebooks(dir, {
    capture,
    install: args.flags["no-install"] !== true,
    force: args.flags.force === true,
    log: (line) => out(line + "\n"),
  });
  const rel = path.relative(process.cwd(), r.dir) || ".";
  out(`\nready: open ${path.join(rel, "explore.ipynb")} with the "TypeScript (pcapframe)" kernel:\n`);
  out(`  JUPYTER_PATH=${r.jupyterPath} jupyter lab ${rel}\n`);
  out(`(VS Code: start it with that JUPYTER_PATH, or pick the kernel from ${r.kernelJson})\n`);
  return 0;
}

function needFile(args: Args): string {
  const f = args.positional[0];
  if (!f) throw new Error(`${args.cmd}: missing FILE argument`);
  if (!fs.existsSync(f)) throw new Error(`${args.cmd}: no such file: ${f}`);
  return f;
}

/** Read FILE (or several FILEs / a directory of rotations, as one capture), with a progress bar on a terminal's stderr. */
function load(args: Args): Capture {
  needFile(args);
  for (const f of args.positional) if (!fs.existsSync(f)) throw new Error(`${args.cmd}: no such file: ${f}`);
  const input = args.positional.length > 1 ? args.positional : args.positional[0];
  const keylog = typeof args.flags.keylog === "string" ? args.flags.keylog : undefined;
  if (args.flags.keylog === true) throw new Error(`${args.cmd}: --keylog needs a file`);
  const bar = terminalProgress(process.stderr);
  let cap: Capture;
  try {
    cap = readCapture(input, { strict: args.flags.strict === true, onProgress: bar?.update, ...(keylog !== undefined ? { keylog } : {}) });
  } finally {
    bar?.done();
  }
  for (const w of cap.meta.warnings) process.stderr.write(`pcapframe: warning: ${w.file ? `${w.file}: ` : ""}${w.message} [${w.code}]\n`);
  return cap;
}

function iso(sec: number): string {
  const d = new Date(sec * 1000);
  return Number.isFinite(d.getTime()) ? d.toISOString() : "(out of range)";
}

function cmdInfo(args: Args): number {
  const cap = load(args);
  const m = cap.meta;
  const lines: string[] = [];
  lines.push(`File:          ${m.source}`);
  lines.push(`Format:        ${m.format}${m.compressed ? " (gzip-compressed)" : ""}, ${m.byteOrder}-endian, version ${m.version}`);
  lines.push(`File size:     ${m.fileSize} bytes`);
  if (m.format === "pcapng") lines.push(`Sections:      ${m.sections}`);
  lines.push(`Interfaces:    ${m.interfaces.length}`);
  for (const i of m.interfaces) {
    const res = i.tsResolution === 1e-6 ? "µs" : i.tsResolution === 1e-9 ? "ns" : `${i.tsResolution}s`;
    lines.push(`  #${i.index}: ${i.linkTypeName} (link type ${i.linkType}), snaplen ${i.snapLen}, ${res} timestamps${i.tsOffset ? `, offset ${i.tsOffset}s` : ""}${i.name ? `, name ${i.name}` : ""}, ${i.packets} packets`);
  }
  lines.push(`Packets:       ${m.packetCount}`);
  if (m.firstTimedRow !== null && m.lastTimedRow !== null) {
    lines.push(`First packet:  ${cap.epoch(m.firstTimedRow)} (${iso(m.firstTime!)})`);
    lines.push(`Last packet:   ${cap.epoch(m.lastTimedRow)} (${iso(m.lastTime!)})`);
    lines.push(`Duration:      ${m.duration.toFixed(6)} s (latest − earliest timestamp)`);
  } else if (m.packetCount) lines.push("Timestamps:    none (simple packet blocks)");
  let tcp = 0;
  let streams = 0;
  for (let r = 0; r < cap.length; r++) if (cap.packets.tcpStream[r] >= 0) {
    tcp++;
    if (cap.packets.tcpStream[r] + 1 > streams) streams = cap.packets.tcpStream[r] + 1;
  }
  lines.push(`TCP packets:   ${tcp} in ${streams} streams`);
  for (const c of m.comments) lines.push(`Comment:       ${c}`);
  for (const s of m.secrets) lines.push(`Secrets:       ${s.typeName}, ${s.data.length} bytes (after packet ${s.afterPacket})`);
  for (const w of m.warnings) lines.push(`Warning:       ${w.message}`);
  out(lines.join("\n") + "\n");
  return 0;
}

function cmdPackets(args: Args): number {
  const unknown = Object.keys(args.flags).filter((k) => !["csv", "columns", "limit", "strict", "Y", "filter"].includes(k));
  if (unknown.length) throw new UsageError(`packets: unknown option ${unknown.map((k) => (k.length === 1 ? "-" : "--") + k).join(", ")}`);
  const expr = args.flags.Y ?? args.flags.filter;
  if (expr === true) throw new UsageError("packets: -Y/--filter needs a display filter");
  // compile before reading the file: a bad filter fails at once
  const filter = typeof expr === "string" ? compileFilter(expr) : null;
  const cap = load(args);
  const limit = args.flags.limit ? Number(args.flags.limit) : Infinity;
  let rows: number[] | undefined = filter ? Array.from(filter.rows(cap)) : undefined;
  if (Number.isFinite(limit)) rows = rows ? rows.slice(0, limit) : Array.from({ length: Math.min(limit, cap.length) }, (_, i) => i);
  if (args.flags.csv) {
    const cols = typeof args.flags.columns === "string" ? args.flags.columns.split(",") : DEFAULT_CSV_COLUMNS;
    cap.writeCSV(cols, (s) => out(s), rows);
    return 0;
  }
  const n = rows ? rows.length : cap.length;
  let buf = "";
  for (let k = 0; k < n; k++) {
    const r = rows ? rows[k] : k;
    buf += `${String(r + 1).padStart(6)} ${cap.relativeTime(r).toFixed(6).padStart(12)} ${cap.column("src", [r])[0] ?? ""} → ${cap.column("dst", [r])[0] ?? ""} ${cap.protocol(r)} ${cap.packets.wireLen[r]} ${cap.info(r)}\n`;
    if (buf.length > 65536) {
      out(buf);
      buf = "";
    }
  }
  out(buf);
  return 0;
}

function cmdFlows(args: Args): number {
  const cap = load(args);
  if (args.flags.csv) {
    writeFlowsCSV(cap, (s: string) => out(s));
    return 0;
  }
  const table = buildFlows(cap);
  const recs = table.toRecords();
  for (const f of recs) {
    out(`${f.stream ?? "-"}\t${f.proto}\t${f.addr_a}:${f.port_a ?? ""} ↔ ${f.addr_b}:${f.port_b ?? ""}\t${f.pkts_a2b}/${f.pkts_b2a} pkts\t${f.state ?? ""}\t${f.history ?? ""}\n`);
  }
  return 0;
}

async function cmdPlot(args: Args): Promise<number> {
  const cap = load(args);
  const outPath = (args.flags.o ?? args.flags.out) as string | undefined;
  if (!outPath || typeof outPath !== "string") throw new Error("plot: -o out.png|out.svg|out.html is required");
  // command-line values, checked by plotCommand's option schema
  const written = await plotCommand(cap, {
    stream: args.flags.stream !== undefined ? Number(args.flags.stream) : undefined,
    kind: args.flags.kind ?? "tcptrace",
    out: outPath,
  } as PlotCommandOptions);
  await closeBrowser();
  out(`wrote ${written ?? outPath}\n`);
  return 0;
}

/** Like `tshark --export-objects http,DIR`: every HTTP object into DIR, one line per object on stdout. */
function cmdObjects(args: Args): number {
  const dir = args.flags.out;
  if (typeof dir !== "string") throw new Error("objects: --out DIR is required");
  const cap = load(args);
  const objects = exportObjects(cap);
  const written = objects.save(dir);
  out("frame\thostname\tcontent_type\tsize\tfile\n");
  objects.rows.forEach((o, i) => out(`${o.frame}\t${o.hostname}\t${o.contentType}\t${o.size}\t${path.basename(written[i])}\n`));
  return 0;
}

function cmdCompare(args: Args): number {
  const file = needFile(args);
  const res = compareWithTshark(file);
  out(JSON.stringify(res, null, 2) + "\n");
  return 0;
}

async function cmdLab(argv: string[]): Promise<number> {
  const withNotebooks = argv.includes("--notebooks");
  const opts = parseLabArgs(argv.filter((a) => a !== "--notebooks"));
  // Random loss may miss what the notebooks explain (a fast retransmission after SACKed dup ACKs…):
  // record again, up to three runs in all.
  const attempts = (opts.loss ?? 0) > 0 ? 3 : 1;
  const record = async (k: number): Promise<{ res: { name: string; pcapng: string }; missing: string[] }> => {
    const res = await runLab({ ...opts, note: [opts.note, attempts > 1 ? `attempt ${k} of ${attempts}` : ""].filter(Boolean).join("; ") || undefined });
    out(JSON.stringify(res, null, 2) + "\n");
    const facts = labFacts(readCapture(res.pcapng));
    out(formatLabFacts(facts) + "\n");
    return { res, missing: facts.missing };
  };
  let { res, missing } = await record(1);
  for (let k = 2; k <= attempts && missing.length; k++) {
    out(`recording again (attempt ${k} of ${attempts}) …\n`);
    ({ res, missing } = await record(k));
  }
  if (missing.length) process.stderr.write(`pcapframe lab: the capture lacks: ${missing.join("; ")}\n`);
  if (!withNotebooks) return missing.length ? 1 : 0;
  // Execute the notebooks on the new capture (PCAPFRAME_FILE), into out/<name>/.
  const root = path.resolve(__dirname, "..", "..");
  const outDir = path.join(root, "out", res.name);
  out(`executing the notebooks on ${path.relative(process.cwd(), res.pcapng)} …\n`);
  const r = spawnSync("/usr/bin/python3", [path.join(root, "scripts", "run-notebooks.py"), "-j", "2", "--out", outDir], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, PCAPFRAME_FILE: path.resolve(res.pcapng) },
  });
  if (r.status !== 0) return r.status ?? 1;
  return missing.length ? 1 : 0;
}

/** The main job (`npm start`): summarise the bundled lab capture and execute the notebooks to HTML. */
async function cmdStart(args: Args): Promise<number> {
  const root = path.resolve(__dirname, "..", "..");
  const file = args.positional[0] ?? path.join(root, "data", "lab-lossy.pcapng");
  const cap = readCapture(file);
  out(`pcapframe: ${path.relative(process.cwd(), file)}: ${cap.length} packets, ${cap.meta.format}, ${cap.meta.duration.toFixed(3)} s\n`);
  const recs = buildFlows(cap).toRecords();
  out(`${recs.length} flows:\n`);
  for (const f of recs.slice(0, 20)) {
    out(`  stream ${f.stream ?? "-"} ${f.proto} ${f.addr_a}:${f.port_a ?? ""} → ${f.addr_b}:${f.port_b ?? ""}  ${f.pkts_a2b}+${f.pkts_b2a} pkts  ${f.state ?? ""} ${f.history ?? ""}${f.sni ? "  SNI " + f.sni : ""}${f.tls_cipher ? "  " + f.tls_cipher : ""}\n`);
  }
  if (args.flags["no-notebooks"]) return 0;
  const nbDir = path.join(root, "notebooks");
  const nbs = fs.existsSync(nbDir) ? fs.readdirSync(nbDir).filter((f) => f.endsWith(".ipynb")).sort() : [];
  if (nbs.length === 0) return 0;
  out(`executing ${nbs.length} notebooks with the tslab kernel …\n`);
  const r = spawnSync("/usr/bin/python3", [path.join(root, "scripts", "run-notebooks.py"), "-j", "2", ...nbs.map((n) => path.join(nbDir, n))], {
    cwd: root,
    stdio: "inherit",
  });
  return r.status ?? 1;
}

async function cmdConvert(args: Args): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const store = require("../store/index") as typeof import("../store/index");
  const outDir = args.flags.out;
  if (typeof outDir !== "string") throw new Error("convert: --out DIR is required");
  if (args.positional.length === 0) throw new Error("convert: no capture files given");
  const files: string[] = [];
  for (const f of args.positional) {
    if (!fs.existsSync(f)) throw new Error(`convert: no such file: ${f}`);
    for (const x of resolveInputs(f)) if (typeof x === "string") files.push(x);
  }
  const num = (k: string) => {
    const v = args.flags[k];
    if (v === undefined) return undefined;
    if (typeof v !== "string" || !/^\d+$/.test(v)) throw new Error(`convert: --${k} wants a whole number, not "${v === true ? "" : v}"`);
    return Number(v);
  };
  // a progress bar on stderr when it is a terminal, quiet otherwise
  const bar = terminalProgress(process.stderr);
  const res = await store.convert(files, {
    out: outDir,
    shard: typeof args.flags.shard === "string" ? store.parseShard(args.flags.shard) : undefined,
    batchRows: num("batch-rows"),
    workers: num("workers"),
    flows: args.flags["no-flows"] !== true,
    oneCapture: args.flags["one-capture"] === true,
    onFile: (r) => {
      bar?.done();
      for (const w of r.warnings) process.stderr.write(`pcapframe: warning: ${w.file}: ${w.message}\n`);
      if (bar) process.stderr.write(`converted ${r.file}: ${r.packets} packets, ${r.flows} flows (${(r.ms / 1000).toFixed(1)} s)\n`);
    },
    onProgress: bar?.update,
  });
  bar?.done();
  out(`${res.files.length} files, ${res.packets} packets, ${res.flows} flows → ${outDir}\n`);
  return res.files.some((f) => f.failed) ? 1 : 0;
}

async function cmdSql(args: Args): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const store = require("../store/index") as typeof import("../store/index");
  const [dir, query] = args.positional;
  if (!dir || !query) throw new Error('sql: usage: pcapframe sql DIR "SELECT …"');
  const t = await store.sql(dir, query);
  store.writeStoreCSV(t, (s) => out(s));
  return 0;
}
