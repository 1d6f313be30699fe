/** SSH over TCP: version exchange, binary packet framing until NEWKEYS, then encrypted packets. */
import type { FrameCtx } from "./frame";
import { ONE_MORE, type ParseResult } from "./reasm";

export class SshSession {
  /** Protocol version from the identification string ("2.0", "1.99"…). */
  version: string | null = null;
  client = -1; // direction of the client (the side that is not the server port), -1 unknown
  versionSeen: [boolean, boolean] = [false, false];
  encrypted: [boolean, boolean] = [false, false];
  kexLists: [string[] | null, string[] | null] = [null, null];
  /** Encryption name-lists of each side's KEXINIT: [client→server, server→client], by direction. */
  encLists: [[string[], string[]] | null, [string[], string[]] | null] = [null, null];
  kex: string | null = null;
  /** Direction of the packet being parsed: 0/1 (set by the caller). */
  dir = 0;
  /** true if `dir` is the client (set per frame). */
  fromClient = true;
  identification: [string | null, string | null] = [null, null];
  constructor(readonly stream: number) {}

  protoName(): string {
    if (!this.version) return "SSH";
    return this.version.startsWith("1.") && this.version !== "1.99" ? "SSHv1" : "SSHv2";
  }

  prefix(_dir: number): string {
    return this.fromClient ? "Client: " : "Server: ";
  }
}

const MSG_NAMES: Record<number, string> = {
  1: "Disconnect",
  2: "Ignore",
  3: "Unimplemented",
  4: "Debug",
  5: "Service Request",
  6: "Service Accept",
  7: "Extension Info",
  20: "Key Exchange Init",
  21: "New Keys",
};

function kexMsgName(kex: string | null, code: number): string {
  const k = kex ?? "";
  if (k.startsWith("diffie-hellman-group-exchange")) {
    return (
      { 30: "Diffie-Hellman Group Exchange Request (Old)", 31: "Diffie-Hellman Group Exchange Group", 32: "Diffie-Hellman Group Exchange Init", 33: "Diffie-Hellman Group Exchange Reply", 34: "Diffie-Hellman Group Exchange Request" } as Record<number, string>
    )[code] ?? `Unknown (${code})`;
  }
  if (k.startsWith("diffie-hellman-group")) {
    return ({ 30: "Diffie-Hellman Key Exchange Init", 31: "Diffie-Hellman Key Exchange Reply" } as Record<number, string>)[code] ?? `Unknown (${code})`;
  }
  return ({ 30: "Elliptic Curve Diffie-Hellman Key Exchange Init", 31: "Elliptic Curve Diffie-Hellman Key Exchange Reply" } as Record<number, string>)[code] ?? `Unknown (${code})`;
}

export function parseSsh(s: SshSession, b: Uint8Array, ctx: FrameCtx): ParseResult {
  const dir = ctx.dir;
  let o = 0;
  const proto = "SSH";
  if (!s.versionSeen[dir]) {
    // Identification string "SSH-x.y-…\r\n".
    if (b.length >= 4 && b[0] === 0x53 && b[1] === 0x53 && b[2] === 0x48 && b[3] === 0x2d) {
      let e = 0;
      while (e < b.length && b[e] !== 10) e++;
      if (e >= b.length) return { consumed: 0, need: ONE_MORE };
      let line = "";
      for (let i = 0; i < e; i++) if (b[i] !== 13) line += String.fromCharCode(b[i]);
      s.versionSeen[dir] = true;
      s.identification[dir] = line;
      const m = /^SSH-([0-9.]+)-/.exec(line);
      if (m && (!s.version || m[1] !== "1.99")) s.version = m[1];
      ctx.pdu(proto, `Protocol (${line})`, 0);
      o = e + 1;
    } else s.versionSeen[dir] = true;
  }
  while (o < b.length) {
    if (s.encrypted[dir]) {
      // tshark 4.0 tries to decrypt the ciphers it supports (chacha20-poly1305, AES-GCM) and, without keys,
      // adds nothing to Info; for the others it writes "Encrypted packet (len=<bytes left in the segment>)"
      if (wiresharkDecrypts(negotiatedCipher(s, s.fromClient))) ctx.pdu(proto, ctx.nInfos ? null : "", 0);
      else ctx.pdu(proto, `Encrypted packet (len=${b.length - o})`, 0);
      return { consumed: b.length, need: 0 };
    }
    if (b.length - o < 6) return { consumed: o, need: ONE_MORE };
    const plen = ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
    if (plen > 256 * 1024 || plen < 2) {
      ctx.pdu(proto, "", 0);
      return { consumed: b.length, need: 0 };
    }
    const total = 4 + plen;
    if (b.length - o < total) return { consumed: o, need: total };
    const code = b[o + 5];
    let name: string;
    if (code >= 30 && code <= 49) name = kexMsgName(s.kex, code);
    else name = MSG_NAMES[code] ?? `Unknown (${code})`;
    if (code === 20) kexInit(s, dir, b.subarray(o + 6, o + total));
    if (code === 21) s.encrypted[dir] = true;
    ctx.pdu(proto, name, 0);
    o += total;
  }
  return { consumed: o, need: 0 };
}

/** The cipher of one direction: the first of the client's list the server also offers. */
function negotiatedCipher(s: SshSession, clientToServer: boolean): string | null {
  const c = s.encLists[s.client === -1 ? 0 : s.client];
  const sv = s.encLists[s.client === -1 ? 1 : s.client ^ 1];
  if (!c || !sv) return null;
  const i = clientToServer ? 0 : 1;
  return c[i].find((x) => sv[i].includes(x)) ?? null;
}

function wiresharkDecrypts(cipher: string | null): boolean {
  return cipher === "chacha20-poly1305@openssh.com" || cipher === "aes128-gcm@openssh.com" || cipher === "aes256-gcm@openssh.com";
}

/** The name-lists of a KEXINIT payload after the 16-byte cookie (kex, host key, enc c→s, enc s→c, …). */
function nameLists(p: Uint8Array, n: number): string[][] {
  const out: string[][] = [];
  let o = 16;
  for (let k = 0; k < n && o + 4 <= p.length; k++) {
    const l = ((p[o] << 24) | (p[o + 1] << 16) | (p[o + 2] << 8) | p[o + 3]) >>> 0;
    let str = "";
    for (let i = o + 4; i < Math.min(p.length, o + 4 + l); i++) str += String.fromCharCode(p[i]);
    out.push(str.split(","));
    o += 4 + l;
  }
  return out;
}

function kexInit(s: SshSession, dir: number, p: Uint8Array): void {
  // cookie(16) then name-list kex_algorithms
  if (p.length < 20) return;
  const lists = nameLists(p, 4);
  if (lists.length === 4) s.encLists[dir] = [lists[2], lists[3]];
  if (s.fromClient) s.client = dir;
  else s.client = dir ^ 1;
  const l = ((p[16] << 24) | (p[17] << 16) | (p[18] << 8) | p[19]) >>> 0;
  let str = "";
  for (let i = 20; i < Math.min(p.length, 20 + l); i++) str += String.fromCharCode(p[i]);
  s.kexLists[dir] = str.split(",");
  const c = s.kexLists[s.fromClient ? dir : dir ^ 1];
  const sv = s.kexLists[s.fromClient ? dir ^ 1 : dir];
  if (c && sv) s.kex = c.find((k) => sv.includes(k)) ?? null;
  else if (c && !sv) s.kex = c[0];
  else if (sv && !s.kex) s.kex = sv[0];
}
