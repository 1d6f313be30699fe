/**
 * The seam between tables and the notebook: the notebook layer registers how to send a MIME bundle to
 * the running kernel (lib/notebook/display.ts does at load); without one, tables render as text.
 */
export type RichDisplay = (bundle: Record<string, unknown>) => boolean;

let hook: RichDisplay | undefined;

/** Register the kernel display function (returns true when the bundle was displayed). */
export function setRichDisplay(fn: RichDisplay | undefined): void {
  hook = fn;
}

/** Display a MIME bundle in the running kernel; false when there is none. */
export function richDisplay(bundle: Record<string, unknown>): boolean {
  return hook ? hook(bundle) : false;
}
