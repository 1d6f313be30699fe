import type { CaptureErrorCode } from "../base/errors";

export type CaptureFormat = "pcap" | "pcap-nsec" | "pcapng";

export interface InterfaceInfo {
  /** Index over the whole file (interfaces of later sections follow those of earlier ones). */
  index: number;
  section: number;
  linkType: number;
  linkTypeName: string;
  snapLen: number;
  name?: string;
  description?: string;
  /** Timestamp resolution in seconds per unit (1e-6 by default). */
  tsResolution: number;
  /** if_tsoffset in seconds. */
  tsOffset: number;
  packets: number;
}

export interface DecryptionSecrets {
  /** Secrets type, e.g. 0x544c534b = TLS key log. */
  type: number;
  typeName: string;
  /** The secrets themselves (for TLS: NSS key log text). */
  data: Uint8Array;
  /** Number of packets read before this block. */
  afterPacket: number;
}

export interface CaptureWarning {
  code: CaptureErrorCode;
  byteOffset: number;
  recordIndex: number;
  message: string;
  /** The file, when several files are read as one capture (byteOffset and recordIndex are within it). */
  file?: string;
}

/** What a capture reader feeds: interfaces as they are declared, then packets in file order. */
export interface RecordSink {
  /** An interface was declared (pcap: the file header; pcapng: an IDB). Always before its packets. */
  onInterface(info: InterfaceInfo): void;
  /** A pcapng custom block (0xBAD / 0x40000BAD): Wireshark shows it as a frame of its own. */
  onCustomBlock?(pen: number, copyable: boolean, dataLen: number, fileOffset: number): void;
  /**
   * tsSec is NaN when the record carries no timestamp. `buf` stays valid (the same bytes at the same
   * offsets) until `beforeRefill` is called, so a sink may keep (buf, off) of several packets.
   */
  onPacket(buf: Uint8Array, off: number, capLen: number, wireLen: number, tsSec: number, tsNsec: number, ifIndex: number, fileOffset: number): void;
  /** A pcapng Decryption Secrets Block, as it is read (before the packets that follow it). */
  onSecrets?(secrets: DecryptionSecrets): void;
  /** The reader is about to move or replace the bytes handed out so far (next chunk of the file). */
  beforeRefill?(): void;
}
