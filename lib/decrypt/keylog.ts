/**
 * TLS secrets: the NSS key log format (SSLKEYLOGFILE, RFC 9850) from a file, from text, or from the
 * Decryption Secrets Blocks of a pcapng file. Secrets are keyed by the ClientHello random.
 *
 * Used labels: CLIENT_RANDOM (TLS ≤ 1.2 master secret), CLIENT_/SERVER_HANDSHAKE_TRAFFIC_SECRET,
 * CLIENT_/SERVER_TRAFFIC_SECRET_0 (TLS 1.3), CLIENT_EARLY_TRAFFIC_SECRET (TLS 1.3 0-RTT data), and
 * "RSA Session-ID:… Master-Key:…" (a TLS ≤ 1.2 master secret keyed by session ID, for resumed sessions).
 * Other labels are counted as ignored with a reason; a malformed line is a warning naming its line.
 */
import * as fs from "node:fs";

export interface KeyLogWarning {
  /** Where the line came from: "keylog" (file or text option) or "dsb#N" (Nth secrets block). */
  source: string;
  /** 1-based line number in that source. */
  line: number;
  message: string;
}

/** The secrets known for one ClientHello random (hex-keyed). */
export interface SessionSecrets {
  masterSecret?: Uint8Array;
  clientHandshake?: Uint8Array;
  serverHandshake?: Uint8Array;
  clientTraffic0?: Uint8Array;
  serverTraffic0?: Uint8Array;
  clientEarly?: Uint8Array;
}

/** Labels that are valid but carry nothing this reader decrypts with, and why. */
export const IGNORED_LABELS: Record<string, string> = {
  EXPORTER_SECRET: "exporter secret: not used to decrypt records",
  EARLY_EXPORTER_SECRET: "early exporter secret: not used to decrypt records",
  RSA: "RSA encrypted pre-master secret: needs the pre-master derivation, not supported",
  PMS_CLIENT_RANDOM: "pre-master secret: the master secret derivation (with extended master secret) is not supported",
  ECDHE_SECRET: "ECDHE shared secret: not supported",
};

const TLS13_LABELS: Record<string, keyof SessionSecrets> = {
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: "clientHandshake",
  SERVER_HANDSHAKE_TRAFFIC_SECRET: "serverHandshake",
  CLIENT_TRAFFIC_SECRET_0: "clientTraffic0",
  SERVER_TRAFFIC_SECRET_0: "serverTraffic0",
  CLIENT_EARLY_TRAFFIC_SECRET: "clientEarly",
};

const HEX_RE = /^[0-9a-fA-F]+$/;

export function hexToBytes(h: string): Uint8Array {
  const out = new Uint8Array(h.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
  return out;
}

export function bytesToHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}

/** Key store: secrets by client random, master secrets by session id, plus what was ignored and why. */
export class KeyStore {
  private readonly byRandom = new Map<string, SessionSecrets>();
  private readonly bySessionId = new Map<string, Uint8Array>();
  readonly warnings: KeyLogWarning[] = [];
  /** Counts of lines ignored by label, with the reason. */
  readonly ignored = new Map<string, { count: number; reason: string }>();
  /** Number of usable secret lines loaded. */
  loaded = 0;
  private dsbCount = 0;

  get size(): number {
    return this.byRandom.size + this.bySessionId.size;
  }

  /** Add key-log text; returns the number of usable lines. */
  addText(text: string, source = "keylog"): number {
    let used = 0;
    // a UTF-8 byte order mark (read as UTF-8 or as latin1) is not part of the first label
    if (text.startsWith("\ufeff")) text = text.slice(1);
    else if (text.startsWith("\u00ef\u00bb\u00bf")) text = text.slice(3);
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (line === "" || line.startsWith("#")) continue;
      const r = this.addLine(line);
      if (r === true) used++;
      else if (typeof r === "string") {
        if (this.warnings.length < 1000) this.warnings.push({ source, line: i + 1, message: r });
      }
    }
    this.loaded += used;
    return used;
  }

  /** Add the secrets of a pcapng Decryption Secrets Block (TLS key log type only). */
  addDsb(type: number, data: Uint8Array): number {
    this.dsbCount++;
    if (type !== 0x544c534b) return 0;
    return this.addText(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1"), `dsb#${this.dsbCount}`);
  }

  /** true = used, false = ignored label (counted), string = malformed (the warning text). */
  private addLine(line: string): boolean | string {
    const rsa = /^RSA Session-ID:([0-9a-fA-F]+) Master-Key:([0-9a-fA-F]+)$/.exec(line);
    if (rsa) {
      if (rsa[2].length !== 96) return `RSA Session-ID line: master key must be 48 bytes (96 hex digits), got ${rsa[2].length} digits`;
      this.bySessionId.set(rsa[1].toLowerCase(), hexToBytes(rsa[2]));
      return true;
    }
    const parts = line.split(/\s+/);
    const label = parts[0];
    if (label === "CLIENT_RANDOM" || label in TLS13_LABELS) {
      if (parts.length !== 3) return `${label}: expected 3 fields (label, client random, secret), got ${parts.length}`;
      const [, cr, sec] = parts;
      if (cr.length !== 64 || !HEX_RE.test(cr)) return `${label}: client random must be 32 bytes (64 hex digits)`;
      if (!HEX_RE.test(sec) || sec.length % 2 !== 0) return `${label}: secret is not hex`;
      const e = this.entry(cr.toLowerCase());
      if (label === "CLIENT_RANDOM") {
        if (sec.length !== 96) return `CLIENT_RANDOM: master secret must be 48 bytes (96 hex digits), got ${sec.length} digits`;
        e.masterSecret = hexToBytes(sec);
      } else {
        if (sec.length !== 64 && sec.length !== 96) return `${label}: secret must be 32 or 48 bytes, got ${sec.length / 2}`;
        e[TLS13_LABELS[label]] = hexToBytes(sec);
      }
      return true;
    }
    const reason = IGNORED_LABELS[label];
    if (reason !== undefined && parts.length >= 2) {
      const c = this.ignored.get(label);
      if (c) c.count++;
      else this.ignored.set(label, { count: 1, reason });
      return false;
    }
    return `unknown key-log label "${label.slice(0, 40)}"`;
  }

  private entry(cr: string): SessionSecrets {
    let e = this.byRandom.get(cr);
    if (!e) {
      e = {};
      this.byRandom.set(cr, e);
    }
    return e;
  }

  /** Secrets for a ClientHello random (32 bytes). */
  get(clientRandom: Uint8Array): SessionSecrets | undefined {
    return this.byRandom.get(bytesToHex(clientRandom));
  }

  /** A master secret remembered by session id (key log "RSA Session-ID" line or an earlier full handshake). */
  masterBySession(sessionId: Uint8Array): Uint8Array | undefined {
    if (sessionId.length === 0) return undefined;
    return this.bySessionId.get(bytesToHex(sessionId));
  }

  rememberSession(key: Uint8Array, master: Uint8Array): void {
    if (key.length === 0) return;
    this.bySessionId.set(bytesToHex(key), master);
  }
}

/**
 * The `keylog` option: a path to a key-log file or the key-log text itself. Text is recognised by a
 * newline or a known label at its start; anything else is taken as a path (a missing file is a clear error).
 */
export function loadKeyLog(store: KeyStore, keylog: string | Uint8Array): void {
  if (keylog instanceof Uint8Array) {
    store.addText(Buffer.from(keylog.buffer, keylog.byteOffset, keylog.byteLength).toString("latin1"));
    return;
  }
  const looksLikeText = /[\r\n]/.test(keylog) || /^\s*(#|CLIENT_|SERVER_|EXPORTER_|EARLY_|RSA |PMS_)/.test(keylog);
  if (looksLikeText) {
    store.addText(keylog);
    return;
  }
  let text: string;
  try {
    text = fs.readFileSync(keylog, "latin1");
  } catch (e) {
    throw new TypeError(`readCapture: option "keylog": cannot read key-log file ${keylog}: ${(e as Error).message}`);
  }
  store.addText(text);
}
