/**
 * The lab harness: a real HTTPS exchange between headless Chromium and a Node
 * HTTPS server, each in its own network namespace, captured with tcpdump on
 * the client's interface and written as pcapng plus a TLS key log.
 *
 *   const r = await runLab({ loss: 0.03, tls: "1.2", out: "data", name: "lab-lossy" });
 *
 * Needs root, iproute2 (ip netns), tcpdump, chromium, openssl, ffmpeg,
 * imagemagick, and nftables when loss > 0 (ethtool recommended).
 * See netns.ts for the topology and why loss is applied on the bridge.
 */
import { CHROMIUM_ARGS } from "../plot/browser";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { z } from "zod";
import { buildWebRoot, defaultCacheDir, ensureMedia, makeCertificate } from "./media";
import {
  checkNetnsAvailable,
  CLIENT_IP,
  createTopology,
  destroyTopology,
  droppedPackets,
  IFACE,
  installLoss,
  MTU,
  newNamespaceNames,
  SERVER_IP,
  type Namespaces,
} from "./netns";
import { countPcapngPackets, pcapToPcapng } from "./pcapng";
import { findExe, killGroup, sleep, spawnTracked, tail, tryRun, waitExit, waitForLine, type Spawned } from "./sys";

export { countPcapngPackets, pcapToPcapng } from "./pcapng";
export { removeStaleNamespaces, staleNamespaces } from "./netns";

export const LabOptionsSchema = z
  .object({
    /** Fraction (0–0.5) of the server's TCP data segments dropped on the wire, e.g. 0.03. */
    loss: z.number().min(0).max(0.5).default(0),
    /** TLS version offered by the server: "1.2" (ECDHE-RSA-AES128-GCM-SHA256) or "1.3". */
    tls: z.enum(["1.2", "1.3"]).default("1.2"),
    /** Output directory (created if missing). */
    out: z.string().min(1).default("data"),
    /** Base name of the output files: <name>.pcapng, <name>.keylog, <name>.json. */
    name: z
      .string()
      .max(100)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "name may contain letters, digits, '.', '_' and '-' only")
      .default("lab"),
    /** Page heading: major / course line. */
    major: z.string().max(200).default("Computer Networks capture test page"),
    /** Page heading: student number. */
    studentId: z.string().max(50).default("1811398"),
    /** Page heading: student name. */
    studentName: z.string().max(100).default("Li Hua"),
    /** Media sizes: "lab" (capture ~1.5 MB) or "small" (quick tests). */
    media: z.enum(["lab", "small"]).default("lab"),
    /** How long the page keeps playing after all media is buffered. */
    playMs: z.number().int().min(0).max(20_000).default(1_000),
    /** How long the browser stays open after that (idle connections get closed by the server). */
    lingerMs: z.number().int().min(0).max(30_000).default(5_000),
    /** Server's HTTP keep-alive timeout; shorter than lingerMs gives server-side FINs. */
    keepAliveTimeoutMs: z.number().int().min(100).max(60_000).default(3_000),
    /** Server-side pacing of each response in bytes/s (0 = unpaced); makes requests overlap. */
    rate: z.number().int().min(0).max(1_000_000_000).default(1_250_000),
    /** Fetch the video once more and abort it after the first bytes (a cancelled download: RST). */
    abortDownload: z.boolean().default(true),
    /** Upper bound for the whole run. */
    timeoutMs: z.number().int().min(10_000).max(600_000).default(60_000),
    /** Chromium executable. */
    chromium: z.string().min(1).default("/usr/bin/chromium"),
    /** Where generated media are cached between runs (default ~/.cache/pcapframe/lab). */
    cacheDir: z.string().min(1).optional(),
    /** Optional path of a full-page PNG screenshot taken before the browser closes. */
    screenshot: z.string().min(1).optional(),
    /** Keep the temporary directory (raw pcap, web root, logs) for debugging. */
    keepTemp: z.boolean().default(false),
    /** Free text stored in the JSON sidecar (e.g. which attempt this was). */
    note: z.string().max(2000).optional(),
  })
  .strict();

export type LabOptions = z.input<typeof LabOptionsSchema>;
export type LabConfig = z.output<typeof LabOptionsSchema>;

export interface LabRequest {
  method: string;
  path: string;
  range: string | null;
  status: number;
  bytes: number;
  remotePort: number;
}

export interface LabResult {
  name: string;
  /** Absolute paths of the written files. */
  pcapng: string;
  keylog: string;
  json: string;
  /** Packets in the capture. */
  packets: number;
  /** Size of the pcapng file in bytes. */
  bytes: number;
  url: string;
  tlsVersion: string | null;
  cipher: string | null;
  /** TCP connections the server accepted (TLS sessions established). */
  connections: number;
  requests: LabRequest[];
  /** Segments dropped by the loss rule. */
  droppedPackets: number;
  chromiumVersion: string | null;
  /** Where the key log came from: Chromium's SSLKEYLOGFILE or the server's keylog event. */
  keylogSource: "chromium" | "server" | "none";
  namespaces: { server: string; bridge: string; client: string };
  durationMs: number;
}

const CIPHERS = { "1.2": "ECDHE-RSA-AES128-GCM-SHA256", "1.3": "TLS_AES_128_GCM_SHA256" } as const;

const localRequire = createRequire(__filename);

/**
 * Path of a runnable helper script (server/client). From dist/ the compiled
 * sibling is used; when running from the TypeScript sources (vitest), the
 * .ts file is transpiled into the run's temp dir.
 */
function helperScript(base: string, tmp: string): string {
  const js = path.join(__dirname, `${base}.js`);
  if (fs.existsSync(js)) return js;
  const ts = path.join(__dirname, `${base}.ts`);
  if (!fs.existsSync(ts)) throw new Error(`lab helper ${base}.js not found next to ${__filename}`);
  const tsc = localRequire("typescript") as typeof import("typescript");
  const out = tsc.transpileModule(fs.readFileSync(ts, "utf8"), {
    compilerOptions: { module: tsc.ModuleKind.CommonJS, target: tsc.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: ts,
  });
  const dest = path.join(tmp, `${base}.js`);
  fs.writeFileSync(dest, out.outputText);
  return dest;
}

function missingTools(cfg: LabConfig): string[] {
  const need: Array<[string, string]> = [
    ["ip", "iproute2"],
    ["tcpdump", "tcpdump"],
    ["openssl", "openssl"],
    ["ffmpeg", "ffmpeg"],
    ["convert", "imagemagick"],
  ];
  if (cfg.loss > 0) need.push(["nft", "nftables"]);
  const missing = need.filter(([exe]) => !findExe(exe)).map(([exe, pkg]) => `${exe} (apt-get install -y ${pkg})`);
  if (!findExe(cfg.chromium)) missing.push(`${cfg.chromium} (apt-get install -y chromium)`);
  return missing;
}

/**
 * Runs one lab capture. Creates the namespaces, serves the page, records the
 * browser's session with tcpdump, writes <out>/<name>.{pcapng,keylog,json}
 * and removes everything it created (also on error and on SIGINT/SIGTERM).
 */
export async function runLab(options: LabOptions = {}): Promise<LabResult> {
  const parsed = LabOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new Error(`invalid lab options (loss is a fraction: 0.03 = 3 %):\n${z.prettifyError(parsed.error)}`);
  }
  const cfg = parsed.data;
  const started = Date.now();
  const deadline = started + cfg.timeoutMs;
  const remaining = () => Math.max(1_000, deadline - Date.now());

  checkNetnsAvailable();
  const missing = missingTools(cfg);
  if (missing.length) throw new Error(`pcapframe lab: missing tools: ${missing.join(", ")}`);

  const outDir = path.resolve(cfg.out);
  fs.mkdirSync(outDir, { recursive: true });
  const files = {
    pcapng: path.join(outDir, `${cfg.name}.pcapng`),
    keylog: path.join(outDir, `${cfg.name}.keylog`),
    json: path.join(outDir, `${cfg.name}.json`),
  };

  const id = crypto.randomBytes(3).toString("hex");
  const ns: Namespaces = newNamespaceNames(id);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `pcapframe-lab-${id}-`));
  fs.chmodSync(tmp, 0o755);
  const children: Spawned[] = [];

  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    for (const c of children) killGroup(c, "SIGKILL");
    destroyTopology(ns);
    if (!cfg.keepTemp) fs.rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = (sig: NodeJS.Signals) => {
    cleanup();
    removeHandlers();
    process.kill(process.pid, sig); // default action now that our handlers are gone
  };
  const onExit = () => cleanup();
  const removeHandlers = () => {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    process.removeListener("SIGHUP", onSignal);
    process.removeListener("exit", onExit);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);
  process.on("exit", onExit);

  const url = `https://${SERVER_IP}/`;
  try {
    // Assets first (outside the namespaces): media from the cache, a fresh certificate.
    const media = ensureMedia(cfg.cacheDir ?? defaultCacheDir(), cfg.media);
    const cert = makeCertificate(tmp, SERVER_IP);
    const webRoot = path.join(tmp, "www");
    buildWebRoot(webRoot, media, { major: cfg.major, studentId: cfg.studentId, studentName: cfg.studentName });
    const serverScript = helperScript("server", tmp);
    const clientScript = helperScript("client", tmp);

    createTopology(ns);
    if (cfg.loss > 0) installLoss(ns, cfg.loss * 100);

    const ip = findExe("ip") as string;
    const node = process.execPath;

    // 1. HTTPS server in the server namespace.
    const serverKeylog = path.join(tmp, "server.keylog");
    const server = spawnTracked("server", ip, ["netns", "exec", ns.server, node, serverScript, JSON.stringify({
      host: SERVER_IP,
      port: 443,
      cert: cert.cert,
      key: cert.key,
      root: webRoot,
      tls: cfg.tls,
      cipher: CIPHERS[cfg.tls],
      keepAliveTimeoutMs: cfg.keepAliveTimeoutMs,
      rateBytesPerSec: cfg.rate,
      keylog: serverKeylog,
    })]);
    children.push(server);
    await waitForLine(server, /^READY /, Math.min(10_000, remaining()), "HTTPS server");

    // 2. tcpdump on the client's interface.
    const rawPcap = path.join(tmp, "capture.pcap");
    const tcpdump = spawnTracked("tcpdump", ip, ["netns", "exec", ns.client, findExe("tcpdump") as string,
      "-i", IFACE, "-n", "-s", "0", "-U", "--immediate-mode", "-Z", "root", "--time-stamp-precision=nano", "-w", rawPcap]);
    children.push(tcpdump);
    await waitForLine(tcpdump, /listening on/, Math.min(10_000, remaining()), "tcpdump");

    // 3. Chromium in the client namespace.
    const keylogTmp = path.join(tmp, "chromium.keylog");
    const screenshot = cfg.screenshot ? path.resolve(cfg.screenshot) : undefined;
    const client = spawnTracked("client", ip, ["netns", "exec", ns.client, node, clientScript, JSON.stringify({
      url,
      executablePath: findExe(cfg.chromium),
      args: [...CHROMIUM_ARGS, "--ignore-certificate-errors", "--autoplay-policy=no-user-gesture-required"],
      userDataDir: path.join(tmp, "profile"),
      keylog: keylogTmp,
      lingerMs: cfg.lingerMs,
      playMs: cfg.playMs,
      abortDownload: cfg.abortDownload,
      mediaTimeoutMs: Math.max(2_000, Math.min(25_000, remaining() - cfg.lingerMs - cfg.playMs - 8_000)),
      playwright: localRequire.resolve("playwright-core"),
      screenshot,
    })]);
    children.push(client);
    const clientCode = await waitExit(client, Math.max(2_000, remaining() - 3_000), "Chromium client");
    const clientLine = client.stdout.filter((l) => l.startsWith("{")).pop();
    const clientReport = clientLine ? (JSON.parse(clientLine) as Record<string, unknown>) : {};
    if (clientCode !== 0) {
      throw new Error(`Chromium client failed (exit ${clientCode}): ${String(clientReport.error ?? "")}\n${tail(client)}`);
    }

    // 4. Let the last teardown packets arrive, then stop tcpdump cleanly.
    await sleep(1_000);
    killGroup(tcpdump, "SIGINT");
    await waitExit(tcpdump, 5_000, "tcpdump stop");
    const dropped = cfg.loss > 0 ? droppedPackets(ns) : 0;
    killGroup(server, "SIGTERM");
    await waitExit(server, 3_000, "HTTPS server stop").catch(() => killGroup(server, "SIGKILL"));

    // 5. Outputs.
    const converted = pcapToPcapng(fs.readFileSync(rawPcap), {
      ifName: IFACE,
      ifDescription: `veth ${CLIENT_IP}/24 in client netns (peer of a bridge to ${SERVER_IP}), MTU ${MTU}`,
      userAppl: "pcapframe lab (tcpdump capture rewritten as pcapng)",
      os: `Linux ${os.release()}`,
    });
    fs.writeFileSync(files.pcapng, converted.pcapng);
    const packets = countPcapngPackets(converted.pcapng);

    const chromiumKeys = fs.existsSync(keylogTmp) ? fs.readFileSync(keylogTmp) : Buffer.alloc(0);
    const serverKeys = fs.existsSync(serverKeylog) ? fs.readFileSync(serverKeylog) : Buffer.alloc(0);
    const keylogSource = chromiumKeys.length > 0 ? "chromium" : serverKeys.length > 0 ? "server" : "none";
    fs.writeFileSync(files.keylog, chromiumKeys.length > 0 ? chromiumKeys : serverKeys);

    const events = server.stdout.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
    const tlsEvents = events.filter((e) => e.ev === "tls");
    const requests: LabRequest[] = events
      .filter((e) => e.ev === "request")
      .map((e) => ({
        method: String(e.method),
        path: String(e.path),
        range: (e.range as string | null) ?? null,
        status: Number(e.status),
        bytes: Number(e.bytes),
        remotePort: Number(e.remotePort),
      }));
    const firstTls = tlsEvents[0] as { protocol?: string; cipher?: { name?: string; standardName?: string } } | undefined;
    const chromiumVersion =
      (clientReport.browserVersion as string | undefined) ??
      tryRun(findExe(cfg.chromium) as string, ["--version"], 10_000)?.trim() ??
      null;

    const result: LabResult = {
      name: cfg.name,
      pcapng: files.pcapng,
      keylog: files.keylog,
      json: files.json,
      packets,
      bytes: converted.pcapng.length,
      url,
      tlsVersion: firstTls?.protocol ?? null,
      cipher: firstTls?.cipher?.standardName ?? firstTls?.cipher?.name ?? null,
      connections: new Set(tlsEvents.map((e) => e.remotePort)).size,
      requests,
      droppedPackets: dropped,
      chromiumVersion,
      keylogSource,
      namespaces: { server: ns.server, bridge: ns.bridge, client: ns.client },
      durationMs: Date.now() - started,
    };

    const sidecar = {
      generator: "pcapframe lab",
      date: new Date(started).toISOString(),
      name: cfg.name,
      files: { pcapng: path.basename(files.pcapng), keylog: path.basename(files.keylog) },
      url,
      loss: cfg.loss,
      lossPlacement: cfg.loss > 0 ? "nftables bridge forward hook between server and client; server TCP segments with IP length > 200 only" : null,
      droppedPackets: dropped,
      tls: {
        configured: cfg.tls,
        configuredCipher: CIPHERS[cfg.tls],
        negotiatedVersion: result.tlsVersion,
        negotiatedCipher: result.cipher,
        alpn: "http/1.1",
      },
      packets,
      pcapngBytes: result.bytes,
      connections: result.connections,
      requests,
      keylogSource,
      capture: {
        tool: (tryRun(findExe("tcpdump") as string, ["--version"]) ?? "").split("\n")[0] || "tcpdump",
        interface: `${IFACE} in the client namespace`,
        snaplen: "full (-s 0)",
        timestampPrecision: converted.nanosecond ? "nanosecond" : "microsecond",
        format: "tcpdump wrote classic pcap (it cannot write pcapng); rewritten as pcapng (SHB, one IDB with if_tsresol, EPBs) by pcapframe",
        stats: tcpdump.stderr.filter((l) => /packets/.test(l)),
      },
      topology: {
        server: `${ns.server}: ${IFACE} ${SERVER_IP}/24`,
        bridge: `${ns.bridge}: br0 (ports p-srv, p-cli)`,
        client: `${ns.client}: ${IFACE} ${CLIENT_IP}/24`,
        mtu: MTU,
        offloads: findExe("ethtool") ? "tx checksum, TSO, GSO, GRO off on all veths" : "gso_max_segs 1 (ethtool missing)",
        ipv6: "disabled",
        serverSysctl: "net.ipv4.tcp_early_retrans=0 (no tail loss probes)",
      },
      page: {
        major: cfg.major,
        studentId: cfg.studentId,
        studentName: cfg.studentName,
        media: cfg.media,
        sizes: {
          image: fs.statSync(media.image).size,
          audio: fs.statSync(media.audio).size,
          video: fs.statSync(media.video).size,
        },
      },
      timing: {
        playMs: cfg.playMs,
        lingerMs: cfg.lingerMs,
        keepAliveTimeoutMs: cfg.keepAliveTimeoutMs,
        serverPacingBytesPerSec: cfg.rate,
      },
      abortedDownload: cfg.abortDownload ? "the video fetched once more with fetch() and aborted after its first chunk" : null,
      browser: {
        chromiumVersion,
        args: "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --disable-quic --ignore-certificate-errors --autoplay-policy=no-user-gesture-required, fresh --user-data-dir",
        report: clientReport,
      },
      kernel: os.release(), // = uname -r
      node: process.version,
      os: `${os.type()} ${os.arch()}`,
      note: cfg.note ?? null,
      durationMs: Date.now() - started,
    };
    fs.writeFileSync(files.json, JSON.stringify(sidecar, null, 2) + "\n");
    result.durationMs = sidecar.durationMs;
    return result;
  } finally {
    cleanup();
    removeHandlers();
  }
}
export { labFacts, formatLabFacts, type LabFacts } from "./facts";
