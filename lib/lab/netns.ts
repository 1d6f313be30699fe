/**
 * Network namespaces of the lab harness.
 *
 * Topology (nothing is connected to the host's own namespace, and no
 * namespace has a default route, so no packet can leave):
 *
 *   pf-srv-XXXX            pf-sw-XXXX                     pf-cli-XXXX
 *   eth0 10.77.0.1/24 ==== p-srv [br0 bridge] p-cli ==== eth0 10.77.0.2/24
 *                          (nftables loss here)          (tcpdump here)
 *
 * The "switch" namespace is a plain Linux bridge. Random loss is applied by
 * an nftables rule in the bridge's forward hook, i.e. *on the wire between*
 * the server and the observer. This is the only placement that gives real
 * loss: dropping in the server's own output/postrouting/egress hooks makes
 * the sender's TCP see a local transmit error (it simply retries the send,
 * no gap ever appears), and dropping on the client's ingress happens *after*
 * tcpdump's tap (the packet would be captured and then vanish). Dropped on
 * the bridge, a segment never reaches the client: the capture shows
 * "previous segment not captured", immediate dup ACKs with SACK blocks from
 * the client, and the server's fast retransmission — as in the lab report.
 *
 * Offloads (TSO/GSO/GRO, checksum) are switched off on the veths so the
 * capture holds MSS-sized segments with valid checksums, as on a real NIC.
 */
import { findExe, run, tryRun } from "./sys";

export const SERVER_IP = "10.77.0.1";
export const CLIENT_IP = "10.77.0.2";
export const PREFIX = 24;
export const MTU = 1500;
export const IFACE = "eth0";

export interface Namespaces {
  id: string;
  server: string;
  bridge: string;
  client: string;
}

export function newNamespaceNames(id: string): Namespaces {
  return { id, server: `pf-srv-${id}`, bridge: `pf-sw-${id}`, client: `pf-cli-${id}` };
}

function ipExe(): string {
  const ip = findExe("ip");
  if (!ip) throw new Error("`ip` (Debian package iproute2) not found");
  return ip;
}

/** Throws a clear error unless we are root and `ip netns` works. */
export function checkNetnsAvailable(): void {
  if (typeof process.getuid === "function" && process.getuid() !== 0) {
    throw new Error(
      "pcapframe lab must run as root: it creates network namespaces, veth pairs and a bridge (try sudo)",
    );
  }
  const ip = ipExe();
  const out = tryRun(ip, ["netns", "list"]);
  if (out === null) {
    throw new Error("`ip netns` is not available here (needs iproute2 with netns support and CAP_SYS_ADMIN)");
  }
}

export function nsExec(ns: string, cmd: string, args: string[], timeoutMs = 10_000, input?: string): string {
  return run(ipExe(), ["netns", "exec", ns, cmd, ...args], { timeoutMs, input });
}

/** Creates the three namespaces, the two veth pairs and the bridge. */
export function createTopology(ns: Namespaces): void {
  const ip = ipExe();
  const ethtool = findExe("ethtool");
  const sysctl = findExe("sysctl") ?? "sysctl";
  for (const n of [ns.server, ns.bridge, ns.client]) {
    run(ip, ["netns", "add", n]);
    // No IPv6: keeps router/neighbour solicitations and MLD out of the capture.
    nsExec(n, sysctl, ["-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]);
    run(ip, ["-n", n, "link", "set", "lo", "up"]);
  }
  // No tail loss probes on the server: on a veth the client's 40 ms delayed
  // ACK for the odd last segment of a paced chunk outlasts the probe timeout,
  // so a clean run would show spurious "retransmissions". Tail losses in the
  // lossy run are then recovered by RTO, as in classic lab captures.
  nsExec(ns.server, sysctl, ["-qw", "net.ipv4.tcp_early_retrans=0"]);
  run(ip, ["-n", ns.server, "link", "add", IFACE, "mtu", `${MTU}`, "type", "veth", "peer", "name", "p-srv", "mtu", `${MTU}`, "netns", ns.bridge]);
  run(ip, ["-n", ns.client, "link", "add", IFACE, "mtu", `${MTU}`, "type", "veth", "peer", "name", "p-cli", "mtu", `${MTU}`, "netns", ns.bridge]);
  run(ip, ["-n", ns.bridge, "link", "add", "br0", "mtu", `${MTU}`, "type", "bridge", "stp_state", "0", "mcast_snooping", "0"]);
  for (const port of ["p-srv", "p-cli"]) {
    run(ip, ["-n", ns.bridge, "link", "set", port, "master", "br0"]);
  }
  if (ethtool) {
    const off = ["tx", "off", "tso", "off", "gso", "off", "gro", "off"];
    nsExec(ns.server, ethtool, ["-K", IFACE, ...off]);
    nsExec(ns.client, ethtool, ["-K", IFACE, ...off]);
    nsExec(ns.bridge, ethtool, ["-K", "p-srv", ...off]);
    nsExec(ns.bridge, ethtool, ["-K", "p-cli", ...off]);
  } else {
    // Without ethtool, at least keep the kernel from building 64 KB super-segments.
    for (const [n, dev] of [[ns.server, IFACE], [ns.client, IFACE]] as const) {
      tryRun(ip, ["-n", n, "link", "set", dev, "gso_max_segs", "1"]);
    }
  }
  run(ip, ["-n", ns.server, "addr", "add", `${SERVER_IP}/${PREFIX}`, "dev", IFACE]);
  run(ip, ["-n", ns.client, "addr", "add", `${CLIENT_IP}/${PREFIX}`, "dev", IFACE]);
  for (const [n, dev] of [
    [ns.bridge, "br0"],
    [ns.bridge, "p-srv"],
    [ns.bridge, "p-cli"],
    [ns.server, IFACE],
    [ns.client, IFACE],
  ] as const) {
    run(ip, ["-n", n, "link", "set", dev, "up"]);
  }
}

/**
 * Drops `lossPercent` % of the server's TCP data segments (IP length > 200,
 * so SYN/ACK/FIN and pure ACKs survive) as they cross the bridge.
 * Resolution is 0.01 %.
 */
export function installLoss(ns: Namespaces, lossPercent: number): void {
  const nft = findExe("nft");
  if (!nft) throw new Error("`nft` (Debian package nftables) not found; needed for --loss");
  const per10k = Math.round(lossPercent * 100);
  const rules = `table bridge pflab {
  chain lossy {
    type filter hook forward priority 0; policy accept;
    ip saddr ${SERVER_IP} tcp sport 443 ip length > 200 numgen random mod 10000 < ${per10k} counter drop
  }
}
`;
  nsExec(ns.bridge, nft, ["-f", "-"], 10_000, rules);
}

/** Packets dropped so far by the loss rule (0 if none installed). */
export function droppedPackets(ns: Namespaces): number {
  const nft = findExe("nft");
  if (!nft) return 0;
  const out = tryRun(findExe("ip") ?? "ip", ["netns", "exec", ns.bridge, nft, "list", "table", "bridge", "pflab"]);
  const m = out ? /counter packets (\d+)/.exec(out) : null;
  return m ? Number(m[1]) : 0;
}

/**
 * Kills every process still inside the namespaces and deletes them (which
 * also removes the veths and the bridge). Synchronous and idempotent, so it
 * can run from exit and signal handlers.
 */
export function destroyTopology(ns: Namespaces): void {
  const ip = findExe("ip");
  if (!ip) return;
  const existing = tryRun(ip, ["netns", "list"]) ?? "";
  for (const n of [ns.client, ns.bridge, ns.server]) {
    if (!new RegExp(`^${n}(\\s|$)`, "m").test(existing)) continue;
    const pids = (tryRun(ip, ["netns", "pids", n]) ?? "").split(/\s+/).filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        /* gone */
      }
    }
    tryRun(ip, ["netns", "del", n]);
  }
}

/** Names of namespaces left over from earlier runs that were killed hard. */
export function staleNamespaces(): string[] {
  const ip = findExe("ip");
  if (!ip) return [];
  return (tryRun(ip, ["netns", "list"]) ?? "")
    .split("\n")
    .map((l) => l.split(/\s+/)[0])
    .filter((n) => /^pf-(srv|sw|cli)-[0-9a-f]+$/.test(n));
}

/** Removes namespaces left behind by runs that were killed with SIGKILL; returns their names. */
export function removeStaleNamespaces(): string[] {
  const stale = staleNamespaces();
  const ids = new Set(stale.map((n) => n.replace(/^pf-(srv|sw|cli)-/, "")));
  for (const id of ids) destroyTopology(newNamespaceNames(id));
  return stale;
}
