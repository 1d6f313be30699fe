// objectHtml / showObjects: exported HTTP objects shown as a browser would (image inline, audio/video
// with a player, text as escaped source), strings from the capture escaped, unknown types only described.
import { describe, expect, it } from "vitest";
import { objectHtml, showObjects } from "../../lib/notebook/display";
import type { HttpObject } from "../../lib/decrypt/objects";

const obj = (contentType: string, bytes: Uint8Array, filename = "x"): HttpObject => ({
  frame: 7, stream: 0, protocol: "http", hostname: "h", contentType, filename, size: bytes.length, bytes,
  method: "GET", uri: "/" + filename, status: 200, contentEncoding: null, decodeError: null,
});

describe("objectHtml", () => {
  it("embeds images, audio and video as data: URIs", () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    expect(objectHtml(obj("image/png", png))).toContain(`<img src="data:image/png;base64,${Buffer.from(png).toString("base64")}"`);
    expect(objectHtml(obj("audio/ogg", png))).toContain('<audio controls src="data:audio/ogg;base64,');
    expect(objectHtml(obj("video/webm", png))).toContain('<video controls src="data:video/webm;base64,');
  });
  it("escapes capture strings and shows text as source, never as markup", () => {
    const h = objectHtml(obj("text/html", new TextEncoder().encode("<script>alert(1)</script>"), "<b>evil</b>.html"));
    expect(h).not.toContain("<script>");
    expect(h).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(h).toContain("&lt;b&gt;evil&lt;/b&gt;.html");
  });
  it("describes what it does not embed (other types, too large, empty)", () => {
    const b = new Uint8Array(10);
    for (const h of [objectHtml(obj("application/octet-stream", b)), objectHtml(obj("image/png", b), { maxBytes: 5 }), objectHtml(obj("image/png", new Uint8Array(0)))]) {
      expect(h).not.toContain("data:");
      expect(h).toContain("frame 7");
    }
  });
  it("showObjects outside a kernel returns the bundle with a text fallback", () => {
    const bundle = showObjects([obj("image/png", new Uint8Array(3), "a.png")])!;
    expect(bundle["text/plain"]).toBe("frame 7: a.png (image/png, 3 bytes)");
    expect(showObjects([])!["text/plain"]).toBe("(no objects)");
  });
});
