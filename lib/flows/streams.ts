/**
 * TCP stream ids (Wireshark's tcp.stream) for the flow table.
 *
 * When the TCP analysis filled `tcpStream`, that column is used as is. When the capture was read with
 * `tcpAnalysis: false`, the analysis is run now, over the table's TCP rows in file order — the same
 * code and the same rules (port reuse, ICMP-quoted headers) as during reading, so the ids cannot differ.
 */
import { type PacketTable } from "../table/packet-table";
import { Layer } from "../table/layers";
import { TcpAnalyzer } from "../tcp/analyzer";

/** True when the analysis numbered the TCP streams (some TCP row has tcpStream ≥ 0). */
export function analyzerHasStreams(t: PacketTable): boolean {
  const n = t.length;
  for (let r = 0; r < n; r++) {
    if ((t.layers[r] & Layer.TCP) !== 0) return t.tcpStream[r] >= 0;
  }
  return false;
}

/**
 * Stream id per row (-1 for non-TCP rows); runs the TCP analysis first if the capture was read without
 * it. `analyzer`, the analysis that numbered the streams when there was one, saves a pass for the count.
 */
export function tcpStreams(t: PacketTable, analyzer?: { streamCount: number }): { stream: Int32Array; count: number; computed: boolean } {
  const n = t.length;
  if (!analyzerHasStreams(t)) {
    const a = new TcpAnalyzer(t);
    analyzeAll(a, t, n);
    a.finish();
    return { stream: t.tcpStream.subarray(0, n), count: a.streamCount, computed: true };
  }
  const count = analyzer && analyzer.streamCount > 0 ? analyzer.streamCount : maxStream(t.tcpStream, n) + 1;
  return { stream: t.tcpStream.subarray(0, n), count, computed: false };
}

// Loops in functions of their own, each ending with its loop (docs/performance.md, "OSR").
function analyzeAll(a: TcpAnalyzer, t: PacketTable, n: number): void {
  const layers = t.layers;
  for (let r = 0; r < n; r++) if (layers[r] & Layer.TCP) a.analyze(r);
}

function maxStream(stream: Int32Array, n: number): number {
  let max = -1;
  for (let r = 0; r < n; r++) if (stream[r] > max) max = stream[r];
  return max;
}
