import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, ipv4ToString, isoTime, macToString } from "../../lib/base/format";

describe("formatDuration", () => {
  it("picks the unit a person reads, three decimals below a minute", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(0.0000042)).toBe("4.200 µs");
    expect(formatDuration(0.00085)).toBe("850 µs");
    expect(formatDuration(0.0123456)).toBe("12.346 ms");
    expect(formatDuration(1.2344)).toBe("1.234 s");
    expect(formatDuration(125.04)).toBe("2 min 5.0 s");
    expect(formatDuration(-0.002)).toBe("-2.000 ms");
  });
  it("shows missing values as a dash, never NaN", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(undefined)).toBe("—");
    expect(formatDuration(NaN)).toBe("—");
    expect(formatDuration(Infinity)).toBe("∞");
  });
});

describe("formatBytes", () => {
  it("uses SI units", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1500)).toBe("1.50 kB");
    expect(formatBytes(23_456_789)).toBe("23.5 MB");
    expect(formatBytes(4.2e12)).toBe("4.20 TB");
    expect(formatBytes(null)).toBe("—");
  });
});

describe("address text", () => {
  it("writes IPv4 and MAC as Wireshark does without name resolution", () => {
    expect(ipv4ToString(0xc0a80001)).toBe("192.168.0.1");
    expect(macToString(0x0011223344ff)).toBe("00:11:22:33:44:ff");
  });
});

describe("isoTime", () => {
  it("prints epoch seconds as ISO 8601 UTC", () => {
    expect(isoTime(0)).toBe("1970-01-01T00:00:00.000Z");
    expect(isoTime(1700000000.25)).toBe("2023-11-14T22:13:20.250Z");
  });
  it("says out of range for a time beyond the calendar (a damaged timestamp) instead of throwing", () => {
    expect(isoTime(1e13)).toBe("(out of range)");
    expect(isoTime(-1e13)).toBe("(out of range)");
    expect(isoTime(NaN)).toBe("(out of range)");
  });
});
