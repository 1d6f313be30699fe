/**
 * Process and tool helpers for the lab harness: finding executables, running
 * commands synchronously with clear errors, spawning long-running children in
 * their own process group, and waiting for a line of output with a timeout.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const EXTRA_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/** Absolute path of an executable, searching PATH and the usual sbin dirs; null if absent. */
export function findExe(name: string): string | null {
  if (name.includes("/")) return isExecutable(name) ? name : null;
  const dirs = [...(process.env.PATH ?? "").split(":").filter(Boolean), ...EXTRA_DIRS];
  for (const d of dirs) {
    const p = path.join(d, name);
    if (isExecutable(p)) return p;
  }
  return null;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Runs a command to completion; throws an Error carrying its stderr on failure. */
export function run(cmd: string, args: string[], opts: { timeoutMs?: number; input?: string } = {}): string {
  try {
    return execFileSync(cmd, args, {
      encoding: "utf8",
      timeout: opts.timeoutMs ?? 15_000,
      input: opts.input,
      stdio: ["pipe", "pipe", "pipe"],
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const detail = (e.stderr ?? "").toString().trim() || e.message;
    throw new Error(`${path.basename(cmd)} ${args.join(" ")} failed: ${detail}`);
  }
}

/** Like run() but never throws; returns null on failure. */
export function tryRun(cmd: string, args: string[], timeoutMs = 5_000): string | null {
  try {
    return run(cmd, args, { timeoutMs });
  } catch {
    return null;
  }
}

export interface Spawned {
  name: string;
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
  exitCode: number | null | undefined;
}

/** Spawns a child in its own process group, collecting its output line by line. */
export function spawnTracked(name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): Spawned {
  const child = spawn(cmd, args, { detached: true, stdio: ["ignore", "pipe", "pipe"], env: env ?? process.env });
  const s: Spawned = { name, child, stdout: [], stderr: [], exited: Promise.resolve(null), exitCode: undefined };
  const collect = (stream: NodeJS.ReadableStream | null, into: string[]) => {
    if (!stream) return;
    let rest = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      rest += chunk;
      const lines = rest.split("\n");
      rest = lines.pop() ?? "";
      into.push(...lines);
    });
    stream.on("end", () => {
      if (rest) into.push(rest);
      rest = "";
    });
  };
  collect(child.stdout, s.stdout);
  collect(child.stderr, s.stderr);
  s.exited = new Promise((resolve) => {
    child.on("error", (err) => {
      s.stderr.push(String(err));
      s.exitCode = null;
      resolve(null);
    });
    child.on("close", (code) => {
      s.exitCode = code;
      resolve(code);
    });
  });
  return s;
}

/** Sends a signal to the child's whole process group (ignores already-gone groups). */
export function killGroup(s: Spawned, signal: NodeJS.Signals = "SIGKILL"): void {
  if (s.child.pid === undefined || s.exitCode !== undefined) return;
  try {
    process.kill(-s.child.pid, signal);
  } catch {
    /* already gone */
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until a line of stdout or stderr matches; rejects on timeout or exit. */
export async function waitForLine(s: Spawned, re: RegExp, timeoutMs: number, what: string): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Outputs here are short: rescanning both streams each time is fine.
    const hit = [...s.stdout, ...s.stderr].find((l) => re.test(l));
    if (hit !== undefined) return hit;
    if (s.exitCode !== undefined) {
      throw new Error(`${what}: ${s.name} exited (code ${s.exitCode}) before ready:\n${tail(s)}`);
    }
    if (Date.now() > deadline) throw new Error(`${what}: timed out after ${timeoutMs} ms:\n${tail(s)}`);
    await sleep(50);
  }
}

/** Waits for exit with a timeout; returns the exit code or throws. */
export async function waitExit(s: Spawned, timeoutMs: number, what: string): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${timeoutMs} ms:\n${tail(s)}`)), timeoutMs);
  });
  try {
    return await Promise.race([s.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function tail(s: Spawned, n = 15): string {
  return [...s.stdout.slice(-n), ...s.stderr.slice(-n)].map((l) => `  ${l}`).join("\n");
}
