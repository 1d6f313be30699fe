// `pcapframe objects FILE --keylog K --out DIR` writes what `tshark … --export-objects http,DIR` writes
// (names, sizes, bytes: test/golden/tls/*.objects.tsv), and `--keylog` reaches the packet list.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../lib/cli/index";
import { DATA_DIR, GOLDEN_DIR } from "../helpers/golden";

async function run(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => {
    stdout += typeof s === "string" ? s : Buffer.from(s).toString();
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    return { code: await main(argv), stdout };
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
}

describe("CLI: objects and --keylog", () => {
  it("objects writes tshark's files (lab-lossy: page, picture, tone, clip, favicon)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcapframe-objects-"));
    try {
      const r = await run(["objects", path.join(DATA_DIR, "lab-lossy.pcapng"), "--keylog", path.join(DATA_DIR, "lab-lossy.keylog"), "--out", dir]);
      expect(r.code).toBe(0);
      expect(r.stdout.split("\n")[0]).toBe("frame\thostname\tcontent_type\tsize\tfile");
      const got = fs.readdirSync(dir).map((f) => {
        const b = fs.readFileSync(path.join(dir, f));
        return `${f}\t${b.length}\t${crypto.createHash("sha256").update(b).digest("hex")}`;
      });
      const want = fs.readFileSync(path.join(GOLDEN_DIR, "tls", "lab-lossy.pcapng.objects.tsv"), "utf8").trim().split("\n");
      expect(got.sort()).toEqual(want.sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("packets --keylog shows the decrypted HTTP/2 exchange", async () => {
    const r = await run(["packets", path.join(DATA_DIR, "http2_trial.pcapng"), "--keylog", path.join(DATA_DIR, "http2_trial.keylog")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/HTTP2 .*HEADERS\[1\]: GET \//);
    expect(r.stdout).toMatch(/HTTP2\/JSON .*HEADERS\[5\]: 200 OK, DATA\[5\], JavaScript Object Notation \(application\/json\)/);
  });
});
