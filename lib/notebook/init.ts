/**
 * `pcapframe init-notebooks [DIR]`: make a folder of the user's own project ready for tslab notebooks —
 * tslab installed next to pcapframe (when missing), a kernelspec with absolute paths in DIR/.jupyter, and
 * a starter notebook that imports only "pcapframe" and explores any capture (PCAPFRAME_FILE).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** The package's kernel/ folder (kernelspec template and logos), from lib/notebook or dist/notebook. */
const KERNEL_DIR = path.join(__dirname, "..", "..", "kernel");

/** The tslab version whose internal display API lib/base/tslab.ts uses. */
export const TSLAB_VERSION = "1.0.22";

export interface InitNotebooksOptions {
  /** Capture the starter notebook opens when PCAPFRAME_FILE is not set (default "capture.pcapng"). */
  capture?: string;
  /** Install tslab with npm when it cannot be found (default true). */
  install?: boolean;
  /** Overwrite an existing starter notebook (default false: keep it). */
  force?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface InitNotebooksResult {
  dir: string;
  kernelJson: string;
  notebook: string;
  /** Where the kernelspec is found: `JUPYTER_PATH=<this> jupyter lab` (or VS Code with that variable). */
  jupyterPath: string;
  tslab: string;
}

function findTslab(from: string[]): string | undefined {
  try {
    return path.dirname(require.resolve("tslab/package.json", { paths: from }));
  } catch {
    return undefined;
  }
}

/** The folder npm installs into for `dir`: the nearest ancestor with a package.json, else `dir`. */
function projectRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "package.json"))) return d;
    if (path.dirname(d) === d) return dir;
  }
}

/** Set up `dir` for notebooks (see the module comment). Throws an Error with the fix when it cannot. */
export function initNotebooks(dir: string, options: InitNotebooksOptions = {}): InitNotebooksResult {
  const log = options.log ?? (() => {});
  const abs = path.resolve(dir);
  fs.mkdirSync(abs, { recursive: true });
  const root = projectRoot(abs);
  const searchFrom = [abs, root, process.cwd(), __dirname];
  let tslab = findTslab(searchFrom);
  if (!tslab) {
    if (options.install === false) {
      throw new Error(`tslab is not installed; run \`npm install --save-dev tslab@${TSLAB_VERSION}\` in ${root}`);
    }
    log(`installing tslab@${TSLAB_VERSION} into ${root} …`);
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const r = spawnSync(npm, ["install", "--save-dev", "--no-audit", "--no-fund", `tslab@${TSLAB_VERSION}`], { cwd: root, stdio: "inherit" });
    if (r.status !== 0) throw new Error(`npm install tslab@${TSLAB_VERSION} failed in ${root} (exit ${r.status ?? r.signal})`);
    tslab = findTslab(searchFrom);
    if (!tslab) throw new Error(`tslab still not found from ${abs} after installing it in ${root}`);
  }
  const version = (JSON.parse(fs.readFileSync(path.join(tslab, "package.json"), "utf8")) as { version: string }).version;
  if (version !== TSLAB_VERSION) log(`note: tslab ${version} found; pcapframe's rich display is tested with ${TSLAB_VERSION}`);

  // The kernelspec: the package's kernel/ template (kernel/install.sh fills the same one) with absolute node
  // and tslab paths, so Jupyter needs neither PATH nor npx; its logos beside it.
  const jupyterPath = path.join(abs, ".jupyter", "share", "jupyter");
  const kernelDir = path.join(jupyterPath, "kernels", "tslab");
  fs.mkdirSync(kernelDir, { recursive: true });
  const kernelJson = path.join(kernelDir, "kernel.json");
  const fill: Record<string, string> = { '"@NODE@"': JSON.stringify(process.execPath), '"@TSLAB@"': JSON.stringify(path.join(tslab, "bin", "tslab")) };
  const template = fs.readFileSync(path.join(KERNEL_DIR, "kernel.json"), "utf8");
  fs.writeFileSync(kernelJson, template.replace(/"@(NODE|TSLAB)@"/g, (m) => fill[m]));
  for (const logo of ["logo-32x32.png", "logo-64x64.png"]) fs.copyFileSync(path.join(KERNEL_DIR, logo), path.join(kernelDir, logo));
  log(`kernelspec: ${path.relative(process.cwd(), kernelJson) || kernelJson}`);

  const notebook = path.join(abs, "explore.ipynb");
  if (fs.existsSync(notebook) && !options.force) log(`kept the existing ${notebook} (--force overwrites it)`);
  else {
    fs.writeFileSync(notebook, starterNotebook(options.capture ?? "capture.pcapng"));
    log(`starter notebook: ${path.relative(process.cwd(), notebook) || notebook}`);
  }
  return { dir: abs, kernelJson, notebook, jupyterPath, tslab };
}

/** The starter notebook (nbformat 4 JSON): one import from "pcapframe", table verbs, flows, plots. */
export function starterNotebook(capture: string): string {
  const md = (text: string) => ({ cell_type: "markdown", metadata: {}, source: lines(text) });
  const code = (text: string) => ({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: lines(text) });
  const cells = [
    md(
      "# Explore a capture\n\n" +
        "Every cell works on any pcap/pcapng: set `PCAPFRAME_FILE` before starting Jupyter, or edit the path below. " +
        "Tables are pcapframe `Table`s: `head`, `filter`, `sortBy`, `valueCounts`, `groupBy(...).agg(...)`, `describe` chain, " +
        "and a table as a cell's last expression shows as HTML. Frame numbers (`no`) are Wireshark's.",
    ),
    code(
      'import { readCapture, buildFlows, ioGraph, seqGraph, showFigure } from "pcapframe";\n\n' +
        `const FILE = process.env.PCAPFRAME_FILE ?? ${JSON.stringify(capture)};\n` +
        "const cap = readCapture(FILE);\n" +
        "console.log(`${FILE}: ${cap.length} packets, ${cap.meta.format}, ${cap.meta.duration.toFixed(3)} s`);",
    ),
    md("## Packets\nWireshark's packet-list columns; `cap.table().columnNames` lists every column."),
    code('const packets = cap.select(["no", "time_relative", "src", "dst", "protocol", "length", "info"]);\npackets.head(10)'),
    code('cap.valueCounts("protocol")'),
    code("showFigure(ioGraph(cap, { interval: Math.max(0.01, cap.meta.duration / 100) }));"),
    md("## Top talkers"),
    code('cap.groupBy("src").agg({ length: ["count", "sum"] }).sortBy("length_sum", { descending: true }).head(10)'),
    code('cap.describe(["length", "tcp_len", "ack_rtt", "bytes_in_flight"])'),
    md("## TCP analysis flags\nRetransmissions, duplicate ACKs, zero windows… as Wireshark flags them (empty when there are none)."),
    code('cap.filter((p) => p.analysis !== null).valueCounts("analysis")'),
    md("## Flows\nOne row per TCP stream / UDP flow (Wireshark Conversations, tcptrace, Zeek conn.log)."),
    code(
      "const flows = buildFlows(cap);\n" +
        'flows.select(["stream", "proto", "addr_a", "port_a", "addr_b", "port_b", "duration", "pkts_a2b", "pkts_b2a", "bytes_a2b", "bytes_b2a"])\n' +
        '  .sortBy("bytes_a2b", { descending: true })\n' +
        "  .head(10)",
    ),
    md("## The busiest TCP stream"),
    code(
      'const [busiest] = cap.groupBy("stream").agg({ tcp_len: "sum" }).sortBy("tcp_len_sum", { descending: true }).head(1).toRecords();\n' +
        "if (busiest?.stream != null) showFigure(seqGraph(cap, { stream: busiest.stream }));\n" +
        'else console.log("This capture has no TCP stream.");',
    ),
    md("## A danfo DataFrame\nWith explicit dtypes (strings stay strings, integers int32)."),
    code('const df = cap.toDataFrame({ columns: ["no", "time_relative", "src", "dst", "protocol", "length", "analysis"] });\ndf.dtypes'),
  ];
  const nb = {
    cells,
    metadata: {
      kernelspec: { name: "tslab", display_name: "TypeScript (pcapframe)", language: "typescript" },
      language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  cells.forEach((c, i) => Object.assign(c, { id: `cell-${i}` }));
  return JSON.stringify(nb, null, 1) + "\n";
}

function lines(text: string): string[] {
  const parts = text.split("\n");
  return parts.map((l, i) => (i < parts.length - 1 ? l + "\n" : l));
}
