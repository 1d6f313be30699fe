// The typed table API compiles as intended with the project's TypeScript and with tslab's 5.0.4 (which
// type-checks notebook cells), against dist/'s declarations as a notebook sees them (needs `npm run build`): inferred schemas, typed records and rows, column-name typos as errors.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
const FILE = path.join(__dirname, "fixtures", "types-check.ts");
const COMPILERS = {
  "project TypeScript": ["node_modules/typescript/bin/tsc", ["--ignoreConfig", "--module", "nodenext", "--moduleResolution", "nodenext"]],
  "tslab's TypeScript 5.0": ["node_modules/@tslab/typescript-for-tslab/bin/tsc", ["--module", "commonjs", "--moduleResolution", "node"]],
} as const;

describe("table types", () => {
  for (const [name, [bin, flags]] of Object.entries(COMPILERS)) {
    it.skipIf(!fs.existsSync(path.join(ROOT, bin)) || !fs.existsSync(path.join(ROOT, "dist", "index.d.ts")))(`compile with ${name}`, () => {
      const r = spawnSync(process.execPath, [bin, "--noEmit", "--strict", "--skipLibCheck", "--target", "es2022", "--types", "node", ...flags, FILE], {
        cwd: ROOT,
        encoding: "utf8",
      });
      expect(r.stdout + r.stderr).toBe("");
      expect(r.status).toBe(0);
    }, 120_000);
  }
});
