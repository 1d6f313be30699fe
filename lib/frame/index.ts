/** The generic typed table (pandas-like verbs on typed arrays) and its DataFrame bridge. */
export { Table, GroupedTable, AGG_OPS, type ColumnName, type AggOp, type AggSpec, type AggColumns, type AggResultType, type FilterCompiler, type RowTest, type TableOptions, type RowsOption, type CsvOptions, type DescribeSchema } from "./table";
export {
  COLUMN_TYPES,
  vectorFromValues,
  type Cell,
  type CellOf,
  type ColumnSource,
  type ColumnType,
  type LazyVector,
  type NumericArray,
  type NumericType,
  type RowOf,
  type Schema,
  type SchemaOf,
  type TypeOfData,
  type Vector,
} from "./vector";
export { cellText, type TableDisplayOptions } from "./render";
export { danfoDtype, type DanfoDtype } from "./dataframe";
/** danfo's DataFrame and Series types, nameable from a user's project: `const df: DataFrame = cap.toDataFrame()`. */
export type { DataFrame, Series } from "danfojs-node";
