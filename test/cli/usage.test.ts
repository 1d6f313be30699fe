/**
 * Bad usage of `pcapframe`: every command validates its options from its declared table; an unknown
 * command or option, a missing or malformed value, an unknown column, a display filter (until the
 * engine lands) exit 2 with one line naming the problem, then the command's usage — never a stack trace
 * or a validator's internals. Runs main() in-process with captured output.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { main, COMMANDS, commandUsage, parseCommandArgs, UsageError, type CommandIO } from "../../lib/cli/index";

const DATA = path.resolve(__dirname, "..", "..", "data");
const CAP = path.join(DATA, "lab-lossy.pcapng");

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CommandIO = {
    out: (s) => void (out += s),
    write: (b) => void (out += Buffer.from(b).toString("utf8")),
    err: (s) => void (err += s),
  };
  const code = await main(argv, io);
  return { code, out, err };
}

/** The first stderr line: `pcapframe CMD: problem`; then the usage. No stack, no zod. */
function expectUsageError(r: { code: number; out: string; err: string }, cmd: string | null, problem: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.out).toBe("");
  const [first, ...rest] = r.err.trimEnd().split("\n");
  expect(first).toMatch(new RegExp(`^pcapframe${cmd ? " " + cmd : ""}: `));
  expect(first).toMatch(problem);
  expect(rest.join("\n")).toMatch(cmd ? new RegExp(`^usage: pcapframe ${cmd}`) : /^pcapframe — /);
  expect(r.err).not.toMatch(/\n\s+at |Invalid input|expected number|ZodError/);
}

describe("usage errors exit 2 with one line naming the problem and the command's usage", () => {
  it("no command: the overall usage on stderr, exit 2; help: on stdout, exit 0", async () => {
    const none = await run();
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/^pcapframe — /);
    const help = await run("help");
    expect(help.code).toBe(0);
    for (const c of COMMANDS) expect(help.out).toContain(`pcapframe ${c.name}`);
    const sub = await run("packets", "--help");
    expect(sub.code).toBe(0);
    expect(sub.out).toBe(commandUsage(COMMANDS.find((c) => c.name === "packets")!) + "\n");
  });

  it("unknown command (with a suggestion)", async () => {
    expectUsageError(await run("frobnicate", CAP), null, /unknown command "frobnicate"/);
    expectUsageError(await run("pakets", CAP), null, /did you mean packets\?/);
    expectUsageError(await run("--csv", CAP), null, /options go after the command/);
  });

  it.each([
    [["packets", CAP, "--bogus"], "packets", /unknown option --bogus/],
    [["packets", CAP, "--colums", "no"], "packets", /unknown option --colums \(did you mean --columns\?\)/],
    [["packets", CAP, "-Z"], "packets", /unknown option -Z/],
    [["packets"], "packets", /missing FILE argument/],
    [["packets", CAP, "--columns"], "packets", /--columns needs a value/],
    [["packets", CAP, "--limit", "ten"], "packets", /--limit expects an integer, got "ten"/],
    [["packets", CAP, "--limit", "-1"], "packets", /--limit must be at least 0/],
    [["packets", CAP, "--csv=yes"], "packets", /--csv takes no value/],
    [["packets", CAP, "--csv", "--columns", "no,why"], "packets", /unknown column "why"/],
    [["packets", CAP, "--columns", "no,infp"], "packets", /unknown column "infp" \(did you mean info\?\)/],
    [["packets", CAP, "--columns", "no,,info"], "packets", /without empty items/],
    [["packets", CAP, "--limit", "3", "--limit", "4"], "packets", /--limit given twice/],
    // an invalid display filter adds the expression with a caret under the problem: test/cli/filter.test.ts
    [["plot", CAP, "--stream", "0", "-o", "x.png", "-Y", "udp"], "plot", /-Y "udp" selects no packet of stream 0/],
    [["plot", CAP, "--stream", "0", "--kind", "rtt", "-o", "x.png", "-Y", "tcp"], "plot", /-Y\/--filter applies to --kind seq, tcptrace, ladder; rtt/],
    [["sql", "/nonexistent-dataset", "SELECT 1"], "sql", /no such dataset/],
    [["flows", CAP, "--columns", "stream,bogus"], "flows", /unknown flow column "bogus"/],
    [["plot", CAP, "--kind", "seq", "-o", "x.png"], "plot", /missing --stream N/],
    [["plot", CAP, "--stream", "1", "--kind", "pie", "-o", "x.png"], "plot", /--kind must be one of seq, tcptrace/],
    [["plot", CAP, "--stream", "x", "-o", "x.png"], "plot", /--stream expects an integer, got "x"/],
    [["plot", CAP, "--stream", "1"], "plot", /missing --out FILE/],
    [["plot", CAP, "--stream", "1", "-o", "x.jpg"], "plot", /--out must end in .png, .svg or .html/],
    [["plot", CAP, "--stream", "999", "-o", "x.png"], "plot", /--stream 999: the capture has TCP streams 0–/],
    [["info", CAP, "--csv"], "info", /unknown option --csv/],
    [["info", path.join(DATA, "no-such-file.pcap")], "info", /no such file/],
    [["columns", "--flow"], "columns", /unknown option --flow \(did you mean --flows\?\)/],
    [["compare", CAP, "--jsn"], "compare", /unknown option --jsn/],
    [["lab", "--loss", "lots"], "lab", /--loss expects a number/],
    [["lab", "--tls", "1.1"], "lab", /--tls must be one of 1.2, 1.3/],
  ] as [string[], string, RegExp][])("%j", async (argv, cmd, problem) => {
    expectUsageError(await run(...argv), cmd, problem);
  });

  it("every command's usage is generated from its table and lists every option", () => {
    for (const c of COMMANDS) {
      const u = commandUsage(c);
      expect(u).toMatch(new RegExp(`^usage: pcapframe ${c.name}`));
      for (const o of c.options) expect(u).toContain(`--${o.name}`);
      expect(u).toContain("--help");
    }
  });

  it("the parser: --name=value, -Xvalue, repeated and list values, -- ends the options", () => {
    const spec = COMMANDS.find((c) => c.name === "packets")!;
    const a = parseCommandArgs(spec, ["F", "--columns=no,info", "-Ytcp", "--limit=5", "--", "--rest"]);
    expect(a.opts).toEqual({ columns: ["no", "info"], filter: "tcp", limit: 5 });
    expect(a.positional).toEqual(["F"]);
    expect(a.rest).toEqual(["--rest"]);
    expect(() => parseCommandArgs(spec, ["F", "--nope"])).toThrowError(UsageError);
  });
});

describe("capture errors exit 1 with the CaptureError's message", () => {
  it("not a capture, lax and strict", async () => {
    for (const strict of [[], ["--strict"]]) {
      const r = await run("packets", path.join(DATA, "not-a-capture.txt"), ...strict);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^pcapframe packets: not a pcap, pcapng or gzip file \(magic bytes 54 68 69 73\) \(at byte offset 0, after 0 packets\) \[bad_magic\]\n$/);
    }
  });

  it("an empty directory", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "pf-cli-dir-"));
    const r = await run("info", empty);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no files in directory.*\[io_error\]\n$/);
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it("a damaged capture: the packets before the fault, the warning on stderr (exit 0)", async () => {
    const r = await run("packets", path.join(DATA, "bad-truncated.pcap"));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^pcapframe: warning: .*byte offset \d+.*\[truncated_record\]\n$/);
    expect(r.out.trim().split("\n").length).toBeGreaterThan(0);
  });
});

describe("output", () => {
  it("packets: tshark's one-line summary layout", async () => {
    const r = await run("packets", CAP, "--limit", "5");
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe("    1 0.000000000 4a:e7:85:dc:15:7a \u2192 ff:ff:ff:ff:ff:ff ARP 42 Who has 10.77.0.1? Tell 10.77.0.2");
    expect(lines[2]).toMatch(/^    3 0\.000066226    10\.77\.0\.2 \u2192 10\.77\.0\.1    TCP 74 50026 \u2192 443 \[SYN\] Seq=0 /);
    const us = await run("packets", path.join(DATA, "vlan-qinq.pcap"), "--limit", "2");
    expect(us.out.split("\n")[1]).toMatch(/^    2   0\.001000 192\.168\.10\.1 \u2192 192\.168\.10\.2 TCP 74 51000 \u2192 443 \[SYN\]/);
  });

  it("packets --columns without --csv: tab-separated text with a header", async () => {
    const r = await run("packets", CAP, "--columns", "no,src,protocol,seq", "--limit", "3");
    expect(r.out).toBe("no\tsrc\tprotocol\tseq\n1\t4a:e7:85:dc:15:7a\tARP\t\n2\t52:c1:b3:5c:15:96\tARP\t\n3\t10.77.0.2\tTCP\t0\n");
  });

  it("packets --csv --columns and --limit", async () => {
    const r = await run("packets", CAP, "--csv", "--columns", "no,info", "--limit", "1");
    expect(r.out).toBe('no,info\n1,Who has 10.77.0.1? Tell 10.77.0.2\n');
  });

  it("flows (text): a header, RTT and retransmission columns, IPv6 endpoints in brackets", async () => {
    const r = await run("flows", path.join(DATA, "four_ipv6_http_streams.pcap"));
    expect(r.code).toBe(0);
    const [head, first] = r.out.split("\n");
    for (const h of ["stream", "proto", "A", "B", "pkts a/b", "state", "irtt ms", "rtt avg ms a/b", "retrans a/b", "ws retrans a/b"]) expect(head).toContain(h);
    expect(first).toMatch(/\[2001:618:400::5199:cc70\]:35995 +\[2001:618:1:8000::5\]:80/);
    expect(r.out).not.toContain(":::");
    const lossy = await run("flows", CAP);
    expect(lossy.out).toMatch(/\n +\d+ +tcp +10\.77\.0\.2:\d+ +10\.77\.0\.1:443 /);
  });

  it("flows --columns (text and CSV)", async () => {
    const t = await run("flows", CAP, "--columns", "stream,state,rtt_avg_a2b");
    expect(t.out.split("\n")[0]).toMatch(/^stream +state +rtt_avg_a2b$/);
    const c = await run("flows", CAP, "--csv", "--columns", "stream,state");
    expect(c.out.split("\n")[0]).toBe("stream,state");
  });
});

describe("compare", () => {
  it("formatCompare: the disagreements first, then one line per field with its agreement (never rounded up to 100%)", async () => {
    const { formatCompare } = await import("../../lib/cli/compare");
    const text = formatCompare({
      source: "x.pcap",
      frames: 10,
      rows: 10,
      tcpRows: 10,
      fields: { "tcp.seq": { compared: 100000, agree: 99999, ratio: 0.99999 }, "tcp.ack": { compared: 10, agree: 10, ratio: 1 } },
      flags: { retransmission: { tp: 3, fn: 1, fp: 0, precision: 1, recall: 0.75 }, lost_segment: { tp: 0, fn: 0, fp: 0, precision: 1, recall: 1 } },
      flagSet: { compared: 10, agree: 9, ratio: 0.9 },
      diffs: [{ frame: 4, field: "tcp.seq", ours: "1", tshark: "2" }],
    });
    const lines = text.split("\n");
    expect(lines[1]).toMatch(/^first disagreements/);
    expect(lines[2]).toBe('  frame 4 tcp.seq: here "1", tshark "2"');
    expect(lines.slice(3)).toEqual([
      expect.stringMatching(/^tcp\.seq +99\.99%  99999\/100000 agree$/),
      expect.stringMatching(/^tcp\.ack +100\.00%  10\/10 agree$/),
      expect.stringMatching(/^tcp\.analysis\.flags \(whole set\) +90\.00%  9\/10 agree$/),
      expect.stringMatching(/^tcp\.analysis\.retransmission +75\.00%  3 both, 1 only tshark, 0 only here$/),
    ]);
  });
});

describe("flows pays only for what its columns need", () => {
  it("without application columns the flow CSV is the same with and without the application layers", async () => {
    const { readCapture } = await import("../../lib/capture/capture");
    const { buildFlows } = await import("../../lib/flows/build");
    const { flowColumns } = await import("../../lib/flows/schema");
    const fs = await import("node:fs");
    const cols = flowColumns().filter((c) => c.mirrors !== "dissector" && c.name !== "app").map((c) => c.name);
    for (const f of fs.readdirSync(DATA).filter((x) => /\.(pcap|pcapng)$/.test(x) && !x.startsWith("bad-"))) {
      const p = path.join(DATA, f);
      const full = buildFlows(readCapture(p, { threads: false })).toCSV({ columns: cols });
      const lean = buildFlows(readCapture(p, { threads: false, appLayers: false })).toCSV({ columns: cols });
      expect(lean, f).toBe(full);
    }
    const r = await run("flows", CAP, "--csv", "--columns", cols.join(","));
    expect(r.out).toBe(buildFlows(readCapture(CAP)).toCSV({ columns: cols }));
  }, 120_000);
});
