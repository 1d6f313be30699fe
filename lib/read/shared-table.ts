/** Seeing one packet table from two threads: its columns as a message, and a table made of them. */
import { STORAGE } from "../table/schema";
import type { PacketTable } from "../table/packet-table";

/** Every allocated column (and the SACK edge store) by name: what the worker needs to see the table. */
export function columnViews(t: PacketTable): Record<string, ArrayLike<number>> {
  const out: Record<string, ArrayLike<number>> = { sackEdges: t.sackEdges };
  for (const spec of STORAGE) {
    const col = t[spec.key as keyof PacketTable] as ArrayLike<number> | null;
    if (col !== null) out[spec.key] = col;
  }
  return out;
}

/** Make `t` use the columns of another thread's shared table (from columnViews). */
export function adoptColumns(t: PacketTable, cols: Record<string, ArrayLike<number>>, length: number, capacity: number): void {
  for (const [name, col] of Object.entries(cols)) (t as unknown as Record<string, unknown>)[name] = col;
  t.length = length;
  t.capacity = capacity;
}
