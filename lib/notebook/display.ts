/**
 * Rich display in tslab notebooks: one `display_data` message per figure/table carrying several MIME
 * types. Outside a tslab kernel (plain Node, tests) the show* functions display nothing and return the
 * MIME bundle they would have sent.
 */
import type { Figure } from "../plot/figure";
import { figureBundle, type FigureHtmlOptions, type MimeBundle } from "../plot/html";
import { displayBundle, inKernel } from "../base/tslab";
import { html, htmlToText, Markup } from "../base/html";
import type { Capture } from "../capture/capture";
import { packetListHtml, type PacketListOptions } from "../plot/packet-list";
import { Table } from "../frame/table";
import { frameToHtml, frameToText, type FrameHtmlOptions, type FrameLike } from "./frame";
import type { HttpObject } from "../decrypt/objects";

export { displayBundle, inKernel } from "../base/tslab";

let plotlyShown = false;

/** Reset the "plotly.js already sent in this kernel session" flag (e.g. after clearing outputs). */
export function resetPlotlyInjection(): void {
  plotlyShown = false;
}

/**
 * Display a figure in the notebook. plotly.js is inlined in the first figure's HTML of the kernel
 * session only (pass `includePlotlyJs: true` to force it). Outside a kernel: displays nothing and
 * returns the bundle.
 */
export function showFigure(fig: Figure, options: FigureHtmlOptions = {}): MimeBundle | undefined {
  const inK = inKernel();
  const includePlotlyJs = options.includePlotlyJs ?? (inK ? !plotlyShown : true);
  const bundle = figureBundle(fig, { ...options, includePlotlyJs });
  if (displayBundle(bundle)) {
    if (includePlotlyJs) plotlyShown = true;
    return undefined;
  }
  return bundle;
}

// ---------------------------------------------------------------------------------------------
// Tables, HTML, text

/** Display a table (a pcapframe Table, a danfo DataFrame/Series or `{columns, rows}`) as HTML with a text fallback. */
export function showFrame(table: FrameLike | Table, options: FrameHtmlOptions = {}): MimeBundle | undefined {
  const bundle =
    table instanceof Table
      ? { "text/html": table.toHTML(options), "text/plain": table.toString(options) }
      : { "text/html": frameToHtml(table, options), "text/plain": frameToText(table, options) };
  return displayBundle(bundle) ? undefined : bundle;
}

/** Display trusted HTML as is (escape untrusted parts with `escapeHtml`). */
export function showHtml(html: string, plain = "[HTML]"): MimeBundle | undefined {
  const bundle = { "text/html": html, "text/plain": plain };
  return displayBundle(bundle) ? undefined : bundle;
}

/**
 * A paragraph of prose computed from a capture, for notebooks. As a tagged template the literal parts are
 * trusted HTML and every `${value}` is escaped (see {@link html}); a plain string is shown as text (escaped).
 * The plain-text fallback (CLI, text-only front ends) is the same sentence without tags.
 *
 *   say`Frame <b>${frame}</b> resends ${bytes} bytes, ${ms(dt)} after the hole was seen.`
 */
export function say(text: TemplateStringsArray | string | Markup, ...values: unknown[]): MimeBundle | undefined {
  const markup =
    text instanceof Markup ? text.html : typeof text === "string" ? html`${text}`.html : html(text, ...values).html;
  const bundle = { "text/html": `<p>${markup}</p>`, "text/plain": htmlToText(markup) };
  return displayBundle(bundle) ? undefined : bundle;
}

/** Display plain text as a `display_data` output. */
export function showText(text: string): MimeBundle | undefined {
  const bundle = { "text/plain": text };
  return displayBundle(bundle) ? undefined : bundle;
}

/** Display {@link packetListHtml} in a tslab notebook (returns the MIME bundle outside a kernel). */
export function showPackets(cap: Capture, options: PacketListOptions = {}): MimeBundle | undefined {
  const html = packetListHtml(cap, options);
  return showHtml(html, `[packet list of ${cap.length} packets]`);
}

// ---------------------------------------------------------------------------------------------
// Exported HTTP objects

/** Media types a browser shows inline (anything else is described, not embedded). */
const INLINE = /^(image\/(jpeg|png|gif|webp|bmp|svg\+xml|x-icon|vnd\.microsoft\.icon)|audio\/[\w.+-]+|video\/[\w.+-]+|text\/[\w.+-]+)$/;

/**
 * HTML showing one exported HTTP object the way a browser would: an image inline, audio and video with
 * a player, text (HTML included) as escaped source, anything else as its description. The bytes are
 * embedded as a data: URI (the notebook renders offline); objects above `maxBytes` are only described.
 */
export function objectHtml(o: HttpObject, options: { maxBytes?: number; maxText?: number } = {}): string {
  const maxBytes = options.maxBytes ?? 8 << 20;
  const ct = o.contentType;
  const caption = html`<div style="font-size: 12px; color: #555">frame ${o.frame} · ${o.filename} · ${ct || "no content type"} · ${o.size} bytes${o.status !== null ? html` · status ${o.status}` : ""}</div>`.html;
  if (o.size === 0 || !INLINE.test(ct) || o.size > maxBytes) return `<figure style="margin: 6px 0">${caption}</figure>`;
  if (ct.startsWith("text/")) {
    const max = options.maxText ?? 2000;
    const text = Buffer.from(o.bytes.subarray(0, max)).toString("utf8");
    return `<figure style="margin: 6px 0">${caption}` + html`<pre style="max-height: 16em; overflow: auto; background: #f6f6f6; padding: 6px">${text}${o.size > max ? "\n…" : ""}</pre>`.html + `</figure>`;
  }
  const uri = `data:${ct};base64,${Buffer.from(o.bytes).toString("base64")}`;
  const media = ct.startsWith("image/")
    ? `<img src="${uri}" alt="" style="max-width: 480px; max-height: 320px">`
    : ct.startsWith("audio/")
      ? `<audio controls src="${uri}"></audio>`
      : `<video controls src="${uri}" style="max-width: 480px; max-height: 320px"></video>`;
  return `<figure style="margin: 6px 0">${media}${caption}</figure>`;
}

/** Display exported HTTP objects ({@link objectHtml} each; e.g. `showObjects(exportObjects(cap).rows)`). */
export function showObjects(objects: readonly HttpObject[], options: { maxBytes?: number; maxText?: number } = {}): MimeBundle | undefined {
  const plain = objects.map((o) => `frame ${o.frame}: ${o.filename} (${o.contentType || "no content type"}, ${o.size} bytes)`).join("\n");
  const bundle = { "text/html": `<div>${objects.map((o) => objectHtml(o, options)).join("")}</div>`, "text/plain": plain || "(no objects)" };
  return displayBundle(bundle) ? undefined : bundle;
}
