// PLACEHOLDER — to be replaced by the application-layer dissectors (TLS, HTTP, DNS…).
import type { PacketTable } from "../table/packet-table";
import type { TcpAnalyzer } from "../tcp/analysis";

export class AppDissector {
  constructor(readonly t: PacketTable, readonly tcp: TcpAnalyzer) {}
  tcpPayload(_row: number, _buf: Uint8Array, _off: number, _capLen: number): void {}
  udpPayload(_row: number, _buf: Uint8Array, _off: number, _capLen: number): void {}
  icmp(_row: number, _buf: Uint8Array, _off: number, _capLen: number): void {}
  finish(): void {}
}
