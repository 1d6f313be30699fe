// rttSamples / retransmissions / describeConnection / writeFlowsCSV on small captures.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { readCapture } from "../../lib/capture/capture";
import { buildFlows, describeConnection, FLOW_CSV_COLUMNS, retransmissions, rttSamples, writeFlowsCSV } from "../../lib/flows/index";

const DATA = path.resolve(__dirname, "..", "..", "data");
const fast = path.join(DATA, "retransmit-fast009.pcap");
const synRetx = path.join(DATA, "syn_retransmit_with_ts.pcap");

describe.skipIf(!fs.existsSync(fast))("flow helpers", () => {
  it("a capture read without TCP analysis gets the same streams and flow table (analysis runs on demand)", () => {
    const file = path.join(DATA, "tcp-flags-lab.pcap"); // includes port reuse → 2 streams on one 4-tuple
    const full = buildFlows(readCapture(file)).toRecords();
    const lite = buildFlows(readCapture(file, { tcpAnalysis: false })).toRecords();
    expect(lite.map((r) => [r.stream, r.pkts_a2b, r.pkts_b2a, r.state])).toEqual(full.map((r) => [r.stream, r.pkts_a2b, r.pkts_b2a, r.state]));
    expect(full.filter((r) => r.proto === "tcp").length).toBe(2);
  });

  it("rttSamples matches the table's tcptrace statistics", () => {
    const cap = readCapture(fast);
    const ft = buildFlows(cap);
    const s = rttSamples(cap, 0);
    const valid = s.toRecords().filter((r) => r.karn_valid);
    expect(valid.filter((r) => r.direction === "a2b").length).toBe(ft.get(0, "rtt_samples_a2b"));
    expect(valid.filter((r) => r.direction === "b2a").length).toBe(ft.get(0, "rtt_samples_b2a"));
    const b2a = valid.filter((r) => r.direction === "b2a").map((r) => r.rtt as number);
    expect(Math.min(...b2a)).toBeCloseTo(ft.get(0, "rtt_min_b2a") as number, 9);
    for (const r of s.toRecords()) {
      expect(r.frame as number).toBeGreaterThan(r.data_frame as number);
      expect(Number(r.karn_valid) + Number(r.ambiguous) + Number(r.post_loss)).toBe(1);
    }
    expect(rttSamples(cap, 99).length).toBe(0);
  });

  it("retransmissions lists tcptrace's rexmt packets with their originals", () => {
    const cap = readCapture(fast);
    const ft = buildFlows(cap);
    const rx = retransmissions(cap).toRecords();
    const tt = rx.filter((r) => r.tcptrace_rexmt);
    expect(tt.length).toBe((ft.get(0, "retrans_pkts_a2b") as number) + (ft.get(0, "retrans_pkts_b2a") as number));
    for (const r of tt) {
      expect(r.original_frame as number).toBeLessThan(r.frame as number);
      expect(r.delay as number).toBeGreaterThanOrEqual(0);
      expect(["retransmission", "fast_retransmission", "spurious_retransmission"]).toContain(r.kind);
    }
  });

  it("describeConnection gives text and escaped HTML with frame numbers", () => {
    const cap = readCapture(fast);
    const d = describeConnection(cap, 0);
    expect(d.text).toMatch(/Handshake/);
    expect(d.text).toMatch(/frame 1 .*SYN/);
    expect(d.text).toMatch(/Loss episodes/);
    expect(d.text).toMatch(/retransmission/);
    expect(d.text).toMatch(/Teardown/);
    expect(d.html).toContain("<h4>Handshake</h4>");
    expect(d.html).not.toMatch(/<script/i);
    expect(() => describeConnection(cap, 7)).toThrow(RangeError);
  });

  it("CSV for the CLI has exactly the documented columns", () => {
    const cap = readCapture(fast);
    let out = "";
    writeFlowsCSV(cap, (s) => (out += s));
    const lines = out.trimEnd().split("\n");
    expect(lines[0]).toBe(FLOW_CSV_COLUMNS.join(","));
    expect(lines[0]).toBe("stream,proto,addr_a,port_a,addr_b,port_b,start,duration,pkts_a2b,bytes_a2b,pkts_b2a,bytes_b2a,irtt,rtt_samples_a2b,rtt_min_a2b,rtt_avg_a2b,rtt_max_a2b,rtt_stdev_a2b,rtt_samples_b2a,rtt_min_b2a,rtt_avg_b2a,rtt_max_b2a,rtt_stdev_b2a,retrans_pkts_a2b,retrans_bytes_a2b,retrans_pkts_b2a,retrans_bytes_b2a,state,history,sni,tls_version,tls_cipher");
    expect(lines.length).toBe(2);
    expect(lines[1].split(",").length).toBe(FLOW_CSV_COLUMNS.length);
  });

  it.skipIf(!fs.existsSync(synRetx))("a retransmitted SYN gives RTT from 3WHS 0 and an ambiguous ACK", () => {
    const cap = readCapture(synRetx);
    const ft = buildFlows(cap);
    const i = ft.column("proto").indexOf("tcp");
    expect(ft.get(i, "rtt_3whs_a2b")).toBe(0);
    expect(ft.get(i, "rtt_ambiguous_a2b") as number).toBeGreaterThanOrEqual(1);
    expect(ft.get(i, "retrans_pkts_a2b") as number).toBeGreaterThanOrEqual(1);
  });

  it("escapes capture strings in the HTML report", () => {
    const lab = path.join(DATA, "lab-clean.pcapng");
    if (!fs.existsSync(lab)) return;
    const cap = readCapture(lab);
    const ft = buildFlows(cap);
    const s = ft.column("stream").find((x) => x !== null) as number;
    const d = describeConnection(cap, s);
    expect(d.html.includes("<li>")).toBe(true);
    expect(ft.toDataFrame({ columns: ["stream", "proto", "state"] }).shape[1]).toBe(3);
  });
});
