/** Link-layer header types (tcpdump.org LINKTYPE_* values; DLT values that differ are mapped). */
export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;
/** DLT_RAW as written by some BSD-derived tools (value 12, or 14 on OpenBSD). */
export const DLT_RAW_12 = 12;
export const DLT_RAW_14 = 14;

const NAMES: Record<number, string> = {
  0: "BSD loopback (NULL)",
  1: "Ethernet",
  12: "Raw IP",
  14: "Raw IP",
  101: "Raw IP",
  108: "OpenBSD loopback",
  113: "Linux cooked-mode capture v1",
  127: "IEEE 802.11 plus radiotap header",
  147: "USER 0",
  228: "Raw IPv4",
  229: "Raw IPv6",
  276: "Linux cooked-mode capture v2",
};

export function linkTypeName(lt: number): string {
  return NAMES[lt] ?? `Unknown link type ${lt}`;
}

/** Link types the dissector decodes. */
export function isSupportedLinkType(lt: number): boolean {
  return lt === 0 || lt === 1 || lt === 12 || lt === 14 || lt === 101 || lt === 108 || lt === 113 || lt === 228 || lt === 229 || lt === 276;
}
