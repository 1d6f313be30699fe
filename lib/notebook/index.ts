export * from "./display";
export * from "./frame";
export { escapeHtml, html, htmlToText, Markup, jsonForScript, scriptSafe, toPlainJson, jsonSafeReplacer } from "../base/html";
export type { Figure } from "../plot/figure";
export { figureHtml, figureBundle, figureText, plotlyJs, plotlyJsScriptTag, PLOTLY_MIME, type FigureHtmlOptions, type MimeBundle } from "../plot/html";
export { notebookProgress, type NotebookProgress } from "./progress";
export { scratchDir, removeScratch } from "./scratch";
