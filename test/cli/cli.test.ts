/**
 * The `pcapframe` command as a user runs it: the real launcher (bin/pcapframe.js, built dist/) in a
 * child process, its output read through a pipe. The CSV it writes must be the packet table the
 * library builds (whose agreement with tshark test/packets-golden.test.ts measures), complete, with
 * the column names the issues specify.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readCapture, DEFAULT_CSV_COLUMNS } from "../../lib/capture/capture";
import { writeFlowsCSV } from "../../lib/flows/index";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "pcapframe.js");
const DATA = path.join(ROOT, "data");
const built = fs.existsSync(path.join(ROOT, "dist", "cli", "index.js"));
const CAPTURES = fs
  .readdirSync(DATA)
  .filter((f) => /\.(pcap|pcapng)$/.test(f) && !f.startsWith("bad-") && !f.startsWith("my-"))
  .sort();

/** Run the CLI as a shell user does, its output going through a pipe (`pcapframe … | cat`); exit code of pcapframe. */
function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync("/bin/bash", ["-c", 'set -o pipefail; "$@" | cat', "_", process.execPath, BIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PACKET_COLUMNS = "no,time,length,src,dst,protocol,info,srcport,dstport".split(",");
const TCP_COLUMNS = "stream,seq,ack,nxtseq,tcp_len,tcp_flags,win,analysis,dup_ack_num,ack_rtt,acks_frame,bytes_in_flight".split(",");
const FLOW_COLUMNS = (
  "stream,proto,addr_a,port_a,addr_b,port_b,start,duration,pkts_a2b,bytes_a2b,pkts_b2a,bytes_b2a,irtt,rtt_samples_a2b,rtt_min_a2b," +
  "rtt_avg_a2b,rtt_max_a2b,rtt_stdev_a2b,rtt_samples_b2a,rtt_min_b2a,rtt_avg_b2a,rtt_max_b2a,rtt_stdev_b2a,retrans_pkts_a2b," +
  "retrans_bytes_a2b,retrans_pkts_b2a,retrans_bytes_b2a,state,history,sni,tls_version,tls_cipher"
).split(",");

describe.skipIf(!built)("pcapframe CLI", () => {
  it("has the data/ captures to run on", () => expect(CAPTURES.length).toBeGreaterThanOrEqual(10));

  it.each(CAPTURES)("packets %s --csv: every row, through a pipe, equal to the library's table", (name) => {
    const file = path.join(DATA, name);
    const r = cli(["packets", file, "--csv"]);
    expect(r.code, r.stderr).toBe(0);
    const cap = readCapture(file);
    expect(r.stdout).toBe(cap.toCSV(DEFAULT_CSV_COLUMNS));
    const lines = r.stdout.split("\n");
    expect(lines[lines.length - 1]).toBe("");
    // header + one line per packet (Info never contains a newline)
    expect(lines.length - 2).toBe(cap.length);
    expect(lines[0].split(",")).toEqual([...PACKET_COLUMNS, ...TCP_COLUMNS]);
  });

  it("packets --csv: time has 9 decimals, ports only on TCP/UDP rows, addresses as tshark prints them", () => {
    const r = cli(["packets", path.join(DATA, "vlan-qinq.pcap"), "--csv", "--columns", "no,time,src,dst,protocol,srcport,dstport"]);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split("\n").slice(1).map((l) => l.split(","));
    expect(rows.length).toBeGreaterThan(0);
    for (const [, time, src, , proto, sp, dp] of rows) {
      expect(time).toMatch(/^\d+\.\d{9}$/);
      expect(src).toMatch(/^(\d+\.\d+\.\d+\.\d+|[0-9a-f:]+)$/);
      if (proto === "TCP" || proto === "UDP") expect(sp).toMatch(/^\d+$/);
      if (proto === "ARP") expect([sp, dp]).toEqual(["", ""]);
    }
  });

  it("a reader that stops early (| head) ends the command quietly", async () => {
    const child = spawn(process.execPath, [BIN, "packets", path.join(DATA, "lab-lossy.pcapng"), "--csv"], { cwd: ROOT });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((res) => child.on("close", res));
    expect(code).toBe(0);
    expect(stderr).toBe("");
  });

  it.each(["lab-lossy.pcapng", "four_ipv6_http_streams.pcap", "suricata-decode-sll2-02.pcap", "modbusBig.pcap"])(
    "flows %s --csv: the flow table with the issue's column names",
    (name) => {
      const file = path.join(DATA, name);
      const r = cli(["flows", file, "--csv"]);
      expect(r.code, r.stderr).toBe(0);
      let want = "";
      writeFlowsCSV(readCapture(file), (s) => (want += s));
      expect(r.stdout).toBe(want);
      expect(r.stdout.split("\n")[0].split(",").slice(0, FLOW_COLUMNS.length)).toEqual(FLOW_COLUMNS);
    },
  );

  it("info names the format, interfaces and packet count", () => {
    const r = cli(["info", path.join(DATA, "lab-lossy.pcapng")]);
    expect(r.code, r.stderr).toBe(0);
    const cap = readCapture(path.join(DATA, "lab-lossy.pcapng"));
    expect(r.stdout).toMatch(/^Format: +pcapng/m);
    expect(r.stdout).toContain(`Packets:       ${cap.length}`);
    expect(r.stdout).toMatch(/#0: Ethernet \(link type 1\)/);
  });

  it("bad input: a warning naming the byte offset (exit 0), or with --strict a typed error (exit 1); not a capture: exit 1", () => {
    const file = path.join(DATA, "bad-truncated.pcap");
    const lax = cli(["packets", file, "--csv"]);
    expect(lax.code).toBe(0);
    expect(lax.stderr).toMatch(/warning: .*\[truncated_record\]/);
    const cap = readCapture(file);
    expect(cap.length).toBeGreaterThan(0);
    expect(lax.stdout.trim().split("\n")).toHaveLength(cap.length + 1);
    expect(lax.stderr).toContain(String(cap.meta.warnings[0].byteOffset));
    const strict = cli(["packets", file, "--csv", "--strict"]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/\[truncated_record\]/);
    for (const mode of [[], ["--strict"]]) {
      const notCap = cli(["info", path.join(DATA, "not-a-capture.txt"), ...mode]);
      expect(notCap.code).toBe(1);
      expect(notCap.stderr.trim().split("\n")).toHaveLength(1);
      expect(notCap.stderr).toMatch(/^pcapframe info: not a pcap, pcapng or gzip file .*\[bad_magic\]$/m);
      expect(notCap.stdout).toBe("");
    }
  });
});
