// Protocol and Info columns of the common application / link / IP protocols and of the TCP options (issue 18),
// against tshark -2's goldens on the byte-built fixtures (scripts/make-tunnel-fixtures.js): every row, except
// the differences listed (with their reason) in docs/protocol-differences.md.
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { FIXTURE_TUNNELS_DIR, readPacketsGolden } from "../helpers/golden";

/** Rows whose Info differs on purpose: capture → frame → reason. */
const KNOWN: Record<string, Record<number, string>> = {
  "apps-text.pcap": { 60: "SMTP/IMF: the Internet Message Format dissector's Info is not reproduced" },
  "link-ip-misc.pcap": { 6: "generic LLC U-frame text (DSAP/SSAP names) is not reproduced" },
};

const FILES = ["tcp-options.pcap", "http-first-line.pcap", "apps-text.pcap", "apps-db-sip-snmp.pcap", "link-ip-misc.pcap", "pppoe.pcap", "gtpu.pcap", "gre.pcap", "mpls.pcap", "vxlan-geneve.pcap"];

describe("Protocol and Info as tshark -2 on the fixtures", () => {
  for (const name of FILES) {
    it(name, () => {
      const g = readPacketsGolden(name);
      const cap = readCapture(path.join(FIXTURE_TUNNELS_DIR, name));
      expect(cap.length).toBe(g.rows);
      const bad: string[] = [];
      for (let i = 0; i < g.rows; i++) {
        const frame = i + 1;
        const proto = g.columns["_ws.col.Protocol"][i];
        const info = g.columns["_ws.col.Info"][i];
        if (cap.protocol(i) !== proto) bad.push(`#${frame} Protocol ours=${cap.protocol(i)} tshark=${proto}`);
        if (cap.info(i) !== info && !KNOWN[name]?.[frame]) bad.push(`#${frame} Info ours=${cap.info(i)} tshark=${info}`);
      }
      expect(bad).toEqual([]);
    });
  }
});

describe("spot checks (what a reader of the Info column sees)", () => {
  const cap = (n: string) => readCapture(path.join(FIXTURE_TUNNELS_DIR, n));
  it("TCP options: TFO cookie request / cookie, MD5, TCP AO, User Timeout, ExID, Quick-Start", () => {
    const c = cap("tcp-options.pcap");
    const infos = [0, 3, 18, 21, 24, 27, 36].map((r) => c.info(r).replace(/^.*Len=0/, ""));
    expect(infos).toEqual([" MSS=1460 TFO=R", " MSS=1460 TFO=C", " MD5", "TCP AO", " USER_TO=1", " ExID=1234", " QSresp=0 bit/s"]);
    expect(c.protocol(12)).toBe("MPTCP");
  });
  it("FTP-DATA names the data connection PASV announced and the transfer command", () => {
    const c = cap("apps-text.pcap");
    expect([c.protocol(33), c.info(33)]).toEqual(["FTP-DATA", "FTP Data: 12 bytes (PASV) (RETR a.txt)"]);
  });
  it("SMTP joins multi-line replies; IMAP shows the last line", () => {
    const c = cap("apps-text.pcap");
    expect(c.info(45)).toBe("S: 250-mx.example.com | PIPELINING | 8BITMIME");
    expect(c.info(109)).toBe("Response: a2 OK [READ-WRITE] Select completed.");
  });
  it("IGMP versions from type and length", () => {
    const c = cap("link-ip-misc.pcap");
    const rows = [9, 10, 12, 14, 15];
    expect(rows.map((r) => c.protocol(r))).toEqual(["IGMPv1", "IGMPv2", "IGMPv2", "IGMPv3", "IGMPv3"]);
  });
});
