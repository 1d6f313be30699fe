// `pcapframe packets FILE -Y EXPR` (alias --filter): exactly the frames tshark selects (the display-filter
// goldens, test/golden/filters/results/data/), an invalid filter or unknown option exits 2 with the message.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "pcapframe.js");
const built = fs.existsSync(path.join(ROOT, "dist", "cli", "index.js"));
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28 });

function goldenFrames(capture: string, filter: string): number[] {
  const file = path.join(ROOT, "test", "golden", "filters", "results", "data", `${capture}.tsv.gz`);
  const line = zlib.gunzipSync(fs.readFileSync(file)).toString("utf8").split("\n").find((l) => l.startsWith(filter + "\t"))!;
  const out: number[] = [];
  for (const part of line.split("\t")[1].split(",").filter(Boolean)) {
    const [a, b] = part.split("-").map(Number);
    for (let f = a; f <= (b ?? a); f++) out.push(f);
  }
  return out;
}

describe.skipIf(!built)("pcapframe packets -Y", () => {
  it.each([
    ["lab-lossy.pcapng", "tcp.analysis.retransmission"],
    ["lab-lossy.pcapng", "tcp.port != 443"],
    ["suricata-tls-subjectaltname.pcap", "dns.qry.name contains \"google\""],
    ["suricata-tls-subjectaltname.pcap", "http.request && ip.dst == 192.168.100.206"],
  ])("%s -Y %s --csv --columns no", (capture, filter) => {
    const r = cli(["packets", path.join("data", capture), "-Y", filter, "--csv", "--columns", "no"]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n").slice(1).map(Number)).toEqual(goldenFrames(capture, filter));
    const alias = cli(["packets", path.join("data", capture), `--filter=${filter}`, "--csv", "--columns", "no"]);
    expect(alias.stdout).toBe(r.stdout);
  });
  it("an invalid filter exits 2 with the message and the caret", () => {
    const r = cli(["packets", "data/lab-clean.pcapng", "-Y", "tcp.prot == 80"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('"tcp.prot" is neither a field nor a protocol name. Did you mean tcp.port?');
    expect(r.stderr).toContain("^~~~~~~~");
  });
  it("an invalid filter on flows too: exit 2, the problem on the first line, then the caret and the usage", () => {
    const r = cli(["flows", "data/lab-clean.pcapng", "-Y", "tcp.port in {80 443}"]);
    expect(r.status).toBe(2);
    const lines = r.stderr.split("\n");
    expect(lines[0]).toMatch(/^pcapframe flows: invalid display filter: /);
    expect(r.stderr).toMatch(/\n {2}tcp\.port in \{80 443\}\n {2} *\^/);
    expect(r.stderr).toContain("usage: pcapframe flows");
  });
  it("plot -Y: an invalid filter exits 2 with the caret", () => {
    const r = cli(["plot", "data/lab-clean.pcapng", "--stream", "0", "-o", "x.png", "-Y", "tcp.bogus"]);
    expect(r.status).toBe(2);
    expect(r.stderr.split("\n")[0]).toMatch(/^pcapframe plot: invalid display filter: "tcp\.bogus" is neither a field nor a protocol name/);
    expect(r.stderr).toContain("^~~~~~~~~");
  });
  it("an unknown option is an error, not ignored", () => {
    const r = cli(["packets", "data/lab-clean.pcapng", "--fliter", "tcp"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option --fliter");
  });
});

describe.skipIf(!built)("pcapframe flows -Y", () => {
  it("keeps the flows that have a matching packet", () => {
    const all = cli(["flows", "data/lab-lossy.pcapng", "--csv", "--columns", "stream,proto"]);
    const some = cli(["flows", "data/lab-lossy.pcapng", "--csv", "--columns", "stream,proto", "-Y", "tcp.stream == 1 || arp"]);
    expect(all.status).toBe(0);
    expect(some.status).toBe(0);
    const lines = some.stdout.trim().split("\n");
    expect(lines[0]).toBe("stream,proto");
    expect(lines.slice(1)).toEqual(["1,tcp"]);
    expect(all.stdout.trim().split("\n").length).toBeGreaterThan(lines.length);
  });
});
