/**
 * Database protocols' start-up, with tshark 4.0's Protocol/Info text: MySQL (greeting, login, OK/ERR,
 * commands) and PostgreSQL (message type letters, ">" frontend / "<" backend, joined with "/").
 */
import type { FrameCtx } from "./frame";
import { ONE_MORE, type ParseResult } from "./reasm";

const MYSQL_COMMANDS: Record<number, string> = {
  0: "Sleep", 1: "Quit", 2: "Use Database", 3: "Query", 4: "Show Fields", 5: "Create Database", 6: "Drop Database",
  7: "Refresh", 8: "Shutdown", 9: "Statistics", 10: "Process List", 11: "Connect", 12: "Kill Server Thread",
  13: "Dump Debugging Info", 14: "Ping", 15: "Time", 16: "Insert Delayed", 17: "Change User", 18: "Send Binlog",
  19: "Send Table", 20: "Slave Connect", 21: "Register Slave", 22: "Prepare Statement", 23: "Execute Statement",
  24: "Send BLOB", 25: "Close Statement", 26: "Reset Statement", 27: "Set Option", 28: "Fetch Data",
};

export class DbSession {
  greeted = false;
  loggedIn = false;
  /** PostgreSQL: the frontend's first message has no type byte. */
  pgStarted = false;
  /** PostgreSQL: the backend answered an SSLRequest with one byte. */
  pgSslAsked = false;
}

function cstr(b: Uint8Array, o: number): [string, number] {
  let s = "";
  while (o < b.length && b[o] !== 0) s += String.fromCharCode(b[o++]);
  return [s, o + 1];
}

/** MySQL packets (3-byte little-endian length + sequence number). */
export function parseMysql(s: DbSession, b: Uint8Array, ctx: FrameCtx, toServer: boolean): ParseResult {
  let o = 0;
  while (o < b.length) {
    if (b.length - o < 4) return { consumed: o, need: ONE_MORE };
    const len = b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
    if (b.length - o < 4 + len) return { consumed: o, need: 4 + len };
    const p = b.subarray(o + 4, o + 4 + len);
    ctx.pdu("MySQL", mysqlInfo(s, p, toServer), 0);
    o += 4 + len;
  }
  return { consumed: o, need: 0 };
}

function mysqlInfo(s: DbSession, p: Uint8Array, toServer: boolean): string {
  if (!toServer) {
    if (!s.greeted && p.length > 1 && p[0] === 10) {
      s.greeted = true;
      return `Server Greeting  proto=10 version=${cstr(p, 1)[0]} `;
    }
    if (p[0] === 0) return "Response  OK ";
    if (p[0] === 0xff && p.length >= 3) return `Response  Error ${p[1] | (p[2] << 8)} `;
    return "Response";
  }
  if (s.greeted && !s.loggedIn && p.length >= 32) {
    s.loggedIn = true;
    const caps = p[0] | (p[1] << 8);
    if (p.length === 32) return "Login Request";
    let [user, o] = cstr(p, 32);
    let info = `Login Request user=${user} `;
    // auth response: length-prefixed (secure connection) or NUL-terminated
    if (caps & 0x8000 && o < p.length) o += 1 + p[o];
    else o = cstr(p, o)[1];
    if (caps & 0x0008 && o < p.length) info += `db=${cstr(p, o)[0]} `;
    void user;
    return info;
  }
  const cmd = MYSQL_COMMANDS[p[0]];
  return cmd ? `Request ${cmd}` : "Request Unknown";
}

/** PostgreSQL messages: type letter + 4-byte length; the frontend's first message (and SSLRequest) has none. */
export function parsePgsql(s: DbSession, b: Uint8Array, ctx: FrameCtx, toServer: boolean): ParseResult {
  const types: string[] = [];
  let o = 0;
  if (!toServer && s.pgSslAsked && b.length >= 1 && (b[0] === 0x4e || b[0] === 0x53) && b.length === 1) {
    s.pgSslAsked = false;
    ctx.pdu("PGSQL", "<", 0);
    return { consumed: 1, need: 0 };
  }
  while (o < b.length) {
    if (toServer && !s.pgStarted) {
      if (b.length - o < 8) return { consumed: o, need: ONE_MORE };
      const len = ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
      const code = ((b[o + 4] << 24) | (b[o + 5] << 16) | (b[o + 6] << 8) | b[o + 7]) >>> 0;
      if (len < 8 || len > 10000) return { consumed: b.length, need: 0 };
      if (b.length - o < len) return { consumed: o, need: len };
      if (code === 80877103 || code === 80877104) s.pgSslAsked = true; // SSLRequest / GSSENCRequest
      else s.pgStarted = true;
      types.push("");
      o += len;
      continue;
    }
    if (b.length - o < 5) return { consumed: o, need: ONE_MORE };
    const len = ((b[o + 1] << 24) | (b[o + 2] << 16) | (b[o + 3] << 8) | b[o + 4]) >>> 0;
    if (len < 4) return { consumed: b.length, need: 0 };
    if (b.length - o < 1 + len) return { consumed: o, need: 1 + len };
    types.push(String.fromCharCode(b[o]));
    o += 1 + len;
  }
  if (types.length) ctx.pdu("PGSQL", (toServer ? ">" : "<") + types.join("/"), 0);
  return { consumed: o, need: 0 };
}
