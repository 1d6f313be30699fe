/** `pcapframe packets FILE [--csv] [--columns …] [--limit N] [-Y EXPR]`: the packet list. */
import { DEFAULT_CSV_COLUMNS } from "../capture/capture";
import { writePacketCSV, writePacketSummary, writePacketTSV } from "../capture/packet-writer";
import type { CommandSpec } from "./args";
import { FILE_ARG, FILTER_OPTION, READ_OPTIONS, checkPacketColumns, filterRows, loadCapture } from "./common";

export const packets: CommandSpec = {
  name: "packets",
  summary: "the packet list: tshark-style one-line summaries, or any columns as text or CSV",
  positional: [FILE_ARG],
  options: [
    { name: "csv", type: "flag", description: "CSV with a header (default columns: no,time,length,src,dst,protocol,info,srcport,dstport,stream,seq,ack,…)" },
    { name: "columns", short: "c", type: "list", value: "a,b,…", description: "these columns (`pcapframe columns` lists them): CSV, or tab-separated text with a header" },
    { name: "limit", type: "int", min: 0, value: "N", description: "only the first N packets (after the filter)" },
    FILTER_OPTION,
    ...READ_OPTIONS,
  ],
  run(args, io) {
    const cols = args.opts.columns as string[] | undefined;
    if (cols) checkPacketColumns("packets", cols);
    // no flow table here: the analysis worker need not run the tcptrace pass
    const cap = loadCapture("packets", args, io, { tcptrace: false });
    const rows = filterRows("packets", cap, args.opts.filter as string | undefined);
    const limit = args.opts.limit as number | undefined;
    const range = { rows, limit };
    const sink = (b: Uint8Array) => io.write(b);
    if (args.opts.csv) writePacketCSV(cap, cols ?? DEFAULT_CSV_COLUMNS, sink, range);
    else if (cols) writePacketTSV(cap, cols, sink, range);
    else writePacketSummary(cap, sink, range);
    return 0;
  },
};
