/** SIP (over UDP and TCP) and SNMP (v1/v2c) Info text as tshark 4.0 writes it. */

/** SIP: "Request: METHOD URI | " / "Status: CODE REASON (METHOD) | ". null when the bytes are not SIP. */
export function sipInfo(b: Uint8Array): string | null {
  let end = 0;
  while (end < b.length && b[end] !== 13 && b[end] !== 10) end++;
  if (end < 8) return null;
  let first = "";
  for (let i = 0; i < end; i++) first += String.fromCharCode(b[i]);
  const headers = headerBlock(b, end);
  const status = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(first);
  if (status) {
    const code = Number(status[1]);
    const cseq = /^(?:cseq)\s*:\s*\d+\s+(\S+)/im.exec(headers);
    const method = code >= 200 && cseq ? ` (${cseq[1]})` : "";
    return `Status: ${status[1]} ${status[2]}${method} | `;
  }
  const req = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(first);
  if (!req) return null;
  let info = `Request: ${req[1]} ${req[2]}`;
  if (req[1] === "REGISTER") {
    const contacts = headers.split("\n").filter((l) => /^(contact|m)\s*:/i.test(l));
    if (contacts.length === 0) info += "  (fetch bindings)";
    else if (contacts.some((l) => /:\s*\*\s*$/.test(l))) info += "  (remove all bindings)";
    else info += `  (${contacts.length} binding${contacts.length > 1 ? "s" : ""})`;
  }
  return `${info} | `;
}

function headerBlock(b: Uint8Array, from: number): string {
  let s = "";
  const stop = Math.min(b.length, from + 4096);
  for (let i = from; i < stop; i++) {
    const c = b[i];
    if (c === 13) continue;
    s += String.fromCharCode(c);
    if (s.endsWith("\n\n")) break;
  }
  return s.replace(/^\n/, "");
}

const SNMP_PDUS: Record<number, string> = {
  0xa0: "get-request", 0xa1: "get-next-request", 0xa2: "get-response", 0xa3: "set-request", 0xa4: "trap",
  0xa5: "getBulkRequest", 0xa6: "informRequest", 0xa7: "snmpV2-trap", 0xa8: "report",
};

/** A BER TLV at o: [tag, value start, value end] or null. */
function tlv(b: Uint8Array, o: number, end: number): [number, number, number] | null {
  if (o + 2 > end) return null;
  const tag = b[o];
  let len = b[o + 1];
  let p = o + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || p + n > end) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i];
    p += n;
  }
  if (p + len > end) return null;
  return [tag, p, p + len];
}

function oidText(b: Uint8Array, o: number, end: number): string {
  if (o >= end) return "";
  const parts: number[] = [Math.floor(b[o] / 40) > 2 ? 2 : Math.floor(b[o] / 40), b[o] >= 80 ? b[o] - 80 : b[o] % 40];
  let v = 0;
  for (let i = o + 1; i < end; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join(".");
}

/** SNMP v1/v2c: "<pdu type> <oid> <oid>…". null when the message is not SNMP v1/v2c. */
export function snmpInfo(b: Uint8Array): string | null {
  const msg = tlv(b, 0, b.length);
  if (!msg || msg[0] !== 0x30) return null;
  const ver = tlv(b, msg[1], msg[2]);
  if (!ver || ver[0] !== 0x02) return null;
  const version = b[ver[2] - 1];
  if (version > 1) return null;
  const comm = tlv(b, ver[2], msg[2]);
  if (!comm || comm[0] !== 0x04) return null;
  const pdu = tlv(b, comm[2], msg[2]);
  if (!pdu) return null;
  const name = SNMP_PDUS[pdu[0]];
  if (name === undefined) return null;
  if (pdu[0] === 0xa4) return name;
  let o = pdu[1];
  for (let i = 0; i < 3; i++) {
    const f = tlv(b, o, pdu[2]);
    if (!f) return name;
    o = f[2];
  }
  const vbl = tlv(b, o, pdu[2]);
  if (!vbl || vbl[0] !== 0x30) return name;
  let info = name;
  o = vbl[1];
  while (o < vbl[2]) {
    const vb = tlv(b, o, vbl[2]);
    if (!vb || vb[0] !== 0x30) break;
    const id = tlv(b, vb[1], vb[2]);
    if (id && id[0] === 0x06) info += ` ${oidText(b, id[1], id[2])}`;
    o = vb[2];
  }
  return info;
}
