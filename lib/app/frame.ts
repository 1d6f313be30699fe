/** Per-frame accumulator the application parsers write into while one packet is processed. */
export class FrameCtx {
  row = -1;
  /** Info fragments of the PDUs that completed in this frame (joined with `sep`): the first `nInfos`. */
  private readonly infos: string[] = [];
  /** Number of Info fragments in this frame (the array is reused from frame to frame). */
  nInfos = 0;
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
    this.nInfos = 0;
    this.sep = ", ";
    this.proto = null;
    this.layer = 0;
    this.dir = dir;
    this.rejected = false;
  }

  /** Record one dissected PDU. */
  pdu(proto: string, info: string | null, layer: number): void {
    this.proto = proto;
    if (info !== null) this.infos[this.nInfos++] = info;
    this.layer |= layer;
  }

  /** Append text to the last Info fragment without a separator (tshark's col_append_str). */
  appendText(text: string): void {
    if (this.nInfos === 0) this.infos[this.nInfos++] = text;
    else this.infos[this.nInfos - 1] += text;
  }

  /** Where the Info fragments stand (count, last fragment), to drop what a later dissector replaces. */
  snapshot(): [number, string] {
    return [this.nInfos, this.nInfos > 0 ? this.infos[this.nInfos - 1] : ""];
  }

  /** Back to a snapshot (tshark's col_set_str replacing the text written since the last fence). */
  restore(s: [number, string]): void {
    this.nInfos = s[0];
    if (s[0] > 0) this.infos[s[0] - 1] = s[1];
  }

  /** The Info text of the PDUs completed in this frame. */
  infoText(): string {
    const n = this.nInfos;
    if (n === 1) return this.infos[0];
    if (n === 0) return "";
    return this.infos.slice(0, n).join(this.sep);
  }

  get hadPdu(): boolean {
    return this.proto !== null;
  }
}
