/** Per-frame accumulator the application parsers write into while one packet is processed. */
export class FrameCtx {
  row = -1;
  /** Info fragments of the PDUs that completed in this frame (joined with `sep`). */
  infos: string[] = [];
  sep = ", ";
  /** Protocol column value of the top PDU (last writer wins), or null. */
  proto: string | null = null;
  /** Layer bits to OR into the row. */
  layer = 0;
  /** Direction of the TCP segment: 0 = first direction of the stream, 1 = reverse. */
  dir = 0;
  /** The protocol parser declined the data (e.g. HTTP dissector on non-HTTP data before any message): plain TCP. */
  rejected = false;

  reset(row: number, dir: number): void {
    this.row = row;
    if (this.infos.length !== 0) this.infos.length = 0;
    this.sep = ", ";
    this.proto = null;
    this.layer = 0;
    this.dir = dir;
    this.rejected = false;
  }

  /** Record one dissected PDU. */
  pdu(proto: string, info: string | null, layer: number): void {
    this.proto = proto;
    if (info !== null) this.infos.push(info);
    this.layer |= layer;
  }

  /** The Info text of the PDUs completed in this frame. */
  infoText(): string {
    return this.infos.length === 1 ? this.infos[0] : this.infos.join(this.sep);
  }

  get hadPdu(): boolean {
    return this.proto !== null;
  }
}
