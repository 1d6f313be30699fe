/** `pcapframe columns [--flows]`: the packet-table (or flow-table) columns. */
import { Capture } from "../capture/capture";
import { flowColumns } from "../flows/schema";
import type { CommandSpec } from "./args";

export const columns: CommandSpec = {
  name: "columns",
  summary: "the packet-table (or flow-table) columns: name, type, unit, what each mirrors",
  positional: [],
  options: [{ name: "flows", type: "flag", description: "the flow table's columns instead of the packet table's" }],
  run(args, io) {
    if (args.opts.flows) {
      for (const c of flowColumns()) io.out(`${c.name.padEnd(26)} ${c.type.padEnd(8)} ${(c.unit ?? "").padEnd(6)} ${c.mirrors.padEnd(24)} ${c.description}\n`);
    } else {
      for (const c of Capture.describeColumns()) io.out(`${c.name.padEnd(16)} ${c.type.padEnd(8)} ${c.unit.padEnd(6)} ${c.wireshark.padEnd(34)} ${c.description}\n`);
    }
    return 0;
  },
};
