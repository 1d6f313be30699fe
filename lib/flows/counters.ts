/**
 * The flow build's per-packet pass: per-flow counters, handshake and teardown facts, Wireshark analysis
 * counts and the Zeek history letters, one packet at a time (the tcptrace engine's pass is separate).
 */
import { type PacketTable } from "../table/packet-table";
import { Layer, TcpFlag, TcpOpt, tcpOptions } from "../table/layers";
import { TA } from "../tcp/flags";
import { HistoryLog, logCount } from "./zeek";

/** Options of the TCP handshake (per side). */
export interface Side {
  mss: number; ws: number; sackPerm: boolean; ts: boolean; seen: boolean;
}

function optsOf(t: PacketTable, r: number, side: Side): void {
  side.seen = true;
  for (const code of tcpOptions(t.tcpOptSeq ? t.tcpOptSeq[r] : 0)) {
    if (code === TcpOpt.MSS && t.tcpMss) side.mss = t.tcpMss[r];
    else if (code === TcpOpt.WS && t.tcpWsShift) side.ws = t.tcpWsShift[r];
    else if (code === TcpOpt.SACK_PERM) side.sackPerm = true;
    else if (code === TcpOpt.TS) side.ts = true;
  }
}

type F64s = Float64Array[];

/** Everything the per-packet pass of analyzeFlows reads and fills (arrays indexed by flow, [d] by direction). */
export interface MainPassState {
  n: number;
  t: PacketTable;
  flowOfRow: Int32Array;
  dirOfRow: Uint8Array;
  rowCount: Int32Array;
  lastRow: Int32Array;
  fProto: Int32Array;
  fA: Float64Array;
  fPA: Int32Array;
  pk0: Float64Array;
  pk1: Float64Array;
  by0: Float64Array;
  by1: Float64Array;
  payload: F64s;
  dataSegs: F64s;
  side: Side[][];
  hsFrame: { syn: Float64Array; synack: Float64Array; ack3: Float64Array };
  irtt: Float64Array;
  /** Row of the flow's last SYN (NaN: none yet). */
  lastSynRow: Float64Array;
  firstFin: Int8Array;
  firstRst: Int8Array;
  finFrame: F64s;
  rstFrame: Float64Array;
  finEnd: F64s;
  finAcked: Uint8Array[];
  synFlags: Uint8Array;
  finFlags: Uint8Array;
  finBeforeRst: Uint8Array;
  hist: HistoryLog;
  histOnce: Uint16Array;
  lastFinSeq: F64s;
  lastRstSeq: F64s;
  lastSynSeq: F64s;
  zwCount: Uint32Array[];
  ws: Record<"all" | "retrans" | "fast" | "spurious" | "ooo" | "dupack" | "zwp" | "lost", F64s>;
}

/**
 * Pass 2 of analyzeFlows: per-flow counters, handshake/teardown facts and Zeek history letters, one
 * packet at a time (the tcptrace engine's pass is separate: see StreamTrace). A function that ends with its
 * loop (docs/performance.md, "OSR").
 */
export function mainPass(P: MainPassState): void {
  const {
    n, t, flowOfRow, dirOfRow, rowCount, lastRow, fProto, fA, fPA, pk0, pk1, by0, by1, payload, dataSegs, side, hsFrame,
    irtt, lastSynRow, firstFin, firstRst, finFrame, rstFrame, finEnd, finAcked, synFlags, finFlags, finBeforeRst, hist,
    histOnce, lastFinSeq, lastRstSeq, lastSynSeq, zwCount, ws,
  } = P;
  const tcpFlags = t.tcpFlags, ipSrc = t.ipSrc, srcPort = t.srcPort, wireLen = t.wireLen, tsSec = t.tsSec, tsNsec = t.tsNsec;
  const tcpLen = t.tcpLen, tcpSeq = t.tcpSeq, tcpAck = t.tcpAck, tcpWin = t.tcpWin, tcpAnalysis = t.tcpAnalysis;
  for (let r = 0; r < n; r++) {
    const f = flowOfRow[r];
    if (f < 0) continue;
    rowCount[f + 1]++;
    lastRow[f] = r;
    const proto = fProto[f];
    let d: number;
    if (proto === 6 || proto === 17) d = ipSrc[r] === fA[f] && srcPort[r] === fPA[f] ? 0 : 1;
    else d = t.src[r] === fA[f] ? 0 : 1;
    dirOfRow[r] = d;
    if (d) { pk1[f]++; by1[f] += wireLen[r]; } else { pk0[f]++; by0[f] += wireLen[r]; }
    if (proto === 17) {
      const ul = t.udpLen ? t.udpLen[r] : 0;
      const pl = ul > 8 ? ul - 8 : 0;
      payload[d][f] += pl;
      if (pl > 0 && !(histOnce[f] & (d ? 8 : 4))) {
        histOnce[f] |= d ? 8 : 4;
        hist.add(f, r, "D", d);
      }
      continue;
    }
    if (proto !== 6) continue;
    const fl = tcpFlags[r];
    const len = tcpLen[r];
    const seq = tcpSeq[r];
    if (len > 0) {
      payload[d][f] += len;
      dataSegs[d][f]++;
    }
    // Wireshark analysis kinds
    const ta = tcpAnalysis[r];
    if (ta & TA.FLAG_MASK) {
      // tcp.analysis.retransmission is set on every kind (Wireshark adds it to fast and spurious ones)
      if (ta & TA.RETRANSMISSION) ws.all[d][f]++;
      if (ta & TA.SPURIOUS_RETRANSMISSION) ws.spurious[d][f]++;
      else if (ta & TA.FAST_RETRANSMISSION) ws.fast[d][f]++;
      else if (ta & TA.RETRANSMISSION) ws.retrans[d][f]++;
      if (ta & TA.OUT_OF_ORDER) ws.ooo[d][f]++;
      if (ta & TA.DUPLICATE_ACK) ws.dupack[d][f]++;
      if (ta & TA.ZERO_WINDOW_PROBE) ws.zwp[d][f]++;
      if (ta & TA.LOST_SEGMENT) ws.lost[d][f]++;
    }
    // handshake
    const SYN = (fl & TcpFlag.SYN) !== 0;
    const ACK = (fl & TcpFlag.ACK) !== 0;
    const FIN = (fl & TcpFlag.FIN) !== 0;
    const RST = (fl & TcpFlag.RST) !== 0;
    if (SYN) {
      if (!side[d][f]) side[d][f] = { mss: NaN, ws: NaN, sackPerm: false, ts: false, seen: false };
      if (!side[d][f].seen) optsOf(t, r, side[d][f]);
      if (!ACK) {
        if (Number.isNaN(hsFrame.syn[f])) hsFrame.syn[f] = r;
        lastSynRow[f] = r;
        synFlags[f] |= d ? 8 : 1;
      } else {
        if (Number.isNaN(hsFrame.synack[f])) hsFrame.synack[f] = r;
        synFlags[f] |= d ? 2 : 4;
      }
      if (lastSynSeq[d][f] !== seq) {
        lastSynSeq[d][f] = seq;
        hist.add(f, r, ACK ? "H" : "S", d);
      }
      if (FIN || RST) hist.add(f, r, "Q", d);
    } else if (ACK && !Number.isNaN(lastSynRow[f]) && Number.isNaN(irtt[f])) {
      // seconds and nanoseconds apart (epoch seconds as one double lose the sub-µs digits), as tshark
      const s = lastSynRow[f];
      irtt[f] = tsSec[r] - tsSec[s] + (tsNsec[r] - tsNsec[s]) / 1e9;
      hsFrame.ack3[f] = r;
    }
    if (!SYN && !FIN && !RST && ACK && len === 0 && !(histOnce[f] & (d ? 2 : 1))) {
      histOnce[f] |= d ? 2 : 1;
      hist.add(f, r, "A", d);
    }
    if (len > 0 && !(histOnce[f] & (d ? 8 : 4))) {
      histOnce[f] |= d ? 8 : 4;
      hist.add(f, r, "D", d);
    }
    if (FIN) {
      if (firstFin[f] < 0) firstFin[f] = d;
      if (Number.isNaN(finFrame[d][f])) finFrame[d][f] = r;
      finEnd[d][f] = (seq + len + (SYN ? 2 : 1)) % 4294967296;
      finFlags[f] |= d ? 2 : 1;
      if (lastFinSeq[d][f] !== seq) {
        lastFinSeq[d][f] = seq;
        hist.add(f, r, "F", d);
      }
    }
    if (RST) {
      if (firstRst[f] < 0) {
        firstRst[f] = d;
        rstFrame[f] = r;
        if ((finFlags[f] & 3) === 3) finBeforeRst[f] = 1;
      }
      finFlags[f] |= d ? 8 : 4;
      if (lastRstSeq[d][f] !== seq) {
        lastRstSeq[d][f] = seq;
        hist.add(f, r, "R", d);
      }
    }
    if (ACK && tcpAck[r] === finEnd[1 - d][f]) finAcked[1 - d][f] = 1;
    if (tcpWin[r] === 0 && !SYN && !FIN && !RST) {
      zwCount[d][f]++;
      if (logCount(zwCount[d][f])) hist.add(f, r, "W", d);
    }
  }
}
