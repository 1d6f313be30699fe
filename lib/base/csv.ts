/** CSV cells (RFC 4180 quoting), the one formatter of every table's CSV. */

export type CsvValue = number | string | boolean | null | undefined;

/**
 * One CSV cell: empty for null, 1/0 for booleans, strings quoted when they hold a comma, quote or line
 * break. Numbers: with `fixed9` exactly nine decimals (seconds as tshark prints them, e.g. ack_rtt),
 * otherwise integers as they are and other numbers rounded to nine decimals.
 */
export function csvCell(v: CsvValue, fixed9 = false): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (fixed9) return v.toFixed(9);
    return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e9) / 1e9);
  }
  if (typeof v === "boolean") return v ? "1" : "0";
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
