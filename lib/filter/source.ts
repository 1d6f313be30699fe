/**
 * What a display filter is evaluated against: the packet table and the stages after it. Today's
 * `Capture` satisfies `FilterSource` structurally. Packet bytes are not kept by the table: filters that
 * need them (`frame contains …`, `tcp.payload`, slices) read them back by the table's `fileOffset` from
 * the capture file (decompressing a gzip file once), or from `packetBytes` when the source provides it
 * (captures read from memory), only for the rows the filter reaches.
 */
import * as fs from "node:fs";
import { gunzipLax } from "../file/reader";
import type { PacketTable } from "../table/packet-table";
import type { TcpAnalysis } from "../tcp/analysis";
import type { AppDissector } from "../app/index";

/** The parts of the capture metadata a filter needs. */
export interface FilterMeta {
  /** Path of the capture file, or "<bytes>". */
  source: string;
  /** "pcap", "pcap-nsec" or "pcapng" (frame.interface_id exists in pcapng only). */
  format?: string;
  compressed: boolean;
  interfaces: { linkType: number; section?: number }[];
  firstTimedRow: number | null;
}

export interface FilterSource {
  readonly packets: PacketTable;
  readonly tcp: TcpAnalysis;
  readonly app: AppDissector;
  readonly meta: FilterMeta;
  /** Seconds since the first packet (NaN: no timestamp). */
  relativeTime(row: number): number;
  /** Wireshark's Protocol column. */
  protocol(row: number): string;
  /** Captured bytes of a row, when the source keeps them (captures read from memory); else they are read from meta.source. */
  packetBytes?(row: number): Uint8Array | null;
  /** The capture's bytes as read (before gzip decompression), when it was read from memory. */
  readonly sourceBytes?: Uint8Array;
}

/** Reads the captured bytes of rows back from the capture. One per evaluation; close() when done. */
export class PacketBytes {
  private fd: number | null = null;
  private whole: Uint8Array | null = null;
  /** Read window (4 MiB: packets of rows near each other come with one read). */
  private buf = new Uint8Array(4 << 20);
  private failed: string | null = null;

  constructor(private readonly src: FilterSource) {}

  /** The row's captured bytes (a view valid until the next call), or null when unavailable. */
  get(row: number): Uint8Array | null {
    const src = this.src;
    if (src.packetBytes) return src.packetBytes(row);
    const t = src.packets;
    const off = t.fileOffset[row];
    const len = t.capLen[row];
    if (this.whole === null && this.fd === null) this.open();
    if (this.whole !== null) {
      if (off + len > this.whole.length) return null;
      return this.whole.subarray(off, off + len);
    }
    if (this.fd === null) return null;
    // rows are asked for in file order: read the file in windows of WINDOW bytes, not one read per row
    if (off < this.winStart || off + len > this.winStart + this.winLen) {
      if (len > this.buf.length) this.buf = new Uint8Array(len);
      this.winStart = off;
      this.winLen = fs.readSync(this.fd, this.buf, 0, this.buf.length, off);
      if (off + len > this.winStart + this.winLen) return null;
    }
    return this.buf.subarray(off - this.winStart, off - this.winStart + len);
  }
  private winStart = 0;
  private winLen = 0;

  /** Why bytes are unavailable (null: they are available). */
  unavailable(): string | null {
    if (this.src.packetBytes) return null;
    if (this.whole === null && this.fd === null) this.open();
    return this.failed;
  }

  private open(): void {
    if (this.failed !== null) return;
    const m = this.src.meta;
    try {
      if (m.source === "<bytes>") {
        const b = this.src.sourceBytes;
        if (!b) {
          this.failed = "the capture was read from memory and its bytes were not kept";
          return;
        }
        this.whole = m.compressed ? gunzipLax(b) : b;
        return;
      }
      if (m.compressed) this.whole = gunzipLax(fs.readFileSync(m.source));
      else this.fd = fs.openSync(m.source, "r");
    } catch (e) {
      this.failed = `cannot read packet bytes from ${m.source}: ${(e as Error).message}`;
    }
  }

  close(): void {
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = null;
    }
    this.whole = null;
  }
}

