/** Figure builders (plain plotly JSON, no DOM), the coloured packet list and plot export. */
export { seqGraph, SEQ_MARKERS, type MarkerKind, type SeqGraphOptions, type TraceMeta } from "./seq-graph";
export { rttPlot, throughputPlot, inflightPlot, movingRate, movingRateSteps, type RttPlotOptions, type ThroughputPlotOptions, type InflightPlotOptions } from "./stream-graphs";
export { ioGraph, IO_MAX_BINS, type IoGraphOptions, type RowPredicate } from "./io-graph";
export { ladderDiagram, type LadderOptions } from "./ladder";
export { packetListHtml, colorRule, WIRESHARK_COLOR_RULES, type ColorRule, type PacketListOptions } from "./packet-list";
export { plotCommand, buildPlot, PLOT_KINDS, type PlotKind, type PlotCommandOptions } from "./command";
export { GL_THRESHOLD } from "./common";
export { savePlot, closeBrowser, figurePageHtml, figureToImage, type SavePlotOptions } from "./export";
export { isFigure, type Figure } from "./figure";
export { figureHtml, figureBundle, figureText, plotlyJs, plotlyJsScriptTag, PLOTLY_MIME, type FigureHtmlOptions, type MimeBundle } from "./html";
