/**
 * The packet columns' values: a getter per column of the schema (lib/table/schema.ts). Stored columns get
 * a generic getter from their storage and presence; derived ones have their function here, under the
 * column's name (`DERIVED` must have exactly one per `derive: true` entry, or the build fails).
 */
import { anomalyCodes } from "../base/errors";
import { Layer, TcpOpt, tcpFlagNames } from "../table/layers";
import type { PacketTable } from "../table/packet-table";
import { PACKET_SCHEMA, present, type ColumnType, type DerivedColumnName, type PacketColumnDef, type PacketColumnName, type Presence } from "../table/schema";
import type { TcpAnalysis } from "../tcp/analysis";
import { analysisNames, TA } from "../tcp/flags";

export type CellValue = number | string | boolean | null;

/** What a column getter reads: the table, the TCP analysis and the Capture's per-row texts. */
export interface ColumnSource {
  readonly packets: PacketTable;
  readonly tcp: TcpAnalysis;
  hasTime(row: number): boolean;
  relativeTime(row: number): number;
  protocol(row: number): string;
  info(row: number): string;
}

type Getter = (c: ColumnSource, row: number) => CellValue;

/** A column as the table API uses it: its schema entry, its value kind and its getter. */
export interface ColumnDef extends PacketColumnDef {
  readonly kind: "number" | "string" | "boolean";
  get(c: ColumnSource, row: number): CellValue;
}

const nz = (v: number) => (v === 0 ? null : v);
const nanNull = (v: number) => (Number.isNaN(v) ? null : v);

const DERIVED: Record<DerivedColumnName, Getter> = {
  no: (_c, r) => r + 1,
  time: (c, r) => (c.hasTime(r) ? c.packets.time(r) : null),
  time_relative: (c, r) => nanNull(c.relativeTime(r)),
  src: (c, r) => c.packets.strings.get(c.packets.src[r]) || null,
  dst: (c, r) => c.packets.strings.get(c.packets.dst[r]) || null,
  outer_src: (c, r) => stringOrNull(c, c.packets.outerSrc, r),
  outer_dst: (c, r) => stringOrNull(c, c.packets.outerDst, r),
  mpls_labels: (c, r) => stringOrNull(c, c.packets.mplsLabels, r),
  protocol: (c, r) => c.protocol(r),
  info: (c, r) => c.info(r),
  stream: (c, r) => (c.packets.tcpStream[r] >= 0 ? c.packets.tcpStream[r] : null),
  seq: (c, r) => c.tcp.relSeq(r),
  ack: (c, r) => c.tcp.relAck(r),
  nxtseq: (c, r) => c.tcp.nxtSeq(r),
  win: (c, r) => c.tcp.winCalc(r),
  analysis: (c, r) => analysisNames(c.packets.tcpAnalysis[r] & TA.FLAG_MASK) || null,
  dup_ack_num: (c, r) => nz(c.tcp.dupAckNum(r)),
  ack_rtt: (c, r) => nanNull(c.tcp.ackRtt(r)),
  acks_frame: (c, r) => nz(c.tcp.acksFrame(r)),
  bytes_in_flight: (c, r) => nz(c.tcp.bytesInFlight(r)),
  dup_ack_frame: (c, r) => nz(c.tcp.dupAckFrame(r)),
  push_bytes_sent: (c, r) => nz(c.tcp.pushBytes(r)),
  irtt: (c, r) => nanNull(c.tcp.irtt(r)),
  win_scale: (c, r) => nanNull(c.tcp.winScale(r)),
  tcp_flags_str: (c, r) => tcpFlagNames(c.packets.tcpFlags[r]).join(","),
  sack_perm: (c, r) => present({ tcpOption: TcpOpt.SACK_PERM }, c.packets.layers[r], c.packets.tcpOptSeq?.[r] ?? 0),
  sack: sackText,
  ip_version: (c, r) => (c.packets.layers[r] & Layer.IPV4 ? 4 : c.packets.layers[r] & Layer.IPV6 ? 6 : null),
  ip_fragment: (c, r) => (c.packets.layers[r] & Layer.IP_FRAGMENT) !== 0,
  truncated: (c, r) => (c.packets.layers[r] & Layer.TRUNCATED) !== 0,
  anomaly: (c, r) => (c.packets.anomaly && c.packets.anomaly[r] ? anomalyCodes(c.packets.anomaly[r]).join("|") : null),
};

function sackText(c: ColumnSource, r: number): string | null {
  const n = c.packets.tcpSackN?.[r] ?? 0;
  if (!n || (c.packets.layers[r] & (Layer.TCP | Layer.ICMP_QUOTED)) !== Layer.TCP) return null;
  const rel = c.tcp.sackRel(r);
  const parts: string[] = [];
  for (let i = 0; i + 1 < rel.length; i += 2) parts.push(`${rel[i]}-${rel[i + 1]}`);
  return parts.join(";");
}

function kindOf(type: ColumnType): ColumnDef["kind"] {
  return type === "string" ? "string" : type === "boolean" ? "boolean" : "number";
}

/** A lazy string-id column's text, null when absent (column never written, or 0 in this row). */
function stringOrNull(c: ColumnSource, col: Uint32Array | null, r: number): string | null {
  return col !== null && col[r] !== 0 ? c.packets.strings.get(col[r]) : null;
}

/** The getter of a stored column: its array's element, a string id resolved for string columns. */
function storedGetter(key: string, type: ColumnType): Getter {
  const k = key as keyof PacketTable;
  if (type === "string") return (c, r) => c.packets.strings.get((c.packets[k] as Uint32Array)[r]);
  return (c, r) => {
    const col = c.packets[k] as ArrayLike<number> | null;
    return col ? col[r] : 0;
  };
}

function withPresence(get: Getter, when: Presence | undefined): Getter {
  if (when === undefined) return get;
  return (c, r) => (present(when, c.packets.layers[r], c.packets.tcpOptSeq?.[r] ?? 0) ? get(c, r) : null);
}

function define(e: PacketColumnDef): ColumnDef {
  let get: Getter;
  if (e.derive) get = DERIVED[e.name as DerivedColumnName];
  else if (e.store) get = storedGetter(e.store.key, e.type);
  else if (e.from) get = storedGetter(e.from, e.type);
  else throw new Error(`packet column ${e.name}: no store, from or derive in the schema`);
  return { ...e, kind: kindOf(e.type), get: withPresence(get, e.when) };
}

/** The packet table's columns, in display order. */
export const PACKET_COLUMNS: readonly ColumnDef[] = PACKET_SCHEMA.map(define);

const BY_NAME = new Map(PACKET_COLUMNS.map((c) => [c.name, c]));

/** The column of that name, or undefined. */
export function findColumn(name: string): ColumnDef | undefined {
  return BY_NAME.get(name as PacketColumnName);
}
