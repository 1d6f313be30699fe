/** Any table of the library as store columns: a Capture (every packet column), a FlowTable, or store columns as they are. */
import { Capture } from "../capture/capture";
import { FlowTable } from "../flows/table";
import type { StoreTable } from "./column";
import { flowStore } from "./flows";
import { packetStore } from "./packets";

export type Storable = StoreTable | Capture | FlowTable;

export function asStoreTable(t: Storable): StoreTable {
  if (t instanceof Capture) return packetStore(t);
  if (t instanceof FlowTable) return flowStore(t);
  if (t && typeof t === "object" && Array.isArray((t as StoreTable).columns) && typeof (t as StoreTable).length === "number") return t;
  throw new TypeError("expected a Capture, a FlowTable or store columns ({ length, columns })");
}
