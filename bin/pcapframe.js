#!/usr/bin/env node
"use strict";
// Thin launcher: the CLI lives in dist/cli/index.js (built from lib/cli/index.ts by `npm run build`).
const path = require("node:path");
const fs = require("node:fs");
const cli = path.join(__dirname, "..", "dist", "cli", "index.js");
if (!fs.existsSync(cli)) {
  console.error("pcapframe: dist/ is missing; run `npm run build` (or `npm test` / `npm start`, which build it) first.");
  process.exit(2);
}
// A reader that goes away (`pcapframe packets F --csv | head`) is not an error.
process.stdout.on("error", (e) => process.exit(e && e.code === "EPIPE" ? 0 : 1));
// Exit only once stdout has been flushed: on a pipe, process.exit() would drop what is still queued.
const exit = (code) => process.stdout.write("", () => process.exit(code));
require(cli).main(process.argv.slice(2)).then(
  (code) => exit(code ?? 0),
  (err) => {
    console.error(`pcapframe: ${err && err.message ? err.message : err}`);
    exit(1);
  },
);
