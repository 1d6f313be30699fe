// HPACK (RFC 7541): the canonical Huffman code and the request / response examples of Appendix C.
import { describe, expect, it } from "vitest";
import { HUFFMAN_CODES, HpackDecoder, HpackError, huffmanDecode } from "../../lib/decrypt/hpack";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

describe("HPACK", () => {
  it("Huffman codes from the code lengths match Appendix B", () => {
    expect(HUFFMAN_CODES[48]).toBe(0x0); // '0' 00000
    expect(HUFFMAN_CODES[97]).toBe(0x3); // 'a' 00011
    expect(HUFFMAN_CODES[32]).toBe(0x14); // ' ' 010100
    expect(HUFFMAN_CODES[0]).toBe(0x1ff8);
    expect(HUFFMAN_CODES[255]).toBe(0x3ffffee);
    expect(huffmanDecode(hex("f1e3 c2e5 f23a 6ba0 ab90 f4ff"))).toBe("www.example.com");
    expect(huffmanDecode(hex("a8eb 1064 9cbf"))).toBe("no-cache");
    expect(huffmanDecode(hex("00"))).toBeNull(); // padding that is not EOS
  });

  it("C.4: requests with Huffman coding share one dynamic table", () => {
    const d = new HpackDecoder();
    expect(d.decode(hex("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff"))).toEqual([
      [":method", "GET"], [":scheme", "http"], [":path", "/"], [":authority", "www.example.com"],
    ]);
    expect(d.decode(hex("8286 84be 5886 a8eb 1064 9cbf"))).toEqual([
      [":method", "GET"], [":scheme", "http"], [":path", "/"], [":authority", "www.example.com"], ["cache-control", "no-cache"],
    ]);
    expect(d.decode(hex("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"))).toEqual([
      [":method", "GET"], [":scheme", "https"], [":path", "/index.html"], [":authority", "www.example.com"], ["custom-key", "custom-value"],
    ]);
  });

  it("malformed blocks raise HpackError (the HTTP/2 parser turns it into a count, never a crash)", () => {
    const d = new HpackDecoder();
    expect(() => d.decode(hex("ff ff ff ff ff ff"))).toThrow(HpackError);
    expect(() => d.decode(hex("41 8c f1"))).toThrow(HpackError);
    expect(() => d.decode(hex("be"))).toThrow(HpackError); // dynamic index into an empty table
  });
});
