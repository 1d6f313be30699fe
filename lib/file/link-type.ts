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

/** The link types the dissector decodes, with Wireshark's names. */
const DECODED: Record<number, string> = {
  [LINKTYPE_NULL]: "BSD loopback (NULL)",
  [LINKTYPE_ETHERNET]: "Ethernet",
  [DLT_RAW_12]: "Raw IP",
  [DLT_RAW_14]: "Raw IP",
  [LINKTYPE_RAW]: "Raw IP",
  [LINKTYPE_LOOP]: "OpenBSD loopback",
  [LINKTYPE_LINUX_SLL]: "Linux cooked-mode capture v1",
  [LINKTYPE_IPV4]: "Raw IPv4",
  [LINKTYPE_IPV6]: "Raw IPv6",
  [LINKTYPE_LINUX_SLL2]: "Linux cooked-mode capture v2",
};

/** Names of link types seen in captures but not decoded. */
const NAMES: Record<number, string> = {
  ...DECODED,
  127: "IEEE 802.11 plus radiotap header",
  147: "USER 0",
};

export function linkTypeName(lt: number): string {
  return NAMES[lt] ?? `Unknown link type ${lt}`;
}

/** Link types the dissector decodes. */
export function isSupportedLinkType(lt: number): boolean {
  return lt in DECODED;
}
