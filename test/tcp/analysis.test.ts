// Unit tests of the TCP analysis on synthetic captures built byte by byte (test/helpers/pcap-writer.ts).
// Every expected value below was produced by tshark 4.0.17 (-2 -n, default prefs) on the same bytes;
// when tshark is installed the last test re-checks all fields live with compareWithTshark.
import { describe, expect, test } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCapture } from "../../lib/read/load";
import { TA, analysisNames } from "../../lib/tcp/flags";
import { compareWithTshark } from "../../lib/check/compare";
import { pcap, type TcpOptionsSpec, type TcpPacketSpec } from "../helpers/pcap-writer";

const T = 1700000000;
const C = "10.0.0.1", S = "10.0.0.2";
const c = (dt: number, seq: number, ack: number, flags: string, win: number, len = 0, opts?: TcpOptionsSpec): TcpPacketSpec => ({ t: T + dt, src: C, dst: S, sport: 40000, dport: 80, seq, ack, flags, win, len, opts });
const s = (dt: number, seq: number, ack: number, flags: string, win: number, len = 0, opts?: TcpOptionsSpec): TcpPacketSpec => ({ t: T + dt, src: S, dst: C, sport: 80, dport: 40000, seq, ack, flags, win, len, opts });
const lab: TcpPacketSpec[] = [
  c(0, 1000, 0, "S", 64240, 0, { mss: 1460, sackPerm: true, ws: 7 }),
  s(0.05, 5000, 1001, "SA", 65535, 0, { mss: 1460, sackPerm: true, ws: 7 }),
  c(0.0501, 1001, 5001, "A", 502),
  s(0.1, 5001, 1001, "A", 509, 1000),
  s(0.1001, 7001, 1001, "A", 509, 1000),
  c(0.1002, 1001, 6001, "A", 502),
  c(0.1003, 1001, 6001, "A", 502, 0, { sack: [[7001, 8001]] }),
  c(0.1004, 1001, 6001, "A", 502, 0, { sack: [[7001, 8001]] }),
  s(0.1005, 6001, 1001, "A", 509, 1000),
  s(0.1006, 8001, 1001, "PA", 509, 1000),
  s(0.101, 7001, 1001, "A", 509, 1000),
  c(0.1011, 1001, 9001, "A", 502),
  s(0.2, 6001, 1001, "A", 509, 1000),
  s(0.5, 9001, 1001, "A", 509, 1000),
  s(0.9, 9001, 1001, "A", 509, 1000),
  c(0.95, 1001, 10001, "A", 502),
  c(0.96, 1001, 10001, "A", 8),
  s(0.97, 10001, 1001, "A", 509, 1024),
  c(0.98, 1001, 11025, "A", 0),
  s(1.5, 11025, 1001, "A", 509, 1),
  c(1.51, 1001, 11025, "A", 0),
  c(2.0, 1001, 11025, "A", 502),
  s(7.0, 11024, 1001, "A", 509, 0),
  c(7.001, 1001, 11025, "A", 502),
  c(7.5, 1001, 20001, "A", 502),
  c(8.0, 1001, 20001, "FA", 502),
  s(8.05, 11025, 1002, "FA", 509),
  c(8.1, 1002, 11026, "A", 502),
  c(10, 90000, 0, "S", 64240, 0, { mss: 1460 }),
  s(10.04, 7000, 90001, "SA", 65535, 0, { mss: 1460 }),
  c(10.0401, 90001, 7001, "A", 65535),
  c(10.0402, 90001, 7001, "PA", 65535, 100),
  c(10.0403, 90101, 7001, "PA", 65535, 100),
  c(10.0404, 90001, 7001, "PA", 65535, 100),
  s(10.08, 7001, 90201, "A", 65535),
];
const w = (port: number, dt: number, seq: number, ack: number, flags: string, win: number, len = 0, fromC = true, opts?: TcpOptionsSpec): TcpPacketSpec =>
  fromC ? { t: T + 100 + dt, src: C, dst: S, sport: port, dport: 443, seq, ack, flags, win, len, opts } : { t: T + 100 + dt, src: S, dst: C, sport: 443, dport: port, seq, ack, flags, win, len, opts };
const wrap: TcpPacketSpec[] = [
  w(41000, 0, 4294967000, 0, "S", 65535, 0, true, { ws: 2 }),
  w(41000, 0.01, 4294967200, 4294967001, "SA", 65535, 0, false, { ws: 3 }),
  w(41000, 0.0101, 4294967001, 4294967201, "A", 1000),
  w(41000, 0.02, 4294967001, 4294967201, "PA", 1000, 200),
  w(41000, 0.0201, 4294967201, 4294967201, "PA", 1000, 200),
  w(41000, 0.03, 4294967201, 105, "A", 2000, 0, false),
  w(41000, 0.031, 4294967201, 105, "A", 2000, 0, false),
  w(41000, 0.0311, 4294967201, 105, "A", 2000, 0, false),
  w(41000, 0.0312, 105, 4294967201, "A", 1000, 100),
  w(41000, 0.05, 4294967001, 4294967201, "A", 1000, 200),
  w(41000, 0.0501, 4294967201, 205, "A", 2000, 0, false),
  // mid-stream flow, no handshake: 3 ms OOO rule
  w(42000, 1, 5000, 9000, "A", 100, 100),
  w(42000, 1.0001, 5200, 9000, "A", 100, 100),
  w(42000, 1.001, 5100, 9000, "A", 100, 100),
  w(42000, 1.01, 5300, 9000, "A", 100, 100),
  w(42000, 1.02, 5350, 9000, "A", 100, 100),
];

// tshark 4.0.17 -2 -n on these bytes. Columns: frame stream seq ack nxtseq win scalefactor dupNum dupFrame acksFrame ackRtt irtt bif push rtoFrame flags info
const LAB_TSHARK = `
1	0	0	0	1	64240											40000 → 80 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 SACK_PERM WS=128
2	0	0	1	1	65535				1	0.050000000	0.050100000					80 → 40000 [SYN, ACK] Seq=0 Ack=1 Win=65535 Len=0 MSS=1460 SACK_PERM WS=128
3	0	1	1	1	64256	128			2	0.000100000	0.050100000					40000 → 80 [ACK] Seq=1 Ack=1 Win=64256 Len=0
4	0	1	1	1001	65152	128					0.050100000	1000	1000			80 → 40000 [ACK] Seq=1 Ack=1 Win=65152 Len=1000
5	0	2001	1	3001	65152	128					0.050100000				lost_segment	[TCP Previous segment not captured] 80 → 40000 [ACK] Seq=2001 Ack=1 Win=65152 Len=1000
6	0	1	1001	1	64256	128			4	0.000200000	0.050100000					40000 → 80 [ACK] Seq=1 Ack=1001 Win=64256 Len=0
7	0	1	1001	1	64256	128	1	6			0.050100000				duplicate_ack	[TCP Dup ACK 6#1] 40000 → 80 [ACK] Seq=1 Ack=1001 Win=64256 Len=0 SLE=2001 SRE=3001
8	0	1	1001	1	64256	128	2	6			0.050100000				duplicate_ack	[TCP Dup ACK 6#2] 40000 → 80 [ACK] Seq=1 Ack=1001 Win=64256 Len=0 SLE=2001 SRE=3001
9	0	1001	1	2001	65152	128					0.050100000	1000	2000		retransmission|fast_retransmission	[TCP Fast Retransmission] 80 → 40000 [ACK] Seq=1001 Ack=1 Win=65152 Len=1000
10	0	3001	1	4001	65152	128					0.050100000	2000	3000			80 → 40000 [PSH, ACK] Seq=3001 Ack=1 Win=65152 Len=1000
11	0	2001	1	3001	65152	128					0.050100000	2000	1000		out_of_order	[TCP Out-Of-Order] 80 → 40000 [ACK] Seq=2001 Ack=1 Win=65152 Len=1000
12	0	1	4001	1	64256	128			10	0.000500000	0.050100000					40000 → 80 [ACK] Seq=1 Ack=4001 Win=64256 Len=0
13	0	1001	1	2001	65152	128					0.050100000	1000	2000		retransmission|spurious_retransmission	[TCP Spurious Retransmission] 80 → 40000 [ACK] Seq=1001 Ack=1 Win=65152 Len=1000
14	0	4001	1	5001	65152	128					0.050100000	4000	3000			80 → 40000 [ACK] Seq=4001 Ack=1 Win=65152 Len=1000
15	0	4001	1	5001	65152	128					0.050100000	4000	4000	13	retransmission	[TCP Retransmission] 80 → 40000 [ACK] Seq=4001 Ack=1 Win=65152 Len=1000
16	0	1	5001	1	64256	128			14	0.450000000	0.050100000					40000 → 80 [ACK] Seq=1 Ack=5001 Win=64256 Len=0
17	0	1	5001	1	1024	128					0.050100000				window_update	[TCP Window Update] 40000 → 80 [ACK] Seq=1 Ack=5001 Win=1024 Len=0
18	0	5001	1	6025	65152	128					0.050100000	1024	5024		window_full	[TCP Window Full] 80 → 40000 [ACK] Seq=5001 Ack=1 Win=65152 Len=1024
19	0	1	6025	1	0	128			18	0.010000000	0.050100000				zero_window	[TCP ZeroWindow] 40000 → 80 [ACK] Seq=1 Ack=6025 Win=0 Len=0
20	0	6025	1	6026	65152	128					0.050100000	1	5025		zero_window_probe	[TCP ZeroWindowProbe] 80 → 40000 [ACK] Seq=6025 Ack=1 Win=65152 Len=1
21	0	1	6025	1	0	128					0.050100000				zero_window|zero_window_probe_ack	[TCP ZeroWindowProbeAck] [TCP ZeroWindow] 40000 → 80 [ACK] Seq=1 Ack=6025 Win=0 Len=0
22	0	1	6025	1	64256	128					0.050100000				window_update	[TCP Window Update] 40000 → 80 [ACK] Seq=1 Ack=6025 Win=64256 Len=0
23	0	6024	1	6024	65152	128					0.050100000				keep_alive	[TCP Keep-Alive] 80 → 40000 [ACK] Seq=6024 Ack=1 Win=65152 Len=0
24	0	1	6025	1	64256	128					0.050100000				keep_alive_ack	[TCP Keep-Alive ACK] 40000 → 80 [ACK] Seq=1 Ack=6025 Win=64256 Len=0
25	0	1	15001	1	64256	128					0.050100000				ack_lost_segment	[TCP ACKed unseen segment] 40000 → 80 [ACK] Seq=1 Ack=15001 Win=64256 Len=0
26	0	1	15001	2	64256	128					0.050100000					40000 → 80 [FIN, ACK] Seq=1 Ack=15001 Win=64256 Len=0
27	0	6025	2	6026	65152	128			26	0.050000000	0.050100000					80 → 40000 [FIN, ACK] Seq=6025 Ack=2 Win=65152 Len=0
28	0	2	6026	2	64256	128			27	0.050000000	0.050100000					40000 → 80 [ACK] Seq=2 Ack=6026 Win=64256 Len=0
29	1	0	0	1	64240						0.040100000				reused_ports	[TCP Port numbers reused] 40000 → 80 [SYN] Seq=0 Win=64240 Len=0 MSS=1460
30	1	0	1	1	65535				29	0.040000000	0.040100000					80 → 40000 [SYN, ACK] Seq=0 Ack=1 Win=65535 Len=0 MSS=1460
31	1	1	1	1	65535	-2			30	0.000100000	0.040100000					40000 → 80 [ACK] Seq=1 Ack=1 Win=65535 Len=0
32	1	1	1	101	65535	-2					0.040100000	100	100			40000 → 80 [PSH, ACK] Seq=1 Ack=1 Win=65535 Len=100
33	1	101	1	201	65535	-2					0.040100000	200	100			40000 → 80 [PSH, ACK] Seq=101 Ack=1 Win=65535 Len=100
34	1	1	1	101	65535	-2					0.040100000	200	100		out_of_order	[TCP Out-Of-Order] 40000 → 80 [PSH, ACK] Seq=1 Ack=1 Win=65535 Len=100
35	1	1	201	1	65535	-2			33	0.039700000	0.040100000					80 → 40000 [ACK] Seq=1 Ack=201 Win=65535 Len=0
`;
// tshark 4.0.17 -2 -n on these bytes. Columns: frame stream seq ack nxtseq win scalefactor dupNum dupFrame acksFrame ackRtt irtt bif push rtoFrame flags
const WRAP_TSHARK = `
1	0	0	0	1	65535										
2	0	0	1	1	65535				1	0.010000000	0.010100000				
3	0	1	1	1	4000	4			2	0.000100000	0.010100000				
4	0	1	1	201	4000	4					0.010100000	200	200		
5	0	201	1	401	4000	4					0.010100000	400	200		
6	0	1	401	1	16000	8			5	0.009900000	0.010100000				
7	0	1	401	1	16000	8	1	6			0.010100000				duplicate_ack
8	0	1	401	1	16000	8	2	6			0.010100000				duplicate_ack
9	0	401	1	501	4000	4					0.010100000	100	100		
10	0	1	1	201	4000	4					0.010100000	500	300		retransmission|spurious_retransmission
11	0	1	501	1	16000	8			9	0.018900000	0.010100000				
12	1	1	1	101	100	-1						100	100		
13	1	201	1	301	100	-1									lost_segment
14	1	101	1	201	100	-1									out_of_order
15	1	301	1	401	100	-1									
16	1	351	1	451	100	-1								12	retransmission
`;

const late30 = lab.slice(0, 9).map((p, i) => (i === 8 ? { ...p, t: p.t + 0.03 } : p));
const late80 = lab.slice(0, 9).map((p, i) => (i === 8 ? { ...p, t: p.t + 0.08 } : p));

function parse(text: string): string[][] {
  return text.trim().split("\n").map((l) => l.split("\t"));
}
const num = (s: string) => (s === "" ? 0 : Number(s));

function checkAgainst(packets: TcpPacketSpec[], table: string, withInfo: boolean) {
  const { table: t, tcp } = loadCapture(pcap(packets));
  const rows = parse(table);
  expect(t.length).toBe(rows.length);
  for (const v of rows) {
    const r = Number(v[0]) - 1;
    const at = `frame ${v[0]}`;
    expect(t.tcpStream[r], at).toBe(Number(v[1]));
    expect(tcp.relSeq(r), at).toBe(Number(v[2]));
    expect(tcp.relAck(r), at).toBe(Number(v[3]));
    expect(tcp.nxtSeq(r), at).toBe(Number(v[4]));
    expect(tcp.winCalc(r), at).toBe(Number(v[5]));
    if (v[6] === "") expect(tcp.winScale(r), at).toBeNaN();
    else expect(tcp.winScale(r), at).toBe(Number(v[6]));
    expect(tcp.dupAckNum(r), at).toBe(num(v[7]));
    expect(tcp.dupAckFrame(r), at).toBe(num(v[8]));
    expect(tcp.acksFrame(r), at).toBe(num(v[9]));
    if (v[10] === "") expect(tcp.ackRtt(r), at).toBeNaN();
    else expect(tcp.ackRtt(r), at).toBeCloseTo(Number(v[10]), 6);
    if (v[11] === "") expect(tcp.irtt(r), at).toBeNaN();
    else expect(tcp.irtt(r), at).toBeCloseTo(Number(v[11]), 6);
    expect(tcp.bytesInFlight(r), at).toBe(num(v[12]));
    if (v[12] !== "") expect(tcp.pushBytes(r), at).toBe(num(v[13]));
    expect(tcp.rtoFrame(r), at).toBe(num(v[14]));
    expect(analysisNames(t.tcpAnalysis[r] & TA.FLAG_MASK), at).toBe(v[15]);
    if (withInfo) expect(tcp.info(r), at).toBe(v[16]);
  }
  return { t, tcp };
}

describe("TCP analysis on synthetic captures (values verified with tshark 4.0.17)", () => {
  test("lab: every flag, dup-ACK numbering, fast retransmission, OOO with iRTT, RTO, window full/update, zero window, keep-alive, port reuse", () => {
    const { tcp } = checkAgainst(lab, LAB_TSHARK, true);
    expect(tcp.streamCount).toBe(2);
    const [s0, s1] = tcp.streams();
    expect(s0.irtt).toBeCloseTo(0.0501, 9);
    expect(s0.winScale).toEqual([7, 7]);
    expect(s0.mss).toEqual([1460, 1460]);
    expect(s0.sackPerm).toEqual([true, true]);
    expect(s0.synRow).toBe(0);
    expect(s0.synAckRow).toBe(1);
    expect(s0.finRow).toEqual([25, 26]);
    expect(s1.reusedPorts).toBe(true);
    expect(s1.winScale).toEqual([-2, -2]);
    expect(s1.firstRow).toBe(28);
    expect(tcp.dir(1)).toBe(1);
    expect(tcp.dir(0)).toBe(0);
    expect(tcp.sackRel(6)).toEqual([2001, 3001]);
    expect(tcp.analysisPrefix(20)).toBe("[TCP ZeroWindowProbeAck] [TCP ZeroWindow] ");
    expect(tcp.rto(14)).toBeCloseTo(0.7, 9); // since frame 13, the oldest unACKed segment
  });

  test("wrap-around ISN, window scale 4/8, spurious retransmission, 3 ms out-of-order rule without handshake", () => {
    checkAgainst(wrap, WRAP_TSHARK, false);
  });

  test("fast retransmission needs the peer's last packet < 20 ms before", () => {
    // 30 ms after the 2nd dup ACK: not fast; still within iRTT (50.1 ms) of frame 5 which raised next: Out-Of-Order
    let { table: t } = loadCapture(pcap(late30));
    expect(analysisNames(t.tcpAnalysis[8] & TA.FLAG_MASK)).toBe("out_of_order");
    // 80 ms: beyond iRTT too: plain Retransmission, RTO measured from frame 5 (oldest unACKed)
    const r = loadCapture(pcap(late80));
    t = r.table;
    expect(analysisNames(t.tcpAnalysis[8] & TA.FLAG_MASK)).toBe("retransmission");
    expect(r.tcp.rtoFrame(8)).toBe(5);
  });

  test("why(): rule and frames per flag", () => {
    const { tcp } = loadCapture(pcap(lab));
    const fast = tcp.why(8).find((w) => w.flag === "fast_retransmission")!;
    expect(fast.frames).toEqual([7, 8, 9]);
    expect(fast.rule).toMatch(/2 dup ACKs/);
    const dup = tcp.why(7)[0];
    expect(dup.flag).toBe("duplicate_ack");
    expect(dup.frames).toEqual([6, 8]);
    const ooo = tcp.why(10)[0];
    expect(ooo.flag).toBe("out_of_order");
    expect(ooo.rule).toMatch(/iRTT/);
    expect(ooo.frames).toContain(10);
    const retr = tcp.why(14).find((w) => w.flag === "retransmission")!;
    expect(retr.frames).toEqual([13, 14, 15]); // original 14, RTO reference 13
    const spur = tcp.why(12).find((w) => w.flag === "spurious_retransmission")!;
    expect(spur.rule).toMatch(/≤ peer.s last ack 4001/);
    expect(tcp.why(17)[0].rule).toMatch(/5001 \+ window 1024/);
    expect(tcp.why(3)).toEqual([]);
  });
});

const haveTshark = spawnSync("tshark", ["-v"], { encoding: "utf8" }).status === 0;

describe.skipIf(!haveTshark)("live check with tshark", () => {
  test("all compared fields agree on the synthetic captures", () => {
    const dir = mkdtempSync(join(tmpdir(), "tcp-an-"));
    try {
      for (const [name, packets] of [["lab", lab], ["wrap", wrap], ["late30", late30], ["late80", late80]] as const) {
        const p = join(dir, `${name}.pcap`);
        writeFileSync(p, pcap(packets));
        const r = compareWithTshark(p, { info: name === "lab" });
        expect(r.diffs, name).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
