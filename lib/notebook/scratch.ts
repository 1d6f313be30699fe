/**
 * Scratch folders for a notebook's own files (a converted dataset, pieces of a capture): made fresh under
 * the system's temporary directory, removed when the kernel process exits (or earlier with removeScratch).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const made = new Set<string>();
let hooked = false;

/** A new empty folder `<tmp>/<name>-XXXXXX`, removed at process exit. */
export function scratchDir(name = "pcapframe"): string {
  if (typeof name !== "string") throw new TypeError("scratchDir: the name must be a string");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name.replace(/[^\w.-]+/g, "_") || "pcapframe"}-`));
  made.add(dir);
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const d of made) fs.rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

/** Remove the scratch folders made so far (all of them, or the one given). */
export function removeScratch(dir?: string): void {
  for (const d of dir === undefined ? [...made] : [dir]) {
    if (!made.has(d)) throw new Error(`removeScratch: ${d} is not a scratch folder of this process`);
    fs.rmSync(d, { recursive: true, force: true });
    made.delete(d);
  }
}
