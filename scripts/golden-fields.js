#!/usr/bin/env node
// The tshark fields of the per-packet goldens (test/golden/packets/*.tsv.gz), one per line: frame.number,
// every Wireshark field the packet schema mirrors (lib/table/schema.ts), every tcp.analysis flag we compute,
// and the oracle-only fields the parity tests read that are no column yet. Needs the build (dist/).
"use strict";
const path = require("node:path");
const dist = path.resolve(__dirname, "..", "dist");
const { PACKET_SCHEMA } = require(path.join(dist, "table", "schema.js"));
const { TA_NAMES } = require(path.join(dist, "tcp", "flags.js"));

/** Read by the parity tests (test/tcp, test/app, test/capture), not (yet) packet columns. */
const ORACLE_ONLY = [
  "frame.encap_type", "frame.protocols", "ieee8021ad.id", "tcp.hdr_len",
  "tcp.analysis.rto", "tcp.analysis.rto_frame", "tcp.options.wscale.multiplier",
  "dns.qry.name", "dns.qry.type", "dns.flags.rcode",
  "tls.record.content_type", "tls.handshake.type", "tls.handshake.extensions_server_name", "tls.handshake.ciphersuite",
  "tls.handshake.version", "tls.record.version", "tls.handshake.extensions.supported_version", "tls.handshake.extensions_alpn_str",
  "http.request.method", "http.request.uri", "http.host", "http.response.code",
  "_ws.malformed", "_ws.expert.message",
];

const fields = ["frame.number"];
const add = (f) => {
  if (!fields.includes(f)) fields.push(f);
};
for (const c of PACKET_SCHEMA) for (const f of c.wireshark) add(f);
for (const [, name] of TA_NAMES) add(`tcp.analysis.${name}`);
for (const f of ORACLE_ONLY) add(f);
process.stdout.write(fields.join("\n") + "\n");
