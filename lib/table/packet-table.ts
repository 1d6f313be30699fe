import { StringDict } from "./dict";

/** Layer-presence bits (column `layers`): which per-layer columns are valid in a row. */
export const Layer = {
  ETH: 1 << 0,
  VLAN: 1 << 1,
  SLL: 1 << 2,
  NULL: 1 << 3,
  RAW: 1 << 4,
  ARP: 1 << 5,
  IPV4: 1 << 6,
  IPV6: 1 << 7,
  TCP: 1 << 8,
  UDP: 1 << 9,
  ICMP: 1 << 10,
  ICMPV6: 1 << 11,
  IP_FRAGMENT: 1 << 12,
  /** Frame was cut by the snaplen (caplen < len). Not an error. */
  TRUNCATED: 1 << 13,
  DNS: 1 << 14,
  TLS: 1 << 15,
  HTTP: 1 << 16,
  /** The TCP/UDP header sits inside an ICMP error message (quoted packet). */
  ICMP_QUOTED: 1 << 17,
  /** Payload of this TCP segment is cut by the snaplen (tcp.len counts bytes not captured). */
  PAYLOAD_TRUNCATED: 1 << 18,
  SLL2: 1 << 19,
  LLC: 1 << 20,
  /** TCP options were present and parsed (columns tcpOptSeq…). */
  TCP_OPTIONS: 1 << 21,
  /** Not the first fragment of a fragmented IP datagram: no transport header. */
  IP_LATER_FRAGMENT: 1 << 22,
  /** The TCP payload only feeds an application PDU that completes later: Info ends with "[TCP segment of a reassembled PDU]". */
  PDU_SEGMENT: 1 << 23,
  /** The record has no timestamp (pcapng Simple Packet Block, custom block): time columns are null; analysis uses 0 as tshark does. */
  NO_TIMESTAMP: 1 << 24,
} as const;

/** TCP option codes stored (4 bits each, in header order, up to 8) in `tcpOptSeq`. */
export const TcpOpt = { MSS: 1, WS: 2, SACK_PERM: 3, TS: 4, SACK: 5, NOP: 6, EOL: 7, OTHER: 8, TFO: 9, MPTCP: 10, ECHO: 11, ECHO_REPLY: 12, MD5: 13, UTO: 14 } as const;

export const TcpFlag = { FIN: 0x001, SYN: 0x002, RST: 0x004, PSH: 0x008, ACK: 0x010, URG: 0x020, ECE: 0x040, CWR: 0x080, AE: 0x100 } as const;

type ArrayCtor =
  | Float64ArrayConstructor
  | Uint32ArrayConstructor
  | Int32ArrayConstructor
  | Uint16ArrayConstructor
  | Uint8ArrayConstructor
  | Int8ArrayConstructor;

interface ColumnSpec {
  name: ColumnName;
  type: ArrayCtor;
  /** Allocated only when first written (saves memory for columns most captures never use). */
  lazy?: boolean;
}

/** Every stored column. Derived columns (relative seq, calculated window, Info text…) are computed on demand. */
export const COLUMN_SPECS = [
  // frame
  { name: "tsSec", type: Float64Array },
  { name: "tsNsec", type: Uint32Array },
  { name: "capLen", type: Uint32Array },
  { name: "wireLen", type: Uint32Array },
  { name: "fileOffset", type: Float64Array },
  { name: "ifIndex", type: Uint16Array, lazy: true },
  { name: "layers", type: Uint32Array },
  { name: "anomaly", type: Uint32Array, lazy: true },
  { name: "proto", type: Uint32Array },
  { name: "src", type: Uint32Array },
  { name: "dst", type: Uint32Array },
  // link
  { name: "ethSrc", type: Uint32Array },
  { name: "ethDst", type: Uint32Array },
  { name: "ethType", type: Uint16Array },
  { name: "vlanId", type: Uint16Array, lazy: true },
  // ip
  { name: "ipSrc", type: Uint32Array },
  { name: "ipDst", type: Uint32Array },
  { name: "ipTtl", type: Uint8Array },
  { name: "ipProto", type: Uint8Array },
  { name: "ipId", type: Uint16Array },
  { name: "ipLen", type: Uint32Array },
  { name: "ipHdrLen", type: Uint16Array },
  { name: "ipTos", type: Uint8Array },
  { name: "ipFlagsFrag", type: Uint16Array },
  // transport
  { name: "srcPort", type: Uint16Array },
  { name: "dstPort", type: Uint16Array },
  { name: "tcpSeq", type: Uint32Array },
  { name: "tcpAck", type: Uint32Array },
  { name: "tcpFlags", type: Uint16Array },
  { name: "tcpWin", type: Uint16Array },
  { name: "tcpHdrLen", type: Uint8Array },
  { name: "tcpLen", type: Uint32Array },
  { name: "tcpUrg", type: Uint16Array, lazy: true },
  { name: "tcpOptSeq", type: Uint32Array, lazy: true },
  { name: "tcpMss", type: Uint16Array, lazy: true },
  { name: "tcpWsShift", type: Uint8Array, lazy: true },
  { name: "tcpTsVal", type: Uint32Array, lazy: true },
  { name: "tcpTsEcr", type: Uint32Array, lazy: true },
  { name: "tcpSackIdx", type: Uint32Array, lazy: true },
  { name: "tcpSackN", type: Uint8Array, lazy: true },
  { name: "udpLen", type: Uint16Array, lazy: true },
  { name: "icmpType", type: Uint8Array, lazy: true },
  { name: "icmpCode", type: Uint8Array, lazy: true },
  /** String id of the application layer's Info text (DNS, TLS, HTTP, ARP, ICMP…); 0 = use the transport Info. */
  { name: "appInfo", type: Uint32Array, lazy: true },
  // TCP analysis (written by tcp/analysis.ts)
  { name: "tcpStream", type: Int32Array },
  { name: "tcpAnalysis", type: Uint32Array },
  { name: "tcpAcksFrame", type: Uint32Array, lazy: true },
  { name: "tcpBif", type: Uint32Array, lazy: true },
  { name: "tcpPushBytes", type: Uint32Array, lazy: true },
  { name: "tcpDupAckNum", type: Uint32Array, lazy: true },
  { name: "tcpDupAckFrame", type: Uint32Array, lazy: true },
] as const satisfies readonly { name: string; type: ArrayCtor; lazy?: boolean }[];

export type ColumnName = (typeof COLUMN_SPECS)[number]["name"];

/**
 * The packet table: one row per frame, stored as typed-array columns (struct of arrays).
 * Rows are appended by the capture reader + dissector in one pass; nothing is allocated per packet.
 */
export class PacketTable {
  /** Number of rows. */
  length = 0;
  capacity: number;
  readonly strings = new StringDict();
  /** SACK blocks, 2 u32 per block (raw left edge, raw right edge); rows point into it with tcpSackIdx/tcpSackN. */
  sackEdges: Uint32Array = new Uint32Array(64);
  sackLen = 0;

  tsSec!: Float64Array;
  tsNsec!: Uint32Array;
  capLen!: Uint32Array;
  wireLen!: Uint32Array;
  fileOffset!: Float64Array;
  ifIndex: Uint16Array | null = null;
  layers!: Uint32Array;
  anomaly: Uint32Array | null = null;
  proto!: Uint32Array;
  src!: Uint32Array;
  dst!: Uint32Array;
  ethSrc!: Uint32Array;
  ethDst!: Uint32Array;
  ethType!: Uint16Array;
  vlanId: Uint16Array | null = null;
  ipSrc!: Uint32Array;
  ipDst!: Uint32Array;
  ipTtl!: Uint8Array;
  ipProto!: Uint8Array;
  ipId!: Uint16Array;
  ipLen!: Uint32Array;
  ipHdrLen!: Uint16Array;
  ipTos!: Uint8Array;
  ipFlagsFrag!: Uint16Array;
  srcPort!: Uint16Array;
  dstPort!: Uint16Array;
  tcpSeq!: Uint32Array;
  tcpAck!: Uint32Array;
  tcpFlags!: Uint16Array;
  tcpWin!: Uint16Array;
  tcpHdrLen!: Uint8Array;
  tcpLen!: Uint32Array;
  tcpUrg: Uint16Array | null = null;
  tcpOptSeq: Uint32Array | null = null;
  tcpMss: Uint16Array | null = null;
  tcpWsShift: Uint8Array | null = null;
  tcpTsVal: Uint32Array | null = null;
  tcpTsEcr: Uint32Array | null = null;
  tcpSackIdx: Uint32Array | null = null;
  tcpSackN: Uint8Array | null = null;
  udpLen: Uint16Array | null = null;
  icmpType: Uint8Array | null = null;
  icmpCode: Uint8Array | null = null;
  appInfo: Uint32Array | null = null;
  tcpStream!: Int32Array;
  tcpAnalysis!: Uint32Array;
  tcpAcksFrame: Uint32Array | null = null;
  tcpBif: Uint32Array | null = null;
  tcpPushBytes: Uint32Array | null = null;
  tcpDupAckNum: Uint32Array | null = null;
  tcpDupAckFrame: Uint32Array | null = null;

  /**
   * Columns on SharedArrayBuffers, so that the TCP analysis can run in a worker thread over the same
   * memory (see lib/tcp/parallel.ts). `layout` counts column (re)allocations: a worker's view of the
   * table is stale when it differs. `beforeGrow` runs before the columns are reallocated.
   */
  readonly shared: boolean;
  layout = 0;
  beforeGrow: (() => void) | null = null;

  constructor(capacity = 1024, shared = false) {
    this.capacity = Math.max(16, capacity | 0);
    this.shared = shared;
    if (shared) this.sackEdges = this.alloc(Uint32Array, 64);
    for (const spec of COLUMN_SPECS as readonly ColumnSpec[]) {
      if (!spec.lazy) (this as any)[spec.name] = this.alloc(spec.type, this.capacity);
    }
  }

  private alloc<T extends ArrayCtor>(type: T, n: number): InstanceType<T> {
    const C = type as unknown as new (x: number | SharedArrayBuffer) => InstanceType<T>;
    return this.shared ? new C(new SharedArrayBuffer(n * type.BYTES_PER_ELEMENT)) : new C(n);
  }

  /** Every allocated column (and the SACK edge store) by name: what a worker needs to see the table. */
  columnViews(): Record<string, ArrayLike<number>> {
    const out: Record<string, ArrayLike<number>> = { sackEdges: this.sackEdges };
    for (const spec of COLUMN_SPECS as readonly ColumnSpec[]) {
      const col = (this as any)[spec.name];
      if (col !== null) out[spec.name] = col;
    }
    return out;
  }

  /** Use the given columns (from `columnViews()` of a shared table in another thread). */
  adopt(cols: Record<string, ArrayLike<number>>, length: number, capacity: number): void {
    for (const [name, col] of Object.entries(cols)) (this as any)[name] = col;
    this.length = length;
    this.capacity = capacity;
  }

  /** Allocate a lazy column (zero-filled) and return it. */
  touch<K extends ColumnName>(name: K): NonNullable<this[K]> {
    let col = (this as any)[name];
    if (col === null) {
      const spec = (COLUMN_SPECS as readonly ColumnSpec[]).find((s) => s.name === name)!;
      col = this.alloc(spec.type, this.capacity);
      (this as any)[name] = col;
      this.layout++;
    }
    return col;
  }

  /** Make room for one more row; returns its index. Grows every allocated column by doubling. */
  addRow(): number {
    if (this.length === this.capacity) this.grow(this.capacity * 2);
    return this.length++;
  }

  private grow(newCap: number): void {
    if (this.beforeGrow !== null) this.beforeGrow();
    this.layout++;
    for (const spec of COLUMN_SPECS as readonly ColumnSpec[]) {
      const old = (this as any)[spec.name];
      if (old === null) continue;
      const next = this.alloc(spec.type, newCap);
      next.set(old.subarray(0, this.length));
      (this as any)[spec.name] = next;
    }
    this.capacity = newCap;
  }

  /** Append one SACK block (raw edges) and return its index in sackEdges (in blocks). */
  addSack(le: number, re: number): number {
    if (this.sackLen * 2 + 2 > this.sackEdges.length) {
      // no beforeGrow: a worker only reads SACK edges, and the old store keeps every edge it can need
      this.layout++;
      const next = this.alloc(Uint32Array, this.sackEdges.length * 2);
      next.set(this.sackEdges);
      this.sackEdges = next;
    }
    const idx = this.sackLen++;
    this.sackEdges[idx * 2] = le;
    this.sackEdges[idx * 2 + 1] = re;
    return idx;
  }

  /** Set anomaly bits on a row. */
  flag(row: number, bits: number): void {
    this.touch("anomaly")[row] |= bits;
  }

  /** Time of a row as float seconds since the epoch (µs-exact for current dates). */
  time(row: number): number {
    return this.tsSec[row] + this.tsNsec[row] / 1e9;
  }

  has(row: number, layer: number): boolean {
    return (this.layers[row] & layer) !== 0;
  }
}
