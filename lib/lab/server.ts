/**
 * HTTPS server of the lab harness. Runs inside the server network namespace:
 *
 *   ip netns exec pf-srv-XXXX node dist/lab/server.js '<json config>'
 *
 * Serves a static web root over HTTP/1.1 (ALPN http/1.1 only) with TLS 1.2
 * (one cipher, ECDHE-RSA-AES128-GCM-SHA256 by default) or TLS 1.3. Supports
 * single byte ranges so Chromium's media loader works as against a real server.
 * Prints "READY <port>" on stdout once listening, one JSON line per request
 * and per TLS session, and exits on SIGTERM/SIGINT.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import type { TLSSocket } from "node:tls";

interface ServerConfig {
  host: string;
  port: number;
  cert: string;
  key: string;
  root: string;
  tls: "1.2" | "1.3";
  cipher: string;
  keepAliveTimeoutMs: number;
  /** Per-response pacing in bytes/s (0 = as fast as the veth goes). */
  rateBytesPerSec: number;
  keylog?: string;
}

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".jpg": "image/jpeg",
  ".png": "image/png",
  ".ogg": "audio/ogg",
  ".webm": "video/webm",
  ".ico": "image/x-icon",
  ".css": "text/css; charset=utf-8",
};

function emit(obj: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

function main(): void {
  const cfg = JSON.parse(process.argv[2] ?? "{}") as ServerConfig;
  const version = cfg.tls === "1.3" ? "TLSv1.3" : "TLSv1.2";
  const opts: https.ServerOptions = {
    cert: fs.readFileSync(cfg.cert),
    key: fs.readFileSync(cfg.key),
    minVersion: version,
    maxVersion: version,
    ALPNProtocols: ["http/1.1"],
    honorCipherOrder: true,
    // One suite only, so the ServerHello is predictable. Node accepts TLS 1.3
    // suite names (TLS_AES_128_GCM_SHA256) in the same list.
    ciphers: cfg.cipher,
  };
  const server = https.createServer(opts, (req, res) => {
    const url = new URL(req.url ?? "/", "https://lab.invalid");
    let rel = decodeURIComponent(url.pathname);
    if (rel.endsWith("/")) rel += "index.html";
    const file = path.join(cfg.root, path.normalize(rel).replace(/^(\.\.[/\\])+/, ""));
    const sock = req.socket as TLSSocket;
    const logReq = (status: number, bytes: number) =>
      emit({
        ev: "request",
        method: req.method,
        path: url.pathname,
        range: req.headers.range ?? null,
        status,
        bytes,
        remotePort: sock.remotePort,
        t: Date.now(),
      });
    if (!file.startsWith(cfg.root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      const body = "not found\n";
      res.writeHead(404, { "content-type": "text/plain", "content-length": Buffer.byteLength(body) });
      res.end(body);
      logReq(404, body.length);
      return;
    }
    const size = fs.statSync(file).size;
    const type = MIME[path.extname(file)] ?? "application/octet-stream";
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? "");
    let start = 0;
    let end = size - 1;
    let status = 200;
    if (range && (range[1] !== "" || range[2] !== "")) {
      if (range[1] === "") {
        start = Math.max(0, size - Number(range[2]));
      } else {
        start = Number(range[1]);
        if (range[2] !== "") end = Math.min(end, Number(range[2]));
      }
      if (start > end || start >= size) {
        res.writeHead(416, { "content-range": `bytes */${size}` });
        res.end();
        logReq(416, 0);
        return;
      }
      status = 206;
    }
    const headers: Record<string, string | number> = {
      "content-type": type,
      "content-length": end - start + 1,
      "accept-ranges": "bytes",
      "cache-control": "no-store",
    };
    if (status === 206) headers["content-range"] = `bytes ${start}-${end}/${size}`;
    res.writeHead(status, headers);
    if (req.method === "HEAD") {
      res.end();
      logReq(status, 0);
      return;
    }
    // Paced like a link of rateBytesPerSec: without it the veth moves a whole
    // picture in a few milliseconds, requests never overlap and Chromium has
    // no reason to open parallel connections.
    const stream = fs.createReadStream(file, { start, end, highWaterMark: 16 * 1024 });
    const t0 = Date.now();
    let sent = 0;
    stream.on("data", (chunk) => {
      sent += chunk.length;
      const ok = res.write(chunk);
      const due = cfg.rateBytesPerSec > 0 ? t0 + (sent / cfg.rateBytesPerSec) * 1000 : 0;
      const wait = due - Date.now();
      if (!ok || wait > 0) {
        stream.pause();
        const resume = () => setTimeout(() => stream.resume(), Math.max(0, due - Date.now()));
        if (!ok) res.once("drain", resume);
        else resume();
      }
    });
    stream.on("end", () => res.end());
    stream.on("error", () => res.destroy());
    res.on("close", () => stream.destroy());
    res.on("finish", () => logReq(status, end - start + 1));
    res.on("close", () => {
      if (!res.writableFinished) logReq(status, -1);
    });
  });
  server.keepAliveTimeout = cfg.keepAliveTimeoutMs;
  server.on("secureConnection", (sock: TLSSocket) => {
    emit({
      ev: "tls",
      remotePort: sock.remotePort,
      protocol: sock.getProtocol(),
      cipher: sock.getCipher(),
      alpn: sock.alpnProtocol,
      t: Date.now(),
    });
  });
  if (cfg.keylog) {
    const keylog = cfg.keylog;
    server.on("keylog", (line: Buffer) => fs.appendFileSync(keylog, line));
  }
  server.on("tlsClientError", (err: Error) => emit({ ev: "tlsClientError", message: err.message }));
  server.listen(cfg.port, cfg.host, () => {
    process.stdout.write(`READY ${cfg.port}\n`);
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main();
