/**
 * Wireshark display filters (tshark 4.0 grammar and semantics) over the packet table:
 * `compileFilter("tcp.analysis.retransmission && ip.addr == 10.0.0.0/8").rows(capture)`.
 */
export { compileFilter, CompiledFilter } from "./compile";
export { FilterError, parseFilter } from "./syntax";
export { findField, fieldNames, schemaColumnOf, type FieldDef } from "./fields";
export type { FilterSource, FilterMeta } from "./source";
