#!/usr/bin/env node
"use strict";
// Thin launcher: the CLI lives in dist/cli.js (built from lib/cli.ts by `npm run build`).
const path = require("node:path");
const fs = require("node:fs");
const cli = path.join(__dirname, "..", "dist", "cli.js");
if (!fs.existsSync(cli)) {
  console.error("pcapframe: dist/ is missing; run `npm run build` (or `npm test` / `npm start`, which build it) first.");
  process.exit(2);
}
require(cli).main(process.argv.slice(2)).then(
  (code) => process.exit(code ?? 0),
  (err) => {
    console.error(`pcapframe: ${err && err.message ? err.message : err}`);
    process.exit(1);
  },
);
