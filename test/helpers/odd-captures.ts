/**
 * Synthetic captures of awkward shapes for the figure tests, built with pcap-writer:
 * `idleTransfer()` — one connection: handshake, a 300-segment transfer with a loss (3 dup ACKs with SACK,
 * fast retransmission), a zero window and its window update, a keep-alive, then 67 s of silence before
 * an RTO retransmission and a RST; a second, unrelated connection's SYN stamped an hour *before* the
 * first packet sits in the middle of the file (a capture out of time order).
 */
import { pcap, type TcpPacketSpec } from "./pcap-writer";

export function idleTransfer(): Uint8Array {
  const C = "10.1.0.1";
  const S = "10.1.0.2";
  const cp = 40000;
  const sp = 80;
  const p: TcpPacketSpec[] = [];
  let t = 1_700_000_000.0;
  const ci = 1000;
  const si = 5000;
  const MSS = 1000;
  const c2s = (o: Partial<TcpPacketSpec> & { flags: string; seq: number }) => p.push({ t, src: C, dst: S, sport: cp, dport: sp, win: 64000, ...o });
  const s2c = (o: Partial<TcpPacketSpec> & { flags: string; seq: number }) => p.push({ t, src: S, dst: C, sport: sp, dport: cp, win: 64000, ...o });
  c2s({ flags: "S", seq: ci, opts: { mss: MSS, sackPerm: true } });
  t += 0.02;
  s2c({ flags: "SA", seq: si, ack: ci + 1, opts: { mss: MSS, sackPerm: true } });
  t += 0.02;
  c2s({ flags: "A", seq: ci + 1, ack: si + 1 });
  t += 0.001;
  c2s({ flags: "PA", seq: ci + 1, ack: si + 1, len: 100 });
  t += 0.02;
  // server → client transfer: 300 segments, segment 40 lost, zero window around segment 150
  const base = si + 1;
  const cack = ci + 101;
  let acked = base;
  let lostAt = -1;
  for (let k = 0; k < 300; k++) {
    const seq = base + k * MSS;
    t += 0.0005;
    if (k === 40) {
      lostAt = seq; // not captured at the client: the client sees the next segments and SACKs them
      continue;
    }
    s2c({ flags: "A", seq, ack: cack, len: MSS });
    if (lostAt >= 0 && k > 40 && k <= 43) {
      t += 0.0002;
      c2s({ flags: "A", seq: cack, ack: lostAt, opts: { sack: [[lostAt + MSS, seq + MSS]] } });
      if (k === 43) {
        t += 0.001;
        s2c({ flags: "A", seq: lostAt, ack: cack, len: MSS }); // fast retransmission
        t += 0.0002;
        acked = seq + MSS;
        c2s({ flags: "A", seq: cack, ack: acked });
        lostAt = -1;
      }
      continue;
    }
    if (k % 2 === 1) {
      t += 0.0002;
      acked = seq + MSS;
      if (k === 151) {
        c2s({ flags: "A", seq: cack, ack: acked, win: 0 }); // zero window
        t += 0.2;
        s2c({ flags: "A", seq: acked, ack: cack, len: 1 }); // zero-window probe
        t += 0.02;
        c2s({ flags: "A", seq: cack, ack: acked, win: 0 });
        t += 0.3;
        c2s({ flags: "A", seq: cack, ack: acked, win: 64000 }); // window update
      } else c2s({ flags: "A", seq: cack, ack: acked });
    }
    if (k === 100) {
      // an unrelated connection's SYN, stamped an hour before the capture start (clock step)
      p.push({ t: 1_700_000_000.0 - 3600, src: "10.9.0.1", dst: "10.9.0.2", sport: 5555, dport: 443, seq: 777, flags: "S" });
    }
  }
  // keep-alive from the client, then 67 s idle and an RTO retransmission of the last segment, then RST
  t += 1;
  c2s({ flags: "A", seq: cack - 1, ack: acked });
  t += 0.02;
  s2c({ flags: "A", seq: acked, ack: cack });
  t += 67;
  s2c({ flags: "PA", seq: base + 299 * MSS, ack: cack, len: MSS });
  t += 0.02;
  c2s({ flags: "A", seq: cack, ack: base + 300 * MSS });
  t += 0.01;
  c2s({ flags: "RA", seq: cack, ack: base + 300 * MSS, win: 0 });
  return pcap(p);
}
