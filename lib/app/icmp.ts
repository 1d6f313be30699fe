/** ICMP / ICMPv6 Info text as tshark 4.0, with echo request/reply matching in finish(). */
import type { PacketTable } from "../table/packet-table";
import { Layer } from "../table/layers";
import { ipv6ToString } from "../base/format";

const UNREACH: Record<number, string> = {
  0: "Network unreachable",
  1: "Host unreachable",
  2: "Protocol unreachable",
  3: "Port unreachable",
  4: "Fragmentation needed",
  5: "Source route failed",
  6: "Destination network unknown",
  7: "Destination host unknown",
  8: "Source host isolated",
  9: "Network administratively prohibited",
  10: "Host administratively prohibited",
  11: "Network unreachable for TOS",
  12: "Host unreachable for TOS",
  13: "Communication administratively filtered",
  14: "Host precedence violation",
  15: "Precedence cutoff in effect",
};

const V6_UNREACH: Record<number, string> = {
  0: "no route to destination",
  1: "communication with destination administratively prohibited",
  2: "beyond scope of source address",
  3: "Address unreachable",
  4: "Port unreachable",
  5: "source address failed ingress/egress policy",
  6: "reject route to destination",
};

/** ICMP type names (Wireshark's icmp_type_str). */
const ICMP_TYPES: Record<number, string> = {
  0: "Echo (ping) reply", 3: "Destination unreachable", 4: "Source quench (flow control)", 5: "Redirect", 8: "Echo (ping) request",
  9: "Mobile IP Advertisement", 10: "Router solicitation", 11: "Time-to-live exceeded", 12: "Parameter problem", 13: "Timestamp request",
  14: "Timestamp reply", 15: "Information request", 16: "Information reply", 17: "Address mask request", 18: "Address mask reply",
  19: "Reserved (for security)", 30: "Traceroute", 31: "Datagram Conversion Error", 32: "Mobile Host Redirect", 33: "IPv6 Where-Are-You",
  34: "IPv6 I-Am-Here", 35: "Mobile Registration Request", 36: "Mobile Registration Reply", 37: "Domain Name Request",
  38: "Domain Name Reply", 39: "SKIP", 40: "Photuris", 41: "Experimental mobility protocols", 42: "Extended Echo request", 43: "Extended Echo reply",
};

/** Code meanings of the ICMP types that show one in the Info column. */
const ICMP_CODES: Record<number, Record<number, string>> = {
  3: UNREACH,
  5: { 0: "Redirect for network", 1: "Redirect for host", 2: "Redirect for TOS and network", 3: "Redirect for TOS and host" },
  9: { 0: "Normal router advertisement", 16: "Does not route common traffic" },
  11: { 0: "Time to live exceeded in transit", 1: "Fragment reassembly time exceeded" },
  12: { 0: "Pointer indicates the error", 1: "Required option missing", 2: "Bad length" },
};

function pad20(s: string): string {
  return s.length >= 20 ? s : s + " ".repeat(20 - s.length);
}

interface Echo {
  row: number;
  v6: boolean;
  req: boolean;
  id: number;
  seq: number;
  src: number;
  dst: number;
  base: string;
}

export class IcmpApps {
  private echoes: Echo[] = [];
  constructor(readonly t: PacketTable) {}

  private set(row: number, info: string): void {
    (this.t.appInfo ?? this.t.touch("appInfo"))[row] = this.t.strings.intern(info);
  }

  packet(row: number, buf: Uint8Array, off: number, capLen: number): void {
    const t = this.t;
    if (capLen < 4) return;
    const b = buf.subarray(off, off + capLen);
    const type = b[0];
    const code = b[1];
    const v6 = (t.layers[row] & Layer.ICMPV6) !== 0;
    const u16 = (o: number) => (b[o] << 8) | b[o + 1];
    if (!v6) {
      switch (type) {
        case 0:
        case 8: {
          if (capLen < 8) break;
          const id = u16(4);
          const seq = u16(6);
          const seqLe = ((seq & 0xff) << 8) | (seq >> 8);
          const base = `Echo (ping) ${type === 8 ? "request " : "reply   "} id=0x${id.toString(16).padStart(4, "0")}, seq=${seq}/${seqLe}, ttl=${t.ipTtl[row]}`;
          this.echoes.push({ row, v6, req: type === 8, id, seq, src: t.ipSrc[row], dst: t.ipDst[row], base });
          this.set(row, base);
          return;
        }
        case 13:
        case 14:
        case 15:
        case 16:
        case 17:
        case 18: {
          // id/seq like an echo, no request/reply matching
          if (capLen < 8) break;
          const seq = u16(6);
          this.set(row, `${pad20(ICMP_TYPES[type])} id=0x${u16(4).toString(16).padStart(4, "0")}, seq=${seq}/${((seq & 0xff) << 8) | (seq >> 8)}, ttl=${t.ipTtl[row]}`);
          return;
        }
        default: {
          // tshark: the type name padded to 20 characters, then "(code meaning)" for types that have codes
          const name = ICMP_TYPES[type];
          if (name === undefined) break;
          const codes = ICMP_CODES[type];
          const c = codes === undefined ? "" : ` (${codes[code] ?? "Unknown code"})`;
          this.set(row, pad20(name) + c);
          return;
        }
      }
      this.set(row, `Unknown ICMP (obsolete or malformed?)`);
      return;
    }
    switch (type) {
      case 1:
        this.set(row, `Destination Unreachable (${V6_UNREACH[code] ?? code})`);
        return;
      case 2:
        this.set(row, "Packet Too Big");
        return;
      case 3:
        this.set(row, `Time Exceeded (${code === 0 ? "hop limit exceeded in transit" : "fragment reassembly time exceeded"})`);
        return;
      case 4:
        this.set(row, `Parameter Problem (${["erroneous header field encountered", "unrecognized Next Header type encountered", "unrecognized IPv6 option encountered"][code] ?? "Unknown code"})`);
        return;
      case 128:
      case 129: {
        if (capLen < 8) break;
        const id = u16(4);
        const seq = u16(6);
        const base = `Echo (ping) ${type === 128 ? "request" : "reply"} id=0x${id.toString(16).padStart(4, "0")}, seq=${seq}, hop limit=${t.ipTtl[row]}`;
        this.echoes.push({ row, v6, req: type === 128, id, seq, src: t.ipSrc[row], dst: t.ipDst[row], base });
        this.set(row, base);
        return;
      }
      case 130:
        this.set(row, "Multicast Listener Query");
        return;
      case 131:
        this.set(row, "Multicast Listener Report");
        return;
      case 132:
        this.set(row, "Multicast Listener Done");
        return;
      case 143:
        this.set(row, "Multicast Listener Report Message v2");
        return;
      case 133:
        this.set(row, `Router Solicitation${llOpt(b, 8, 1)}`);
        return;
      case 134:
        this.set(row, `Router Advertisement${llOpt(b, 16, 1)}`);
        return;
      case 135: {
        if (capLen < 24) break;
        this.set(row, `Neighbor Solicitation for ${ipv6ToString(b, 8)}${llOpt(b, 24, 1)}`);
        return;
      }
      case 136: {
        if (capLen < 24) break;
        const f = b[4];
        const fl: string[] = [];
        if (f & 0x80) fl.push("rtr");
        if (f & 0x40) fl.push("sol");
        if (f & 0x20) fl.push("ovr");
        const ll = llOpt(b, 24, 2);
        this.set(row, `Neighbor Advertisement ${ipv6ToString(b, 8)}${fl.length ? ` (${fl.join(", ")})` : ""}${ll ? ` is at${ll.slice(5)}` : ""}`);
        return;
      }
      case 137:
        this.set(row, "Redirect");
        return;
    }
    this.set(row, `Unknown (${type})`);
  }

  finish(): void {
    // Pair echo requests and replies (same id/seq, reversed addresses).
    const key = (e: Echo, rev: boolean) => `${e.v6}|${e.id}|${e.seq}|${rev ? e.dst : e.src}|${rev ? e.src : e.dst}`;
    const reqs = new Map<string, Echo[]>();
    const reps = new Map<string, Echo[]>();
    for (const e of this.echoes) {
      const m = e.req ? reqs : reps;
      const k = key(e, !e.req);
      const l = m.get(k);
      if (l) l.push(e);
      else m.set(k, [e]);
    }
    for (const e of this.echoes) {
      const other = (e.req ? reps : reqs).get(key(e, !e.req));
      let suffix: string;
      if (e.req) {
        const r = other?.find((x) => x.row > e.row);
        suffix = r ? ` (reply in ${r.row + 1})` : " (no response found!)";
      } else {
        const q = other ? [...other].reverse().find((x) => x.row < e.row) : undefined;
        suffix = q ? ` (request in ${q.row + 1})` : "";
      }
      this.set(e.row, e.base + suffix);
    }
  }
}

/** " from xx:xx:…" for a source (1) / target (2) link-layer address option. */
function llOpt(b: Uint8Array, o: number, want: number): string {
  while (o + 8 <= b.length) {
    const type = b[o];
    const len = b[o + 1] * 8;
    if (len === 0) break;
    if (type === want && len >= 8) {
      const mac: string[] = [];
      for (let i = 0; i < 6; i++) mac.push(b[o + 2 + i].toString(16).padStart(2, "0"));
      return ` from ${mac.join(":")}`;
    }
    o += len;
  }
  return "";
}
