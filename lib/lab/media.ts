/**
 * Run-time assets of the lab harness: a self-signed RSA certificate (fresh
 * each run, openssl CLI), generated media (ImageMagick + ffmpeg, cached) and
 * the test page itself.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findExe, run } from "./sys";
import { escapeHtml } from "../base/html";

export type MediaProfile = "lab" | "small";

export interface MediaFiles {
  image: string;
  audio: string;
  video: string;
}

/**
 * Sizes: "lab" gives an image of ~250 KB, a 5 s audio clip of ~40 KB and a
 * 6 s VP8+Opus video of ~0.6 MB (hundreds of MSS-sized segments, capture
 * ~1.5 MB). "small" is for quick tests.
 */
const PROFILES: Record<MediaProfile, { img: string[]; audioSec: number; video: string; videoKbps: number; videoSec: number }> = {
  lab: {
    img: ["-seed", "1811398", "-size", "800x540", "plasma:fractal", "-attenuate", "0.6", "+noise", "Gaussian", "-quality", "90"],
    audioSec: 5,
    video: "testsrc2=size=426x240:rate=25",
    videoKbps: 700,
    videoSec: 6,
  },
  small: {
    img: ["-seed", "1811398", "-size", "320x200", "plasma:fractal", "-quality", "85"],
    audioSec: 2,
    video: "testsrc2=size=160x120:rate=15",
    videoKbps: 150,
    videoSec: 2,
  },
};

/** Bump when the generation recipe changes, so stale caches are not reused. */
const RECIPE_VERSION = 1;

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir() || os.tmpdir(), ".cache");
  return path.join(base, "pcapframe", "lab");
}

function requireTool(name: string, pkg: string): string {
  const exe = findExe(name);
  if (!exe) throw new Error(`\`${name}\` not found: apt-get install -y ${pkg}`);
  return exe;
}

/** Real ImageMagick `convert` (some images ship a stand-in that only converts to PPM). */
function imageMagick(): string {
  const exe = requireTool("convert", "imagemagick");
  const v = (() => {
    try {
      return run(exe, ["-version"], { timeoutMs: 5000 });
    } catch {
      return "";
    }
  })();
  if (!/ImageMagick/.test(v)) throw new Error("`convert` is not ImageMagick: apt-get install -y imagemagick");
  return exe;
}

function generate(target: string, make: (tmp: string) => void): string {
  if (fs.existsSync(target) && fs.statSync(target).size > 0) return target;
  const tmp = `${target}.tmp-${process.pid}${path.extname(target)}`;
  make(tmp);
  fs.renameSync(tmp, target);
  return target;
}

/** Generates (or reuses from the cache) the image, audio and video. */
export function ensureMedia(cacheDir: string, profile: MediaProfile): MediaFiles {
  const dir = path.join(cacheDir, `media-v${RECIPE_VERSION}-${profile}`);
  fs.mkdirSync(dir, { recursive: true });
  const p = PROFILES[profile];
  const image = generate(path.join(dir, "picture.jpg"), (tmp) => {
    run(imageMagick(), [...p.img, tmp], { timeoutMs: 30_000 });
  });
  const ffmpeg = () => requireTool("ffmpeg", "ffmpeg");
  const audio = generate(path.join(dir, "tone.ogg"), (tmp) => {
    run(ffmpeg(), ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", `sine=frequency=440:duration=${p.audioSec}`,
      "-c:a", "libopus", "-b:a", "64k", "-f", "ogg", tmp], { timeoutMs: 30_000 });
  });
  const video = generate(path.join(dir, "clip.webm"), (tmp) => {
    run(ffmpeg(), ["-hide_banner", "-loglevel", "error", "-y",
      "-f", "lavfi", "-i", `${p.video}:duration=${p.videoSec}`,
      "-f", "lavfi", "-i", `sine=frequency=660:duration=${p.videoSec}`,
      "-c:v", "libvpx", "-b:v", `${p.videoKbps}k`, "-c:a", "libopus", "-b:a", "48k", "-shortest", "-f", "webm", tmp], { timeoutMs: 60_000 });
  });
  return { image, audio, video };
}

export interface Certificate {
  cert: string;
  key: string;
}

/** A fresh self-signed RSA-2048 certificate for the server address. */
export function makeCertificate(dir: string, ip: string): Certificate {
  const openssl = requireTool("openssl", "openssl");
  const cert = path.join(dir, "cert.pem");
  const key = path.join(dir, "key.pem");
  run(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
    "-keyout", key, "-out", cert,
    "-subj", `/O=pcapframe lab/CN=${ip}`,
    "-addext", `subjectAltName=IP:${ip}`], { timeoutMs: 30_000 });
  return { cert, key };
}

export interface PageText {
  major: string;
  studentId: string;
  studentName: string;
}


/** Writes index.html and links the media into a fresh web root. */
export function buildWebRoot(root: string, media: MediaFiles, text: PageText): void {
  fs.mkdirSync(root, { recursive: true });
  fs.copyFileSync(media.image, path.join(root, "picture.jpg"));
  fs.copyFileSync(media.audio, path.join(root, "tone.ogg"));
  fs.copyFileSync(media.video, path.join(root, "clip.webm"));
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(text.major)}</title>
</head>
<body>
<h1>${escapeHtml(text.major)} &mdash; Student ${escapeHtml(text.studentId)} &mdash; ${escapeHtml(text.studentName)}</h1>
<p>This page was served over HTTPS inside a network namespace so that the whole
exchange &mdash; TCP handshake, TLS handshake, HTTP requests, media transfer and
connection teardown &mdash; could be captured with tcpdump and studied packet by packet.</p>
<p lang="zh">这是一段汉字。</p>
<p><img src="/picture.jpg" alt="generated picture" width="400"></p>
<p><audio src="/tone.ogg" controls autoplay muted preload="auto"></audio></p>
<p><video src="/clip.webm" controls autoplay muted playsinline preload="auto" width="426"></video></p>
</body>
</html>
`;
  fs.writeFileSync(path.join(root, "index.html"), html);
}
