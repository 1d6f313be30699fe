/**
 * What ports say about applications, in one place: the TCP ports whose dissector the application layer
 * tries first (as Wireshark's port registrations), and the service names of well-known ports that the flow
 * table's `app` column falls back to when no dissector recognised the stream.
 */

/** Application dissectors of TCP streams. */
export type TcpAppKind =
  | "tls" | "http" | "rtsp" | "ssh" | "mbtcp" | "tpkt" | "pptp" | "gryphon"
  | "ftp" | "ftp-data" | "smtp" | "pop" | "imap" | "telnet" | "mysql" | "pgsql" | "sip";

/** TCP port → the dissector tried first on a stream using it. */
export const TCP_DISSECTOR_PORTS: Readonly<Record<number, TcpAppKind>> = {
  20: "ftp-data", 21: "ftp", 22: "ssh", 23: "telnet", 25: "smtp", 80: "http", 110: "pop", 143: "imap", 587: "smtp",
  3306: "mysql", 5060: "sip", 5432: "pgsql", 102: "tpkt", 443: "tls", 465: "tls", 502: "mbtcp", 554: "rtsp", 636: "tls", 853: "tls",
  993: "tls", 995: "tls", 1723: "pptp", 3128: "http", 5061: "tls", 7000: "gryphon", 8080: "http", 8554: "rtsp",
  8883: "tls",
};

/** Well-known port → service name (IANA's, as Zeek's `service` column names them). */
const SERVICE_NAMES: Readonly<Record<number, string>> = {
  20: "ftp-data", 21: "ftp", 22: "ssh", 23: "telnet", 25: "smtp", 53: "dns", 67: "dhcp", 68: "dhcp", 80: "http",
  110: "pop3", 123: "ntp", 137: "netbios-ns", 138: "netbios-dgm", 139: "netbios-ssn", 143: "imap", 161: "snmp",
  389: "ldap", 443: "https", 445: "smb", 465: "smtps", 502: "modbus", 554: "rtsp", 587: "submission", 636: "ldaps",
  853: "dns-over-tls", 993: "imaps", 995: "pop3s", 1723: "pptp", 1883: "mqtt", 3306: "mysql", 3389: "rdp",
  5060: "sip", 5353: "mdns", 5432: "postgresql", 6379: "redis", 8080: "http-alt", 8443: "https-alt",
};

/**
 * The service of a TCP (6) or UDP (17) conversation from its ports (the responder's port first), "quic" for
 * UDP on 443; null for other protocols and unknown ports.
 */
export function serviceName(ipProto: number, portA: number, portB: number): string | null {
  if (ipProto !== 6 && ipProto !== 17) return null;
  if (ipProto === 17 && (portB === 443 || portA === 443)) return "quic";
  return SERVICE_NAMES[portB] ?? SERVICE_NAMES[portA] ?? null;
}
