/** `pcapframe compare FILE [--json]`: per-packet agreement of the TCP analysis with tshark. */
import { compareWithTshark, type CompareResult } from "../check/compare";
import type { CommandSpec } from "./args";
import { FILE_ARG, loadCapture, READ_OPTIONS } from "./common";

function pct(agree: number, compared: number): string {
  if (compared === 0) return "     —  ";
  const p = (100 * agree) / compared;
  // never round a disagreement up to 100%
  const s = agree < compared && p > 99.99 ? "99.99" : p.toFixed(2);
  return `${s.padStart(6)}%`;
}

/** The summary: the first disagreements, then one line per compared field and per analysis flag (last). */
export function formatCompare(res: CompareResult, maxDiffs = 10): string {
  const lines: string[] = [];
  lines.push(`${res.source}: ${res.frames} frames in tshark, ${res.rows} rows here, ${res.tcpRows} TCP rows compared`);
  if (res.diffs.length) {
    lines.push(`first disagreements (${Math.min(maxDiffs, res.diffs.length)} of ${res.diffs.length}; --json for all):`);
    for (const d of res.diffs.slice(0, maxDiffs)) lines.push(`  frame ${d.frame} ${d.field}: here ${JSON.stringify(d.ours)}, tshark ${JSON.stringify(d.tshark)}`);
  }
  const width = Math.max(...Object.keys(res.fields).map((f) => f.length), "tcp.analysis.flags (whole set)".length, ...Object.keys(res.flags).map((f) => f.length + 14));
  for (const [f, st] of Object.entries(res.fields)) lines.push(`${f.padEnd(width)} ${pct(st.agree, st.compared)}  ${st.agree}/${st.compared} agree`);
  lines.push(`${"tcp.analysis.flags (whole set)".padEnd(width)} ${pct(res.flagSet.agree, res.flagSet.compared)}  ${res.flagSet.agree}/${res.flagSet.compared} agree`);
  for (const [name, fl] of Object.entries(res.flags)) {
    const both = fl.tp + fl.fn + fl.fp;
    if (both === 0) continue;
    lines.push(`${`tcp.analysis.${name}`.padEnd(width)} ${pct(fl.tp, both)}  ${fl.tp} both, ${fl.fn} only tshark, ${fl.fp} only here`);
  }
  return lines.join("\n");
}

export const compare: CommandSpec = {
  name: "compare",
  summary: "per-packet agreement of the TCP analysis with tshark -2 (needs tshark): one line per field",
  positional: [FILE_ARG],
  options: [{ name: "json", type: "flag", description: "the full result (every field, flag and disagreement) as JSON" }, ...READ_OPTIONS],
  run(args, io) {
    const res = compareWithTshark(loadCapture("compare", args, io));
    io.out((args.opts.json ? JSON.stringify(res, null, 2) : formatCompare(res)) + "\n");
    return 0;
  },
};
