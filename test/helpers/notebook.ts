/** Run notebooks through scripts/run-notebooks.py (real tslab kernel) and inspect the results. */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const PYTHON = "/usr/bin/python3";
export const RUNNER = path.join(ROOT, "scripts", "run-notebooks.py");
export const KERNEL_JSON = path.join(ROOT, ".jupyter", "share", "jupyter", "kernels", "tslab", "kernel.json");

/* eslint-disable @typescript-eslint/no-explicit-any */
export type NotebookJson = { cells: any[]; metadata: any; nbformat: number; nbformat_minor: number };
export type Output = { output_type: string; name?: string; text?: string | string[]; data?: Record<string, any>; [k: string]: any };

export interface NotebookRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The executed notebook (also written when a cell failed). */
  nb: NotebookJson;
  ipynbPath: string;
  htmlPath: string;
  outDir: string;
  durationMs: number;
}

let toolsChecked: string | null | undefined;

/**
 * Why notebooks can't run here (missing Debian Jupyter packages, kernelspec or dist/ build), or null
 * when they can. Use for `describe.skipIf`.
 */
export function notebookSkipReason(): string | null {
  if (toolsChecked !== undefined) return toolsChecked;
  let reason: string | null = null;
  if (!fs.existsSync(PYTHON)) reason = `${PYTHON} not found`;
  else {
    const r = spawnSync(PYTHON, ["-c", "import nbclient, nbconvert, nbformat, jupyter_client"], { encoding: "utf8" });
    if (r.status !== 0) reason = "Debian Jupyter packages missing (python3-nbclient, jupyter-nbconvert)";
    else if (!fs.existsSync(KERNEL_JSON)) reason = "no tslab kernelspec in .jupyter (bash scripts/setup.sh --kernel-only)";
  }
  toolsChecked = reason;
  return reason;
}

/**
 * Execute one notebook with scripts/run-notebooks.py into a fresh temporary output directory; `env` is added
 * to the kernel's environment (e.g. PCAPFRAME_FILE), `html: false` skips the HTML export.
 */
export async function runNotebook(
  nbPath: string,
  opts: { outDir?: string; timeoutMs?: number; cellTimeoutS?: number; env?: Record<string, string>; html?: boolean } = {},
): Promise<NotebookRun> {
  const abs = path.resolve(ROOT, nbPath);
  const outDir = opts.outDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "pcapframe-nb-"));
  const name = path.basename(abs).replace(/\.ipynb$/, "");
  const args = [RUNNER, "--out", outDir, "--timeout", String(opts.cellTimeoutS ?? 300), ...(opts.html === false ? ["--no-html"] : []), abs];
  const t0 = Date.now();
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(PYTHON, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...opts.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    const timer = setTimeout(() => child.kill("SIGTERM"), opts.timeoutMs ?? 600_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (c, sig) => {
      clearTimeout(timer);
      resolve({ code: c ?? (sig ? 128 : 1), stdout, stderr });
    });
  });
  const ipynbPath = path.join(outDir, `${name}.ipynb`);
  const htmlPath = path.join(outDir, `${name}.html`);
  if (!fs.existsSync(ipynbPath)) {
    throw new Error(`run-notebooks.py wrote no ${ipynbPath} (exit ${code})\n${stdout}\n${stderr}`);
  }
  const nb = JSON.parse(fs.readFileSync(ipynbPath, "utf8")) as NotebookJson;
  return { exitCode: code, stdout, stderr, nb, ipynbPath, htmlPath, outDir, durationMs: Date.now() - t0 };
}

/** All outputs of all code cells, each tagged with its cell's index in `nb.cells`. */
export function outputsOf(nb: NotebookJson): Array<Output & { cell: number }> {
  const all: Array<Output & { cell: number }> = [];
  nb.cells.forEach((c, i) => {
    if (c.cell_type === "code") for (const o of c.outputs ?? []) all.push({ ...o, cell: i });
  });
  return all;
}

function joinText(t: string | string[] | undefined): string {
  return Array.isArray(t) ? t.join("") : (t ?? "");
}

/** Text of every stderr stream and error output (should be empty for a healthy notebook). */
export function stderrOf(nb: NotebookJson): string[] {
  return outputsOf(nb)
    .filter((o) => (o.output_type === "stream" && o.name === "stderr") || o.output_type === "error")
    .map((o) => (o.output_type === "error" ? `${o.ename}: ${o.evalue}` : `cell ${o.cell}: ${joinText(o.text)}`));
}

/** Concatenated stdout of a cell (or of all cells). */
export function stdoutOf(nb: NotebookJson, cell?: number): string {
  return outputsOf(nb)
    .filter((o) => o.output_type === "stream" && o.name === "stdout" && (cell === undefined || o.cell === cell))
    .map((o) => joinText(o.text))
    .join("");
}

/** display_data / execute_result outputs (optionally only those carrying `mime`). */
export function displayDataOf(nb: NotebookJson, mime?: string): Array<Output & { cell: number }> {
  return outputsOf(nb).filter(
    (o) => (o.output_type === "display_data" || o.output_type === "execute_result") && (!mime || (o.data && mime in o.data)),
  );
}

/** A MIME payload as a string (nbformat may store text as a list of lines). */
export function mimeText(o: Output, mime: string): string {
  const v = o.data?.[mime];
  return Array.isArray(v) ? v.join("") : typeof v === "string" ? v : JSON.stringify(v);
}
