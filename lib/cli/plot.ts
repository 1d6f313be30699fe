/** `pcapframe plot FILE --stream N --kind K -o out.png|svg|html`. */
import { FILTERABLE_PLOT_KINDS, PLOT_KINDS, plotCommand } from "../plot/command";
import { closeBrowser } from "../plot/export";
import { type CommandSpec, UsageError } from "./args";
import { FILE_ARG, FILTER_OPTION, READ_OPTIONS, filterRows, loadCapture } from "./common";

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
    { ...FILTER_OPTION, description: `only the stream's packets this display filter selects (kinds ${FILTERABLE_PLOT_KINDS.join(", ")})` },
    ...READ_OPTIONS,
  ],
  async run(args, io) {
    const out = args.opts.out as string;
    if (!/\.(png|svg|html?)$/i.test(out)) throw new UsageError("plot", `--out must end in .png, .svg or .html, got "${out}"`);
    const kind = (args.opts.kind as (typeof PLOT_KINDS)[number] | undefined) ?? "tcptrace";
    const filter = args.opts.filter as string | undefined;
    if (filter !== undefined && !FILTERABLE_PLOT_KINDS.includes(kind)) {
      throw new UsageError("plot", `-Y/--filter applies to --kind ${FILTERABLE_PLOT_KINDS.join(", ")}; ${kind} is computed over the whole stream`);
    }
    const cap = loadCapture("plot", args, io);
    const selected = filterRows("plot", cap, filter); // a bad filter is a usage error
    const stream = args.opts.stream as number;
    if (stream >= cap.tcp.streamCount)
      throw new UsageError("plot", `--stream ${stream}: the capture has ${cap.tcp.streamCount === 0 ? "no TCP streams" : `TCP streams 0–${cap.tcp.streamCount - 1}`}`);
    if (selected && !selected.some((r) => cap.packets.tcpStream[r] === stream)) {
      throw new UsageError("plot", `-Y ${JSON.stringify(filter)} selects no packet of stream ${stream} (${selected.length} packets of the capture)`);
    }
    try {
      const written = await plotCommand(cap, {
        stream,
        kind,
        out,
        ...(filter !== undefined ? { filter } : {}),
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
