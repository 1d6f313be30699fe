/**
 * TCP stream ids (Wireshark's tcp.stream) for the flow table.
 *
 * When the TCP analysis filled `tcpStream`, that column is used as is. Otherwise (analysis switched
 * off, or an analyzer that does not number streams) the ids are derived here with Wireshark 4.0's
 * rules: a new stream at the first packet of an unordered 4-tuple in file order, and again when a
 * pure SYN (SYN without ACK) carries a sequence number different from the base sequence number
 * already recorded for its sender's direction (port reuse). A direction's base is set by its first
 * packet (SYN: seq, else seq − 1) or, if still unset, by the first ACK of the other direction
 * (ack − 1). An ICMP-quoted TCP header joins the matching stream or, if none matches, consumes a
 * new index (as tshark does).
 */
import { Layer, TcpFlag, type PacketTable } from "../table/packet-table";

interface StreamState {
  id: number;
  /** endpoint key of the "first" endpoint (lower of the two keys) */
  loBase: number;
  hiBase: number;
  loSet: boolean;
  hiSet: boolean;
}

/** True when the analysis numbered the TCP streams (some TCP row has tcpStream ≥ 0). */
export function analyzerHasStreams(t: PacketTable): boolean {
  const n = t.length;
  for (let r = 0; r < n; r++) {
    if ((t.layers[r] & Layer.TCP) !== 0) return t.tcpStream[r] >= 0;
  }
  return false;
}

/** Stream id per row (-1 for non-TCP rows): the analyzer's if present, else computed (see module doc). */
export function tcpStreams(t: PacketTable): { stream: Int32Array; count: number; computed: boolean } {
  const n = t.length;
  if (analyzerHasStreams(t)) {
    let max = -1;
    for (let r = 0; r < n; r++) if (t.tcpStream[r] > max) max = t.tcpStream[r];
    return { stream: t.tcpStream.subarray(0, n), count: max + 1, computed: false };
  }
  const out = new Int32Array(n).fill(-1);
  const map = new Map<number, Map<number, StreamState>>();
  let next = 0;
  const layers = t.layers;
  for (let r = 0; r < n; r++) {
    const ly = layers[r];
    if ((ly & Layer.TCP) === 0) continue;
    const quoted = (ly & Layer.ICMP_QUOTED) !== 0;
    const eS = t.ipSrc[r] * 65536 + t.srcPort[r];
    const eD = t.ipDst[r] * 65536 + t.dstPort[r];
    const srcIsLo = eS <= eD;
    const lo = srcIsLo ? eS : eD;
    const hi = srcIsLo ? eD : eS;
    let inner = map.get(lo);
    if (!inner) map.set(lo, (inner = new Map()));
    let st = inner.get(hi);
    const flags = t.tcpFlags[r];
    const seq = t.tcpSeq[r];
    if (!st) {
      st = { id: next++, loBase: 0, hiBase: 0, loSet: false, hiSet: false };
      inner.set(hi, st);
    } else if (!quoted && (flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN) {
      const set = srcIsLo ? st.loSet : st.hiSet;
      const base = srcIsLo ? st.loBase : st.hiBase;
      if (set && base !== seq) {
        st = { id: next++, loBase: 0, hiBase: 0, loSet: false, hiSet: false };
        inner.set(hi, st);
      }
    }
    out[r] = st.id;
    if (quoted) continue;
    // base sequence numbers
    if (srcIsLo ? !st.loSet : !st.hiSet) {
      const b = flags & TcpFlag.SYN ? seq : (seq - 1) >>> 0;
      if (srcIsLo) { st.loBase = b; st.loSet = true; } else { st.hiBase = b; st.hiSet = true; }
    }
    if (flags & TcpFlag.ACK && (srcIsLo ? !st.hiSet : !st.loSet)) {
      const b = (t.tcpAck[r] - 1) >>> 0;
      if (srcIsLo) { st.hiBase = b; st.hiSet = true; } else { st.loBase = b; st.loSet = true; }
    }
  }
  return { stream: out, count: next, computed: true };
}
