/** scratchDir / removeScratch: fresh folders under the temporary directory, removed on request (and at exit). */
import * as fs from "node:fs";
import * as os from "node:os";
import { describe, expect, it } from "vitest";
import { removeScratch, scratchDir } from "../../lib/notebook/scratch";

describe("scratchDir", () => {
  it("makes a fresh empty folder per call; removeScratch removes one or all, and refuses other paths", () => {
    const a = scratchDir("nb test/../x");
    const b = scratchDir("nb");
    expect(a).not.toBe(b);
    expect(a.startsWith(os.tmpdir())).toBe(true);
    expect(a).not.toContain("/../");
    expect(fs.readdirSync(a)).toEqual([]);
    fs.writeFileSync(`${a}/f`, "x");
    removeScratch(a);
    expect(fs.existsSync(a)).toBe(false);
    expect(fs.existsSync(b)).toBe(true);
    expect(() => removeScratch(os.tmpdir())).toThrow(/not a scratch folder/);
    removeScratch();
    expect(fs.existsSync(b)).toBe(false);
  });
});
