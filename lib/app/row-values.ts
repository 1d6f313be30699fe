/**
 * A compact multi-value store of per-row numbers, appended in row order: `rows[i]` holds the row of
 * value `vals[i]`; a row with several values (several TLS records in one frame) has several entries.
 * Two growing typed arrays, no object per value. Read by the display filters (lib/filter/).
 */
export class RowValues {
  rows = new Uint32Array(64);
  vals = new Float64Array(64);
  length = 0;

  add(row: number, v: number): void {
    if (this.length === this.rows.length) {
      const r = new Uint32Array(this.length * 2);
      r.set(this.rows);
      this.rows = r;
      const v2 = new Float64Array(this.length * 2);
      v2.set(this.vals);
      this.vals = v2;
    }
    this.rows[this.length] = row;
    this.vals[this.length++] = v;
  }
}
