/**
 * Per-stream and per-direction state of the TCP analysis (one object per stream / direction; nothing
 * per packet). Field names follow the concepts of Wireshark 4.0's tcp_analysis / tcp_flow_t, paraphrased.
 */

/** Maximum number of unACKed segments remembered per direction (Wireshark's cap). */
export const MAX_UNACKED = 10000;

/** One direction of a TCP stream. All sequence state is absolute (raw) and 32-bit. */
export class Flow {
  baseSeq = 0;
  baseSet = false;
  /** Highest seq + len (+1 SYN/FIN) seen; 0 = unknown (as Wireshark). */
  nextseq = 0;
  nextseqSec = 0;
  nextseqNsec = 0;
  /** 1-based frame that last raised nextseq. */
  nextseqFrame = 0;
  maxseqtobeacked = 0;
  /** Raw ack field of the last packet in this direction (0 = unknown). */
  lastack = 0;
  lastackSec = 0;
  lastackNsec = 0;
  /** Raw 16-bit window of the last packet; -1 = none yet (Wireshark: G_MAXUINT32). */
  window = -1;
  /** Streaming window-scale state: shift, -1 unknown, -2 not used. */
  winScale = -1;
  /** No non-SYN ACK sent yet in this direction (window-full uses the raw window then). */
  isFirstAck = true;
  dupacknum = 0;
  /** 1-based frame where this direction's ack number last changed. */
  lastnondupack = 0;
  /** Analysis flags of the last packet in this direction. */
  lastsegmentflags = 0;
  validBif = true;
  pushBytes = 0;
  pushSetLast = false;
  /** SACK blocks of the last packet in this direction (raw edges), as used for bytes in flight. */
  sackN = 0;
  sackLe0 = 0;
  sackRe0 = 0;
  sackLe1 = 0;
  sackRe1 = 0;
  sackLe2 = 0;
  sackRe2 = 0;
  /** Rows of dup ACKs since the ack last changed (for why()); capped. */
  dupRows: number[] = [];

  // unACKed segments, oldest first (index 0) → newest (n-1): parallel numeric arrays (no object per segment;
  // plain arrays because thousands of flows each need a few slots and typed-array allocation is costly).
  n = 0;
  uSeq: number[] = [];
  uNext: number[] = [];
  uRow: number[] = [];
  uSec: number[] = [];
  uNsec: number[] = [];

  // facts for TcpStreamInfo
  mss = 0;
  sackPerm = false;
  ts = false;
  wsShift = -1;
  finRow = -1;
  rstRow = -1;
  packets = 0;
  bytes = 0;

  pushSegment(seq: number, next: number, row: number, sec: number, nsec: number): void {
    const i = this.n++;
    this.uSeq[i] = seq;
    this.uNext[i] = next;
    this.uRow[i] = row;
    this.uSec[i] = sec;
    this.uNsec[i] = nsec;
  }
}

/** Internal stream state. */
export class StreamState {
  readonly f: [Flow, Flow] = [new Flow(), new Flow()];
  lastRow: number;
  /** Time of the most recent pure SYN (0,0 = unset). */
  mruSynSec = 0;
  mruSynNsec = 0;
  /** iRTT in ns; 0 = not known (Wireshark treats zero as unset). */
  irttNs = 0;
  reused = false;
  synRow = -1;
  synAckRow = -1;
  constructor(
    readonly index: number,
    readonly firstRow: number,
    readonly addrA: number,
    readonly portA: number,
    readonly addrB: number,
    readonly portB: number,
  ) {
    this.lastRow = firstRow;
  }
}

/** Stream-level summary exported for the flows engineer. Index [0] = direction of the stream's first packet (A→B). */
export interface TcpStreamInfo {
  /** tcp.stream */
  index: number;
  /** Row (0-based) of the first / last packet of the stream. */
  firstRow: number;
  lastRow: number;
  /** Interned address ids (table.strings) and ports of the first packet's source (A) and destination (B). */
  addrA: number;
  portA: number;
  addrB: number;
  portB: number;
  /** Packets and TCP payload bytes per direction. */
  packets: [number, number];
  bytes: [number, number];
  /** Raw base sequence numbers (relative 0), or NaN when the direction never got one. */
  baseSeq: [number, number];
  /** Initial RTT in seconds (tcp.analysis.initial_rtt), NaN when unknown. */
  irtt: number;
  /** Window shift per direction as Wireshark ends with: ≥0 shift, -1 unknown, -2 not used. */
  winScale: [number, number];
  /** MSS option value per direction (0 = not seen). */
  mss: [number, number];
  sackPerm: [boolean, boolean];
  timestamps: [boolean, boolean];
  /** Rows (0-based, -1 = none) of the first SYN (A→B), first SYN/ACK, first FIN per direction, first RST. */
  synRow: number;
  synAckRow: number;
  finRow: [number, number];
  rstRow: number;
  /** Stream was opened by a SYN that reused the ports of an earlier stream (tcp.analysis.reused_ports). */
  reusedPorts: boolean;
}
