/** `pcapframe plot FILE --stream N --kind K -o out.png|svg|html`. */
import { PLOT_KINDS, plotCommand } from "../plot/command";
import { closeBrowser } from "../plot/export";
import { type CommandSpec, UsageError } from "./args";
import { FILE_ARG, READ_OPTIONS, loadCapture } from "./common";

export const plot: CommandSpec = {
  name: "plot",
  summary: "a figure of one TCP stream, exported to PNG, SVG or standalone HTML (headless Chromium)",
  positional: [FILE_ARG],
  options: [
    { name: "stream", type: "int", min: 0, value: "N", required: true, description: "tcp.stream index (`pcapframe flows FILE` lists them)" },
    { name: "kind", type: "string", choices: PLOT_KINDS, description: "figure kind (default tcptrace)" },
    { name: "out", short: "o", type: "string", value: "FILE", required: true, description: "output file: .png, .svg or .html" },
    { name: "direction", type: "string", choices: ["a2b", "b2a", "both"], description: "which direction's data (default: the stream's)" },
    { name: "width", type: "int", min: 1, value: "PX", description: "figure width in pixels" },
    { name: "height", type: "int", min: 1, value: "PX", description: "figure height in pixels" },
    ...READ_OPTIONS,
  ],
  async run(args, io) {
    const out = args.opts.out as string;
    if (!/\.(png|svg|html?)$/i.test(out)) throw new UsageError("plot", `--out must end in .png, .svg or .html, got "${out}"`);
    const cap = loadCapture("plot", args, io);
    const stream = args.opts.stream as number;
    if (stream >= cap.tcp.streamCount)
      throw new UsageError("plot", `--stream ${stream}: the capture has ${cap.tcp.streamCount === 0 ? "no TCP streams" : `TCP streams 0–${cap.tcp.streamCount - 1}`}`);
    try {
      const written = await plotCommand(cap, {
        stream,
        kind: (args.opts.kind as (typeof PLOT_KINDS)[number] | undefined) ?? "tcptrace",
        out,
        ...(args.opts.direction ? { direction: args.opts.direction as "a2b" | "b2a" | "both" } : {}),
        ...(args.opts.width ? { width: args.opts.width as number } : {}),
        ...(args.opts.height ? { height: args.opts.height as number } : {}),
      });
      io.out(`wrote ${written ?? out}\n`);
    } finally {
      await closeBrowser();
    }
    return 0;
  },
};
