// Export-objects helpers: names as tshark writes them (eo_massage_str), de-chunking, content decoding.
import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { basename, dechunk, decode, safeFilename } from "../../lib/decrypt/objects";

describe("export objects helpers", () => {
  it("file names: URI basename, illegal characters as %xx, duplicates numbered before the extension", () => {
    expect(basename("/")).toBe("/");
    expect(basename("/a/b/pic.jpg")).toBe("pic.jpg");
    expect(basename("/dir/")).toBe("dir");
    expect(safeFilename("/", 0)).toBe("%2f");
    expect(safeFilename("clip.webm?cancelled-download", 0)).toBe("clip.webm%3fcancelled-download");
    expect(safeFilename("picture.jpg", 2)).toBe("picture(2).jpg");
    expect(safeFilename("noext", 1)).toBe("noext(1)");
    expect(safeFilename("..", 0)).toBe("%2e%2e"); // never a path outside the output directory
    expect(safeFilename("a".repeat(300) + ".txt", 0).length).toBe(255);
  });
  it("chunked bodies and content codings", () => {
    expect(Buffer.from(dechunk(Buffer.from("5\r\nhello\r\n6;x=1\r\n world\r\n0\r\n\r\n"))).toString()).toBe("hello world");
    const text = Buffer.from("content ".repeat(100));
    expect(Buffer.from(decode(zlib.gzipSync(text), "gzip").bytes).equals(text)).toBe(true);
    expect(Buffer.from(decode(zlib.deflateSync(text), "deflate").bytes).equals(text)).toBe(true);
    expect(Buffer.from(decode(zlib.deflateRawSync(text), "deflate").bytes).equals(text)).toBe(true);
    expect(Buffer.from(decode(zlib.brotliCompressSync(text), "br").bytes).equals(text)).toBe(true);
    expect(Buffer.from(decode(zlib.gzipSync(zlib.brotliCompressSync(text)), "br, gzip").bytes).equals(text)).toBe(true);
    const bad = decode(Buffer.from("not gzip"), "gzip");
    expect(bad.error).toMatch(/gzip/);
    expect(Buffer.from(bad.bytes).toString()).toBe("not gzip");
    expect(decode(Buffer.from("x"), "zstd").error).toMatch(/not supported/);
    // a decompression bomb is an error at the output limit (256 MiB by default), not an exhausted heap
    const bomb = zlib.gzipSync(Buffer.alloc(16 << 20), { level: 9 });
    const r = decode(bomb, "gzip", 1 << 20);
    expect(r.error).not.toBeNull();
    expect(r.bytes.length).toBe(bomb.length);
  });
});
