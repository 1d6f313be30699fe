/**
 * Table → danfo DataFrame with explicit dtypes, so danfo does not guess from the first values: a
 * string column stays "string" when its first values are null, integers stay "int32", booleans
 * "boolean". danfo has no float64 dtype: floats are labelled "float32", their values stay JS numbers
 * (float64) in the frame; only the operations that build a tfjs tensor round them to float32 (see
 * the README, "DataFrames").
 */
import type { DataFrame } from "danfojs-node";
import { loadDanfo } from "./danfo";
import type { Cell, ColumnType, Vector } from "./vector";

/** danfo's dtype names. */
export type DanfoDtype = "float32" | "int32" | "string" | "boolean";

const INT32_MAX = 2 ** 31 - 1;

/** The danfo dtype a column type maps to (uint32 columns with values ≥ 2^31 become float32). */
export function danfoDtype(v: Vector): DanfoDtype {
  const t: ColumnType = v.type;
  if (t === "string") return "string";
  if (t === "bool") return "boolean";
  if (t === "float64" || t === "float32") return "float32";
  if (t === "uint32") {
    const vals = v.values;
    for (let i = 0; i < vals.length; i++) if (vals[i] > INT32_MAX) return "float32";
  }
  return "int32";
}

/** Build a danfo DataFrame from columns of cells, with the given dtypes. */
export function makeDataFrame(columns: string[], data: Record<string, Cell[]>, dtypes: DanfoDtype[]): DataFrame {
  const dfd = loadDanfo();
  return new dfd.DataFrame(data, { columns, dtypes });
}
