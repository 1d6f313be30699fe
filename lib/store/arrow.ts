/**
 * Arrow out: `toArrow(table)` wraps the typed columns without copying (numbers, int64, dictionary codes);
 * strings with a dictionary become Arrow Dictionary<Utf8, Int32>; booleans and null masks are packed
 * into Arrow's bitmaps (the only copies, 1 bit a row), plain strings are encoded to UTF-8.
 */
import type { Data, DataType, Table } from "apache-arrow";

type Arrow = typeof import("apache-arrow");
let arrowApi: Arrow | null = null;
/** apache-arrow, loaded on first use (~190 ms: most programs never convert to Arrow). */
function arrow(): Arrow {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (arrowApi ??= require("apache-arrow") as Arrow);
}
import { asStoreTable, type Storable } from "./adapt";
import { checkTable, type StoreColumn, type StoreTypedValues } from "./column";

/** Arrow validity bitmap (bit set = valid) from a byte-per-row null mask; null when there is no null. */
function validity(nulls: Uint8Array | undefined, n: number): { bitmap: Uint8Array | undefined; nullCount: number } {
  if (!nulls) return { bitmap: undefined, nullCount: 0 };
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if (nulls[i]) nullCount++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  }
  return nullCount ? { bitmap, nullCount } : { bitmap: undefined, nullCount: 0 };
}

function numericType(c: StoreColumn): DataType {
  const A = arrow();
  switch (c.type) {
    case "int8":
      return new A.Int8();
    case "uint8":
      return new A.Uint8();
    case "int16":
      return new A.Int16();
    case "uint16":
      return new A.Uint16();
    case "int32":
      return new A.Int32();
    case "uint32":
      return new A.Uint32();
    case "int64":
      return new A.Int64();
    default:
      return new A.Float64();
  }
}

function columnData(c: StoreColumn, n: number, dictId: number): Data {
  const A = arrow();
  const { bitmap, nullCount } = validity(c.nulls, n);
  if (c.type === "string") {
    if (Array.isArray(c.values)) return utf8Data(c.values, c.nulls, n);
    const dict = A.vectorFromArray(c.dictionary as string[], new A.Utf8());
    const codes = c.values as Uint32Array | Int32Array;
    // codes beyond the dictionary are null (see StoreColumn)
    let nulls = c.nulls;
    for (let i = 0; i < n; i++) {
      if (codes[i] >= dict.length && !(nulls && nulls[i])) {
        if (!nulls || nulls === c.nulls) nulls = c.nulls ? c.nulls.slice() : new Uint8Array(n);
        nulls[i] = 1;
      }
    }
    const v = nulls === c.nulls ? { bitmap, nullCount } : validity(nulls, n);
    const idx = codes instanceof Int32Array ? codes : new Int32Array(codes.buffer, codes.byteOffset, codes.length);
    const type = new A.Dictionary(new A.Utf8(), new A.Int32(), dictId);
    return A.makeData({ type, length: n, nullCount: v.nullCount, nullBitmap: v.bitmap, data: idx, dictionary: dict });
  }
  if (c.type === "bool") {
    const src = c.values as Uint8Array;
    const bits = new Uint8Array((n + 7) >> 3);
    for (let i = 0; i < n; i++) if (src[i]) bits[i >> 3] |= 1 << (i & 7);
    return A.makeData({ type: new A.Bool(), length: n, nullCount, nullBitmap: bitmap, data: bits });
  }
  const type = numericType(c);
  return A.makeData({ type, length: n, nullCount, nullBitmap: bitmap, data: c.values as StoreTypedValues } as never);
}

/** Arrow Utf8 data of plain strings, encoded straight into one buffer (vectorFromArray's builder is ~5× slower). */
function utf8Data(values: readonly (string | null)[], nulls: Uint8Array | undefined, n: number): Data {
  const A = arrow();
  const offsets = new Int32Array(n + 1);
  const mask = new Uint8Array(n);
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined || (nulls && nulls[i])) mask[i] = 1;
    else bytes += Buffer.byteLength(v, "utf8");
    offsets[i + 1] = bytes;
  }
  const data = Buffer.allocUnsafe(bytes);
  for (let i = 0; i < n; i++) if (!mask[i]) data.write(values[i]!, offsets[i], "utf8");
  const { bitmap, nullCount } = validity(mask, n);
  return A.makeData({ type: new A.Utf8(), length: n, nullCount, nullBitmap: bitmap, valueOffsets: offsets, data: new Uint8Array(data.buffer, data.byteOffset, bytes) });
}

/** An Arrow table (one record batch) over a Capture's packet columns, a FlowTable, or store columns. */
export function toArrow(table: Storable): Table {
  const A = arrow();
  const t = asStoreTable(table);
  checkTable(t);
  const fields: InstanceType<Arrow["Field"]>[] = [];
  const children: Data[] = [];
  t.columns.forEach((c, i) => {
    const d = columnData(c, t.length, i);
    fields.push(new A.Field(c.name, d.type, true));
    children.push(d);
  });
  const schema = new A.Schema(fields);
  const struct = A.makeData({ type: new A.Struct(fields), length: t.length, nullCount: 0, children });
  return new A.Table([new A.RecordBatch(schema, struct)]);
}
