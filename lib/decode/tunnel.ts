/**
 * Tunnels and encapsulations: PPPoE (discovery and session), MPLS, GRE (RFC 2784/2890 and PPTP's
 * enhanced GRE), ERSPAN types I-III, GTP-U v1, VXLAN, Geneve, IP-in-IP (IPv4/IPv6 in IPv4/IPv6).
 *
 * Each decoder peels its header, records the tunnel in the row's lazy columns (`tunnel` chain,
 * `tunnelId`, `outerSrc`/`outerDst`, `mplsLabels`, `tunnelSeq`, `pppProto`) and hands the inner packet
 * back to the Dissector, so that Source/Destination, ports, `tcp.stream` and the TCP analysis see the
 * innermost IP/TCP/UDP, as in Wireshark (whose conversations are keyed by the inner addresses and ports
 * only: the same inner 5-tuple in two tunnels is one TCP stream, see test/decode/tunnels.test.ts).
 *
 * The Dissector only calls in here for ethertypes, IP protocols and UDP ports it does not handle
 * itself: plain Ethernet/IP/TCP/UDP packets never reach this file.
 */
import { Anomaly } from "../base/errors";
import type { PacketTable } from "../table/packet-table";
import { Layer } from "../table/layers";
import type { StringDict } from "../table/dict";
import { DLT_RAW_12, DLT_RAW_14, LINKTYPE_ETHERNET, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_LOOP, LINKTYPE_NULL, LINKTYPE_RAW } from "../file/link-type";

/** Ethertypes, IP protocols and UDP ports that carry a tunnel. */
export const ETHERTYPE_PPPOE_DISC = 0x8863;
export const ETHERTYPE_PPPOE_SESS = 0x8864;
export const ETHERTYPE_MPLS = 0x8847;
export const ETHERTYPE_MPLS_MC = 0x8848;
export const ETHERTYPE_TEB = 0x6558;
export const ETHERTYPE_ERSPAN2 = 0x88be;
export const ETHERTYPE_ERSPAN3 = 0x22eb;
export const ETHERTYPE_PPP = 0x880b;
export const IPPROTO_IPIP = 4;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_GRE = 47;
export const IPPROTO_MPLS = 137;
export const UDP_GTPU = 2152;
export const UDP_VXLAN = 4789;
export const UDP_VXLAN_GPE = 4790;
export const UDP_GENEVE = 6081;
/** Tunnels decoded in one frame at most (then the frame is flagged TUNNEL_TOO_DEEP). */
export const MAX_NESTING = 32;

/** True when a UDP port pair is decoded as a tunnel (GTP-U, VXLAN, VXLAN-GPE, Geneve). */
export function isTunnelPort(sp: number, dp: number): boolean {
  return dp === UDP_VXLAN || dp === UDP_GTPU || dp === UDP_GENEVE || sp === UDP_GTPU || sp === UDP_VXLAN || sp === UDP_GENEVE || dp === UDP_VXLAN_GPE;
}

/** What the tunnel decoders need from the Dissector (its per-layer entry points). */
export interface InnerDecoder {
  ethernetInner(row: number, buf: Uint8Array, v: DataView, vo: number, off: number, end: number): void;
  etherPayload(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number, type: number): void;
  ipv4(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number): void;
  ipv6(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number): void;
}

const PPPOED_CODES: Record<number, string> = {
  0x09: "Active Discovery Initiation (PADI)",
  0x07: "Active Discovery Offer (PADO)",
  0x19: "Active Discovery Request (PADR)",
  0x65: "Active Discovery Session-confirmation (PADS)",
  0xa7: "Active Discovery Terminate (PADT)",
};

const PPP_CP_CODES = [
  "",
  "Configuration Request",
  "Configuration Ack",
  "Configuration Nak",
  "Configuration Reject",
  "Termination Request",
  "Termination Ack",
  "Code Reject",
  "Protocol Reject",
  "Echo Request",
  "Echo Reply",
  "Discard Request",
  "Identification",
  "Time Remaining",
];

/** PPP control protocols: Protocol column name and the highest code it defines. */
const PPP_CONTROL: Record<number, [string, number]> = {
  0xc021: ["PPP LCP", 13],
  0x8021: ["PPP IPCP", 7],
  0x8057: ["PPP IPV6CP", 7],
  0x80fd: ["PPP CCP", 7],
};

const GTP_MESSAGES: Record<number, string> = {
  1: "Echo request",
  2: "Echo response",
  26: "Error indication",
  31: "Supported extension headers notification",
  254: "End Marker",
  255: "T-PDU",
};

export class Tunnels {
  private readonly strings: StringDict;
  /** Chain id * 64 + tunnel code → chain id ("GRE", "GRE/ERSPAN"…): no string building per packet. */
  private readonly chains = new Map<number, number>();
  private readonly names: string[] = [];
  private readonly codes = new Map<string, number>();
  /** Rows whose Protocol column is wrapped as "GTP <inner>" once the application layers are done. */
  readonly gtpRows: number[] = [];

  // the IP layer bits of the last row's outermost IP header (see afterRow)
  private outerRow = -1;
  private outerBits = 0;
  // tunnels entered in the current row (a crafted frame nests IP-in-IP thousands deep: the stack ends first)
  private depthRow = -1;
  private depth = 0;

  /** False (and the row flagged) when the row already went through MAX_NESTING tunnels. */
  private deeper(row: number): boolean {
    if (row !== this.depthRow) {
      this.depthRow = row;
      this.depth = 0;
    }
    if (++this.depth <= MAX_NESTING) return true;
    this.t.flag(row, Anomaly.TUNNEL_TOO_DEEP);
    return false;
  }

  constructor(private readonly t: PacketTable, private readonly d: InnerDecoder) {
    this.strings = t.strings;
  }

  /**
   * After a tunnelled row is dissected: when the tunnel carried no IP packet of its own (PPP control,
   * an enhanced-GRE acknowledgement, a GTP echo…), the outer IP header is the row's IP layer again, as in
   * Wireshark (its `ip` and `ip.*` fields match the outer header then).
   */
  afterRow(row: number): void {
    const t = this.t;
    if (row === this.outerRow && (t.layers[row] & (Layer.IPV4 | Layer.IPV6)) === 0) t.layers[row] |= this.outerBits;
  }

  // ---- bookkeeping -------------------------------------------------------------------------

  /** Enter a tunnel: the outer transport/network bits are dropped (the inner layers set their own). */
  private enter(row: number, name: string, outerIp: boolean): void {
    const t = this.t;
    const layers = t.layers[row];
    if (outerIp && !(layers & Layer.TUNNEL)) {
      // the outermost IP header: the tunnel endpoints
      t.touch("outerSrc")[row] = t.ipSrc[row];
      t.touch("outerDst")[row] = t.ipDst[row];
      this.outerRow = row;
      this.outerBits = layers & (Layer.IPV4 | Layer.IPV6 | Layer.IP_FRAGMENT);
    }
    t.layers[row] = (layers & ~(Layer.IPV4 | Layer.IPV6 | Layer.UDP | Layer.IP_FRAGMENT)) | Layer.TUNNEL;
    let code = this.codes.get(name);
    if (code === undefined) {
      code = this.names.length;
      this.names.push(name);
      this.codes.set(name, code);
    }
    const col = t.touch("tunnel");
    const prev = col[row];
    const key = prev * 64 + code;
    let id = this.chains.get(key);
    if (id === undefined) {
      const prevText = prev ? this.strings.get(prev) : "";
      id = this.strings.intern(prevText ? `${prevText}/${name}` : name);
      this.chains.set(key, id);
    }
    col[row] = id;
  }

  private setId(row: number, id: number): void {
    this.t.touch("tunnelId")[row] = id >>> 0;
  }

  private setProto(row: number, name: string): void {
    this.t.proto[row] = this.strings.intern(name);
  }

  private setInfo(row: number, text: string): void {
    this.t.touch("appInfo")[row] = this.strings.intern(text);
  }

  // ---- dispatch ----------------------------------------------------------------------------

  /** Ethertypes the Dissector does not decode itself. Returns false when `type` is no tunnel. */
  ether(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number, type: number): boolean {
    if ((type === ETHERTYPE_PPPOE_SESS || type === ETHERTYPE_PPPOE_DISC || type === ETHERTYPE_MPLS || type === ETHERTYPE_MPLS_MC) && !this.deeper(row)) return true;
    switch (type) {
      case ETHERTYPE_PPPOE_SESS:
        this.pppoeSession(row, buf, v, vo, p, end);
        return true;
      case ETHERTYPE_PPPOE_DISC:
        this.pppoeDiscovery(row, buf, v, vo, p, end);
        return true;
      case ETHERTYPE_MPLS:
      case ETHERTYPE_MPLS_MC:
        this.mpls(row, buf, v, vo, p, end, false);
        return true;
    }
    return false;
  }

  /** IP protocols 4, 41, 47, 137. Returns false for any other protocol. */
  ipProto(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number, l4Len: number, proto: number): boolean {
    const stop = Math.min(end, p + Math.max(0, l4Len));
    if ((proto === IPPROTO_IPIP || proto === IPPROTO_IPV6 || proto === IPPROTO_GRE || proto === IPPROTO_MPLS) && !this.deeper(row)) return true;
    switch (proto) {
      case IPPROTO_IPIP:
        this.enter(row, "IP-in-IP", true);
        this.d.ipv4(row, buf, v, vo, p, stop);
        return true;
      case IPPROTO_IPV6:
        this.enter(row, "IPv6-in-IP", true);
        this.d.ipv6(row, buf, v, vo, p, stop);
        return true;
      case IPPROTO_GRE:
        this.gre(row, buf, v, vo, p, stop);
        return true;
      case IPPROTO_MPLS:
        this.mpls(row, buf, v, vo, p, stop, true);
        return true;
    }
    return false;
  }

  /** UDP payload on a tunnel port (isTunnelPort). `p` is the UDP payload, `stop` its end. */
  udp(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, stop: number, sp: number, dp: number): void {
    this.t.layers[row] |= Layer.TUNNEL_PORTS;
    if (!this.deeper(row)) return;
    // Wireshark tries the lower port first
    const lo = sp < dp ? sp : dp;
    const hi = sp < dp ? dp : sp;
    const port = lo === UDP_GTPU || lo === UDP_VXLAN || lo === UDP_GENEVE || lo === UDP_VXLAN_GPE ? lo : hi;
    if (port === UDP_GTPU) this.gtpu(row, buf, v, vo, p, stop);
    else if (port === UDP_VXLAN) this.vxlan(row, buf, v, vo, p, stop, false);
    else if (port === UDP_VXLAN_GPE) this.vxlan(row, buf, v, vo, p, stop, true);
    else if (port === UDP_GENEVE) this.geneve(row, buf, v, vo, p, stop);
  }

  // ---- PPPoE / PPP -------------------------------------------------------------------------

  private pppoeDiscovery(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number): void {
    const t = this.t;
    this.setProto(row, "PPPoED");
    if (end - p < 6) {
      t.flag(row, Anomaly.TUNNEL_TRUNCATED);
      return;
    }
    this.enter(row, "PPPoE", false);
    this.setId(row, v.getUint16(vo + p + 2, false));
    const code = buf[p + 1];
    let info = PPPOED_CODES[code] ?? `Unknown PPPoED code 0x${code.toString(16).padStart(2, "0")}`;
    // tags: AC-Name is shown in the Info column
    const tlen = v.getUint16(vo + p + 4, false);
    const tend = Math.min(end, p + 6 + tlen);
    let q = p + 6;
    while (q + 4 <= tend) {
      const tag = v.getUint16(vo + q, false);
      const len = v.getUint16(vo + q + 2, false);
      if (q + 4 + len > tend) break;
      if (tag === 0x0102) info += ` AC-Name='${latin1(buf, q + 4, q + 4 + len)}'`;
      if (tag === 0) break;
      q += 4 + len;
    }
    this.setInfo(row, info);
  }

  private pppoeSession(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number): void {
    const t = this.t;
    this.setProto(row, "PPPoES");
    if (end - p < 6) {
      t.flag(row, Anomaly.TUNNEL_TRUNCATED);
      return;
    }
    this.enter(row, "PPPoE", false);
    this.setId(row, v.getUint16(vo + p + 2, false));
    const plen = v.getUint16(vo + p + 4, false);
    const stop = Math.min(end, p + 6 + plen);
    this.ppp(row, buf, v, vo, p + 6, stop);
  }

  /** PPP from the protocol field (address/control 0xff03 skipped when present). */
  private ppp(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number): void {
    const t = this.t;
    this.setProto(row, "PPP");
    if (end - p >= 2 && buf[p] === 0xff && buf[p + 1] === 0x03) p += 2;
    if (end - p < 1) {
      t.flag(row, Anomaly.TUNNEL_TRUNCATED);
      return;
    }
    // protocol field compression: an odd first byte is a one-byte protocol
    let proto: number;
    if (buf[p] & 1) {
      proto = buf[p];
      p += 1;
    } else {
      if (end - p < 2) {
        t.flag(row, Anomaly.TUNNEL_TRUNCATED);
        return;
      }
      proto = v.getUint16(vo + p, false);
      p += 2;
    }
    t.touch("pppProto")[row] = proto;
    if (proto === 0x0021) this.d.ipv4(row, buf, v, vo, p, end);
    else if (proto === 0x0057) this.d.ipv6(row, buf, v, vo, p, end);
    else if (proto === 0x0281) this.mpls(row, buf, v, vo, p, end, false);
    else {
      const cp = PPP_CONTROL[proto];
      if (cp && end - p >= 1) {
        const code = buf[p];
        this.setProto(row, cp[0]);
        this.setInfo(row, code >= 1 && code <= cp[1] ? PPP_CP_CODES[code] : `Unknown (0x${code.toString(16).padStart(2, "0")})`);
      } else if (proto === 0xc023) {
        this.setProto(row, "PPP PAP");
        const code = end - p >= 1 ? buf[p] : 0;
        this.setInfo(row, ["", "Authenticate-Request", "Authenticate-Ack", "Authenticate-Nak"][code] ?? "");
      } else if (proto === 0xc223) {
        this.setProto(row, "PPP CHAP");
        const code = end - p >= 1 ? buf[p] : 0;
        this.setInfo(row, ["", "Challenge", "Response", "Success", "Failure"][code] ?? "");
      }
    }
  }

  // ---- MPLS --------------------------------------------------------------------------------

  private mpls(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number, outerIp: boolean): void {
    const t = this.t;
    this.setProto(row, "MPLS");
    this.enter(row, "MPLS", outerIp);
    let labels = "";
    let bottom = false;
    while (!bottom) {
      if (end - p < 4) {
        t.flag(row, Anomaly.TUNNEL_TRUNCATED);
        return;
      }
      const e = v.getUint32(vo + p, false);
      const label = e >>> 12;
      labels += labels ? `,${label}` : String(label);
      bottom = (e & 0x100) !== 0;
      p += 4;
    }
    t.touch("mplsLabels")[row] = this.strings.intern(labels);
    const first = labels.indexOf(",");
    this.setId(row, Number(first < 0 ? labels : labels.slice(0, first)));
    if (end - p < 1) return;
    const nibble = buf[p] >> 4;
    if (nibble === 4) this.d.ipv4(row, buf, v, vo, p, end);
    else if (nibble === 6) this.d.ipv6(row, buf, v, vo, p, end);
    else this.setInfo(row, "MPLS Label Switched Packet");
  }

  // ---- GRE / ERSPAN ------------------------------------------------------------------------

  private gre(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number): void {
    const t = this.t;
    this.setProto(row, "GRE");
    if (end - p < 4) {
      t.flag(row, Anomaly.TUNNEL_TRUNCATED);
      return;
    }
    this.enter(row, "GRE", true);
    const flags = v.getUint16(vo + p, false);
    const type = v.getUint16(vo + p + 2, false);
    const version = flags & 7;
    let q = p + 4;
    if (flags & 0xc000) q += 4; // checksum (+ offset) when C or R is set
    if (flags & 0x2000) {
      if (end - q < 4) return this.truncated(row);
      // PPTP's enhanced GRE: payload length + call id; plain GRE: a 32-bit key
      this.setId(row, version === 1 ? v.getUint16(vo + q + 2, false) : v.getUint32(vo + q, false));
      q += 4;
    }
    if (flags & 0x1000) {
      if (end - q < 4) return this.truncated(row);
      t.touch("tunnelSeq")[row] = v.getUint32(vo + q, false);
      q += 4;
    }
    if (version === 1 && flags & 0x0080) q += 4; // acknowledgment number
    if (flags & 0x4000) {
      // source route entries until the NULL entry
      for (let guard = 0; guard < 64; guard++) {
        if (end - q < 4) return this.truncated(row);
        const sreLen = buf[q + 3];
        q += 4 + sreLen;
        if (sreLen === 0) break;
      }
    }
    if (q > end) return this.truncated(row);
    if (q === end) {
      if (version === 1 && type === ETHERTYPE_PPP) this.setInfo(row, "Encapsulated PPP");
      else this.setInfo(row, `Encapsulated ${greTypeName(type)}`);
      return;
    }
    switch (type) {
      case 0x0800:
        this.d.ipv4(row, buf, v, vo, q, end);
        return;
      case 0x86dd:
        this.d.ipv6(row, buf, v, vo, q, end);
        return;
      case ETHERTYPE_TEB:
        this.d.ethernetInner(row, buf, v, vo, q, end);
        return;
      case ETHERTYPE_PPP:
        this.ppp(row, buf, v, vo, q, end);
        return;
      case ETHERTYPE_MPLS:
      case ETHERTYPE_MPLS_MC:
        this.mpls(row, buf, v, vo, q, end, false);
        return;
      case ETHERTYPE_ERSPAN2:
        // without a sequence number: type I (no ERSPAN header), else type II
        this.erspan(row, buf, v, vo, q, end, flags & 0x1000 ? 2 : 1);
        return;
      case ETHERTYPE_ERSPAN3:
        this.erspan(row, buf, v, vo, q, end, 3);
        return;
    }
    this.d.etherPayload(row, buf, v, vo, q, end, type);
  }

  private erspan(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number, type: number): void {
    this.setProto(row, "ERSPAN");
    this.enter(row, "ERSPAN", false);
    if (type !== 1) {
      if (end - p < 8) return this.truncated(row);
      this.setId(row, v.getUint16(vo + p + 2, false) & 0x3ff);
      if (type === 2) p += 8;
      else {
        if (end - p < 12) return this.truncated(row);
        const o = buf[p + 11] & 1; // platform-specific subheader follows
        p += 12 + (o ? 8 : 0);
      }
    }
    this.d.ethernetInner(row, buf, v, vo, p, end);
  }

  private truncated(row: number): void {
    this.t.flag(row, Anomaly.TUNNEL_TRUNCATED);
  }

  // ---- GTP-U, VXLAN, Geneve ----------------------------------------------------------------

  private gtpu(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number): void {
    const t = this.t;
    this.setProto(row, "GTP");
    if (end - p < 8) return this.truncated(row);
    const flags = buf[p];
    if (flags >> 5 !== 1) {
      // GTP' or GTPv0/v2 on the GTP-U port: not decoded further
      this.enter(row, "GTP", true);
      return;
    }
    this.enter(row, "GTP-U", true);
    const msg = buf[p + 1];
    const len = v.getUint16(vo + p + 2, false);
    this.setId(row, v.getUint32(vo + p + 4, false));
    const stop = Math.min(end, p + 8 + len);
    let q = p + 8;
    if (flags & 0x07) {
      if (stop - q < 4) return this.truncated(row);
      if (flags & 0x02) t.touch("tunnelSeq")[row] = v.getUint16(vo + q, false);
      let next = buf[q + 3];
      q += 4;
      if (flags & 0x04) {
        for (let guard = 0; next !== 0 && guard < 16; guard++) {
          if (stop - q < 1) return this.truncated(row);
          const elen = buf[q] * 4;
          if (elen === 0 || stop - q < elen) return this.truncated(row);
          next = buf[q + elen - 1];
          q += elen;
        }
      }
    }
    if (msg !== 255) {
      this.setInfo(row, GTP_MESSAGES[msg] ?? `Unknown message type 0x${msg.toString(16).padStart(2, "0")}`);
      return;
    }
    this.gtpRows.push(row);
    if (stop - q < 1) {
      this.setInfo(row, "T-PDU");
      return;
    }
    const nibble = buf[q] >> 4;
    if (nibble === 4) this.d.ipv4(row, buf, v, vo, q, stop);
    else if (nibble === 6) this.d.ipv6(row, buf, v, vo, q, stop);
    else this.setInfo(row, "T-PDU");
  }

  private vxlan(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number, gpe: boolean): void {
    this.setProto(row, gpe ? "VXLAN-GPE" : "VXLAN");
    if (end - p < 8) return this.truncated(row);
    this.enter(row, gpe ? "VXLAN-GPE" : "VXLAN", true);
    this.setId(row, v.getUint32(vo + p + 4, false) >>> 8);
    const q = p + 8;
    if (gpe && buf[p] & 0x04) {
      const next = buf[p + 3];
      if (next === 1) this.d.ipv4(row, buf, v, vo, q, end);
      else if (next === 2) this.d.ipv6(row, buf, v, vo, q, end);
      else if (next === 3) this.d.ethernetInner(row, buf, v, vo, q, end);
      return;
    }
    this.d.ethernetInner(row, buf, v, vo, q, end);
  }

  private geneve(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number): void {
    this.setProto(row, "Geneve");
    if (end - p < 8) return this.truncated(row);
    this.enter(row, "Geneve", true);
    const optLen = (buf[p] & 0x3f) * 4;
    const type = v.getUint16(vo + p + 2, false);
    this.setId(row, v.getUint32(vo + p + 4, false) >>> 8);
    const q = p + 8 + optLen;
    if (q > end) return this.truncated(row);
    if (type === ETHERTYPE_TEB) this.d.ethernetInner(row, buf, v, vo, q, end);
    else this.d.etherPayload(row, buf, v, vo, q, end, type);
  }

  /** After the application layers: GTP-U rows show "GTP <inner protocol>" (Wireshark's GTP dissector). */
  finish(): void {
    const t = this.t;
    for (const row of this.gtpRows) {
      const inner = this.strings.get(t.proto[row]);
      if (inner !== "GTP") t.proto[row] = this.strings.intern(`GTP <${inner}>`);
    }
  }
}

function greTypeName(type: number): string {
  switch (type) {
    case 0x0800:
      return "IP";
    case 0x86dd:
      return "IPv6";
    case ETHERTYPE_PPP:
      return "PPP";
    default:
      return `0x${type.toString(16).padStart(4, "0")}`;
  }
}

function latin1(b: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i]);
  return s;
}

// ---- the headers of a tunnelled packet, for the display filters ------------------------------

/** Header kinds recorded by walkHeaders (offsets point at the header's first byte). */
export const Hdr = {
  ETH: 1,
  /** an 802.1Q tag (TCI at the offset; TPID 0x8100 or 0x9100) */
  VLAN: 2,
  /** an 802.1ad service tag (TPID 0x88a8) */
  QINQ: 3,
  PPPOED: 4,
  PPPOES: 5,
  /** PPP (address/control bytes included when present) */
  PPP: 6,
  /** one MPLS label stack entry */
  MPLS: 7,
  IPV4: 8,
  IPV6: 9,
  /** a UDP header whose port pair carries a tunnel */
  UDP: 10,
  GRE: 11,
  /** ERSPAN type I (no ERSPAN header) */
  ERSPAN1: 12,
  /** ERSPAN type II or III (version in the header) */
  ERSPAN: 13,
  GTP: 14,
  VXLAN: 15,
  GENEVE: 16,
  /** an ARP packet (the innermost network header of a tunnel that carries ARP) */
  ARP: 17,
} as const;

/**
 * The headers of a packet, outermost first, as the Dissector and the tunnel decoders above walk them: from
 * the link layer through every tunnel down to the innermost IP (or ARP) header (its transport is not listed,
 * nor a UDP header that carries no tunnel). `out` receives (kind, offset) pairs. The display filters call this only
 * for tunnelled (and 802.1Q/802.1ad-tagged) rows, on their bytes read back from the capture: the decoder keeps
 * nothing per header, so plain Ethernet/IP costs nothing.
 */
/** At most this many headers are listed (crafted packets nest IP-in-IP thousands deep). */
export const MAX_WALK = 64;

export function walkHeaders(b: Uint8Array, linkType: number, out: number[]): void {
  out.length = 0;
  const end = b.length;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      wEth(b, 0, end, out);
      return;
    case LINKTYPE_LINUX_SLL:
      if (end >= 16) wEtherPayload(b, 16, end, (b[14] << 8) | b[15], out);
      return;
    case LINKTYPE_LINUX_SLL2:
      if (end >= 20) wEtherPayload(b, 20, end, (b[0] << 8) | b[1], out);
      return;
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP:
      wIpByVersion(b, 4, end, out);
      return;
    case LINKTYPE_RAW:
    case DLT_RAW_12:
    case DLT_RAW_14:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      wIpByVersion(b, 0, end, out);
      return;
  }
}

function wIpByVersion(b: Uint8Array, p: number, end: number, out: number[]): void {
  if (end - p < 1) return;
  const nibble = b[p] >> 4;
  if (nibble === 4) wIpv4(b, p, end, out);
  else if (nibble === 6) wIpv6(b, p, end, out);
}

function wEth(b: Uint8Array, p: number, end: number, out: number[]): void {
  if (end - p < 14 || out.length >= 2 * MAX_WALK) return;
  out.push(Hdr.ETH, p);
  let type = (b[p + 12] << 8) | b[p + 13];
  let q = p + 14;
  while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
    if (end - q < 4) return;
    out.push(type === 0x88a8 ? Hdr.QINQ : Hdr.VLAN, q);
    type = (b[q + 2] << 8) | b[q + 3];
    q += 4;
  }
  wEtherPayload(b, q, end, type, out);
}

function wEtherPayload(b: Uint8Array, p: number, end: number, type: number, out: number[]): void {
  switch (type) {
    case 0x0800:
      wIpv4(b, p, end, out);
      return;
    case 0x86dd:
      wIpv6(b, p, end, out);
      return;
    case ETHERTYPE_PPPOE_DISC:
      if (end - p >= 6) out.push(Hdr.PPPOED, p);
      return;
    case 0x0806:
      if (end - p >= 8) out.push(Hdr.ARP, p);
      return;
    case ETHERTYPE_PPPOE_SESS:
      if (end - p < 6) return;
      out.push(Hdr.PPPOES, p);
      wPpp(b, p + 6, Math.min(end, p + 6 + ((b[p + 4] << 8) | b[p + 5])), out);
      return;
    case ETHERTYPE_MPLS:
    case ETHERTYPE_MPLS_MC:
      wMpls(b, p, end, out);
      return;
  }
}

function wIpv4(b: Uint8Array, p: number, end: number, out: number[]): void {
  if (end - p < 20 || b[p] >> 4 !== 4 || out.length >= 2 * MAX_WALK) return;
  const ihl = (b[p] & 15) * 4;
  if (ihl < 20 || end - p < ihl) return;
  out.push(Hdr.IPV4, p);
  let total = (b[p + 2] << 8) | b[p + 3];
  if (total === 0) total = end - p;
  if (total < ihl || (((b[p + 6] << 8) | b[p + 7]) & 0x1fff) !== 0) return;
  wTransport(b, p + ihl, end, total - ihl, b[p + 9], out);
}

function wIpv6(b: Uint8Array, p: number, end: number, out: number[]): void {
  if (end - p < 40 || b[p] >> 4 !== 6 || out.length >= 2 * MAX_WALK) return;
  out.push(Hdr.IPV6, p);
  const plen = (b[p + 4] << 8) | b[p + 5];
  let next = b[p + 6];
  let q = p + 40;
  let remaining = plen === 0 ? end - q : plen;
  for (let guard = 0; guard < 16; guard++) {
    if (next === 0 || next === 43 || next === 60 || next === 135 || next === 139 || next === 140) {
      if (end - q < 8) return;
      const hl = (b[q + 1] + 1) * 8;
      if (end - q < hl) return;
      next = b[q];
      q += hl;
      remaining -= hl;
    } else if (next === 44) {
      if (end - q < 8) return;
      const later = ((b[q + 2] << 8) | b[q + 3]) >> 3 !== 0;
      next = b[q];
      q += 8;
      remaining -= 8;
      if (later) return;
    } else if (next === 51) {
      if (end - q < 8) return;
      const hl = (b[q + 1] + 2) * 4;
      next = b[q];
      q += hl;
      remaining -= hl;
    } else break;
  }
  wTransport(b, q, end, remaining, next, out);
}

function wTransport(b: Uint8Array, p: number, end: number, l4Len: number, proto: number, out: number[]): void {
  if (proto === 17) {
    if (end - p < 8) return;
    const sp = (b[p] << 8) | b[p + 1];
    const dp = (b[p + 2] << 8) | b[p + 3];
    if (!isTunnelPort(sp, dp)) return;
    out.push(Hdr.UDP, p);
    const ulen = (b[p + 4] << 8) | b[p + 5];
    const payLen = Math.max(0, Math.min(ulen, l4Len) - 8);
    const stop = p + 8 + Math.max(0, Math.min(end - (p + 8), payLen));
    const lo = sp < dp ? sp : dp;
    const hi = sp < dp ? dp : sp;
    const port = lo === UDP_GTPU || lo === UDP_VXLAN || lo === UDP_GENEVE || lo === UDP_VXLAN_GPE ? lo : hi;
    if (port === UDP_GTPU) wGtpu(b, p + 8, stop, out);
    else if (port === UDP_VXLAN || port === UDP_VXLAN_GPE) wVxlan(b, p + 8, stop, port === UDP_VXLAN_GPE, out);
    else if (port === UDP_GENEVE) wGeneve(b, p + 8, stop, out);
    return;
  }
  const stop = Math.min(end, p + Math.max(0, l4Len));
  if (proto === IPPROTO_IPIP) wIpv4(b, p, stop, out);
  else if (proto === IPPROTO_IPV6) wIpv6(b, p, stop, out);
  else if (proto === IPPROTO_GRE) wGre(b, p, stop, out);
  else if (proto === IPPROTO_MPLS) wMpls(b, p, stop, out);
}

function wPpp(b: Uint8Array, p: number, end: number, out: number[]): void {
  if (end - p < 1 || out.length >= 2 * MAX_WALK) return;
  out.push(Hdr.PPP, p);
  if (end - p >= 2 && b[p] === 0xff && b[p + 1] === 0x03) p += 2;
  if (end - p < 1) return;
  let proto: number;
  if (b[p] & 1) {
    proto = b[p];
    p += 1;
  } else {
    if (end - p < 2) return;
    proto = (b[p] << 8) | b[p + 1];
    p += 2;
  }
  if (proto === 0x0021) wIpv4(b, p, end, out);
  else if (proto === 0x0057) wIpv6(b, p, end, out);
  else if (proto === 0x0281) wMpls(b, p, end, out);
}

function wMpls(b: Uint8Array, p: number, end: number, out: number[]): void {
  for (;;) {
    if (end - p < 4 || out.length >= 2 * MAX_WALK) return;
    out.push(Hdr.MPLS, p);
    const bottom = (b[p + 2] & 1) !== 0;
    p += 4;
    if (bottom) break;
  }
  wIpByVersion(b, p, end, out);
}

function wGre(b: Uint8Array, p: number, end: number, out: number[]): void {
  if (end - p < 4 || out.length >= 2 * MAX_WALK) return;
  out.push(Hdr.GRE, p);
  const q = greHeaderEnd(b, p, end);
  if (q < 0 || q >= end) return;
  const flags = (b[p] << 8) | b[p + 1];
  const type = (b[p + 2] << 8) | b[p + 3];
  switch (type) {
    case ETHERTYPE_TEB:
      wEth(b, q, end, out);
      return;
    case ETHERTYPE_PPP:
      wPpp(b, q, end, out);
      return;
    case ETHERTYPE_ERSPAN2:
    case ETHERTYPE_ERSPAN3: {
      const kind = type === ETHERTYPE_ERSPAN2 && !(flags & 0x1000) ? 1 : type === ETHERTYPE_ERSPAN2 ? 2 : 3;
      if (kind === 1) {
        out.push(Hdr.ERSPAN1, q);
        wEth(b, q, end, out);
        return;
      }
      if (end - q < 8) return;
      out.push(Hdr.ERSPAN, q);
      if (kind === 2) wEth(b, q + 8, end, out);
      else if (end - q >= 12) wEth(b, q + 12 + (b[q + 11] & 1 ? 8 : 0), end, out);
      return;
    }
  }
  wEtherPayload(b, q, end, type, out);
}

/** Where a GRE header starting at p ends (its optional fields and source routes skipped), or -1 when cut. */
export function greHeaderEnd(b: Uint8Array, p: number, end: number): number {
  const flags = (b[p] << 8) | b[p + 1];
  let q = p + 4;
  if (flags & 0xc000) q += 4;
  if (flags & 0x2000) q += 4;
  if (flags & 0x1000) q += 4;
  if ((flags & 7) === 1 && flags & 0x0080) q += 4;
  if (q > end) return -1;
  if (flags & 0x4000) {
    for (let guard = 0; guard < 64; guard++) {
      if (end - q < 4) return -1;
      const sreLen = b[q + 3];
      q += 4 + sreLen;
      if (sreLen === 0) break;
    }
  }
  return q > end ? -1 : q;
}

function wGtpu(b: Uint8Array, p: number, end: number, out: number[]): void {
  if (end - p < 8) return;
  out.push(Hdr.GTP, p);
  const flags = b[p];
  if (flags >> 5 !== 1 || b[p + 1] !== 255) return;
  const stop = Math.min(end, p + 8 + ((b[p + 2] << 8) | b[p + 3]));
  let q = p + 8;
  if (flags & 0x07) {
    if (stop - q < 4) return;
    let next = b[q + 3];
    q += 4;
    if (flags & 0x04) {
      for (let guard = 0; next !== 0 && guard < 16; guard++) {
        if (stop - q < 1) return;
        const elen = b[q] * 4;
        if (elen === 0 || stop - q < elen) return;
        next = b[q + elen - 1];
        q += elen;
      }
    }
  }
  wIpByVersion(b, q, stop, out);
}

function wVxlan(b: Uint8Array, p: number, end: number, gpe: boolean, out: number[]): void {
  if (end - p < 8) return;
  out.push(Hdr.VXLAN, p);
  const q = p + 8;
  if (gpe && b[p] & 0x04) {
    const next = b[p + 3];
    if (next === 1) wIpv4(b, q, end, out);
    else if (next === 2) wIpv6(b, q, end, out);
    else if (next === 3) wEth(b, q, end, out);
    return;
  }
  wEth(b, q, end, out);
}

function wGeneve(b: Uint8Array, p: number, end: number, out: number[]): void {
  if (end - p < 8) return;
  out.push(Hdr.GENEVE, p);
  const q = p + 8 + (b[p] & 0x3f) * 4;
  if (q > end) return;
  const type = (b[p + 2] << 8) | b[p + 3];
  if (type === ETHERTYPE_TEB) wEth(b, q, end, out);
  else wEtherPayload(b, q, end, type, out);
}
