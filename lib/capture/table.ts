/**
 * The packet table as a frame Table: one column per packet-schema entry (lib/table/schema.ts), each built
 * on first use. Stored columns are views of the PacketTable's typed arrays (no copy) with a null mask from
 * the column's presence rule; string columns keep the table's string dictionary (id 0 = absent); derived
 * columns (Info, relative sequence numbers…) are computed through their getter once, when first read.
 */
import { Table, type FilterCompiler } from "../frame/table";
import { vectorFromValues, type ColumnType as FrameType, type LazyVector, type NumericArray, type Vector } from "../frame/vector";
import { present, type ColumnType as PacketType, type PACKET_SCHEMA } from "../table/schema";
import { PACKET_COLUMNS, findColumn, type ColumnDef, type ColumnSource } from "./columns";

/** The frame column type of a packet column type (as a type). */
export type FrameTypeOf<T extends PacketType> = T extends "time" ? "float64" : T extends "boolean" ? "bool" : T;

/** The packet table's schema as a type: column name → frame column type, from the declared packet schema. */
export type PacketTableSchema = { [E in (typeof PACKET_SCHEMA)[number] as E["name"]]: FrameTypeOf<E["type"]> };

/** A packet column name. */
export type PacketColumn = keyof PacketTableSchema & string;

/** The frame column type of a packet column type. */
export function frameType(t: PacketType): FrameType {
  return t === "time" ? "float64" : t === "boolean" ? "bool" : t;
}

const ARRAY_TYPE: Record<string, FrameType> = {
  Float64Array: "float64",
  Float32Array: "float32",
  Int8Array: "int8",
  Int16Array: "int16",
  Int32Array: "int32",
  Uint8Array: "uint8",
  Uint16Array: "uint16",
  Uint32Array: "uint32",
};

function nullMask(def: ColumnDef, src: ColumnSource, n: number): Uint8Array | undefined {
  if (def.when === undefined) return undefined;
  const layers = src.packets.layers;
  const opt = src.packets.tcpOptSeq;
  const nulls = new Uint8Array(n);
  let any = 0;
  for (let r = 0; r < n; r++) any |= nulls[r] = present(def.when, layers[r], opt ? opt[r] : 0) ? 0 : 1;
  return any ? nulls : undefined;
}

/** The storage array of a stored column, when it can be used as it is. */
function storedArray(def: ColumnDef, src: ColumnSource): NumericArray | undefined {
  const key = def.store?.key ?? def.from;
  if (def.derive || key === undefined) return undefined;
  const arr = (src.packets as unknown as Record<string, unknown>)[key];
  if (!ArrayBuffer.isView(arr)) return undefined;
  return arr as unknown as NumericArray;
}

function buildVector(def: ColumnDef, src: ColumnSource): Vector {
  const n = src.packets.length;
  const type = frameType(def.type);
  const arr = storedArray(def, src);
  if (arr) {
    const values = arr.subarray(0, n) as NumericArray;
    if (type === "string" && values instanceof Uint32Array) {
      return { type, values, dict: src.packets.strings.values, nullId: 0, nulls: nullMask(def, src, n) };
    }
    if (ARRAY_TYPE[values.constructor.name] === type) return { type, values, nulls: nullMask(def, src, n) };
  }
  const cells = new Array<unknown>(n);
  for (let r = 0; r < n; r++) cells[r] = def.get(src, r);
  return vectorFromValues(type, cells, def.name);
}

/** A Table over the packets of `src`: every packet column (or the ones named), each built on first use. */
export function packetTable(src: ColumnSource, options?: { filterCompiler?: FilterCompiler }): Table<PacketTableSchema>;
export function packetTable<K extends PacketColumn>(
  src: ColumnSource,
  options: { columns: readonly K[]; filterCompiler?: FilterCompiler },
): Table<Pick<PacketTableSchema, K>>;
export function packetTable(src: ColumnSource, options: { columns?: readonly string[]; filterCompiler?: FilterCompiler } = {}): Table {
  const defs = options.columns
    ? options.columns.map((name) => {
        const d = findColumn(name);
        if (!d) throw new TypeError(`unknown packet column ${JSON.stringify(name)}; available: ${PACKET_COLUMNS.map((c) => c.name).join(", ")}`);
        return d;
      })
    : PACKET_COLUMNS;
  const cols: [string, LazyVector][] = defs.map((def) => [def.name, { type: frameType(def.type), make: () => buildVector(def, src) }]);
  return new Table(cols, { length: src.packets.length, filterCompiler: options.filterCompiler });
}
