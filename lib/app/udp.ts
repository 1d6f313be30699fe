/**
 * UDP application protocols: DNS / MDNS / LLMNR (Info exactly as tshark), DHCP, NBNS, NTP, SSDP,
 * QUIC (long-header summary), and the plain UDP Info `sport → dport Len=N` for everything else.
 */
import type { PacketTable } from "../table/packet-table";
import { Layer } from "../table/layers";
import { ipv6ToString } from "../base/format";
import { sipInfo, snmpInfo } from "./sip-snmp";
import { browserInfo } from "./browser";

export interface DnsAnswer {
  name: string;
  type: number;
  typeName: string;
  ttl: number;
  /** Rendered RDATA as in the Info column ("93.184.216.34", "example.net", "10 mx.example.com"…). */
  data: string;
}

export interface DnsMessage {
  row: number;
  proto: "DNS" | "MDNS" | "LLMNR";
  id: number;
  isResponse: boolean;
  opcode: number;
  rcode: number;
  rcodeName: string;
  qname: string | null;
  qtype: number | null;
  qtypeName: string | null;
  answers: DnsAnswer[];
  authority: DnsAnswer[];
  additional: DnsAnswer[];
  /** Row of the matching response / request (filled at finish), -1 if none. */
  peerRow: number;
}

export const DNS_TYPES: Record<number, string> = {
  1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 13: "HINFO", 15: "MX", 16: "TXT", 17: "RP", 18: "AFSDB",
  24: "SIG", 25: "KEY", 28: "AAAA", 29: "LOC", 33: "SRV", 35: "NAPTR", 36: "KX", 37: "CERT", 39: "DNAME",
  41: "OPT", 43: "DS", 44: "SSHFP", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 50: "NSEC3", 51: "NSEC3PARAM",
  52: "TLSA", 59: "CDS", 60: "CDNSKEY", 64: "SVCB", 65: "HTTPS", 99: "SPF", 249: "TKEY", 250: "TSIG",
  251: "IXFR", 252: "AXFR", 255: "ANY", 256: "URI", 257: "CAA", 32: "NB", 
};

const RCODES: Record<number, string> = {
  0: "No error", 1: "Format error", 2: "Server failure", 3: "No such name", 4: "Not implemented", 5: "Refused",
  6: "Name exists", 7: "RRset exists", 8: "RRset does not exist", 9: "Not authoritative", 10: "Name out of zone",
};

const OPCODES: Record<number, string> = { 0: "Standard query", 1: "Inverse query", 2: "Server status request", 4: "Zone change notification", 5: "Dynamic update" };

function typeName(t: number): string {
  return DNS_TYPES[t] ?? `Unknown (${t})`;
}

/** Read a (possibly compressed) DNS name at `o`; returns [name, next offset] or null. */
function readName(b: Uint8Array, o: number, end: number): [string, number] | null {
  let name = "";
  let next = -1;
  let jumps = 0;
  for (;;) {
    if (o >= end) return null;
    const l = b[o];
    if (l === 0) {
      o++;
      break;
    }
    if ((l & 0xc0) === 0xc0) {
      if (o + 1 >= end || ++jumps > 32) return null;
      if (next < 0) next = o + 2;
      o = ((l & 0x3f) << 8) | b[o + 1];
      continue;
    }
    if (l & 0xc0) return null;
    if (o + 1 + l > end) return null;
    let label = "";
    for (let i = 0; i < l; i++) {
      const c = b[o + 1 + i];
      label += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\${c.toString(8).padStart(3, "0")}`;
    }
    name += (name ? "." : "") + label;
    o += 1 + l;
  }
  return [name || "<Root>", next >= 0 ? next : o];
}

function ipv4(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

export function parseDns(b: Uint8Array, proto: DnsMessage["proto"], row: number): { msg: DnsMessage; info: string } | null {
  const end = b.length;
  if (end < 12) return null;
  const id = (b[0] << 8) | b[1];
  const flags = (b[2] << 8) | b[3];
  const qd = (b[4] << 8) | b[5];
  const an = (b[6] << 8) | b[7];
  const ns = (b[8] << 8) | b[9];
  const ar = (b[10] << 8) | b[11];
  const isResponse = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 0xf;
  const rcode = flags & 0xf;
  const msg: DnsMessage = {
    row,
    proto,
    id,
    isResponse,
    opcode,
    rcode,
    rcodeName: RCODES[rcode] ?? `Unknown (${rcode})`,
    qname: null,
    qtype: null,
    qtypeName: null,
    answers: [],
    authority: [],
    additional: [],
    peerRow: -1,
  };
  let info = `${OPCODES[opcode] ?? `Unknown operation (${opcode})`}${isResponse ? " response" : ""} 0x${id.toString(16).padStart(4, "0")}`;
  if (isResponse && rcode !== 0) info += ` ${msg.rcodeName}`;
  let o = 12;
  for (let i = 0; i < qd; i++) {
    const r = readName(b, o, end);
    if (!r || r[1] + 4 > end) return { msg, info };
    const qt = (b[r[1]] << 8) | b[r[1] + 1];
    if (i === 0) {
      msg.qname = r[0];
      msg.qtype = qt;
      msg.qtypeName = typeName(qt);
    }
    info += ` ${typeName(qt)} ${r[0]}`;
    o = r[1] + 4;
  }
  const sections: [number, DnsAnswer[]][] = [
    [an, msg.answers],
    [ns, msg.authority],
    [ar, msg.additional],
  ];
  for (let si = 0; si < 3; si++) {
    const [count, list] = sections[si];
    for (let i = 0; i < count; i++) {
      const r = readName(b, o, end);
      if (!r || r[1] + 10 > end) return { msg, info };
      const p = r[1];
      const type = (b[p] << 8) | b[p + 1];
      const ttl = ((b[p + 4] << 24) | (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7]) >>> 0;
      const rdlen = (b[p + 8] << 8) | b[p + 9];
      const rd = p + 10;
      if (rd + rdlen > end) return { msg, info };
      const data = rdata(b, type, rd, rdlen, end);
      list.push({ name: r[0], type, typeName: typeName(type), ttl, data });
      // Info lists answers, and (for MDNS/LLMNR/errors) other records too as tshark: answers + authority + additional.
      if (type !== 41) info += ` ${typeName(type)}${data ? " " + data : ""}`;
      else info += " OPT";
      o = rd + rdlen;
    }
  }
  return { msg, info };
}

function rdata(b: Uint8Array, type: number, o: number, len: number, end: number): string {
  switch (type) {
    case 1:
      return len === 4 ? ipv4(b, o) : "";
    case 28:
      return len === 16 ? ipv6ToString(b, o) : "";
    case 2:
    case 5:
    case 12:
    case 39: {
      const r = readName(b, o, end);
      return r ? r[0] : "";
    }
    case 15: {
      const r = readName(b, o + 2, end);
      return `${(b[o] << 8) | b[o + 1]} ${r ? r[0] : ""}`;
    }
    case 6: {
      const r = readName(b, o, end);
      return r ? r[0] : "";
    }
    case 33: {
      const r = readName(b, o + 6, end);
      return `${(b[o] << 8) | b[o + 1]} ${(b[o + 2] << 8) | b[o + 3]} ${(b[o + 4] << 8) | b[o + 5]} ${r ? r[0] : ""}`;
    }
    case 16:
      return "";
    default:
      return "";
  }
}

const DHCP_TYPES: Record<number, string> = {
  1: "Discover", 2: "Offer", 3: "Request", 4: "Decline", 5: "ACK", 6: "NAK", 7: "Release", 8: "Inform",
  9: "Force Renew", 10: "Lease query", 11: "Lease Unassigned", 12: "Lease Unknown", 13: "Lease Active",
};

function dhcp(b: Uint8Array): string | null {
  if (b.length < 240) return null;
  if (!(b[236] === 99 && b[237] === 130 && b[238] === 83 && b[239] === 99)) {
    return `Boot ${b[0] === 1 ? "Request" : "Reply"}`;
  }
  const xid = ((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0;
  let o = 240;
  let mt = 0;
  while (o < b.length) {
    const code = b[o];
    if (code === 255) break;
    if (code === 0) {
      o++;
      continue;
    }
    if (o + 1 >= b.length) break;
    const l = b[o + 1];
    if (code === 53 && l >= 1) mt = b[o + 2];
    o += 2 + l;
  }
  const name = DHCP_TYPES[mt];
  if (!name) return `Boot ${b[0] === 1 ? "Request" : "Reply"}`;
  return `DHCP ${name.padEnd(8, " ")} - Transaction ID 0x${xid.toString(16)}`;
}

function nbName(b: Uint8Array, o: number): [string, number] | null {
  const l = b[o];
  if (l !== 32 || o + 34 > b.length) return null;
  let s = "";
  for (let i = 0; i < 16; i++) {
    const c = (((b[o + 1 + 2 * i] - 65) & 0xf) << 4) | ((b[o + 2 + 2 * i] - 65) & 0xf);
    s += String.fromCharCode(c);
  }
  const suffix = s.charCodeAt(15);
  let base = s.slice(0, 15).replace(/ +$/, "");
  base = base.replace(/[\x00-\x1f\x7f-\xff]/g, (c) => `<${c.charCodeAt(0).toString(16).padStart(2, "0")}>`);
  return [`${base}<${suffix.toString(16).padStart(2, "0")}>`, o + 34];
}

const NBNS_OPS: Record<number, string> = { 0: "Name query", 5: "Registration", 6: "Release", 7: "Wait for acknowledgment", 8: "Refresh", 9: "Refresh(NetBIOS)" };

function nbns(b: Uint8Array): string | null {
  if (b.length < 12) return null;
  const id = (b[0] << 8) | b[1];
  void id;
  const flags = (b[2] << 8) | b[3];
  const resp = (flags & 0x8000) !== 0;
  const op = (flags >> 11) & 0xf;
  let info = (NBNS_OPS[op] ?? `Unknown operation`) + (resp ? " response" : "");
  const qd = (b[4] << 8) | b[5];
  let o = 12;
  if (qd > 0) {
    const r = nbName(b, o);
    if (r) {
      const qt = (b[r[1]] << 8) | b[r[1] + 1];
      info += ` ${qt === 0x20 ? "NB" : qt === 0x21 ? "NBSTAT" : typeName(qt)} ${r[0]}`;
      o = r[1] + 4;
    }
  }
  return info;
}

function quic(b: Uint8Array): string | null {
  if (b.length < 7) return null;
  const f = b[0];
  if (!(f & 0x80)) {
    return "Protected Payload (KP0)";
  }
  const ver = ((b[1] << 24) | (b[2] << 16) | (b[3] << 8) | b[4]) >>> 0;
  const dl = b[5];
  if (6 + dl >= b.length) return null;
  const hex = (s: number, e: number) => {
    let x = "";
    for (let i = s; i < e; i++) x += b[i].toString(16).padStart(2, "0");
    return x;
  };
  const dcid = hex(6, 6 + dl);
  const sl = b[6 + dl];
  const scid = hex(7 + dl, 7 + dl + sl);
  if (ver === 0) return `Version Negotiation, DCID=${dcid}${sl ? `, SCID=${scid}` : ""}`;
  const t = (f >> 4) & 3;
  const name = ["Initial", "0-RTT", "Handshake", "Retry"][t];
  return `${name}, DCID=${dcid}${sl ? `, SCID=${scid}` : ""}`;
}

function ntp(b: Uint8Array): string | null {
  if (b.length < 48) return null;
  const mode = b[0] & 7;
  const names = ["reserved", "symmetric active", "symmetric passive", "client", "server", "broadcast", "control message", "private use"];
  return `NTP Version ${(b[0] >> 3) & 7}, ${names[mode]}`;
}

export class UdpApps {
  readonly dnsMessages = new Map<number, DnsMessage>();
  constructor(readonly t: PacketTable) {}

  /** String id of a Protocol name (StringDict.intern is itself a map lookup: no second cache needed). */
  private pid(s: string): number {
    return this.t.strings.intern(s);
  }

  private set(row: number, proto: string, info: string, layer = 0): void {
    const t = this.t;
    t.proto[row] = this.pid(proto);
    (t.appInfo ?? t.touch("appInfo"))[row] = t.strings.intern(info);
    if (layer) t.layers[row] |= layer;
  }

  packet(row: number, buf: Uint8Array, off: number, capLen: number): void {
    const t = this.t;
    const sp = t.srcPort[row];
    const dp = t.dstPort[row];
    const b = buf.subarray(off, off + capLen);
    const lo = Math.min(sp, dp);
    const hi = Math.max(sp, dp);
    const has = (p: number) => sp === p || dp === p;
    if (!(t.layers[row] & Layer.IP_LATER_FRAGMENT) && capLen > 0) {
      if (has(53) || has(5353) || has(5355)) {
        // the lower port is tried first (Wireshark), so 53 wins over 5353 and 5355
        const proto = has(5353) && lo !== 53 ? "MDNS" : has(5355) && lo !== 53 ? "LLMNR" : "DNS";
        const r = parseDns(b, proto, row);
        if (r) {
          this.dnsMessages.set(row, r.msg);
          this.set(row, proto, r.info, Layer.DNS);
          return;
        }
      } else if (has(67) || has(68)) {
        const i = dhcp(b);
        if (i) return this.set(row, "DHCP", i);
      } else if (lo === 137) {
        const i = nbns(b);
        if (i) return this.set(row, "NBNS", i);
      } else if (lo === 123) {
        const i = ntp(b);
        if (i) return this.set(row, "NTP", i);
      } else if (has(1900)) {
        let e = 0;
        while (e < b.length && b[e] !== 13 && b[e] !== 10) e++;
        let line = "";
        for (let i = 0; i < e; i++) line += String.fromCharCode(b[i]);
        return this.set(row, "SSDP", `${line} `);
      } else if (has(443) || has(80) || has(8443)) {
        const i = quic(b);
        if (i) return this.set(row, "QUIC", i);
      } else if (lo === 138 && b.length > 14) {
        const browser = browserInfo(b);
        if (browser !== null) return this.set(row, "BROWSER", browser);
        return this.set(row, "NBDS", datagramInfo(b));
      } else if (has(161) || has(162)) {
        const i = snmpInfo(b);
        if (i) return this.set(row, "SNMP", i);
      } else if (has(5060)) {
        const i = sipInfo(b);
        if (i) return this.set(row, "SIP", i);
      }
    }
    void hi;
    this.set(row, "UDP", `${sp} → ${dp} Len=${Math.max(0, (t.udpLen?.[row] ?? 8) - 8)}`);
  }

  finish(): void {
    // Pair DNS queries with responses (same id, first response after the query).
    const pending = new Map<number, DnsMessage[]>();
    for (const m of this.dnsMessages.values()) {
      if (!m.isResponse) {
        const l = pending.get(m.id);
        if (l) l.push(m);
        else pending.set(m.id, [m]);
      } else {
        const l = pending.get(m.id);
        const q = l?.shift();
        if (q) {
          q.peerRow = m.row;
          m.peerRow = q.row;
        }
      }
    }
  }
}

function datagramInfo(b: Uint8Array): string {
  const types: Record<number, string> = { 0x10: "Direct_unique datagram", 0x11: "Direct_group datagram", 0x12: "Broadcast datagram" };
  return types[b[0]] ?? "Datagram";
}
