/** HTML helpers. Everything that came from a capture is hostile: escape it before it reaches markup. */

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&#34;",
  "'": "&#39;",
};

/**
 * Escape text for use in HTML element content, in quoted attribute values and in plotly's hover text
 * (whose HTML subset decodes numeric character references but not `&quot;`).
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** HTML that is already safe (built by {@link html}): inserted as is where escaped text would go. */
export class Markup {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

/** One interpolated value as HTML: Markup as is, arrays joined with ", ", null/undefined empty, the rest escaped. */
function markupOf(value: unknown): string {
  if (value instanceof Markup) return value.html;
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(markupOf).join(", ");
  return escapeHtml(value);
}

/**
 * Tagged template for HTML: the literal parts are trusted markup, every `${value}` is escaped (a capture's
 * strings can never inject tags), arrays are joined with ", ", a nested `html` result is kept as markup.
 *
 *   html`Frame <b>${frame}</b> from ${host}`
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Markup {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += markupOf(values[i]) + strings[i + 1];
  return new Markup(out);
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/**
 * The text a reader sees in a piece of ordinary HTML: white-space runs collapsed to one space (as a browser
 * shows them), `<br>` as a line break, tags removed, character references decoded.
 */
export function htmlToText(markup: string): string {
  return markup
    .replace(/\s+/g, " ")
    .replace(/ ?<br\s*\/?> ?/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === "#") {
        const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .trim();
}

/**
 * JSON replacer that makes values JSON-safe: typed arrays become plain arrays (JSON.stringify would
 * turn them into `{"0":…}` objects), bigints become numbers (or strings beyond 2^53), Maps/Sets become
 * objects/arrays.
 */
export function jsonSafeReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<unknown>);
  }
  if (value instanceof Set) return Array.from(value);
  if (value instanceof Map) return Object.fromEntries(value);
  return value;
}

/** Deep copy of `value` as plain JSON data (see {@link jsonSafeReplacer}). */
export function toPlainJson<T>(value: T): T {
  const text = JSON.stringify(value, jsonSafeReplacer);
  return text === undefined ? (undefined as T) : (JSON.parse(text) as T);
}

/**
 * Serialize `value` as JSON that is safe to embed inside an HTML `<script>` element: `<`, `>` and `&`
 * become `\u003c`, `\u003e`, `\u0026`, so neither `</script` nor `<!--` can appear, and the line
 * separators U+2028/U+2029 are escaped too.
 */
export function jsonForScript(value: unknown): string {
  const text = JSON.stringify(value, jsonSafeReplacer) ?? "null";
  return text.replace(/[<>&\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

/**
 * Make arbitrary JavaScript source safe to inline in a `<script>` element. `</script` is written as
 * `<\/script` (the same characters inside JS string, template and regex literals, the only places it
 * can occur in valid code). `<!--` only matters when `<script` also occurs (the HTML parser's
 * "double escaped" state); only then is it written as `<\!--`.
 */
export function scriptSafe(source: string): string {
  let out = source.replace(/<\/(script)/gi, "<\\/$1");
  if (/<script/i.test(out)) out = out.replace(/<!--/g, "<\\!--");
  return out;
}
