/**
 * Protocol and Info columns of packets that are neither TCP, UDP nor ICMP, as tshark 4.0 writes them:
 * LLC (STP/RSTP/MSTP BPDUs, XID, CDP over SNAP), Ethernet loopback (LOOP, ethertype 0x9000), and the IP
 * protocols IGMP (v1/v2/v3, as packet-igmp.c decides the version), EIGRP, OSPF.
 */
import type { PacketTable } from "../table/packet-table";
import { Layer } from "../table/layers";
import { ipv4ToString, macToString } from "../base/format";

const EIGRP_OPCODES: Record<number, string> = { 1: "Update", 2: "Request", 3: "Query", 4: "Reply", 5: "Hello", 6: "IPX SAP", 10: "SIA-Query", 11: "SIA-Reply" };
const OSPF_TYPES: Record<number, string> = { 1: "Hello Packet", 2: "DB Description", 3: "LS Request", 4: "LS Update", 5: "LS Acknowledge" };
const IGMP_TYPES: Record<number, string> = { 0x11: "Membership Query", 0x12: "Membership Report", 0x16: "Membership Report", 0x17: "Leave Group", 0x22: "Membership Report" };
const XID_CLASSES: Record<number, string> = {
  1: "Type 1 LLC (Class I LLC)",
  3: "Type 1 and 2 LLC (Class II LLC)",
  5: "Type 1 and 3 LLC (Class III LLC)",
  7: "Type 1, 2 and 3 LLC (Class IV LLC)",
};

export class MiscApps {
  constructor(readonly t: PacketTable) {}

  private set(row: number, proto: string, info: string): void {
    const t = this.t;
    t.proto[row] = t.strings.intern(proto);
    t.touch("appInfo")[row] = t.strings.intern(info);
  }

  /** `off`/`capLen`: the LLC header (LLC rows), the ethertype payload, or the IP payload. */
  packet(row: number, buf: Uint8Array, off: number, capLen: number): void {
    const t = this.t;
    const layers = t.layers[row];
    if (capLen <= 0 || layers & Layer.IP_LATER_FRAGMENT) return;
    const b = buf.subarray(off, off + capLen);
    if (layers & Layer.LLC) this.llc(row, b);
    else if (layers & (Layer.IPV4 | Layer.IPV6)) {
      const proto = t.ipProto[row];
      if (proto === 2 && layers & Layer.IPV4) this.igmp(row, b);
      else if (proto === 88 && b.length >= 20) {
        const op = b[1];
        const ack = ((b[12] << 24) | (b[13] << 16) | (b[14] << 8) | b[15]) >>> 0;
        this.set(row, "EIGRP", op === 5 && ack !== 0 ? "Hello (Ack)" : EIGRP_OPCODES[op] ?? `Unknown (0x${op.toString(16).padStart(2, "0")})`);
      } else if (proto === 89 && b.length >= 2 && b[0] === 2) this.set(row, "OSPF", OSPF_TYPES[b[1]] ?? "Unknown");
      else if (proto === 46 && b.length >= 8) this.set(row, "RSVP", rsvpInfo(b));
    } else if (t.ethType[row] === 0x9000 && b.length >= 4) {
      const fn = b[2] | (b[3] << 8);
      this.set(row, "LOOP", fn === 1 ? "Reply" : fn === 2 ? "Forward Data" : `Unknown function (${fn})`);
    }
  }

  private llc(row: number, b: Uint8Array): void {
    if (b.length < 3) return;
    const dsap = b[0];
    const ssap = b[1];
    const ctrl = b[2];
    // unnumbered frames have a one-byte control field: XID (0xaf, P/F 0x10), UI (0x03)
    if ((ctrl & 0xef) === 0xaf && b.length >= 6 && b[3] === 0x81) {
      this.set(row, "XID", `Basic Format; ${XID_CLASSES[b[4] & 0x1f] ?? `Type 0x${(b[4] & 0x1f).toString(16).padStart(2, "0")}`}; Window Size ${b[5] >> 1}`);
      return;
    }
    if (ctrl !== 0x03) return;
    if (dsap === 0x42 && ssap === 0x42) this.stp(row, b.subarray(3));
    else if (dsap === 0xaa && ssap === 0xaa && b.length >= 8) {
      const oui = (b[3] << 16) | (b[4] << 8) | b[5];
      const pid = (b[6] << 8) | b[7];
      if (oui === 0x00000c && pid === 0x2000) this.cdp(row, b.subarray(8));
    }
  }

  private stp(row: number, b: Uint8Array): void {
    if (b.length < 4) return;
    const version = b[2];
    const type = b[3];
    if (type === 0x80) {
      this.set(row, "STP", "Topology Change Notification");
      return;
    }
    if (b.length < 35) return;
    const flags = b[4];
    const rootHi = (b[5] << 8) | b[6];
    const cost = ((b[13] << 24) | (b[14] << 16) | (b[15] << 8) | b[16]) >>> 0;
    const port = (b[25] << 8) | b[26];
    const tc = flags & 0x01 ? "TC + " : "";
    const kind = type === 0x02 ? (version === 3 ? "MST" : "RST") : "Conf";
    const root = `${rootHi & 0xf000}/${rootHi & 0x0fff}/${macToString(macNumber(b, 7))}`;
    this.set(row, "STP", `${kind}. ${tc}Root = ${root}  Cost = ${cost}  Port = 0x${port.toString(16).padStart(4, "0")}`);
  }

  private cdp(row: number, b: Uint8Array): void {
    let info = "";
    let o = 4;
    while (o + 4 <= b.length) {
      const type = (b[o] << 8) | b[o + 1];
      const len = (b[o + 2] << 8) | b[o + 3];
      if (len < 4 || o + len > b.length) break;
      if (type === 1) info += `Device ID: ${latin1(b, o + 4, o + len)}  `;
      else if (type === 3) info += `Port ID: ${latin1(b, o + 4, o + len)}  `;
      o += len;
    }
    this.set(row, "CDP", info);
  }

  /** IGMP: the version from the type and length as Wireshark decides it (packet-igmp.c). */
  private igmp(row: number, b: Uint8Array): void {
    if (b.length < 8) return;
    const type = b[0];
    const name = IGMP_TYPES[type];
    if (name === undefined) {
      this.set(row, "IGMP", `Unknown Type:0x${type.toString(16).padStart(2, "0")}`);
      return;
    }
    const group = ipv4ToString(((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0);
    const zero = b[4] === 0 && b[5] === 0 && b[6] === 0 && b[7] === 0;
    if (type === 0x11 && b.length >= 12) {
      // v3 query
      let info = `${name}, ${zero ? "general" : `specific for group ${group}`}`;
      const n = (b[10] << 8) | b[11];
      if (n > 0) {
        const src: string[] = [];
        for (let i = 0; i < n && 12 + 4 * i + 4 <= b.length; i++) src.push(ipAt(b, 12 + 4 * i));
        info += `, source${n > 1 ? "s" : ""} {${src.join(", ")}}`;
      }
      this.set(row, "IGMPv3", info);
      return;
    }
    if (type === 0x22) {
      this.set(row, "IGMPv3", name + igmpV3Records(b));
      return;
    }
    if (type === 0x12 || (type === 0x11 && b[1] === 0)) {
      this.set(row, "IGMPv1", name);
      return;
    }
    let info = name;
    if (zero) info += ", general";
    else if (type === 0x17) info += ` ${group}`;
    else if (type === 0x11) info += `, specific for group ${group}`;
    else info += ` group ${group}`;
    this.set(row, "IGMPv2", info);
  }
}

const RSVP_MESSAGES: Record<number, string> = {
  1: "PATH", 2: "RESV", 3: "PATH ERROR", 4: "RESV ERROR", 5: "PATH TEAR", 6: "RESV TEAR", 7: "RESV CONFIRM", 10: "RTEST",
  11: "RTEARDOWN", 12: "BUNDLE", 13: "ACK", 15: "SREFRESH", 20: "HELLO", 25: "NOTIFY",
};

/** RSVP: "<TYPE> Message. " plus the IPv4 SESSION / SENDER TEMPLATE / FILTERSPEC objects as packet-rsvp.c summarises them. */
function rsvpInfo(b: Uint8Array): string {
  let s = `${RSVP_MESSAGES[b[1]] ?? "Unknown"} Message. `;
  const end = Math.min(b.length, (b[6] << 8) | b[7]);
  let o = 8;
  while (o + 4 <= end) {
    const len = (b[o] << 8) | b[o + 1];
    if (len < 4 || o + len > end) break;
    const cls = b[o + 2];
    const ctype = b[o + 3];
    if (ctype === 1 && len >= 12) {
      if (cls === 1) s += `SESSION: IPv4, Destination ${ipAt(b, o + 4)}, Protocol ${b[o + 8]}, Port ${(b[o + 10] << 8) | b[o + 11]}. `;
      else if (cls === 11) s += `SENDER TEMPLATE: IPv4, Sender ${ipAt(b, o + 4)}, Port ${(b[o + 10] << 8) | b[o + 11]}. `;
      else if (cls === 10) s += `FILTERSPEC: IPv4, Sender ${ipAt(b, o + 4)}, Port ${(b[o + 10] << 8) | b[o + 11]}. `;
    }
    o += len;
  }
  return s;
}

function igmpV3Records(b: Uint8Array): string {
  const n = (b[6] << 8) | b[7];
  if (n === 0) return " - General query";
  let s = "";
  let o = 8;
  for (let r = 0; r < n && o + 8 <= b.length; r++) {
    const type = b[o];
    const aux = b[o + 1];
    const num = (b[o + 2] << 8) | b[o + 3];
    const g = ipAt(b, o + 4);
    o += 8;
    if (num === 0) {
      if (type === 1 || type === 3) s += ` / Leave group ${g}`;
      else if (type === 2 || type === 4) s += ` / Join group ${g} for any sources`;
      else if (type === 5) s += ` / Group ${g}, ALLOW_NEW_SOURCES but no source specified (?)`;
      else if (type === 6) s += ` / Group ${g}, BLOCK_OLD_SOURCES but no source specified (?)`;
      else s += ` / Group ${g}, unknown record type (?)`;
    } else {
      if (type === 1 || type === 3) s += ` / Join group ${g} for source${num > 1 ? "s in" : ""} {`;
      else if (type === 2 || type === 4) s += ` / Join group ${g}, for source${num > 1 ? "s not in" : " not"} {`;
      else if (type === 5) s += ` / Group ${g}, new source${num > 1 ? "s" : ""} {`;
      else if (type === 6) s += ` / Group ${g}, block source${num > 1 ? "s" : ""} {`;
      else s += ` / Group ${g}, unknown record type (?), sources {`;
      for (let i = 0; i < num; i++) {
        if (o + 4 > b.length) return s;
        s += ipAt(b, o) + (i + 1 < num ? ", " : "}");
        o += 4;
      }
    }
    o += aux * 4;
  }
  return s;
}

function ipAt(b: Uint8Array, o: number): string {
  return ipv4ToString(((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0);
}

function macNumber(b: Uint8Array, o: number): number {
  return ((b[o] << 8) | b[o + 1]) * 4294967296 + (((b[o + 2] << 24) | (b[o + 3] << 16) | (b[o + 4] << 8) | b[o + 5]) >>> 0);
}

function latin1(b: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i]);
  return s;
}
