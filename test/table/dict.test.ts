/** String interning of addresses (lib/table/dict.ts): ids stable and distinct across table growth, for every key width. */
import { describe, expect, it } from "vitest";
import { AddressInterner, StringDict } from "../../lib/table/dict";
import { ipv4ToString, macToString } from "../../lib/base/format";

describe("AddressInterner", () => {
  it("IPv4: one id per address through many growths, 0.0.0.0 and addresses above 2^31 included", () => {
    const dict = new StringDict();
    const ip4 = new AddressInterner(dict, 1, (a) => ipv4ToString(a));
    const keys = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xc0a80001];
    for (let i = 0; i < 20_000; i++) keys.push((Math.imul(i, 2654435761) ^ (i << 7)) >>> 0);
    const unique = [...new Set(keys)];
    const ids = unique.map((k) => ip4.id1(k));
    expect(new Set(ids).size).toBe(unique.length);
    unique.forEach((k, i) => {
      expect(ip4.id1(k)).toBe(ids[i]);
      expect(dict.get(ids[i])).toBe(ipv4ToString(k));
    });
    expect(dict.get(ip4.id1(0xc0a80001))).toBe("192.168.0.1");
    // a negative int32 view of the same address is the same key
    expect(ip4.id1(0xc0a80001 | 0)).toBe(ip4.id1(0xc0a80001));
  });

  it("MAC (16 + 32 bits) and IPv6 (4 words): keys differing in one word get different ids", () => {
    const dict = new StringDict();
    const mac = new AddressInterner(dict, 2, (a, b) => macToString(a * 4294967296 + b));
    const ip6 = new AddressInterner(dict, 4, (a, b, c, d) => [a, b, c, d].map((w) => w.toString(16)).join(":"));
    const macIds = new Map<string, number>();
    const v6Ids = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      for (const [a, b] of [[0x0200, i], [0x0201, i], [i & 0xffff, 0xffffffff - i]]) macIds.set(`${a}/${b}`, mac.id2(a, b >>> 0));
      for (const w of [[0x20010db8, 0, 0, i], [0x20010db8, 0, i, 0], [0xfe800000, i, 0, 1], [0, 0, 0, i]]) v6Ids.set(w.join("/"), ip6.id4(w[0] >>> 0, w[1], w[2], w[3]));
    }
    expect(new Set(macIds.values()).size).toBe(macIds.size);
    expect(new Set(v6Ids.values()).size).toBe(v6Ids.size);
    for (const [k, id] of macIds) {
      const [a, b] = k.split("/").map(Number);
      expect(mac.id2(a, b)).toBe(id);
    }
    expect(dict.get(mac.id2(0x0200, 0x0000abcd))).toBe("02:00:00:00:ab:cd");
    for (const [k, id] of v6Ids) {
      const w = k.split("/").map(Number);
      expect(ip6.id4(w[0], w[1], w[2], w[3])).toBe(id);
    }
  });
});
