/** The decrypted-record table: one row per TLS record of the streams the decryption stage followed. */
import { RECORD_STATUS_NAMES } from "./crypto";

function grow<T extends Int32Array | Uint8Array | Int8Array>(a: T, n: number): T {
  if (n <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/** Column arrays, filled as records arrive (typed arrays grown by doubling). */
export class RecordColumns {
  length = 0;
  /** 0-based row of the packet where the record completed (frame number = row + 1). */
  row = new Int32Array(256);
  stream = new Int32Array(256);
  /** 0 = client → server, 1 = server → client (-1: client unknown). */
  direction = new Int8Array(256);
  /** Record number within its stream and direction (0-based). */
  recordNumber = new Int32Array(256);
  /** Content type in the record header (23 for every TLS 1.3 protected record). */
  outerType = new Uint8Array(256);
  /** Content type of the plaintext (TLS 1.3 inner type; = outer under TLS ≤ 1.2; 0 when not decrypted). */
  innerType = new Uint8Array(256);
  /** Record fragment length (bytes after the 5-byte header). */
  length_ = new Int32Array(256);
  /** Plaintext length (-1 when not decrypted). */
  plainLength = new Int32Array(256);
  /** RecordStatus code. */
  status = new Uint8Array(256);

  add(row: number, stream: number, dir: number, recNo: number, outer: number, inner: number, len: number, plainLen: number, status: number): void {
    const i = this.length++;
    if (i >= this.row.length) {
      const n = i + 1;
      this.row = grow(this.row, n);
      this.stream = grow(this.stream, n);
      this.direction = grow(this.direction, n);
      this.recordNumber = grow(this.recordNumber, n);
      this.outerType = grow(this.outerType, n);
      this.innerType = grow(this.innerType, n);
      this.length_ = grow(this.length_, n);
      this.plainLength = grow(this.plainLength, n);
      this.status = grow(this.status, n);
    }
    this.row[i] = row;
    this.stream[i] = stream;
    this.direction[i] = dir;
    this.recordNumber[i] = recNo;
    this.outerType[i] = outer;
    this.innerType[i] = inner;
    this.length_[i] = len;
    this.plainLength[i] = plainLen;
    this.status[i] = status;
  }
}

/** The decrypted-record table as plain typed columns (one entry per record, in the order records completed). */
export interface TlsRecordTable {
  names: string[];
  length: number;
  columns: {
    frame: Int32Array;
    stream: Int32Array;
    direction: Int8Array;
    record: Int32Array;
    outer_type: Uint8Array;
    inner_type: Uint8Array;
    length: Int32Array;
    plain_length: Int32Array;
    status: Uint8Array;
  };
  /** Text of a status code. */
  statusNames: readonly string[];
}

export function toRecordTable(c: RecordColumns): TlsRecordTable {
  const n = c.length;
  const frame = new Int32Array(n);
  for (let i = 0; i < n; i++) frame[i] = c.row[i] + 1;
  return {
    names: ["frame", "stream", "direction", "record", "outer_type", "inner_type", "length", "plain_length", "status"],
    length: n,
    columns: {
      frame,
      stream: c.stream.slice(0, n),
      direction: c.direction.slice(0, n),
      record: c.recordNumber.slice(0, n),
      outer_type: c.outerType.slice(0, n),
      inner_type: c.innerType.slice(0, n),
      length: c.length_.slice(0, n),
      plain_length: c.plainLength.slice(0, n),
      status: c.status.slice(0, n),
    },
    statusNames: RECORD_STATUS_NAMES,
  };
}
