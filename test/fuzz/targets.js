"use strict";
// What the fuzz harness drives on every mutated capture: one line per target. A target gets the library
// (dist/) and the bytes; it may throw only a CaptureError, or one of the documented refusals listed in
// `refuses` (a message pattern): an option the data makes impossible, reported as an error by design.
// Adding a target (display filters, decryption…) is one line here.

/** Figure builders that refuse a capture whose time span is too large for their bins (documented). */
const BIN_REFUSAL = /intervals|too large|span/i;

const firstStream = (cap) => (cap.tcp.streamCount > 0 ? 0 : -1);

module.exports = [
  { name: "readCapture lax", run: (lib, b) => lib.readCapture(b, { threads: false }) },
  { name: "readCapture strict", run: (lib, b) => lib.readCapture(b, { strict: true, threads: false }) },
  { name: "readCapture no tcp/app", run: (lib, b) => lib.readCapture(b, { threads: false, tcpAnalysis: false, appLayers: false }) },
  // The ones below run on the lax read (`cap`), when it succeeded.
  { name: "every column (CSV, Info)", onCapture: (lib, cap) => cap.toCSV(lib.Capture.columnNames) },
  { name: "warningsText", onCapture: (lib, cap) => cap.warningsText() },
  { name: "toRecords + why", onCapture: (lib, cap) => { cap.toRecords({ rows: [0, cap.length >> 1, cap.length - 1].filter((r) => r >= 0 && r < cap.length) }); for (let r = 0; r < Math.min(cap.length, 50); r++) cap.tcp.why(r); } },
  { name: "buildFlows", onCapture: (lib, cap) => lib.buildFlows(cap).toCSV() },
  { name: "display filters", onCapture: (lib, cap) => { cap.filterRows("tcp.analysis.flags || dns || ip.addr == 10.0.0.0/8"); cap.filterRows('frame contains "HTTP" || tcp.payload[0:2] == 16:03'); } },
  { name: "table verbs and the summary", onCapture: (lib, cap) => { cap.valueCounts("protocol"); cap.groupBy("stream").agg({ length: "sum" }); cap.describe(); String(cap); cap.head(3).toHTML(); } },
  { name: "rttSamples/retransmissions", onCapture: (lib, cap) => { lib.rttSamples(cap).toCSV(); lib.retransmissions(cap).toCSV(); } },
  { name: "describeConnection", onCapture: (lib, cap) => firstStream(cap) >= 0 && lib.describeConnection(cap, 0).html },
  { name: "seqGraph stevens", onCapture: (lib, cap) => firstStream(cap) >= 0 && lib.seqGraph(cap, { stream: 0, style: "stevens" }) },
  { name: "seqGraph tcptrace", onCapture: (lib, cap) => firstStream(cap) >= 0 && lib.seqGraph(cap, { stream: 0, style: "tcptrace" }) },
  { name: "rttPlot", onCapture: (lib, cap) => firstStream(cap) >= 0 && lib.rttPlot(cap, { stream: 0 }) },
  { name: "throughputPlot", onCapture: (lib, cap) => firstStream(cap) >= 0 && lib.throughputPlot(cap, { stream: 0 }) },
  { name: "inflightPlot", onCapture: (lib, cap) => firstStream(cap) >= 0 && lib.inflightPlot(cap, { stream: 0 }) },
  { name: "ladderDiagram", onCapture: (lib, cap) => firstStream(cap) >= 0 && lib.ladderDiagram(cap, { stream: 0 }) },
  { name: "ioGraph", onCapture: (lib, cap) => lib.ioGraph(cap), refuses: BIN_REFUSAL },
];

// The harness's self-test: a target that always throws a plain Error must be reported as an escape.
if (process.env.PCAPFRAME_FUZZ_SELFTEST) module.exports.push({ name: "self-test", onCapture: () => { throw new TypeError("self-test escape"); } });
