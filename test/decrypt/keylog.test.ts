// Key-log parsing (NSS format): used labels, ignored labels with a reason, malformed lines as warnings
// naming their line, and the keylog option (path or text) of readCapture.
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { KeyStore, loadKeyLog } from "../../lib/decrypt/keylog";
import { readCapture } from "../../lib/capture/capture";
import { DATA_DIR } from "../helpers/golden";

const CR = "a".repeat(64);
const MS = "b".repeat(96);
const S32 = "c".repeat(64);

describe("key log", () => {
  it("reads CLIENT_RANDOM and the TLS 1.3 secrets, keyed by client random", () => {
    const k = new KeyStore();
    const n = k.addText(
      [
        "# comment",
        "",
        `CLIENT_RANDOM ${CR} ${MS}`,
        `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${"1".repeat(64)} ${S32}`,
        `SERVER_HANDSHAKE_TRAFFIC_SECRET ${"1".repeat(64)} ${S32}`,
        `CLIENT_TRAFFIC_SECRET_0 ${"1".repeat(64)} ${"d".repeat(96)}`,
        `SERVER_TRAFFIC_SECRET_0 ${"1".repeat(64)} ${S32}\r`,
      ].join("\n"),
    );
    expect(n).toBe(5);
    expect(k.warnings).toEqual([]);
    expect(k.get(Buffer.from(CR, "hex"))?.masterSecret?.length).toBe(48);
    const s = k.get(Buffer.from("1".repeat(64), "hex"))!;
    expect(s.clientTraffic0?.length).toBe(48);
    expect(s.serverHandshake?.length).toBe(32);
  });

  it("ignores other labels with a reason and warns about malformed lines by line number", () => {
    const k = new KeyStore();
    k.addText([`EXPORTER_SECRET ${CR} ${S32}`, `CLIENT_RANDOM ${CR}`, `CLIENT_RANDOM zz${CR.slice(2)} ${MS}`, "garbage here", `RSA 0011223344556677 ${MS}`, `CLIENT_RANDOM ${CR} ${MS.slice(2)}`].join("\n"));
    expect(k.ignored.get("EXPORTER_SECRET")?.count).toBe(1);
    expect(k.ignored.get("RSA")?.reason).toMatch(/pre-master/);
    expect(k.warnings.map((w) => w.line)).toEqual([2, 3, 4, 6]);
    expect(k.warnings[0].message).toMatch(/3 fields/);
    expect(k.warnings[2].message).toMatch(/unknown key-log label "garbage"/);
  });

  it("a byte order mark and CRLF line ends are accepted", () => {
    const k = new KeyStore();
    expect(k.addText(`\ufeffCLIENT_RANDOM ${CR} ${MS}\r\n`)).toBe(1);
    const k2 = new KeyStore();
    expect(k2.addText(`\u00ef\u00bb\u00bfCLIENT_RANDOM ${CR} ${MS}\r\n`)).toBe(1);
    expect(k2.warnings).toEqual([]);
  });

  it("RSA Session-ID lines give a master secret by session id", () => {
    const k = new KeyStore();
    k.addText(`RSA Session-ID:${"ab".repeat(32)} Master-Key:${MS}`);
    expect(k.masterBySession(Buffer.from("ab".repeat(32), "hex"))?.length).toBe(48);
  });

  it("the keylog option takes a path or the text; a missing file is a clear error", () => {
    const k = new KeyStore();
    loadKeyLog(k, `CLIENT_RANDOM ${CR} ${MS}\n`);
    expect(k.loaded).toBe(1);
    expect(() => readCapture(path.join(DATA_DIR, "illustrated-tls12.pcap"), { keylog: "/nonexistent/keys.log" })).toThrow(/cannot read key-log file/);
  });

  it("malformed lines become meta.warnings (code keylog) and decryption still works with the good ones", () => {
    const fs = require("node:fs") as typeof import("node:fs");
    const text = "BROKEN LINE\n" + fs.readFileSync(path.join(DATA_DIR, "illustrated-tls12.keylog"), "latin1");
    const cap = readCapture(path.join(DATA_DIR, "illustrated-tls12.pcap"), { keylog: text });
    const w = cap.meta.warnings.filter((x) => x.code === "keylog");
    expect(w.length).toBe(1);
    expect(w[0].message).toMatch(/line 1/);
    expect(cap.info(12)).toBe("Application Data");
    expect(cap.info(10)).toBe("Change Cipher Spec, Finished");
  });
});
