// PLACEHOLDER — to be replaced by the TCP analysis implementation (issue 3).
import type { PacketTable } from "../table/packet-table";

/** TCP analysis flag bits (column tcpAnalysis), mirroring tcp.analysis.* */
export const TcpFlagBit = {} as Record<string, number>;

export class TcpAnalyzer {
  constructor(readonly t: PacketTable) {}
  /** Analyze row `row` (called in file order, right after it was dissected). */
  analyze(row: number): void {
    this.t.tcpStream[row] = -1;
  }
  /** Called once after the last packet. */
  finish(): void {}
  relSeq(row: number): number { return this.t.tcpSeq[row]; }
  relAck(row: number): number { return this.t.tcpAck[row]; }
  nxtSeq(row: number): number { return this.t.tcpSeq[row] + this.t.tcpLen[row]; }
  winCalc(row: number): number { return this.t.tcpWin[row]; }
  info(row: number): string { return `${this.t.srcPort[row]} → ${this.t.dstPort[row]}`; }
}
