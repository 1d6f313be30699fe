/**
 * The Windows browser protocol (SMB mailslot \MAILSLOT\BROWSE or \MAILSLOT\LANMAN inside a NetBIOS datagram,
 * UDP 138): Protocol "BROWSER" and tshark 4.0's Info (command, name, server types).
 */

const COMMANDS: Record<number, string> = {
  0x01: "Host Announcement", 0x02: "Request Announcement", 0x08: "Browser Election Request", 0x09: "Get Backup List Request",
  0x0a: "Get Backup List Response", 0x0b: "Become Backup Browser", 0x0c: "Domain/Workgroup Announcement",
  0x0d: "Master Announcement", 0x0e: "Reset Browser State Announcement", 0x0f: "Local Master Announcement",
};

/** Server type bits, lowest first (packet-smb-browse.c). */
const SERVER_TYPES: Record<number, string> = {
  0: "Workstation", 1: "Server", 2: "SQL Server", 3: "Domain Controller", 4: "Backup Controller", 5: "Time Source",
  6: "Apple Server", 7: "Novell Server", 8: "Domain Member Server", 9: "Print Queue Server", 10: "Dialin Server",
  11: "Xenix Server", 12: "NT Workstation", 13: "Windows for Workgroups", 15: "NT Server", 16: "Potential Browser",
  17: "Backup Browser", 18: "Master Browser", 19: "Domain Master Browser", 20: "OSF", 21: "VMS", 22: "Windows 95 or above",
  23: "DFS server", 30: "Local List Only", 31: "Domain Enum",
};

const MAILSLOTS = ["\\MAILSLOT\\BROWSE\0", "\\MAILSLOT\\LANMAN\0"];

/** Info of a NetBIOS datagram carrying a browser message, or null. */
export function browserInfo(b: Uint8Array): string | null {
  // the SMB header starts after the datagram header and the two NetBIOS names
  let at = -1;
  for (const name of MAILSLOTS) {
    at = indexOfAscii(b, name);
    if (at >= 0) {
      at += name.length;
      break;
    }
  }
  if (at < 0 || at >= b.length) return null;
  const cmd = b[at];
  const name = COMMANDS[cmd];
  if (name === undefined) return null;
  if (cmd === 0x02) return `${name} ${cstr(b, at + 2, 64)}`;
  if (cmd === 0x01 || cmd === 0x0c || cmd === 0x0f) {
    // update count (1), periodicity (4), name (16), os major/minor (2), server type (4, little-endian)
    const host = cstr(b, at + 6, 16);
    const t = at + 24;
    if (t + 4 > b.length) return `${name} ${host}`;
    const types = (b[t] | (b[t + 1] << 8) | (b[t + 2] << 16) | (b[t + 3] << 24)) >>> 0;
    let s = `${name} ${host}`;
    for (let i = 0; i < 32; i++) if (types & (2 ** i) && SERVER_TYPES[i]) s += `, ${SERVER_TYPES[i]}`;
    return s;
  }
  return name;
}

function cstr(b: Uint8Array, o: number, max: number): string {
  let s = "";
  for (let i = o; i < b.length && i < o + max && b[i] !== 0; i++) s += String.fromCharCode(b[i]);
  return s;
}

function indexOfAscii(b: Uint8Array, s: string): number {
  const first = s.charCodeAt(0);
  outer: for (let i = b.indexOf(first); i >= 0 && i + s.length <= b.length; i = b.indexOf(first, i + 1)) {
    for (let j = 1; j < s.length; j++) if (b[i + j] !== s.charCodeAt(j)) continue outer;
    return i;
  }
  return -1;
}
