import { Anomaly } from "../base/errors";
import { ipv4ToString, ipv6ToString, macToString } from "../base/format";
import { AddressInterner, StringDict } from "../table/dict";
import { PacketTable } from "../table/packet-table";
import { Layer, TcpOpt } from "../table/layers";
import {
  DLT_RAW_12,
  DLT_RAW_14,
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
  linkTypeName,
} from "../file/link-type";
import { Tunnels, isTunnelPort } from "./tunnel";

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;
export const ETHERTYPE_QINQ_OLD = 0x9100;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;

/** Where the transport payload of the last dissected packet is (offsets into the buffer given to dissect). */
export interface PayloadRef {
  off: number;
  /** Captured payload bytes (≤ the length the IP header reports). */
  capLen: number;
}

/**
 * Decodes one frame into the row's columns. One instance per table: it keeps the address caches.
 * Never throws on packet contents: problems set anomaly bits and decoding stops at that layer.
 */
export class Dissector {
  readonly payload: PayloadRef = { off: 0, capLen: 0 };
  /** Tunnel and encapsulation decoders (decode/tunnel.ts), reached only from ethertypes/protocols/ports not decoded here. */
  readonly tunnels: Tunnels;
  private readonly mptcpId: number;
  private readonly ip4: AddressInterner;
  private readonly mac: AddressInterner;
  private readonly ip6: AddressInterner;
  private readonly strings: StringDict;
  readonly P: Record<string, number>;
  private view: DataView | null = null;
  private viewOf: Uint8Array | null = null;

  constructor(private readonly t: PacketTable) {
    this.strings = t.strings;
    this.ip4 = new AddressInterner(t.strings, 1, (a) => ipv4ToString(a));
    this.mac = new AddressInterner(t.strings, 2, (a, b) => macToString(a * 4294967296 + b));
    const b16 = new Uint8Array(16);
    this.ip6 = new AddressInterner(t.strings, 4, (a, b, c, d) => {
      const w = [a, b, c, d];
      for (let i = 0; i < 4; i++) {
        b16[4 * i] = w[i] >>> 24;
        b16[4 * i + 1] = (w[i] >>> 16) & 255;
        b16[4 * i + 2] = (w[i] >>> 8) & 255;
        b16[4 * i + 3] = w[i] & 255;
      }
      return ipv6ToString(b16, 0);
    });
    const names = ["Ethernet", "ARP", "IPv4", "IPv6", "TCP", "UDP", "ICMP", "ICMPv6", "LLC", "SLL", "Null/Loopback", "VLAN", "IGMP", "GRE", "ESP", "SCTP"];
    this.P = {};
    for (const n of names) this.P[n] = t.strings.intern(n);
    this.tunnels = new Tunnels(t, this);
    this.mptcpId = t.strings.intern("MPTCP");
  }

  /** After the application layers: the tunnels' last touches to the Protocol column (GTP's "GTP <TCP>"). */
  finish(): void {
    this.tunnels.finish();
  }

  /** A DataView over the whole ArrayBuffer of `buf` (readers pass the same buffer object for many packets). */
  private dv(buf: Uint8Array): DataView {
    if (this.viewOf !== buf || this.view === null) {
      this.view = new DataView(buf.buffer);
      this.viewOf = buf;
    }
    return this.view;
  }

  /** Decode a frame at buf[off, off+capLen) with the given link type into `row`. Returns the top layer bit reached. */
  dissect(row: number, buf: Uint8Array, off: number, capLen: number, linkType: number): void {
    const t = this.t;
    this.payload.off = 0;
    this.payload.capLen = 0;
    const end = off + capLen;
    const base = buf.byteOffset;
    const v = this.dv(buf);
    // DataView offsets are relative to the underlying ArrayBuffer.
    const vo = base;
    switch (linkType) {
      case LINKTYPE_ETHERNET:
        this.ethernet(row, buf, v, vo, off, end);
        return;
      case LINKTYPE_LINUX_SLL:
        this.sll(row, buf, v, vo, off, end);
        return;
      case LINKTYPE_LINUX_SLL2:
        this.sll2(row, buf, v, vo, off, end);
        return;
      case LINKTYPE_NULL:
      case LINKTYPE_LOOP: {
        t.layers[row] |= Layer.NULL;
        if (end - off < 4) {
          this.malformedLink(row, "Null/Loopback");
          return;
        }
        let af: number;
        if (linkType === LINKTYPE_LOOP) af = v.getUint32(vo + off, false);
        else {
          // Host byte order of the capturing machine: small values tell which.
          const le = v.getUint32(vo + off, true);
          af = le < 0x10000 ? le : v.getUint32(vo + off, false);
        }
        t.proto[row] = this.P["Null/Loopback"];
        if (af === 2) this.ipv4(row, buf, v, vo, off + 4, end);
        else if (af === 24 || af === 28 || af === 30 || af === 10 || af === 23) this.ipv6(row, buf, v, vo, off + 4, end);
        return;
      }
      case LINKTYPE_RAW:
      case DLT_RAW_12:
      case DLT_RAW_14:
      case LINKTYPE_IPV4:
      case LINKTYPE_IPV6: {
        t.layers[row] |= Layer.RAW;
        if (end - off < 1) {
          this.malformedLink(row, "Raw");
          return;
        }
        const ver = buf[off] >> 4;
        if (linkType === LINKTYPE_IPV4 || (linkType !== LINKTYPE_IPV6 && ver === 4)) this.ipv4(row, buf, v, vo, off, end);
        else if (linkType === LINKTYPE_IPV6 || ver === 6) this.ipv6(row, buf, v, vo, off, end);
        else {
          t.proto[row] = this.strings.intern("Raw");
          t.flag(row, Anomaly.IPV4_BAD_VERSION);
        }
        return;
      }
      default:
        t.proto[row] = this.strings.intern(unknownLinkProto(linkType));
        t.flag(row, Anomaly.UNKNOWN_LINK_TYPE);
        return;
    }
  }

  private malformedLink(row: number, proto: string): void {
    this.t.proto[row] = this.strings.intern(proto);
    this.t.flag(row, Anomaly.LINK_TRUNCATED);
  }

  /** @internal (also the tunnels' entry point for an inner Ethernet frame) */
  ethernet(row: number, buf: Uint8Array, v: DataView, vo: number, off: number, end: number): void {
    const t = this.t;
    if (end - off < 14) {
      this.malformedLink(row, "Ethernet");
      return;
    }
    t.layers[row] |= Layer.ETH;
    const dstId = this.mac.id2(v.getUint16(vo + off, false), v.getInt32(vo + off + 2, false));
    const srcId = this.mac.id2(v.getUint16(vo + off + 6, false), v.getInt32(vo + off + 8, false));
    t.ethDst[row] = dstId;
    t.ethSrc[row] = srcId;
    t.src[row] = srcId;
    t.dst[row] = dstId;
    t.proto[row] = this.P.Ethernet;
    let type = v.getUint16(vo + off + 12, false);
    let p = off + 14;
    let tagged = false;
    while (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD) {
      if (end - p < 4) {
        t.flag(row, Anomaly.VLAN_TRUNCATED);
        t.proto[row] = this.P.VLAN;
        return;
      }
      if (!tagged) {
        (t.vlanId ?? t.touch("vlanId"))[row] = v.getUint16(vo + p, false) & 0x0fff;
        tagged = true;
      }
      t.layers[row] |= Layer.VLAN;
      type = v.getUint16(vo + p + 2, false);
      p += 4;
    }
    t.ethType[row] = type;
    this.etherPayload(row, buf, v, vo, p, end, type);
  }

  /** @internal */
  ethernetInner(row: number, buf: Uint8Array, v: DataView, vo: number, off: number, end: number): void {
    this.ethernet(row, buf, v, vo, off, end);
  }

  /** @internal */
  etherPayload(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number, type: number): void {
    const t = this.t;
    if (type === ETHERTYPE_IPV4) this.ipv4(row, buf, v, vo, p, end);
    else if (type === ETHERTYPE_IPV6) this.ipv6(row, buf, v, vo, p, end);
    else if (type === ETHERTYPE_ARP) this.arp(row, buf, v, vo, p, end);
    else if (type <= 1500) {
      t.layers[row] |= Layer.LLC;
      t.proto[row] = this.P.LLC;
      // the LLC header and its payload, for the application layer (STP, XID, CDP…)
      this.payload.off = p;
      this.payload.capLen = Math.max(0, Math.min(end, p + type) - p);
    } else if (!this.tunnels.ether(row, buf, v, vo, p, end, type)) {
      t.proto[row] = this.strings.intern(etherTypeProto(type));
      this.payload.off = p;
      this.payload.capLen = end - p;
    }
  }

  private sll(row: number, buf: Uint8Array, v: DataView, vo: number, off: number, end: number): void {
    const t = this.t;
    if (end - off < 16) {
      this.malformedLink(row, "SLL");
      return;
    }
    t.layers[row] |= Layer.SLL;
    const halen = v.getUint16(vo + off + 4, false);
    if (halen === 6) {
      const id = this.mac.id2(v.getUint16(vo + off + 6, false), v.getInt32(vo + off + 8, false));
      t.ethSrc[row] = id;
      t.src[row] = id;
    }
    t.proto[row] = this.P.SLL;
    const type = v.getUint16(vo + off + 14, false);
    t.ethType[row] = type;
    this.etherPayload(row, buf, v, vo, off + 16, end, type);
  }

  private sll2(row: number, buf: Uint8Array, v: DataView, vo: number, off: number, end: number): void {
    const t = this.t;
    if (end - off < 20) {
      this.malformedLink(row, "SLL");
      return;
    }
    t.layers[row] |= Layer.SLL2;
    const halen = buf[off + 11];
    if (halen === 6) {
      const id = this.mac.id2(v.getUint16(vo + off + 12, false), v.getInt32(vo + off + 14, false));
      t.ethSrc[row] = id;
      t.src[row] = id;
    }
    t.proto[row] = this.P.SLL;
    const type = v.getUint16(vo + off, false);
    t.ethType[row] = type;
    this.etherPayload(row, buf, v, vo, off + 20, end, type);
  }

  private arp(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number): void {
    const t = this.t;
    t.proto[row] = this.P.ARP;
    if (end - p < 8) {
      t.flag(row, Anomaly.ARP_TRUNCATED);
      return;
    }
    t.layers[row] |= Layer.ARP;
    const hlen = buf[p + 4];
    const plen = buf[p + 5];
    const op = v.getUint16(vo + p + 6, false);
    if (end - p < 8 + 2 * hlen + 2 * plen) {
      t.flag(row, Anomaly.ARP_TRUNCATED);
      return;
    }
    if (hlen === 6 && plen === 4) {
      const sha = v.getUint16(vo + p + 8, false) * 4294967296 + v.getUint32(vo + p + 10, false);
      const spa = v.getUint32(vo + p + 14, false);
      const tha = v.getUint16(vo + p + 18, false) * 4294967296 + v.getUint32(vo + p + 20, false);
      const tpa = v.getUint32(vo + p + 24, false);
      let info: string;
      if (op === 1) {
        info = spa === tpa ? `Gratuitous ARP for ${ipv4ToString(spa)} (Request)` : `Who has ${ipv4ToString(tpa)}? Tell ${ipv4ToString(spa)}`;
        if (spa === 0) info = `Who has ${ipv4ToString(tpa)}? (ARP Probe)`;
      } else if (op === 2) {
        info = spa === tpa ? `Gratuitous ARP for ${ipv4ToString(spa)} (Reply)` : `${ipv4ToString(spa)} is at ${macToString(sha)}`;
      } else info = `ARP opcode ${op}`;
      void tha;
      (t.appInfo ?? t.touch("appInfo"))[row] = this.strings.intern(info);
    }
  }

  /** @internal */
  ipv4(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number): void {
    const t = this.t;
    t.proto[row] = this.P.IPv4;
    if (end - p < 20) {
      t.flag(row, Anomaly.IPV4_TRUNCATED);
      return;
    }
    const vihl = buf[p];
    if (vihl >> 4 !== 4) {
      t.flag(row, Anomaly.IPV4_BAD_VERSION);
      return;
    }
    const ihl = (vihl & 15) * 4;
    if (ihl < 20 || end - p < ihl) {
      t.flag(row, Anomaly.IPV4_BAD_IHL);
      return;
    }
    t.layers[row] |= Layer.IPV4;
    let totalLen = v.getUint16(vo + p + 2, false);
    if (totalLen === 0) totalLen = end - p; // TSO/offloaded capture: length left at 0
    if (totalLen < ihl) {
      t.flag(row, Anomaly.IPV4_BAD_TOTAL_LEN);
      return;
    }
    // keys as int32 (docs/performance.md, "Boxed uint32")
    const srcId = this.ip4.id1(v.getInt32(vo + p + 12, false));
    const dstId = this.ip4.id1(v.getInt32(vo + p + 16, false));
    t.ipSrc[row] = srcId;
    t.ipDst[row] = dstId;
    t.src[row] = srcId;
    t.dst[row] = dstId;
    t.ipTos[row] = buf[p + 1];
    t.ipLen[row] = totalLen;
    t.ipHdrLen[row] = ihl;
    t.ipId[row] = v.getUint16(vo + p + 4, false);
    const ff = v.getUint16(vo + p + 6, false);
    t.ipFlagsFrag[row] = ff;
    t.ipTtl[row] = buf[p + 8];
    const proto = buf[p + 9];
    t.ipProto[row] = proto;
    const fragOff = ff & 0x1fff;
    if (fragOff !== 0 || ff & 0x2000) t.layers[row] |= Layer.IP_FRAGMENT;
    if (fragOff !== 0) {
      t.layers[row] |= Layer.IP_LATER_FRAGMENT;
      return;
    }
    const l4 = p + ihl;
    const l4Len = totalLen - ihl; // length the IP header reports (may exceed what was captured)
    this.transport(row, buf, v, vo, l4, end, l4Len, proto, false);
  }

  /** @internal */
  ipv6(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number): void {
    const t = this.t;
    t.proto[row] = this.P.IPv6;
    if (end - p < 40) {
      t.flag(row, Anomaly.IPV6_TRUNCATED);
      return;
    }
    if (buf[p] >> 4 !== 6) {
      t.flag(row, Anomaly.IPV4_BAD_VERSION);
      return;
    }
    t.layers[row] |= Layer.IPV6;
    const payloadLen = v.getUint16(vo + p + 4, false);
    const srcId = this.ip6Id(buf, p + 8);
    const dstId = this.ip6Id(buf, p + 24);
    t.ipSrc[row] = srcId;
    t.ipDst[row] = dstId;
    t.src[row] = srcId;
    t.dst[row] = dstId;
    t.ipTos[row] = ((v.getUint16(vo + p, false) >> 4) & 0xff);
    t.ipTtl[row] = buf[p + 7];
    t.ipLen[row] = payloadLen + 40;
    let next = buf[p + 6];
    let q = p + 40;
    let remaining = payloadLen === 0 ? end - q : payloadLen; // jumbogram/TSO: use what we have
    // Extension headers
    for (let guard = 0; guard < 16; guard++) {
      if (next === 0 || next === 43 || next === 60 || next === 135 || next === 139 || next === 140) {
        if (end - q < 8) {
          t.flag(row, Anomaly.IPV6_BAD_EXT_HEADER);
          t.ipProto[row] = next;
          return;
        }
        const hl = (buf[q + 1] + 1) * 8;
        if (end - q < hl) {
          t.flag(row, Anomaly.IPV6_BAD_EXT_HEADER);
          t.ipProto[row] = next;
          return;
        }
        next = buf[q];
        q += hl;
        remaining -= hl;
      } else if (next === 44) {
        if (end - q < 8) {
          t.flag(row, Anomaly.IPV6_BAD_EXT_HEADER);
          t.ipProto[row] = next;
          return;
        }
        const fo = v.getUint16(vo + q + 2, false);
        t.layers[row] |= Layer.IP_FRAGMENT;
        t.ipId[row] = v.getUint32(vo + q + 4, false) & 0xffff;
        next = buf[q];
        q += 8;
        remaining -= 8;
        if (fo >> 3 !== 0) {
          t.layers[row] |= Layer.IP_LATER_FRAGMENT;
          t.ipProto[row] = next;
          return;
        }
      } else if (next === 51) {
        if (end - q < 8) {
          t.flag(row, Anomaly.IPV6_BAD_EXT_HEADER);
          t.ipProto[row] = next;
          return;
        }
        const hl = (buf[q + 1] + 2) * 4;
        next = buf[q];
        q += hl;
        remaining -= hl;
      } else break;
    }
    t.ipHdrLen[row] = q - p;
    t.ipProto[row] = next;
    this.transport(row, buf, v, vo, q, end, remaining, next, false);
  }

  private ip6Id(buf: Uint8Array, off: number): number {
    return this.ip6.id4(be32(buf, off), be32(buf, off + 4), be32(buf, off + 8), be32(buf, off + 12));
  }

  /**
   * Transport layer. `l4Len` is the length the IP header reports for the transport segment (Wireshark's
   * reported length), `end` the end of the captured bytes.
   */
  private transport(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number, l4Len: number, proto: number, quoted: boolean): void {
    const t = this.t;
    if (proto === IPPROTO_TCP) {
      if (!quoted) t.proto[row] = this.P.TCP;
      const avail = end - p;
      if (avail < 20 && !(quoted && avail >= 8)) {
        t.flag(row, Anomaly.TCP_TRUNCATED);
        return;
      }
      t.layers[row] |= Layer.TCP;
      t.srcPort[row] = v.getUint16(vo + p, false);
      t.dstPort[row] = v.getUint16(vo + p + 2, false);
      t.tcpSeq[row] = v.getUint32(vo + p + 4, false);
      if (avail < 20) {
        // ICMP-quoted header cut after 8 bytes: ports and seq only.
        t.tcpAnalysis[row] = 0;
        return;
      }
      t.tcpAck[row] = v.getUint32(vo + p + 8, false);
      const hl = (buf[p + 12] >> 4) * 4;
      t.tcpFlags[row] = ((buf[p + 12] & 0x0f) << 8) | buf[p + 13];
      t.tcpWin[row] = v.getUint16(vo + p + 14, false);
      const urg = v.getUint16(vo + p + 18, false);
      if (urg !== 0) (t.tcpUrg ?? t.touch("tcpUrg"))[row] = urg;
      t.tcpHdrLen[row] = hl;
      if (hl < 20 || (hl > l4Len && !quoted)) {
        t.flag(row, Anomaly.TCP_BAD_DATA_OFFSET);
        return;
      }
      if (hl > 20) {
        if (avail < hl) {
          t.flag(row, Anomaly.TCP_TRUNCATED);
        } else this.tcpOptions(row, buf, v, vo, p + 20, p + hl);
      }
      const segLen = l4Len - hl;
      t.tcpLen[row] = segLen > 0 ? segLen : 0;
      const payOff = p + hl;
      const payCap = Math.max(0, Math.min(end, p + l4Len) - payOff);
      if (payCap < segLen) t.layers[row] |= Layer.PAYLOAD_TRUNCATED;
      this.payload.off = payOff;
      this.payload.capLen = payCap;
      return;
    }
    if (proto === IPPROTO_UDP) {
      if (!quoted) t.proto[row] = this.P.UDP;
      if (end - p < 8) {
        t.flag(row, Anomaly.UDP_TRUNCATED);
        return;
      }
      t.layers[row] |= Layer.UDP;
      t.srcPort[row] = v.getUint16(vo + p, false);
      t.dstPort[row] = v.getUint16(vo + p + 2, false);
      const ulen = v.getUint16(vo + p + 4, false);
      (t.udpLen ?? t.touch("udpLen"))[row] = ulen;
      if (!quoted && (ulen < 8 || ulen > l4Len)) t.flag(row, Anomaly.UDP_BAD_LEN);
      const payLen = Math.max(0, Math.min(ulen, l4Len) - 8);
      this.payload.off = p + 8;
      this.payload.capLen = Math.max(0, Math.min(end - (p + 8), payLen));
      if (!quoted && isTunnelPort(t.srcPort[row], t.dstPort[row])) this.tunnels.udp(row, buf, v, vo, p + 8, p + 8 + this.payload.capLen, t.srcPort[row], t.dstPort[row]);
      return;
    }
    if (proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6) {
      const v6 = proto === IPPROTO_ICMPV6;
      t.proto[row] = v6 ? this.P.ICMPv6 : this.P.ICMP;
      if (end - p < 4) {
        t.flag(row, Anomaly.ICMP_TRUNCATED);
        return;
      }
      t.layers[row] |= v6 ? Layer.ICMPV6 : Layer.ICMP;
      const type = buf[p];
      (t.icmpType ?? t.touch("icmpType"))[row] = type;
      (t.icmpCode ?? t.touch("icmpCode"))[row] = buf[p + 1];
      this.payload.off = p;
      this.payload.capLen = Math.max(0, Math.min(end, p + l4Len) - p);
      // ICMP errors quote the offending IP header + 8 bytes: decode the quoted TCP/UDP ports.
      const isError = v6 ? type >= 1 && type <= 4 : type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
      if (isError && end - p >= 8 + 20) {
        const q = p + 8;
        if (!v6 && buf[q] >> 4 === 4) {
          const ihl = (buf[q] & 15) * 4;
          const qproto = buf[q + 9];
          const qff = v.getUint16(vo + q + 6, false);
          if (ihl >= 20 && (qff & 0x1fff) === 0 && end - q >= ihl + 8 && (qproto === IPPROTO_TCP || qproto === IPPROTO_UDP)) {
            const qtotal = v.getUint16(vo + q + 2, false);
            t.layers[row] |= Layer.ICMP_QUOTED;
            // Quoted addresses are needed to key the quoted flow.
            t.ipSrc[row] = this.ip4.id1(v.getInt32(vo + q + 12, false));
            t.ipDst[row] = this.ip4.id1(v.getInt32(vo + q + 16, false));
            const saveOff = this.payload.off;
            const saveCap = this.payload.capLen;
            this.transport(row, buf, v, vo, q + ihl, end, Math.max(0, qtotal - ihl), qproto, true);
            this.payload.off = saveOff;
            this.payload.capLen = saveCap;
          }
        } else if (v6 && buf[q] >> 4 === 6 && end - q >= 48) {
          const qnext = buf[q + 6];
          if (qnext === IPPROTO_TCP || qnext === IPPROTO_UDP) {
            t.layers[row] |= Layer.ICMP_QUOTED;
            t.ipSrc[row] = this.ip6Id(buf, q + 8);
            t.ipDst[row] = this.ip6Id(buf, q + 24);
            const qlen = v.getUint16(vo + q + 4, false);
            const saveOff = this.payload.off;
            const saveCap = this.payload.capLen;
            this.transport(row, buf, v, vo, q + 40, end, qlen, qnext, true);
            this.payload.off = saveOff;
            this.payload.capLen = saveCap;
          }
        }
      }
      return;
    }
    if (!quoted && this.tunnels.ipProto(row, buf, v, vo, p, end, l4Len, proto)) return;
    const name = IP_PROTO_NAMES[proto];
    if (name) t.proto[row] = this.strings.intern(name);
    // the IP payload, for the application layer (IGMP, EIGRP, OSPF…)
    this.payload.off = p;
    this.payload.capLen = Math.max(0, Math.min(end, p + l4Len) - p);
  }

  private tcpOptions(row: number, buf: Uint8Array, v: DataView, vo: number, p: number, end: number): void {
    const t = this.t;
    t.layers[row] |= Layer.TCP_OPTIONS;
    let seq = 0;
    let n = 0;
    // Info-column texts of the rarer options (TFO, MD5, TCP-AO, User Timeout, ExID, Quick-Start), in order
    let texts = "";
    while (p < end) {
      const kind = buf[p];
      if (kind === 0) {
        if (n < 8) seq |= TcpOpt.EOL << (4 * n++);
        break;
      }
      if (kind === 1) {
        if (n < 8) seq |= TcpOpt.NOP << (4 * n++);
        p++;
        continue;
      }
      if (p + 1 >= end) {
        t.flag(row, Anomaly.TCP_OPTION_OVERRUN);
        break;
      }
      const len = buf[p + 1];
      if (len < 2 || p + len > end) {
        t.flag(row, Anomaly.TCP_OPTION_OVERRUN);
        break;
      }
      switch (kind) {
        case 2:
          if (len === 4) {
            (t.tcpMss ?? t.touch("tcpMss"))[row] = v.getUint16(vo + p + 2, false);
            if (n < 8) seq |= TcpOpt.MSS << (4 * n++);
          } else if (n < 8) seq |= TcpOpt.OTHER << (4 * n++);
          break;
        case 3:
          if (len === 3) {
            (t.tcpWsShift ?? t.touch("tcpWsShift"))[row] = buf[p + 2];
            if (n < 8) seq |= TcpOpt.WS << (4 * n++);
          } else if (n < 8) seq |= TcpOpt.OTHER << (4 * n++);
          break;
        case 4:
          if (n < 8) seq |= TcpOpt.SACK_PERM << (4 * n++);
          break;
        case 5: {
          const nb = Math.floor((len - 2) / 8);
          if (nb > 0) {
            const first = t.addSack(v.getUint32(vo + p + 2, false), v.getUint32(vo + p + 6, false));
            for (let i = 1; i < nb; i++) t.addSack(v.getUint32(vo + p + 2 + 8 * i, false), v.getUint32(vo + p + 6 + 8 * i, false));
            (t.tcpSackIdx ?? t.touch("tcpSackIdx"))[row] = first;
            (t.tcpSackN ?? t.touch("tcpSackN"))[row] = nb;
          }
          if (n < 8) seq |= TcpOpt.SACK << (4 * n++);
          break;
        }
        case 8:
          if (len === 10) {
            (t.tcpTsVal ?? t.touch("tcpTsVal"))[row] = v.getUint32(vo + p + 2, false);
            (t.tcpTsEcr ?? t.touch("tcpTsEcr"))[row] = v.getUint32(vo + p + 6, false);
            if (n < 8) seq |= TcpOpt.TS << (4 * n++);
          } else if (n < 8) seq |= TcpOpt.OTHER << (4 * n++);
          break;
        case 6:
          if (n < 8) seq |= TcpOpt.ECHO << (4 * n++);
          break;
        case 7:
          if (n < 8) seq |= TcpOpt.ECHO_REPLY << (4 * n++);
          break;
        case 19:
          if (n < 8) {
            seq |= TcpOpt.MD5 << (4 * n++);
            texts += "\u0001 MD5";
          }
          break;
        case 28:
          if (n < 8 && len === 4) {
            seq |= TcpOpt.UTO << (4 * n++);
            texts += `\u0001 USER_TO=${v.getUint16(vo + p + 2, false) & 0x7fff}`;
          } else if (n < 8) seq |= TcpOpt.OTHER << (4 * n++);
          break;
        case 30:
          if (n < 8) seq |= TcpOpt.MPTCP << (4 * n++);
          t.proto[row] = this.mptcpId; // Wireshark's MPTCP option dissector names the row
          break;
        case 34:
          if (n < 8) {
            seq |= TcpOpt.TFO << (4 * n++);
            texts += len === 2 ? "\u0001 TFO=R" : "\u0001 TFO=C";
          }
          break;
        default:
          if (n < 8) {
            const text = rareOptionText(kind, len, buf, v, vo, p);
            if (text !== null) {
              seq |= (text.charCodeAt(1) === 84 /* " TFO=" */ ? TcpOpt.TFO : TcpOpt.TEXT) << (4 * n++);
              texts += "\u0001" + text;
            } else seq |= TcpOpt.OTHER << (4 * n++);
          }
      }
      p += len;
    }
    (t.tcpOptSeq ?? t.touch("tcpOptSeq"))[row] = seq;
    if (texts !== "") t.touch("tcpOptText")[row] = this.strings.intern(texts.slice(1));
  }
}

/** Quick-Start rates (RFC 4782) as Wireshark prints them. */
const QS_RATES = ["0 bit/s", "80 Kbit/s", "160 Kbit/s", "320 Kbit/s", "640 Kbit/s", "1.28 Mbit/s", "2.56 Mbit/s", "5.12 Mbit/s", "10.24 Mbit/s", "20.48 Mbit/s", "40.96 Mbit/s", "81.92 Mbit/s", "163.84 Mbit/s", "327.68 Mbit/s", "655.36 Mbit/s", "1.31072 Gbit/s"];

/**
 * Info text of a TCP option tshark names in the Info column (besides MSS/WS/SACK_PERM/TS/SACK and the kinds
 * handled inline): TCP-AO (appended without a space, as tshark 4.0 does), experimental options 253/254
 * (TFO when the ExID is 0xF989, else "ExID=<hex>"), Quick-Start. null: the option adds nothing.
 */
function rareOptionText(kind: number, len: number, buf: Uint8Array, v: DataView, vo: number, p: number): string | null {
  if (kind === 29) return "TCP AO";
  if ((kind === 253 || kind === 254) && len >= 4) {
    const exid = v.getUint16(vo + p + 2, false);
    if (exid === 0xf989) return len === 4 ? " TFO=R" : " TFO=C";
    return ` ExID=${exid.toString(16).toUpperCase()}`;
  }
  if (kind === 27 && len === 8) return ` QSresp=${QS_RATES[buf[p + 2] & 15]}`;
  return null;
}

/** Big-endian 32-bit word as an int32 (interner keys stay small integers, never boxed). */
function be32(b: Uint8Array, i: number): number {
  return (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
}

const IP_PROTO_NAMES: Record<number, string> = { 2: "IGMP", 46: "RSVP", 47: "GRE", 50: "ESP", 51: "AH", 88: "EIGRP", 89: "OSPF", 103: "PIMv2", 112: "VRRP", 132: "SCTP" };

function etherTypeProto(type: number): string {
  switch (type) {
    case 0x88cc:
      return "LLDP";
    case 0x8035:
      return "RARP";
    case 0x888e:
      return "EAPOL";
    case 0x8863:
    case 0x8864:
      return "PPPoE";
    case 0x8847:
    case 0x8848:
      return "MPLS";
    case 0x88f7:
      return "PTPv2";
    case 0x9000:
      return "LOOP";
    case 0x893a:
      return "IEEE1905.1a";
    default:
      return `0x${type.toString(16).padStart(4, "0")}`;
  }
}

function unknownLinkProto(lt: number): string {
  if (lt >= 147 && lt <= 162) return ""; // tshark: user DLTs without a dissector show an empty Protocol
  return linkTypeName(lt);
}
