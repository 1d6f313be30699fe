/** `pcapframe convert FILES… --out DIR`: captures → a Hive-partitioned Parquet dataset (packets, flows). */
import * as fs from "node:fs";
import { terminalProgress } from "../base/progress";
import { resolveInputs } from "../read/inputs";
import { convert as convertFiles, parseShard } from "../store/index";
import { UsageError, type CommandSpec } from "./args";

export const convert: CommandSpec = {
  name: "convert",
  summary: "captures → Hive-partitioned Parquet (DIR/packets, DIR/flows), each file on its own in parallel, or --one-capture",
  positional: [{ name: "FILES", many: true, description: "captures or directories of captures" }],
  options: [
    { name: "out", short: "o", type: "string", value: "DIR", required: true, description: "the dataset's folder" },
    { name: "one-capture", type: "flag", description: "all files as one capture (tcpdump -C/-G rotations)" },
    { name: "shard", type: "string", value: "i/n", description: "keep only the connections of shard i of n (symmetric 5-tuple hash)" },
    { name: "batch-rows", type: "int", min: 1, value: "N", description: "rows per Parquet row group" },
    { name: "workers", type: "int", min: 1, value: "N", description: "worker threads (default: one per core)" },
    { name: "no-flows", type: "flag", description: "packets only" },
  ],
  async run(args, io) {
    const files: string[] = [];
    for (const f of args.positional) {
      if (!fs.existsSync(f)) throw new UsageError("convert", `no such file: ${f}`);
      for (const x of resolveInputs(f)) if (typeof x === "string") files.push(x);
    }
    let shard;
    try {
      shard = typeof args.opts.shard === "string" ? parseShard(args.opts.shard) : undefined;
    } catch (e) {
      throw new UsageError("convert", (e as Error).message);
    }
    const bar = terminalProgress(process.stderr);
    const res = await convertFiles(files, {
      out: args.opts.out as string,
      shard,
      batchRows: args.opts["batch-rows"] as number | undefined,
      workers: args.opts.workers as number | undefined,
      flows: args.opts["no-flows"] !== true,
      oneCapture: args.opts["one-capture"] === true,
      onFile: (r) => {
        bar?.done();
        for (const w of r.warnings) io.err(`pcapframe: warning: ${w.file}: ${w.message}\n`);
        if (bar) io.err(`converted ${r.file}: ${r.packets} packets, ${r.flows} flows (${(r.ms / 1000).toFixed(1)} s)\n`);
      },
      onProgress: bar?.update,
    });
    bar?.done();
    io.out(`${res.files.length} files, ${res.packets} packets, ${res.flows} flows → ${args.opts.out as string}\n`);
    return res.files.some((f) => f.failed) ? 1 : 0;
  },
};
