/**
 * Flow identity: which flow each packet belongs to (TCP by tcp.stream, UDP by 5-tuple, other IP by address
 * pair and protocol), which side is A, each flow's rows and times, and its tcptrace connection.
 * Each per-row pass is a function of its own that ends with its loop (docs/performance.md, "OSR").
 */
import { type PacketTable } from "../table/packet-table";
import { Layer, TcpFlag } from "../table/layers";
import { TA } from "../tcp/flags";
import { orient, type TraceResult } from "../tcptrace/stream-trace";

/** Identity of each flow, in order of first appearance. */
export interface FlowIds {
  stream: number[];
  /** 6 tcp, 17 udp, else the IP protocol */
  proto: number[];
  a: number[];
  b: number[];
  pa: number[];
  pb: number[];
  first: number[];
}

/** Pass 1: the flow of every row (TCP by stream, UDP by 5-tuple, other IP by address pair). Returns whether any Wireshark flag is set. */
export function identityPass(t: PacketTable, n: number, stream: Int32Array, flowOfRow: Int32Array, flowOfStream: Int32Array, ids: FlowIds): boolean {
  const udpMap = new Map<number, Map<number, number>>();
  const otherMap = new Map<string, number>();
  const layers = t.layers, tcpAnalysis = t.tcpAnalysis, ipSrc = t.ipSrc, ipDst = t.ipDst, srcPort = t.srcPort, dstPort = t.dstPort;
  let anyAnalysis = false;
  const newFlow = (proto: number, s: number, a: number, pa: number, b: number, pb: number, r: number): number => {
    const f = ids.stream.length;
    ids.stream.push(s);
    ids.proto.push(proto);
    ids.a.push(a);
    ids.pa.push(pa);
    ids.b.push(b);
    ids.pb.push(pb);
    ids.first.push(r);
    return f;
  };
  for (let r = 0; r < n; r++) {
    const ly = layers[r];
    if ((ly & (Layer.IPV4 | Layer.IPV6)) === 0) continue;
    if ((ly & Layer.TCP) !== 0 && (ly & Layer.ICMP_QUOTED) === 0) {
      const s = stream[r];
      if (s < 0) continue;
      if (tcpAnalysis[r] & TA.FLAG_MASK) anyAnalysis = true;
      let f = flowOfStream[s];
      if (f < 0) f = flowOfStream[s] = newFlow(6, s, ipSrc[r], srcPort[r], ipDst[r], dstPort[r], r);
      flowOfRow[r] = f;
      continue;
    }
    if ((ly & Layer.UDP) !== 0 && (ly & Layer.ICMP_QUOTED) === 0) {
      const eS = ipSrc[r] * 65536 + srcPort[r];
      const eD = ipDst[r] * 65536 + dstPort[r];
      const lo = eS <= eD ? eS : eD;
      const hi = eS <= eD ? eD : eS;
      let inner = udpMap.get(lo);
      if (!inner) udpMap.set(lo, (inner = new Map()));
      let f = inner.get(hi);
      if (f === undefined) {
        f = newFlow(17, -1, ipSrc[r], srcPort[r], ipDst[r], dstPort[r], r);
        inner.set(hi, f);
      }
      flowOfRow[r] = f;
      continue;
    }
    // other IP protocols (ICMP incl. errors quoting TCP/UDP): outer addresses
    const sa = t.src[r];
    const da = t.dst[r];
    const p = t.ipProto[r];
    const key = sa < da ? `${p}:${sa}:${da}` : `${p}:${da}:${sa}`;
    let f = otherMap.get(key);
    if (f === undefined) {
      f = newFlow(p, -1, sa, -1, da, -1, r);
      otherMap.set(key, f);
    }
    flowOfRow[r] = f;
  }
  return anyAnalysis;
}

/** TCP: A = sender of the first pure SYN, else of the first packet (swaps A and B where needed). */
export function orientTcp(t: PacketTable, n: number, flowOfRow: Int32Array, ids: FlowIds): void {
  const { proto, a: flowA, b: flowB, pa: flowPA, pb: flowPB } = ids;
  const synSeen = new Uint8Array(proto.length);
  const tcpFlags = t.tcpFlags, ipSrc = t.ipSrc, srcPort = t.srcPort;
  for (let r = 0; r < n; r++) {
    const f = flowOfRow[r];
    if (f < 0 || proto[f] !== 6 || synSeen[f]) continue;
    if ((tcpFlags[r] & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN) {
      synSeen[f] = 1;
      if (!(ipSrc[r] === flowA[f] && srcPort[r] === flowPA[f])) {
        const a = flowA[f], pa = flowPA[f];
        flowA[f] = flowB[f];
        flowPA[f] = flowPB[f];
        flowB[f] = a;
        flowPB[f] = pa;
      }
    }
  }
}

/** Epoch seconds of each flow's first and last packet. */
export function flowTimes(t: PacketTable, flowFirst: number[], lastRow: Int32Array, startT: Float64Array, endT: Float64Array): void {
  const tsSec = t.tsSec, tsNsec = t.tsNsec;
  for (let f = 0; f < flowFirst.length; f++) {
    const a = flowFirst[f], b = lastRow[f];
    startT[f] = tsSec[a] + tsNsec[a] / 1e9;
    endT[f] = tsSec[b] + tsNsec[b] / 1e9;
  }
}

/** Rows of each flow in file order (CSR): `start` holds per-flow counts at [f + 1] on entry, offsets on return. */
export function rowsByFlow(flowOfRow: Int32Array, n: number, start: Int32Array, nFlows: number): Int32Array {
  for (let f = 0; f < nFlows; f++) start[f + 1] += start[f];
  const list = new Int32Array(start[nFlows]);
  const fill = start.slice(0, nFlows);
  for (let r = 0; r < n; r++) {
    const f = flowOfRow[r];
    if (f >= 0) list[fill[f]++] = r;
  }
  return list;
}

/**
 * The engine's connection of each flow (-1: none), with the trace relabelled to flow rows and A→B
 * directions (the trace's direction 0 is a connection's first sender, A may be the other side).
 */
export function tcptraceConnections(tr: TraceResult, ids: FlowIds): Int32Array {
  const nFlows = ids.proto.length;
  const connOf = new Int32Array(nFlows).fill(-1);
  const flowOfConn = new Int32Array(tr.n).fill(-1);
  const swap = new Uint8Array(tr.n);
  for (let f = 0; f < nFlows; f++) {
    const s = ids.stream[f];
    if (ids.proto[f] !== 6 || s < 0 || s >= tr.connOfStream.length) continue;
    const c = tr.connOfStream[s];
    if (c < 0) continue;
    connOf[f] = c;
    flowOfConn[c] = f;
    swap[c] = tr.firstSrc[c] === ids.a[f] && tr.firstPort[c] === ids.pa[f] ? 0 : 1;
  }
  orient(tr, flowOfConn, swap);
  return connOf;
}
