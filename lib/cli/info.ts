/** `pcapframe info FILE`: capture metadata. */
import { isoTime as iso } from "../base/format";
import type { CommandSpec } from "./args";
import { FILE_ARG, READ_OPTIONS, loadCapture } from "./common";


export const info: CommandSpec = {
  name: "info",
  summary: "capture metadata (format, interfaces, time span, packets)",
  positional: [FILE_ARG],
  options: [...READ_OPTIONS],
  run(args, io) {
    const cap = loadCapture("info", args, io);
    const m = cap.meta;
    const lines: string[] = [];
    lines.push(`File:          ${m.source}`);
    lines.push(`Format:        ${m.format}${m.compressed ? " (gzip-compressed)" : ""}, ${m.byteOrder}-endian, version ${m.version}`);
    lines.push(`File size:     ${m.fileSize} bytes`);
    if (m.format === "pcapng") lines.push(`Sections:      ${m.sections}`);
    lines.push(`Interfaces:    ${m.interfaces.length}`);
    for (const i of m.interfaces) {
      const res = i.tsResolution === 1e-6 ? "µs" : i.tsResolution === 1e-9 ? "ns" : `${i.tsResolution}s`;
      lines.push(`  #${i.index}: ${i.linkTypeName} (link type ${i.linkType}), snaplen ${i.snapLen}, ${res} timestamps${i.tsOffset ? `, offset ${i.tsOffset}s` : ""}${i.name ? `, name ${i.name}` : ""}, ${i.packets} packets`);
    }
    lines.push(`Packets:       ${m.packetCount}`);
    if (m.firstTimedRow !== null && m.lastTimedRow !== null) {
      lines.push(`First packet:  ${cap.epoch(m.firstTimedRow)} (${iso(m.firstTime!)})`);
      lines.push(`Last packet:   ${cap.epoch(m.lastTimedRow)} (${iso(m.lastTime!)})`);
      lines.push(`Duration:      ${m.duration.toFixed(6)} s (latest − earliest timestamp)`);
    } else if (m.packetCount) lines.push("Timestamps:    none (simple packet blocks)");
    let tcp = 0;
    let streams = 0;
    for (let r = 0; r < cap.length; r++)
      if (cap.packets.tcpStream[r] >= 0) {
        tcp++;
        if (cap.packets.tcpStream[r] + 1 > streams) streams = cap.packets.tcpStream[r] + 1;
      }
    lines.push(`TCP packets:   ${tcp} in ${streams} streams`);
    for (const c of m.comments) lines.push(`Comment:       ${c}`);
    for (const s of m.secrets) lines.push(`Secrets:       ${s.typeName}, ${s.data.length} bytes (after packet ${s.afterPacket})`);
    for (const w of m.warnings) lines.push(`Warning:       ${w.message}`);
    io.out(lines.join("\n") + "\n");
    return 0;
  },
};
