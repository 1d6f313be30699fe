/**
 * What a lab capture shows, checked the way the notebooks find it: the facts the lab report needs
 * (three-way handshake, TLS handshake with its cipher suite, a fast retransmission triggered by
 * duplicate ACKs that carry SACK blocks, a completed FIN teardown, two browser connections open at
 * once). `npm run lab` records again when a random-loss run missed one of them.
 */
import type { Capture } from "../capture/capture";
import { buildFlows } from "../flows/index";
import { TcpFlag } from "../table/layers";
import { TA } from "../tcp/flags";

export interface LabFacts {
  /** Per TCP stream with a complete handshake: frame numbers (1-based) of SYN, SYN/ACK and the ACK. */
  handshakes: { stream: number; syn: number; synAck: number; ack: number }[];
  /** Per TLS stream with a ServerHello: the chosen cipher suite and the hello frames. */
  tls: { stream: number; cipher: string; clientHello: number; serverHello: number }[];
  /** Fast retransmissions whose duplicate ACKs (the frames Wireshark counted) carry SACK blocks. */
  fastRetransmissions: { frame: number; stream: number; dupAcks: number[]; sackDupAcks: number }[];
  /** Streams whose four-way FIN close completed (both FINs, each ACKed), with the two FIN frames. */
  finCloses: { stream: number; finA: number; finB: number }[];
  /** Largest number of TCP connections open (first to last packet) at the same moment. */
  maxParallel: number;
  /** Names of the required facts the capture lacks (empty: everything the notebooks explain is there). */
  missing: string[];
}

export function labFacts(cap: Capture): LabFacts {
  const p = cap.packets;
  const streams = cap.tcp.streams();
  const handshakes: LabFacts["handshakes"] = [];
  for (const s of streams) {
    if (s.synRow < 0 || s.synAckRow < 0) continue;
    const clientDir = cap.tcp.dir(s.synRow);
    for (let r = s.synAckRow + 1; r <= s.lastRow; r++) {
      if (p.tcpStream[r] !== s.index || cap.tcp.dir(r) !== clientDir) continue;
      if ((p.tcpFlags[r] & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.ACK) handshakes.push({ stream: s.index, syn: s.synRow + 1, synAck: s.synAckRow + 1, ack: r + 1 });
      break;
    }
  }
  const tls: LabFacts["tls"] = [];
  for (const sid of cap.app.tlsStreams().sort((a, b) => a - b)) {
    const t = cap.app.streamTls(sid);
    if (t && t.cipherName && t.serverHelloFrame) tls.push({ stream: sid, cipher: t.cipherName, clientHello: t.clientHelloFrame ?? 0, serverHello: t.serverHelloFrame });
  }
  const fastRetransmissions: LabFacts["fastRetransmissions"] = [];
  for (let r = 0; r < cap.length; r++) {
    if (!(p.tcpAnalysis[r] & TA.FAST_RETRANSMISSION)) continue;
    const w = cap.tcp.why(r).find((x) => x.flag === "fast_retransmission");
    const dupAcks = (w?.frames ?? []).filter((f) => f !== r + 1 && p.tcpAnalysis[f - 1] & TA.DUPLICATE_ACK);
    const sackDupAcks = dupAcks.filter((f) => (p.tcpSackN?.[f - 1] ?? 0) > 0).length;
    fastRetransmissions.push({ frame: r + 1, stream: p.tcpStream[r], dupAcks, sackDupAcks });
  }
  const finCloses: LabFacts["finCloses"] = [];
  const flows = buildFlows(cap).toRecords();
  for (const f of flows) {
    if (f.proto === "tcp" && f.fin_close === true) finCloses.push({ stream: Number(f.stream), finA: Number(f.fin_frame_a), finB: Number(f.fin_frame_b) });
  }
  // connections open at once: sweep over [first, last] packet times of every stream
  const events: [number, number][] = [];
  for (const s of streams) {
    events.push([cap.relativeTime(s.firstRow), 1], [cap.relativeTime(s.lastRow), -1]);
  }
  events.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let open = 0;
  let maxParallel = 0;
  for (const [, d] of events) {
    open += d;
    if (open > maxParallel) maxParallel = open;
  }
  const missing: string[] = [];
  if (!handshakes.length) missing.push("three-way handshake");
  if (!tls.length) missing.push("TLS handshake with a chosen cipher suite");
  if (!fastRetransmissions.some((x) => x.sackDupAcks > 0)) missing.push("fast retransmission after duplicate ACKs with SACK blocks");
  if (!finCloses.length) missing.push("completed four-way FIN teardown");
  if (maxParallel < 2) missing.push("two parallel browser connections");
  return { handshakes, tls, fastRetransmissions, finCloses, maxParallel, missing };
}

/** A few lines for the terminal: what the capture shows, with frame numbers. */
export function formatLabFacts(f: LabFacts): string {
  const lines: string[] = [];
  const hs = f.handshakes[0];
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? "" : "s"}`;
  lines.push(hs ? `three-way handshake: ${n(f.handshakes.length, "stream")} (stream ${hs.stream}: frames ${hs.syn}, ${hs.synAck}, ${hs.ack})` : "three-way handshake: none");
  const t = f.tls[0];
  lines.push(t ? `TLS: ${t.cipher} (stream ${t.stream}: ClientHello frame ${t.clientHello}, ServerHello frame ${t.serverHello})` : "TLS: no ServerHello");
  const withSack = f.fastRetransmissions.filter((x) => x.sackDupAcks > 0);
  lines.push(
    `fast retransmissions: ${f.fastRetransmissions.length}, ${withSack.length} after dup ACKs with SACK` +
      (withSack[0] ? ` (frame ${withSack[0].frame} after dup ACKs ${withSack[0].dupAcks.join(", ")})` : ""),
  );
  const fc = f.finCloses[0];
  lines.push(fc ? `FIN teardown completed: ${n(f.finCloses.length, "stream")} (stream ${fc.stream}: FIN frames ${fc.finA}, ${fc.finB})` : "FIN teardown: none completed");
  lines.push(`parallel connections: up to ${f.maxParallel} open at once`);
  if (f.missing.length) lines.push(`missing: ${f.missing.join("; ")}`);
  return lines.join("\n");
}
