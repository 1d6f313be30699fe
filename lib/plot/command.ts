/** The figure builders behind the CLI's `pcapframe plot FILE --stream N --kind … -o out.png|svg|html`. */
import { z } from "zod";
import type { Capture } from "../capture/capture";
import { savePlot } from "./export";
import type { Figure } from "./figure";
import { streamIndex } from "./common";
import { parseOptions } from "../base/options";
import { ladderDiagram } from "./ladder";
import { seqGraph } from "./seq-graph";
import { inflightPlot, rttPlot, throughputPlot } from "./stream-graphs";

export const PLOT_KINDS = ["seq", "tcptrace", "rtt", "throughput", "inflight", "ladder"] as const;
export type PlotKind = (typeof PLOT_KINDS)[number];

export const PlotCommandOptions = z.strictObject({
  stream: streamIndex,
  /** seq: Stevens time/sequence graph; tcptrace: tcptrace-style graph; rtt; throughput; inflight; ladder. */
  kind: z.enum(PLOT_KINDS),
  /** Output file: .png, .svg or .html (standalone, offline). */
  out: z.string().min(1),
  direction: z.enum(["a2b", "b2a", "both"]).optional(),
  /** Ladder only: inclusive frame range; default the stream's first 30 packets. */
  frames: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
  /** seq, tcptrace and ladder: only the stream's packets this display filter selects. */
  filter: z.string().optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  title: z.string().optional(),
});

/** The kinds that draw a selection of the stream's packets (`filter`); the others are computed over the whole stream. */
export const FILTERABLE_PLOT_KINDS: readonly PlotKind[] = ["seq", "tcptrace", "ladder"];
export type PlotCommandOptions = z.input<typeof PlotCommandOptions>;

/** Build the figure of `kind` for one stream (no file written). */
export function buildPlot(cap: Capture, options: Omit<PlotCommandOptions, "out"> & { out?: string }): Figure {
  const o = parseOptions("plot", PlotCommandOptions, { out: "-", ...options });
  const common = { stream: o.stream, ...(o.title ? { title: o.title } : {}) };
  const dir = o.direction ? { direction: o.direction } : {};
  if (o.filter !== undefined && !FILTERABLE_PLOT_KINDS.includes(o.kind)) {
    throw new TypeError(`plot: a filter applies to the ${FILTERABLE_PLOT_KINDS.join(", ")} kinds (${o.kind} is computed over the whole stream)`);
  }
  const sel = o.filter !== undefined ? { filter: o.filter } : {};
  switch (o.kind) {
    case "seq":
      return seqGraph(cap, { ...common, ...dir, ...sel, style: "stevens" });
    case "tcptrace":
      return seqGraph(cap, { ...common, ...dir, ...sel, style: "tcptrace" });
    case "rtt":
      return rttPlot(cap, { ...common, ...dir });
    case "throughput":
      return throughputPlot(cap, { ...common, ...dir });
    case "inflight":
      return inflightPlot(cap, { ...common, ...dir });
    case "ladder":
      return ladderDiagram(cap, { ...common, ...sel, ...(o.frames ? { frames: o.frames } : {}) });
  }
}

/**
 * Build the figure and save it with savePlot (format from the extension of `out`). Resolves to the
 * absolute path written. Errors (bad option, unknown stream) are thrown before anything is written.
 */
export async function plotCommand(cap: Capture, options: PlotCommandOptions): Promise<string> {
  const o = parseOptions("plot", PlotCommandOptions, options);
  const fig = buildPlot(cap, o);
  const size: { width?: number; height?: number } = {};
  if (o.width) size.width = o.width;
  if (o.height) size.height = o.height;
  return savePlot(fig, o.out, size);
}
