/**
 * Per-stream and per-direction state of the TCP analysis (one object per stream / direction; nothing
 * per packet). Field names follow the concepts of Wireshark 4.0's tcp_analysis / tcp_flow_t, paraphrased.
 */

/** Maximum number of unACKed segments remembered per direction (Wireshark's cap). */
export const MAX_UNACKED = 10000;

/**
 * One direction of a TCP stream. Sequence state is kept as **int32** (the raw 32-bit value `| 0`; docs/
 * performance.md, "Boxed uint32"); comparisons are modular (lib/base/seq.ts), values leave the analyzer as `>>> 0`. The hot per-packet fields come first, so that they share cache lines.
 */
export class Flow {
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
  dupacknum = 0;
  /** 1-based frame where this direction's ack number last changed. */
  lastnondupack = 0;
  /** Analysis flags of the last packet in this direction. */
  lastsegmentflags = 0;
  /** unACKed segments, oldest first: n entries of 3 small integers [seq, nextseq, row] in one array. */
  n = 0;
  readonly u: number[] = [];
  packets = 0;
  bytes = 0;
  pushBytes = 0;
  baseSeq = 0;
  baseSet = false;
  /** No non-SYN ACK sent yet in this direction (window-full uses the raw window then). */
  isFirstAck = true;
  validBif = true;
  pushSetLast = false;
  /** SACK blocks of the last packet in this direction (raw edges), as used for bytes in flight. */
  sackN = 0;
  sackLe0 = 0;
  sackRe0 = 0;
  sackLe1 = 0;
  sackRe1 = 0;
  sackLe2 = 0;
  sackRe2 = 0;
  /** Rows of the dup ACKs since the ack last changed (for why()): the first dupRowsN entries, capped. */
  dupRowsN = 0;
  readonly dupRows: number[] = [];

  // facts for TcpStreamInfo
  mss = 0;
  sackPerm = false;
  ts = false;
  finRow = -1;
  rstRow = -1;

  pushSegment(seq: number, next: number, row: number): void {
    const i = this.n++ * 3;
    const u = this.u;
    u[i] = seq;
    u[i + 1] = next;
    u[i + 2] = row;
  }
}

/** Internal stream state. */
export class StreamState {
  /** The two directions: f0 = the direction of the stream's first packet (A→B), f1 = the reverse. */
  readonly f0 = new Flow();
  readonly f1 = new Flow();
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

  /** Direction 0 or 1. */
  flow(dir: number): Flow {
    return dir === 0 ? this.f0 : this.f1;
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
