// TLS decryption against tshark 4.0.17 with the key log and out-of-order reassembly (goldens written by
// scripts/golden-tls.sh): Protocol and Info on ≥ 99% of rows, every HTTP/1.x and HTTP/2 message found,
// and the exported HTTP objects byte-identical to `--export-objects http`. Captures of
// ../shared/captures-wave2 are skipped when that directory is absent.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { exportObjects, http2Messages, tlsRecords, RecordStatus } from "../../lib/decrypt/index";
import { DATA_DIR, GOLDEN_DIR, sharedCapturesDir } from "../helpers/golden";

const TLS_GOLDEN = path.join(GOLDEN_DIR, "tls");
const shared = sharedCapturesDir();
const WAVE2 = shared ? path.join(path.dirname(shared), "captures-wave2") : null;

interface Row {
  name: string;
  source: string;
  keys: string;
}

function index(): Row[] {
  const p = path.join(TLS_GOLDEN, "captures.tsv");
  if (!fs.existsSync(p)) return [];
  const [, ...lines] = fs.readFileSync(p, "utf8").trimEnd().split("\n");
  return lines.map((l) => {
    const [name, source, keys] = l.split("\t");
    return { name, source, keys };
  });
}

function lines(file: string): string[][] {
  const t = fs.readFileSync(path.join(TLS_GOLDEN, file), "utf8");
  return t.split("\n").filter((l) => l !== "").map((l) => l.split("\t"));
}

for (const c of index()) {
  const dir = c.source === "data" ? DATA_DIR : WAVE2;
  const file = dir ? path.join(dir, c.name) : null;
  const present = file !== null && fs.existsSync(file);
  describe.skipIf(!present)(`TLS decryption vs tshark: ${c.name}`, () => {
    const keylog = c.keys === "dsb" ? undefined : path.join(dir!, c.keys);
    const cap = present ? readCapture(file!, keylog ? { keylog } : {}) : null!;

    it("Protocol and Info agree with tshark on ≥ 99% of rows", () => {
      const golden = zlib.gunzipSync(fs.readFileSync(path.join(TLS_GOLDEN, `${c.name}.packets.tsv.gz`))).toString("utf8").split("\n");
      expect(cap.length).toBe(golden.filter((l) => l !== "").length);
      let same = 0;
      const bad: string[] = [];
      for (let r = 0; r < cap.length; r++) {
        const [, proto, info] = golden[r].split("\t");
        if (cap.protocol(r) === proto && cap.info(r) === info) same++;
        else if (bad.length < 5) bad.push(`${r + 1}: tshark ${proto} | ${info}\n   ours ${cap.protocol(r)} | ${cap.info(r)}`);
      }
      expect(same / cap.length, bad.join("\n")).toBeGreaterThanOrEqual(0.99);
    });

    it("every HTTP/1.x message tshark decrypts is found (frame, method, URI, status)", () => {
      const want = lines(`${c.name}.http.tsv`).map(([f, m, u, s]) => `${f} ${m} ${u} ${s}`).sort();
      const got: string[] = [];
      for (const m of cap.app.httpMessages().values()) got.push(`${m.row + 1} ${m.method ?? ""} ${m.uri ?? ""} ${m.status ?? ""}`);
      expect(got.sort()).toEqual(want);
    });

    it("every HTTP/2 request and response tshark decodes is found", () => {
      const want: string[] = [];
      for (const [f, sids, method, p, status] of lines(`${c.name}.http2.tsv`)) {
        const sid = sids.split(",")[0];
        if (method) want.push(`${f} ${sid} ${method} ${p}`);
        if (status) want.push(`${f} ${sid} ${status}`);
      }
      const got: string[] = [];
      for (const { message: m } of http2Messages(cap)) {
        if (m.method !== null) got.push(`${m.requestRow + 1} ${m.streamId} ${m.method} ${m.path}`);
        if (m.status !== null) got.push(`${m.responseRow + 1} ${m.streamId} ${m.status}`);
      }
      expect(got.sort()).toEqual(want.sort());
    });

    it("http.* and http2.* display filters select tshark's frames on the decrypted traffic", () => {
      const frames = (expr: string) => [...cap.filter(expr).rows].map((r) => r + 1);
      const uniq = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
      const http = lines(`${c.name}.http.tsv`).map(([f, m, u, s, h]) => ({ f: Number(f), m, u, s, h }));
      expect(frames("http.request")).toEqual(uniq(http.filter((x) => x.m).map((x) => x.f)));
      expect(frames("http.response")).toEqual(uniq(http.filter((x) => x.s).map((x) => x.f)));
      expect(frames("http.response.code")).toEqual(uniq(http.filter((x) => x.s).map((x) => x.f)));
      expect(frames("http.host")).toEqual(uniq(http.filter((x) => x.h).map((x) => x.f)));
      for (const x of http) {
        if (x.m) expect(frames(`frame.number == ${x.f} && http.request.method == ${JSON.stringify(x.m)} && http.request.uri == ${JSON.stringify(x.u)}`)).toEqual([x.f]);
        if (x.s) expect(frames(`frame.number == ${x.f} && http.response.code == ${x.s}`)).toEqual([x.f]);
      }
      const h2 = lines(`${c.name}.http2.tsv`).map(([f, sids, m, p, s]) => ({ f: Number(f), sid: sids.split(",")[0], m, p, s }));
      expect(frames("http2.type == 1")).toEqual(uniq(h2.map((x) => x.f)));
      expect(frames("http2.headers.method")).toEqual(uniq(h2.filter((x) => x.m).map((x) => x.f)));
      expect(frames("http2.headers.status")).toEqual(uniq(h2.filter((x) => x.s).map((x) => x.f)));
      for (const x of h2) {
        if (x.m) expect(frames(`frame.number == ${x.f} && http2.streamid == ${x.sid} && http2.headers.method == ${JSON.stringify(x.m)} && http2.headers.path == ${JSON.stringify(x.p)}`)).toEqual([x.f]);
        if (x.s) expect(frames(`frame.number == ${x.f} && http2.headers.status == ${x.s}`)).toEqual([x.f]);
      }
    });

    it("exported HTTP objects have tshark's names, sizes and bytes", () => {
      const want = lines(`${c.name}.objects.tsv`).map((l) => l.join(" "));
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pcapframe-eo-"));
      try {
        const written = exportObjects(cap).save(tmp, { protocols: ["http"] });
        const got = written.map((p) => {
          const b = fs.readFileSync(p);
          return `${path.basename(p)} ${b.length} ${crypto.createHash("sha256").update(b).digest("hex")}`;
        });
        expect(got.sort()).toEqual(want.sort());
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });

    it("no record failed authentication", () => {
      const t = tlsRecords(cap);
      let bad = 0;
      for (let i = 0; i < t.length; i++) if (t.columns.status[i] === RecordStatus.BAD_MAC) bad++;
      expect(bad).toBe(0);
      expect(cap.meta.warnings.filter((w) => w.code === "keylog")).toEqual([]);
    });
  });
}
