/** `pcapframe init-notebooks [DIR]`: a notebook folder with tslab, its kernelspec and a starter notebook. */
import * as path from "node:path";
import { initNotebooks } from "../notebook/init";
import type { CommandSpec } from "./args";

export const initNotebooksCommand: CommandSpec = {
  name: "init-notebooks",
  summary: 'set up DIR (default notebooks/) for tslab notebooks: tslab, a kernelspec in DIR/.jupyter, a starter notebook importing "pcapframe"',
  positional: [{ name: "DIR", optional: true }],
  options: [
    { name: "capture", type: "string", value: "FILE", description: "the capture the starter notebook opens" },
    { name: "no-install", type: "flag", description: "do not install tslab with npm when it is missing" },
    { name: "force", type: "flag", description: "overwrite an existing starter notebook" },
  ],
  run(args, io) {
    const dir = args.positional[0] ?? "notebooks";
    const capture = typeof args.opts.capture === "string" ? path.resolve(args.opts.capture) : undefined;
    const r = initNotebooks(dir, { capture, install: args.opts["no-install"] !== true, force: args.opts.force === true, log: (line) => io.out(line + "\n") });
    const rel = path.relative(process.cwd(), r.dir) || ".";
    io.out(`\nready: open ${path.join(rel, "explore.ipynb")} with the "TypeScript (pcapframe)" kernel:\n`);
    io.out(`  JUPYTER_PATH=${r.jupyterPath} jupyter lab ${rel}\n`);
    io.out(`(VS Code: start it with that JUPYTER_PATH, or pick the kernel from ${r.kernelJson})\n`);
    return 0;
  },
};
