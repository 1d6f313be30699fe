/** Export stage: Arrow and Parquet out, captures to a Parquet dataset, SQL over it (DuckDB). */
export { type StoreColumn, type StoreTable, type StoreType, type StoreTypedValues, cellOf, checkTable, sliceTable } from "./column";
export { packetStore, packetStoreColumnNames, packetStoreType, PACKET_EXTRA_COLUMNS, type PacketStoreOptions } from "./packets";
export { flowStore, flowColumnType, type FlowStoreOptions } from "./flows";
export { toArrow } from "./arrow";
export { writeParquet, ParquetFileWriter, parquetSchema, type ParquetOptions } from "./parquet";
export { convert, convertFile, partitionOf, partFileName, type ConvertProgress, type ConvertOptions, type ConvertResult, type ConvertFileResult, type ConvertWarning } from "./convert";
export { parseShard, packetHashes, flowHashes, connectionHash, shardOf, type Shard } from "./shard";
export { sql, datasetView, SqlTable } from "./sql";
export { writeStoreCSV, storeToCSV } from "./csv";
export { asStoreTable, type Storable } from "./adapt";
