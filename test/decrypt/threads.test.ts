// Decryption with the TCP analysis in a worker thread (a capture of more than 8 MB) gives the same
// record table, Protocol/Info and objects as the one-thread read. The capture comes from
// bench/make-tls.js (TLS 1.2 AES-128-GCM, HTTP/1.1, 1 % of the segments out of order).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { exportObjects, tlsRecords, RecordStatus } from "../../lib/decrypt/index";

describe("decryption in worker mode", () => {
  it("same results with threads on and off", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-threads-"));
    const f = path.join(dir, "t.pcap");
    try {
      execFileSync(process.execPath, [path.resolve(__dirname, "../../bench/make-tls.js"), "12000", f], { stdio: "ignore" });
      expect(fs.statSync(f).size).toBeGreaterThan(8 << 20);
      const keylog = f.replace(/\.pcap$/, ".keylog");
      const runs = [true, false].map((threads) => {
        const cap = readCapture(f, { keylog, threads });
        const t = tlsRecords(cap);
        const info: string[] = [];
        for (let r = 0; r < cap.length; r++) info.push(`${cap.protocol(r)}|${cap.info(r)}`);
        return { status: Array.from(t.columns.status), frames: Array.from(t.columns.frame), info, objects: exportObjects(cap).rows.map((o) => `${o.frame} ${o.size}`) };
      });
      expect(runs[0]).toEqual(runs[1]);
      expect(runs[1].status.filter((s) => s === RecordStatus.BAD_MAC).length).toBe(0);
      expect(runs[1].objects.length).toBeGreaterThan(10);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
