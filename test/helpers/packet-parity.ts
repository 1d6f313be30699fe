// Column-by-column comparison of pcapframe's packet table with tshark's goldens (issue 2).
import { readCapture, type Capture } from "../../lib/capture/capture";
import { readPacketsGolden, splitAgg, type FieldTable } from "./golden";

export interface FieldStats {
  compared: number;
  agree: number;
  /** first few disagreements: frame, ours, tshark */
  examples: { frame: number; ours: string; tshark: string }[];
}

export interface PacketParity {
  name: string;
  ourCount: number;
  tsharkCount: number;
  fields: Record<string, FieldStats>;
}

function stat(): FieldStats {
  return { compared: 0, agree: 0, examples: [] };
}

function check(s: FieldStats, frame: number, ours: string, theirs: string): void {
  s.compared++;
  if (ours === theirs) s.agree++;
  else if (s.examples.length < 8) s.examples.push({ frame, ours, tshark: theirs });
}

/** Epoch "sec.nanos" strings → equal to 1 µs? */
function sameTime(a: string, b: string): boolean {
  if (a === b) return true;
  const [as, af = "0"] = a.split(".");
  const [bs, bf = "0"] = b.split(".");
  if (as !== bs) return false;
  return Math.abs(Number((af + "000000000").slice(0, 9)) - Number((bf + "000000000").slice(0, 9))) <= 1000;
}

export function comparePackets(name: string, path: string, golden?: FieldTable, cap?: Capture): PacketParity {
  const g = golden ?? readPacketsGolden(name);
  const c = cap ?? readCapture(path);
  const fields: Record<string, FieldStats> = {
    time: stat(), length: stat(), src: stat(), dst: stat(), srcport: stat(), dstport: stat(), protocol: stat(), info_tcp: stat(),
  };
  const n = Math.min(g.rows, c.length);
  const col = (k: string) => g.columns[k];
  const epoch = col("frame.time_epoch");
  for (let i = 0; i < n; i++) {
    const frame = i + 1;
    const ourT = c.epoch(i); // "" for records without a timestamp, as tshark
    fields.time.compared++;
    if (sameTime(ourT, epoch[i])) fields.time.agree++;
    else if (fields.time.examples.length < 8) fields.time.examples.push({ frame, ours: ourT, tshark: epoch[i] });
    check(fields.length, frame, String(c.packets.wireLen[i]), col("frame.len")[i]);
    check(fields.src, frame, String(c.column("src", [i])[0] ?? ""), col("_ws.col.Source")[i]);
    check(fields.dst, frame, String(c.column("dst", [i])[0] ?? ""), col("_ws.col.Destination")[i]);
    // Tunnels: tshark lists every layer's ports (outer UDP of GTP-U/VXLAN/Geneve first); ours are the
    // innermost transport's, or the tunnel's UDP ports when the inner packet has none.
    const last = (cell: string) => {
      const v = splitAgg(cell);
      return v.length ? v[v.length - 1] : "";
    };
    const tsp = last(col("tcp.srcport")[i]);
    const usp = last(col("udp.srcport")[i]);
    const tdp = last(col("tcp.dstport")[i]);
    const udp = last(col("udp.dstport")[i]);
    // tshark lists ports of ICMP-quoted headers too; our srcport/dstport columns are for the packet's own transport.
    const quoted = /:icmp(v6)?:ip(v6)?:/.test(col("frame.protocols")[i] ?? "");
    if (!quoted) {
      check(fields.srcport, frame, String(c.column("srcport", [i])[0] ?? ""), tsp || usp);
      check(fields.dstport, frame, String(c.column("dstport", [i])[0] ?? ""), tdp || udp);
    }
    const proto = col("_ws.col.Protocol")[i];
    check(fields.protocol, frame, c.protocol(i), proto);
    if (proto === "TCP") check(fields.info_tcp, frame, c.info(i), col("_ws.col.Info")[i]);
  }
  return { name, ourCount: c.length, tsharkCount: g.rows, fields };
}

export function pct(s: FieldStats): number {
  return s.compared ? (100 * s.agree) / s.compared : 100;
}
