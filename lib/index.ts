/**
 * pcapframe — packet captures into typed columnar tables, Wireshark-exact TCP analysis, flows,
 * RTT statistics and plotly figures for notebooks.
 *
 *   import { readCapture } from "pcapframe";
 *   const cap = readCapture("../data/lab-lossy.pcapng");
 *   cap.toDataFrame({ columns: ["no", "time_relative", "src", "dst", "protocol", "length", "info"] });
 */
export { readCapture, Capture, DEFAULT_COLUMNS, DEFAULT_CSV_COLUMNS, type FrameOptions, type PacketSelection, type WhyTableSchema } from "./capture/capture";
export type { WhyItem } from "./tcp/analysis";
export type { CaptureMeta } from "./read/load";
export { CaptureError, Anomaly, ANOMALY_INFO, anomalyCodes, type CaptureErrorCode } from "./base/errors";
export type { CaptureWarning, DecryptionSecrets, InterfaceInfo } from "./file/types";
export { PACKET_COLUMNS, type ColumnDef, type CellValue } from "./capture/columns";
export { PacketTable } from "./table/packet-table";
export { Layer, TcpFlag, TcpOpt } from "./table/layers";
export { TA, TA_NAMES, analysisNames } from "./tcp/flags";
export { TcpAnalysis } from "./tcp/analysis";
export { TcpAnalyzer } from "./tcp/analyzer";
export type { ReadOptions } from "./read/options";
export * from "./notebook/index";
export { savePlot, closeBrowser, figureToImage } from "./plot/export";
export { loadDanfo } from "./frame/danfo";
export * from "./frame/index";
export { packetTable, type PacketTableSchema, type PacketColumn } from "./capture/table";
export { initNotebooks, starterNotebook, type InitNotebooksOptions, type InitNotebooksResult } from "./notebook/init";
export type { Figure } from "./plot/figure";
export * from "./flows/index";
export * from "./plot/index";
export { cipherSuiteName, extensionName } from "./app/tls-names";
export { AppDissector } from "./app/index";
export { compareWithTshark } from "./check/compare";
export { compileFilter, CompiledFilter, FilterError, parseFilter, fieldNames, findField, schemaColumnOf } from "./filter/index";
export type { FilterSource, FilterMeta, FieldDef } from "./filter/index";
export {
  tlsRecords, tlsPlaintext, tlsSessions, tlsKeyLog, httpExchanges, http2Messages, http2Frames, exportObjects, ObjectTable,
  RecordStatus, RECORD_STATUS_NAMES, type TlsRecordTable, type HttpObject, type HttpExchange, type H2Message, type H2Frame, type KeyLogWarning,
} from "./decrypt/index";
export * from "./store/index";
export { formatProgress, terminalProgress, type Progress } from "./base/progress";
export { formatDuration, formatBytes } from "./base/format";
export type { CaptureInput } from "./read/inputs";
