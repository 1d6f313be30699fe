/**
 * pcapframe — packet captures into typed columnar tables, Wireshark-exact TCP analysis, flows,
 * RTT statistics and plotly figures for notebooks.
 *
 *   import { readCapture } from "pcapframe";
 *   const cap = readCapture("../data/lab-lossy.pcapng");
 *   cap.toDataFrame({ columns: ["no", "time_relative", "src", "dst", "protocol", "length", "info"] });
 */
export { readCapture, Capture, DEFAULT_COLUMNS, DEFAULT_CSV_COLUMNS, type FrameOptions } from "./capture-class";
export type { CaptureMeta } from "./capture";
export { CaptureError, Anomaly, ANOMALY_INFO, anomalyCodes, type CaptureErrorCode } from "./errors";
export type { CaptureWarning, DecryptionSecrets, InterfaceInfo } from "./capture/types";
export { PACKET_COLUMNS, type ColumnDef, type CellValue } from "./columns";
export { PacketTable, Layer, TcpFlag, TcpOpt } from "./table/packet-table";
export { TA, TA_NAMES, analysisNames } from "./tcp/flags";
export { TcpAnalyzer } from "./tcp/analysis";
export type { ReadOptions } from "./options";
export * from "./notebook/index";
export { savePlot, closeBrowser, figureToImage } from "./plot/export";
export { loadDanfo } from "./table/danfo";
export type { Figure } from "./plot/figure";
export * from "./flows/index";
export * from "./plot/index";
export { cipherSuiteName, extensionName } from "./app/tls-names";
export { AppDissector } from "./app/index";
export { compareWithTshark } from "./tcp/compare";
