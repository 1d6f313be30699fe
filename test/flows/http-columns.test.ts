// Flow table http_requests / http_responses / http_hosts: per connection, the HTTP messages tshark finds
// (goldens of scripts/golden-tls.sh: HTTP/1.x messages and HTTP/2 HEADERS frames, with the key log), on
// decrypted TLS and on cleartext HTTP; null on connections without HTTP.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../lib/capture/capture";
import { buildFlows } from "../../lib/flows/index";
import { DATA_DIR, GOLDEN_DIR } from "../helpers/golden";
import { pcap } from "../helpers/pcap-writer";

const TLS = path.join(GOLDEN_DIR, "tls");
const rows = (f: string) => fs.readFileSync(path.join(TLS, f), "utf8").split("\n").filter((l) => l !== "").map((l) => l.split("\t"));

describe("flow table: HTTP requests, responses and hosts per connection", () => {
  for (const name of ["lab-clean.pcapng", "lab-lossy.pcapng", "http2_trial.pcapng", "curl_http1_tls12.pcapng"]) {
    it(`${name} with its key log: tshark's counts per TCP stream`, () => {
      const cap = readCapture(path.join(DATA_DIR, name), { keylog: path.join(DATA_DIR, name.replace(/\.pcapng$/, ".keylog")) });
      const want = new Map<number, { req: number; resp: number; hosts: string[] }>();
      const at = (frame: number) => {
        const s = cap.packets.tcpStream[frame - 1];
        if (!want.has(s)) want.set(s, { req: 0, resp: 0, hosts: [] });
        return want.get(s)!;
      };
      for (const [f, method, , status, host] of rows(`${name}.http.tsv`)) {
        const w = at(Number(f));
        if (method) w.req++;
        if (status) w.resp++;
        if (host && !w.hosts.includes(host)) w.hosts.push(host);
      }
      for (const [f, , method, , status] of rows(`${name}.http2.tsv`)) {
        const w = at(Number(f));
        if (method) w.req++;
        if (status) w.resp++;
      }
      expect(want.size).toBeGreaterThan(0);
      const flows = buildFlows(cap);
      const got = new Map<number, { req: number; resp: number; hosts: string[] }>();
      for (const r of flows.toRecords()) {
        if (r.proto !== "tcp") continue;
        if (r.http_requests === null) {
          expect(r.http_responses).toBeNull();
          expect(r.http_hosts).toBeNull();
          continue;
        }
        got.set(r.stream as number, { req: r.http_requests as number, resp: r.http_responses as number, hosts: r.http_hosts === null ? [] : String(r.http_hosts).split(",") });
      }
      // HTTP/2 :authority is not in the HTTP/1.x golden: compare hosts only where tshark named some
      for (const [s, w] of want) if (w.hosts.length === 0) w.hosts = got.get(s)?.hosts ?? [];
      expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
    });
  }

  it("cleartext HTTP: two hosts on one connection, and null on a connection without HTTP", () => {
    const c = "10.0.0.1", s = "10.0.0.2";
    const req = (host: string, uri: string) => new TextEncoder().encode(`GET ${uri} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    const resp = new TextEncoder().encode("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
    const r1 = req("a.example", "/1");
    const r2 = req("b.example", "/2");
    const specs = [
      { src: c, dst: s, sport: 40000, dport: 80, flags: "S", seq: 0 },
      { src: s, dst: c, sport: 80, dport: 40000, flags: "SA", seq: 0, ack: 1 },
      { src: c, dst: s, sport: 40000, dport: 80, flags: "A", seq: 1, ack: 1 },
      { src: c, dst: s, sport: 40000, dport: 80, flags: "PA", seq: 1, ack: 1, payload: r1 },
      { src: s, dst: c, sport: 80, dport: 40000, flags: "PA", seq: 1, ack: 1 + r1.length, payload: resp },
      { src: c, dst: s, sport: 40000, dport: 80, flags: "PA", seq: 1 + r1.length, ack: 1 + resp.length, payload: r2 },
      { src: c, dst: s, sport: 40001, dport: 9999, flags: "S", seq: 0 },
    ];
    const bytes = pcap(specs.map((p, i) => ({ ...p, t: 1000 + i / 100 })));
    const flows = buildFlows(readCapture(bytes)).toRecords();
    const http = flows.find((r) => r.port_b === 80)!;
    expect([http.http_requests, http.http_responses, http.http_hosts]).toEqual([2, 1, "a.example,b.example"]);
    const other = flows.find((r) => r.port_b === 9999)!;
    expect([other.http_requests, other.http_responses, other.http_hosts]).toEqual([null, null, null]);
  });
});
