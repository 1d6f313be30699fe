// Corpus checks: per-frame TLS SNI / cipher suite against tshark, and Protocol-column agreement.
// Skipped when the shared captures or tshark are absent.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCapture } from "../../lib/read/load";
import { haveTshark, tsharkFields } from "../helpers/app-pcap";

const DIR = "/work/shared/captures";
const SURI = path.join(DIR, "suricata-tls-subjectaltname.pcap");
const ok = fs.existsSync(SURI) && haveTshark();

describe.skipIf(!ok)("corpus: suricata-tls-subjectaltname.pcap", () => {
  const cap = ok ? loadCapture(SURI) : null!;

  it("40 ClientHellos with SNI and 39 ServerHellos, per frame as tshark", () => {
    const ts = tsharkFields(SURI, ["frame.number", "tls.handshake.type", "tls.handshake.extensions_server_name", "tls.handshake.ciphersuite"], ["-Y", "tls.handshake.type==1 || tls.handshake.type==2"]);
    let ch = 0;
    let sh = 0;
    for (const [fn, types, sniTs, cs] of ts) {
      const row = Number(fn) - 1;
      const fi = cap.app.tlsFrame(row);
      expect(fi, `frame ${fn}`).toBeDefined();
      const t = types.split(",");
      if (t.includes("1")) {
        ch++;
        expect(fi!.clientHello?.sni ?? "", `SNI frame ${fn}`).toBe(sniTs);
      }
      if (t.includes("2")) {
        sh++;
        // For a ServerHello, tls.handshake.ciphersuite is the chosen suite.
        expect(fi!.serverHello?.cipherSuite, `cipher frame ${fn}`).toBe(Number(cs.split(",").pop()));
      }
    }
    expect(ch).toBe(40);
    expect(sh).toBe(39);
    let ours = 0;
    for (const fi of cap.app.tlsFrames().values()) if (fi.clientHello?.sni) ours++;
    expect(ours).toBe(40);
  });

  it("stream summaries tie ClientHello and ServerHello together", () => {
    const streams = cap.app.tlsStreams().map((s) => cap.app.streamTls(s)!);
    const withSh = streams.filter((s) => s.serverHelloFrame !== null);
    expect(withSh.length).toBe(39);
    for (const s of withSh) {
      expect(s.cipherName).toMatch(/^TLS_|^0x/);
      expect(s.versionName).toBe("TLSv1.2");
    }
  });

  it("Protocol column agrees with tshark -2 on ≥ 97% of rows", () => {
    const ts = tsharkFields(SURI, ["_ws.col.Protocol"]);
    let same = 0;
    ts.forEach(([p], i) => {
      if (cap.table.strings.get(cap.table.proto[i]) === p) same++;
    });
    expect(same / ts.length).toBeGreaterThan(0.97);
  });
});
