/** Zeek's view of a connection: conn_state and the history letters. */
import type { TraceRexmits } from "../tcptrace/stream-trace";

/** Zeek-style logarithmic letter: record on the 1st, 10th, 100th… event. */
export function logCount(n: number): boolean {
  return n === 1 || n === 10 || n === 100 || n === 1000 || n === 10000 || n === 100000;
}

/** Zeek conn_state from the SYN/FIN/RST facts of a flow (see FLOW_SCHEMA "state"). */
export function connState(proto: number, syn: number, fin: number, firstRst: number, finBeforeRst: number, pa: number, pb: number): string | null {
  if (proto !== 6) {
    if (proto === 17 || proto === 1 || proto === 58) return pa > 0 && pb > 0 ? "SF" : "S0";
    return "OTH";
  }
  const origSyn = (syn & 1) !== 0;
  const respSynAck = (syn & 2) !== 0;
  const origFin = (fin & 1) !== 0, respFin = (fin & 2) !== 0;
  const origRst = (fin & 4) !== 0, respRst = (fin & 8) !== 0;
  if (origSyn && !respSynAck) {
    if (respRst) return "REJ";
    if (origRst) return "RSTOS0";
    if (origFin) return "SH";
    return "S0";
  }
  if (!origSyn && respSynAck) {
    if (respRst) return "RSTRH";
    if (respFin) return "SHR";
    return "OTH";
  }
  if (origSyn && respSynAck) {
    if (firstRst >= 0 && !finBeforeRst) return firstRst === 0 ? "RSTO" : "RSTR";
    if (origFin && respFin) return "SF";
    if (origFin) return "S2";
    if (respFin) return "S3";
    return "S1";
  }
  return "OTH";
}

/**
 * Zeek-style history letters, logged in file order by the per-packet pass (flow, row, letter) and
 * spelled out once tcptrace's retransmissions, which add T/t, are known.
 */
export class HistoryLog {
  flow: Int32Array;
  row: Int32Array;
  code: Uint8Array;
  n = 0;

  constructor(capacity: number) {
    // each assigned twice (docs/performance.md, "Fields stored once")
    this.flow = new Int32Array(0);
    this.row = new Int32Array(0);
    this.code = new Uint8Array(0);
    this.flow = new Int32Array(capacity);
    this.row = new Int32Array(capacity);
    this.code = new Uint8Array(capacity);
  }

  /** Letter `upper` for A's packet (d = 0), its lower case for B's. */
  add(f: number, r: number, upper: string, d: number): void {
    if (this.n === this.flow.length) {
      const m = this.n * 2 + 1024;
      const fl = new Int32Array(m), ro = new Int32Array(m), co = new Uint8Array(m);
      fl.set(this.flow);
      ro.set(this.row);
      co.set(this.code);
      this.flow = fl;
      this.row = ro;
      this.code = co;
    }
    this.flow[this.n] = f;
    this.row[this.n] = r;
    this.code[this.n] = upper.charCodeAt(0) + (d ? 32 : 0);
    this.n++;
  }

  /**
   * Each flow's history: the logged letters, with T/t (tcptrace's retransmissions of A's / B's data:
   * the 1st, 10th, 100th, … of the direction) after the other letters of their row.
   */
  spell(nFlows: number, rx: TraceRexmits): string[] {
    const hist: string[] = new Array(nFlows).fill("");
    const count = [new Uint32Array(nFlows), new Uint32Array(nFlows)];
    const rf = rx.flow.a, rd = rx.dir.a, rr = rx.row.a, m = rx.row.n;
    let j = 0;
    for (let i = 0; i <= this.n; i++) {
      const r = i < this.n ? this.row[i] : Infinity;
      // T/t of rows before this letter's row (a row's T/t follows its other letters)
      for (; j < m && rr[j] < r; j++) {
        const f = rf[j], d = rd[j];
        if (f >= 0 && logCount(++count[d][f])) hist[f] += d ? "t" : "T";
      }
      if (i < this.n) hist[this.flow[i]] += String.fromCharCode(this.code[i]);
    }
    return hist;
  }
}
