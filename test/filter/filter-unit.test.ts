// Display filters: semantics on a capture built from byte literals (expected frames checked with
// tshark 4.0.17 -2 -n -Y), error messages, bytes read back from files (plain, gzip) and their absence
// for captures read from memory, and the registry against the packet schema and tshark's field list.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { afterAll, describe, expect, test } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { compileFilter, fieldNames, findField, FilterError, parseFilter, schemaColumnOf, type FilterSource } from "../../lib/filter/index";
import { WS_FIELDS, WS_PROTOCOLS } from "../../lib/filter/wireshark-fields";
import { PACKET_SCHEMA } from "../../lib/table/schema";
import { miniCapture } from "./mini-capture";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcapframe-filter-"));
const file = path.join(dir, "mini.pcap");
fs.writeFileSync(file, miniCapture());
const cap = readCapture(file);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const frames = (expr: string, c = cap) => Array.from(compileFilter(expr).frames(c));

const CASES: [string, number[]][] = [
  ["ip.addr == 10.0.0.9", [5]],
  ["ip.src == 10.0.0.1", [1,3,4,5,7]],
  ["ip.dst == 10.0.0.1", [2,5]],
  ["count(ip.addr) == 4", [5]],
  ["count(ip.src) == 2", [5]],
  ["udp.port == 53", [5,7]],
  ["udp.srcport == 5353", [5,7]],
  ["udp", [5,7,8]],
  ["icmp", [5]],
  ["icmp.type == 3 && icmp.code == 3", [5]],
  ["ip.addr != 10.0.0.1", []],
  ["ip.addr !== 10.0.0.1", [1,2,3,4,5,7]],
  ["ip.ttl == 62", [5]],
  ["ip.ttl == 255", [5]],
  ["tcp.flags.syn == 1", [1,2]],
  ["tcp.options.wscale.shift == 7", [1,2]],
  ["tcp.options.sack_perm", [1,2]],
  ["tcp.option_kind == 8", [1]],
  ["tcp.window_size == 64256", [3,4]],
  ["tcp.window_size == 502", []],
  ["tcp.seq == 1", [3,4]],
  ["tcp.ack == 1", [2,3,4]],
  ["tcp.nxtseq == 66", [4]],
  ["tcp.len == 65", [4]],
  ['http.request.method == "GET"', [4]],
  ['http.host == "example.com"', [4]],
  ['http.user_agent contains "mini"', [4]],
  ['http.request.uri matches "index"', [4]],
  ['frame contains "example"', [4,7]],
  ['tcp contains "Host"', [4]],
  ['tcp.payload[0:3] == "GET"', [4]],
  ["len(tcp.payload) == 65", [4]],
  ["arp.opcode == 1", [6]],
  ["arp.src.proto_ipv4 == 10.0.0.1", [6]],
  ["arp.dst.proto_ipv4 == 10.0.0.2", [6]],
  ["eth.dst == ff:ff:ff:ff:ff:ff", [6]],
  ["eth[0] & 1", [6,8]],
  ["eth.dst.ig == 1", [6,8]],
  ["eth.addr == 02:00:00:00:00:01", [1,2,3,4,5,6,7,8]],
  ['dns.qry.name == "example.com"', [7]],
  ["dns.qry.type == 1", [7]],
  ["dns.flags.response == 0", [7]], // tshark: 5,7 (it dissects the DNS query quoted in the ICMP error; pcapframe does not)
  ["dns.id == 0x1234", [7]],
  ["ipv6.src == fe80::1", [8]],
  ["ipv6.dst == ff02::/16", [8]],
  ["ipv6.addr == fe80::/10", [8]],
  ["udp.length == 12", [8]],
  ["udp.payload == 61:62:63:64", [8]],
  ['udp.payload contains "bc"', [8]],
  ["frame.time_relative >= 3", [4,5,6,7,8]],
  ["frame.time_delta > 1.0005", [2,3,4,5,6,7,8]],
  ["frame.number in {2..4, 7}", [2,3,4,7]],
  ["tcp.stream == 0", [1,2,3,4]],
  ["udp.stream == 1", [7]],
  ["ip.flags.df == 1", [1,2,3,4,5,7]],
  ["ip.id == 1", [1,2,3,4,5,7]],
  ['string(ip.dst) == "10.0.0.53"', [7]],
  ['upper(http.host) == "EXAMPLE.COM"', [4]],
  ["tcp.srcport > tcp.dstport", [1,3,4]],
  ["any tcp.port == 80", [1,2,3,4]],
  ["all tcp.port == 80", []],
  ["tcp.port === 80", []],
  ["ip.src[3] == 01", [1,3,4,5,7]],
  ["ip.dst[-1:1] == 35", [7]],
  ["frame[12:2] == 86:dd", [8]],
];

describe("semantics (tshark 4.0.17 on the same bytes)", () => {
  test.each(CASES)("%s", (expr, want) => {
    expect(frames(expr)).toEqual(want);
  });
  test("the three 'not port' filters differ as in Wireshark", () => {
    expect(frames("tcp.port != 80")).toEqual([]);
    expect(frames("!(tcp.port == 80)")).toEqual([5, 6, 7, 8]);
    expect(frames("tcp.port !== 80")).toEqual([1, 2, 3, 4]);
    expect(frames("tcp.port === 80")).toEqual([]);
  });
  test("rows and frames", () => {
    const f = compileFilter("tcp");
    expect(Array.from(f.rows(cap))).toEqual([0, 1, 2, 3]);
    expect(Array.from(f.mask(cap))).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
  });
});

describe("errors a user can act on", () => {
  const err = (expr: string): FilterError => {
    try {
      compileFilter(expr);
    } catch (e) {
      expect(e).toBeInstanceOf(FilterError);
      return e as FilterError;
    }
    throw new Error(`accepted: ${expr}`);
  };
  test("syntax error: position and caret", () => {
    const e = err("tcp.port in {80 443}");
    expect(e.pos).toBe(16);
    expect(e.message).toContain("tcp.port in {80 443}\n                  ^~~");
  });
  test("unknown field names the nearest known ones", () => {
    expect(err("tcp.prot == 80").message).toMatch(/"tcp.prot" is neither a field nor a protocol name. Did you mean tcp.port/);
    expect(err("tcp.analysis.retransmision").message).toContain("tcp.analysis.retransmission");
  });
  test("a Wireshark field or protocol pcapframe does not compute is an error that says so", () => {
    expect(err("tcp.completeness == 31").message).toMatch(/Wireshark field that pcapframe does not compute/);
    expect(err("smb2").message).toMatch(/Wireshark protocol that pcapframe does not dissect/);
    expect(err("smb2.cmd == 5").message).toMatch(/does not dissect the smb2 protocol/);
  });
  test("type errors name the field and the literal", () => {
    expect(err('tcp.port == "80"').message).toMatch(/tcp.port is an unsigned integer, not a string \("80"\)/);
    expect(err("ip.src == 00:11:22:33:44:55").message).toMatch(/not a valid IPv4 address/);
    expect(err("tcp.analysis.flags == 1").message).toMatch(/cannot participate/);
    expect(err('tcp.port contains "8"').message).toMatch(/"contains" applies to strings and bytes/);
  });
  test("regular expressions JavaScript lacks are refused, not misread", () => {
    expect(err('http.host matches "(?>abc)"').message).toMatch(/atomic groups/);
    expect(err('http.host matches "a++"').message).toMatch(/possessive/);
    expect(err('http.host matches "[[:alpha:]]"').message).toMatch(/POSIX classes/);
    expect(frames(String.raw`http.host matches "(?i)EXAMPLE\\.COM$"`)).toEqual([4]);
  });
  test("4.0 grammar: xor, @, $, vals() rejected; set elements need commas", () => {
    for (const e of ["tcp xor udp", "@tcp.port == 1", "tcp.port == $tcp.port", "vals(tcp.port) == 1", "tcp.port in {1 2}"]) err(e);
    expect(() => parseFilter("tcp.port in {1, 2..3}")).not.toThrow();
  });
});

describe("packet bytes", () => {
  test("from a gzip-compressed capture", () => {
    const gz = path.join(dir, "mini.pcap.gz");
    fs.writeFileSync(gz, zlib.gzipSync(miniCapture()));
    const c = readCapture(gz);
    expect(frames('frame contains "example"', c)).toEqual([4, 7]);
    expect(frames("eth.dst[0] & 1", c)).toEqual([6, 8]);
  });
  test("a source read from memory without its bytes: a filter on bytes says why it cannot run; others run", () => {
    const c = readCapture(miniCapture());
    // readCapture(bytes) keeps the bytes …
    expect(frames('frame contains "example"', c)).toEqual([4, 7]);
    // … a source that does not have them says so
    const noBytes: FilterSource = { packets: c.packets, tcp: c.tcp, app: c.app, meta: c.meta, relativeTime: (r) => c.relativeTime(r), protocol: (r) => c.protocol(r) };
    expect(Array.from(compileFilter("tcp.port == 80").frames(noBytes))).toEqual([1, 2, 3, 4]);
    expect(() => compileFilter('frame contains "example"').frames(noBytes)).toThrow(/read from memory/);
  });
});

describe("field registry", () => {
  test("every field has tshark's ftype", () => {
    for (const name of fieldNames()) {
      const f = findField(name)!;
      if (WS_FIELDS[name] !== undefined && f.ftype !== "NONE") expect([name, f.ftype]).toEqual([name, WS_FIELDS[name]]);
      else expect(WS_FIELDS[name] !== undefined || WS_PROTOCOLS.includes(name), name).toBe(true);
    }
  });
  test("every Wireshark field of the packet schema is a filter field", () => {
    for (const col of PACKET_SCHEMA) {
      for (const w of col.wireshark as readonly string[]) {
        if (w.startsWith("_ws.")) continue;
        expect(findField(w), w).toBeDefined();
        expect(schemaColumnOf(w)).toBe(col.name);
      }
    }
  });
});
