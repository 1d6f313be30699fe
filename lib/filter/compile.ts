/**
 * Semantic check and compilation of a parsed display filter against the field registry, into a plan of
 * column-at-a-time steps: each test yields a row mask; `and` evaluates its right side only on the rows
 * its left side kept (so fields computed row by row — relative sequence numbers, packet bytes — are
 * computed only there), `or` only on the rows still false.
 */
import { parseFilter, FilterError, type Expr, type Test, type CmpOp, type SliceRange } from "./syntax";
import { findField, fieldNames, type FieldDef } from "./fields";
import {
  BytesUnavailable, Ctx, andInto, inNumSet, toGen, cartesian, cmpNumConst, combine, countOcc, existsMask, mapOcc, numOcc, predMask, type Mask, type NumOp, type Occ,
} from "./eval";
import {
  LiteralError, boolByName, catOf, cmpBytes, containsBytes, describeFtype, eqBytes, inPrefix6, latin1, parseAbsTime, parseBytes, parseIPv4,
  parseIPv6, parseInt4, parseSeconds, strBytes, toRegExp, utf8, valueByName, type Cat, type Value,
} from "./values";
import { WS_FIELDS, WS_PROTOCOLS, WS_TFS, WS_VALUES } from "./wireshark-fields";
import { ipv6ToString } from "../base/format";
import { concatParts } from "../app/http";
import type { FilterSource } from "./source";

/** A typed operand: a field, slice, function call or arithmetic over fields. */
interface Operand {
  ftype: string;
  cat: Cat;
  text: string;
  pos: number;
  end: number;
  /** The field, when the operand is a bare field (for value names, count(), existence). */
  field?: FieldDef;
  /** Evaluate the occurrences (honours c.cand for row-by-row fields). */
  occ: (c: Ctx) => Occ;
  /** Existence test (bitwise & is a non-zero test). */
  exists: (c: Ctx) => Mask;
}

type Literal = Expr & { k: "word" | "str" | "char" };
type Lit = { cat: Cat; v: Value; bits: number };
type TestFn = (c: Ctx, cand: Mask | null) => Mask;

const PROTOCOLS = new Set(WS_PROTOCOLS);

class Compiler {
  constructor(private readonly src: string) {}

  err(msg: string, node: { pos: number; end: number }): never {
    throw new FilterError(msg, this.src, node.pos, Math.max(1, node.end - node.pos));
  }

  // -------------------------------------------------------------- names

  resolve(name: string, node: { pos: number; end: number }, literalOk: boolean): FieldDef | null {
    const f = findField(name);
    if (f) return f;
    if (WS_FIELDS[name] !== undefined) this.err(`${name} is a Wireshark field that pcapframe does not compute (yet).`, node);
    if (PROTOCOLS.has(name)) this.err(`${name} is a Wireshark protocol that pcapframe does not dissect.`, node);
    if (literalOk) return null;
    const top = name.split(".")[0];
    if (name.includes(".") && PROTOCOLS.has(top) && findField(top) === undefined && WS_FIELDS[`${top}.`] === undefined && !["frame", "eth", "ip", "ipv6", "tcp", "udp", "icmp", "icmpv6", "arp", "vlan", "sll", "dns", "tls", "http"].includes(top)) {
      this.err(`${name}: pcapframe does not dissect the ${top} protocol, so its fields cannot be filtered on.`, node);
    }
    const near = nearest(name);
    this.err(`"${name}" is neither a field nor a protocol name.${near.length ? ` Did you mean ${near.join(", ")}?` : ""}`, node);
  }

  // -------------------------------------------------------------- operands

  /** A typed operand, or a literal (when `literalOk` and the expression is an unresolved word / string / char). */
  operand(e: Expr, literalOk: boolean): Operand | Literal {
    switch (e.k) {
      case "word": {
        if (e.text.startsWith(".") && e.text.length > 1) {
          // a leading dot forces a field name (".tcp": the protocol, not a literal)
          const f = this.resolve(e.text.slice(1), e, false)!;
          return this.fieldOperand(f, e);
        }
        const f = this.resolve(e.text, e, literalOk);
        if (f === null) return e;
        return this.fieldOperand(f, e);
      }
      case "str":
      case "char":
        if (literalOk) return e;
        return this.err(`A literal cannot be tested on its own; compare a field with it.`, e);
      case "slice":
        return this.slice(e);
      case "call":
        return this.call(e);
      case "neg": {
        const inner = this.operand(e.e, literalOk);
        if (!isOperand(inner)) {
          if (inner.k === "word") return { k: "word", text: "-" + inner.text, pos: e.pos, end: inner.end };
          return this.err(`Unary minus needs a number.`, e);
        }
        if (inner.cat !== "num" && inner.cat !== "time") this.err(`${inner.text} is ${describeFtype(inner.ftype)}: it cannot be negated.`, e);
        const occ = inner.occ;
        return { ...inner, text: src(this.src, e), pos: e.pos, end: e.end, field: undefined, occ: (c) => mapOcc(occ(c), (v) => -(v as number), c.n, c.cand), exists: (c) => existsMask(occ(c), c.n) };
      }
      case "arith": {
        const k = foldConst(e);
        if (k !== null) {
          if (!literalOk) this.err(`Constant arithmetic expression on the LHS is invalid.`, e);
          return { k: "word", text: String(k), pos: e.pos, end: e.end };
        }
        return this.arith(e);
      }
    }
  }

  fieldOperand(f: FieldDef, e: { pos: number; end: number }): Operand {
    const get = f.get;
    const exists = f.exists ?? ((c: Ctx) => existsMask(get!(c), c.n));
    return {
      ftype: f.ftype,
      cat: catOf(f.ftype),
      text: f.name,
      pos: e.pos,
      end: e.end,
      field: f,
      exists,
      occ: (c) => {
        if (!get) return this.err(`${f.name} is ${describeFtype(f.ftype)}: pcapframe can only test whether it is present.`, e);
        return get(c);
      },
    };
  }

  typed(e: Expr, what: string): Operand {
    if (e.k === "word" && !/^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/.test(e.text) && findField(e.text) === undefined) {
      this.err(`${what} must be a field or function, not ${e.text}.`, e);
    }
    const o = this.operand(e, false);
    if (!isOperand(o)) return this.err(`${what} must be a field or function, not ${src(this.src, e)}.`, e);
    return o;
  }

  slice(e: Expr & { k: "slice" }): Operand {
    const base = this.typed(e.of, "A slice");
    if (base.cat === "num" || base.cat === "bool" || base.cat === "time" || base.cat === "none") {
      this.err(`${base.text} is ${describeFtype(base.ftype)}: it cannot be sliced (slices apply to bytes, strings and addresses).`, e);
    }
    const cat = base.cat;
    const ranges = e.ranges;
    const occ = base.occ;
    const f = (v: Value) => sliceValue(asBytes(v, cat), ranges);
    return { ftype: "BYTES", cat: "bytes", text: src(this.src, e), pos: e.pos, end: e.end, occ: (c) => mapOcc(occ(c), f, c.n, c.cand), exists: (c) => existsMask(mapOcc(occ(c), f, c.n, c.cand), c.n) };
  }

  call(e: Expr & { k: "call" }): Operand {
    const fn = e.fn.toLowerCase();
    const text = src(this.src, e);
    const one = (): Operand => {
      if (e.args.length !== 1) this.err(`Function ${fn}() takes one argument.`, e);
      return this.typed(e.args[0], `The argument of ${fn}()`);
    };
    const mk = (ftype: string, occ: (c: Ctx) => Occ): Operand => ({ ftype, cat: catOf(ftype), text, pos: e.pos, end: e.end, occ, exists: (c) => existsMask(occ(c), c.n) });
    switch (fn) {
      case "len": {
        const a = one();
        if (a.cat === "num" || a.cat === "bool" || a.cat === "time" || a.cat === "none") this.err(`len() needs a string, byte or address field; ${a.text} is ${describeFtype(a.ftype)}.`, a);
        const cat = a.cat;
        return mk("UINT32", (c) => mapOcc(a.occ(c), (v) => (cat === "str" ? utf8(v as string).length : asBytes(v, cat).length), c.n, c.cand));
      }
      case "count": {
        const a = one();
        if (!a.field) this.err(`count() needs a field, not ${a.text}.`, a);
        const f = a.field!;
        return mk("UINT32", (c) => {
          if (f.get) return countOcc(f.get(c), c.n);
          const m = f.exists!(c);
          return numOcc(m, m);
        });
      }
      case "upper":
      case "lower": {
        const a = one();
        if (a.cat !== "str") this.err(`Only string type fields can be used as parameter for ${fn}(); ${a.text} is ${describeFtype(a.ftype)}.`, a);
        return mk("STRING", (c) => mapOcc(a.occ(c), (v) => (fn === "upper" ? (v as string).toUpperCase() : (v as string).toLowerCase()), c.n, c.cand));
      }
      case "string": {
        const a = one();
        if (a.cat === "time" || a.cat === "none" || a.cat === "bytes") this.err(`String conversion for field "${a.text}" is not supported.`, a);
        const cat = a.cat;
        return mk("STRING", (c) => mapOcc(a.occ(c), (v) => valueText(v, cat), c.n, c.cand));
      }
      case "abs": {
        const a = one();
        if (a.cat !== "num" && a.cat !== "time") this.err(`abs() needs a number; ${a.text} is ${describeFtype(a.ftype)}.`, a);
        return mk(a.ftype, (c) => mapOcc(a.occ(c), (v) => Math.abs(v as number), c.n, c.cand));
      }
      case "max":
      case "min": {
        if (e.args.length < 1) this.err(`Function ${fn}() needs at least one argument.`, e);
        const args = e.args.map((x) => this.typed(x, `The arguments of ${fn}()`));
        for (const a of args) if (a.cat !== "num" && a.cat !== "time") this.err(`${fn}() needs numbers; ${a.text} is ${describeFtype(a.ftype)}.`, a);
        return mk(args[0].ftype, (c) => {
          const occs = args.map((a) => a.occ(c));
          let acc = occs[0];
          for (let i = 1; i < occs.length; i++) acc = concatOcc(acc, occs[i], c);
          return reduceOcc(acc, c, fn === "max" ? Math.max : Math.min);
        });
      }
      default:
        return this.err(`Function '${e.fn}' does not exist`, { pos: e.pos, end: e.pos + e.fn.length });
    }
  }

  arith(e: Expr & { k: "arith" }): Operand {
    const l = this.typed(e.l, `Left side of "${e.op}"`);
    const r = this.operand(e.r, true);
    const text = src(this.src, e);
    if (e.op === "&") {
      if (l.cat !== "num" && l.cat !== "bool" && l.cat !== "bytes" && l.cat !== "ether") this.err(`${l.text} is ${describeFtype(l.ftype)}: bitwise & needs an integer or bytes.`, e);
      const isBytes = l.cat === "bytes" || l.cat === "ether";
      const andV = (a: Value, b: Value): Value | null => {
        if (!isBytes) return ((a as number) & (b as number)) >>> 0;
        const x = a as Uint8Array;
        const y = b as Uint8Array;
        const out = new Uint8Array(Math.min(x.length, y.length));
        for (let i = 0; i < out.length; i++) out[i] = x[i] & y[i];
        return out;
      };
      const nonzero = (v: Value) => (isBytes ? (v as Uint8Array).some((b) => b !== 0) : (v as number) !== 0);
      let occ: (c: Ctx) => Occ;
      if (isOperand(r)) {
        this.compatible(l, r, e);
        occ = (c) => combine(l.occ(c), r.occ(c), andV, c.n, c.cand);
      } else {
        const lit = this.literal(r, l);
        const k = lit.v;
        occ = (c) => mapOcc(l.occ(c), (v) => andV(v, k), c.n, c.cand);
      }
      return { ftype: l.ftype, cat: isBytes ? "bytes" : l.cat, text, pos: e.pos, end: e.end, occ, exists: (c) => predMask(occ(c), nonzero, "any", c.n, c.cand) };
    }
    if (l.cat !== "num" && l.cat !== "time") this.err(`${l.text} is ${describeFtype(l.ftype)}: arithmetic needs numbers.`, e);
    const integer = l.cat === "num" && !/DOUBLE|FLOAT/.test(l.ftype);
    const op = e.op;
    const f = (a: Value, b: Value): Value | null => {
      const x = a as number;
      const y = b as number;
      switch (op) {
        case "+":
          return x + y;
        case "-":
          return x - y;
        case "*":
          return x * y;
        case "/":
          return y === 0 ? null : integer ? Math.trunc(x / y) : x / y;
        case "%":
          return y === 0 ? null : x % y;
      }
      return null;
    };
    let occ: (c: Ctx) => Occ;
    if (isOperand(r)) {
      if (r.cat !== "num" && r.cat !== "time") this.err(`${r.text} is ${describeFtype(r.ftype)}: arithmetic needs numbers.`, r);
      occ = (c) => combine(l.occ(c), r.occ(c), f, c.n, c.cand);
    } else {
      const k = this.literal(r, l).v;
      occ = (c) => mapOcc(l.occ(c), (v) => f(v, k), c.n, c.cand);
    }
    return { ftype: l.ftype, cat: l.cat, text, pos: e.pos, end: e.end, occ, exists: (c) => existsMask(occ(c), c.n) };
  }

  compatible(a: Operand, b: Operand, node: { pos: number; end: number }): void {
    const group = (x: Cat) => (x === "num" || x === "bool" || x === "time" ? "n" : x === "ether" ? "bytes" : x);
    if (group(a.cat) !== group(b.cat) || a.cat === "none" || b.cat === "none") this.err(`${a.text} and ${b.text} are not of compatible types.`, node);
  }

  // -------------------------------------------------------------- literals

  /** Convert a literal to the type of `to` (Wireshark 4.0's rules); errors name the field and the literal. */
  literal(x: Literal, to: Operand): Lit {
    const ft = to.ftype;
    const cat = to.cat;
    const name = to.field?.name ?? to.text;
    const raw = x.k === "word" ? x.text : x.k === "str" ? x.value : String.fromCharCode(x.value);
    const fail = (msg: string): never => this.err(msg, x);
    const notA = (what: string) => `${to.text} is ${describeFtype(ft)}, not ${what}`;
    switch (cat) {
      case "none":
        return fail(`${to.text} (type=Label) cannot participate in comparisons: test its presence alone.`);
      case "num":
      case "bool": {
        if (x.k === "char") return { cat, v: x.value, bits: -1 };
        if (x.k === "word") {
          const i = parseInt4(raw);
          if (i !== null) return { cat, v: cat === "bool" ? (i !== 0 ? 1 : 0) : i, bits: -1 };
          if (/DOUBLE|FLOAT/.test(ft) && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return { cat, v: Number(raw), bits: -1 };
        }
        if (cat === "bool" && x.k === "word" && /^(True|TRUE|False|FALSE)$/.test(raw)) return { cat, v: raw[0] === "T" ? 1 : 0, bits: -1 };
        if (x.k === "word" && /^\d+\/\d+$/.test(raw)) {
          // no spaces needed around "/" in a number context: 160/2
          const [a, b] = raw.split("/").map(Number);
          if (b !== 0) return { cat, v: Math.trunc(a / b), bits: -1 };
        }
        const named = cat === "bool" ? boolByName(name, raw) : valueByName(name, raw);
        if (named !== null) return { cat, v: named, bits: -1 };
        if (cat === "bool") {
          const tfs = WS_TFS[name] ?? ["True", "False"];
          return fail(`"${raw}" cannot be found among the possible values for ${name} (${tfs[0]} / ${tfs[1]}, or 1 / 0).`);
        }
        if (x.k === "str") return fail(`${notA("a string")} ("${raw}")${hasValueNames(name) ? ", and no value of it is named so" : ""}.`);
        if (/^[+-]?\d*\.\d+$|^[+-]?\d+\.$/.test(raw)) return fail(`"${raw}" is not a valid number: ${notA("a floating-point number")}.`);
        if (hasValueNames(name)) return fail(`"${raw}" cannot be found among the possible values for ${name}.`);
        return fail(`"${raw}" is not a valid number (${name} is ${describeFtype(ft)}).`);
      }
      case "time": {
        if (ft === "ABSOLUTE_TIME") {
          const t = parseAbsTime(raw);
          if (t === null) return fail(`"${raw}" is not a valid absolute time (e.g. "2024-01-31 12:00:00" or "Jan 31, 2024 12:00:00").`);
          return { cat, v: t, bits: -1 };
        }
        if (x.k !== "word") return fail(`${notA("a string")}: write the seconds without quotes ("${raw}").`);
        const s = parseSeconds(raw);
        if (s === null) return fail(`"${raw}" is not a valid time (seconds, e.g. 0.25).`);
        return { cat, v: s, bits: -1 };
      }
      case "ipv4": {
        if (x.k !== "word") return fail(`${notA("a string")}: write the address without quotes.`);
        const m = /^(.*?)(?:\/(\d+))?$/.exec(raw)!;
        const a = parseIPv4(m[1]);
        if (a === null) return fail(`"${raw}" is not a valid IPv4 address (pcapframe does not resolve host names).`);
        const bits = m[2] === undefined ? -1 : Number(m[2]);
        if (bits > 32) return fail(`Netmask bits in a CIDR IPv4 address should be <= 32, not ${bits}`);
        return { cat, v: a, bits };
      }
      case "ipv6": {
        if (x.k !== "word") return fail(`${notA("a string")}: write the address without quotes.`);
        const m = /^(.*?)(?:\/(\d+))?$/.exec(raw)!;
        const a = parseIPv6(m[1]);
        if (a === null) return fail(`"${raw}" is not a valid IPv6 address.`);
        const bits = m[2] === undefined ? -1 : Number(m[2]);
        if (bits > 128) return fail(`Prefix in a CIDR IPv6 address should be <= 128, not ${bits}`);
        return { cat, v: a, bits };
      }
      case "ether": {
        if (x.k !== "word") return fail(`${notA("a string")}: write the address as aa:bb:cc:dd:ee:ff.`);
        const b = parseBytes(raw, true);
        if (b === null || b.length !== 6) return fail(`"${raw}" is not a valid Ethernet address.`);
        return { cat, v: b, bits: -1 };
      }
      case "bytes": {
        if (x.k === "str") return { cat, v: strBytes(raw), bits: -1 };
        if (x.k === "char") return { cat, v: Uint8Array.of(x.value & 255), bits: -1 };
        const b = parseBytes(raw.startsWith(":") ? raw.slice(1) : raw);
        if (b !== null) return { cat, v: b, bits: -1 };
        const i = parseInt4(raw);
        if (i !== null && i >= 0 && i <= 255) return { cat, v: Uint8Array.of(i), bits: -1 };
        return fail(`"${raw}" is not a valid byte string (write bytes as aa:bb:cc, or a string in quotes).`);
      }
      case "str":
        return { cat, v: raw, bits: -1 };
    }
  }

  // -------------------------------------------------------------- tests

  test(t: Test): TestFn {
    switch (t.k) {
      case "and": {
        const l = this.test(t.l);
        const r = this.test(t.r);
        return (c, cand) => {
          const ml = l(c, cand);
          const keep = new Uint8Array(c.n);
          if (cand === null) keep.set(ml);
          else for (let i = 0; i < c.n; i++) keep[i] = ml[i] & cand[i];
          andInto(keep, r(c, keep));
          return keep;
        };
      }
      case "or": {
        const l = this.test(t.l);
        const r = this.test(t.r);
        return (c, cand) => {
          const ml = l(c, cand);
          const rest = new Uint8Array(c.n);
          for (let i = 0; i < c.n; i++) rest[i] = (ml[i] ^ 1) & (cand === null ? 1 : cand[i]);
          const mr = r(c, rest);
          const out = new Uint8Array(c.n);
          for (let i = 0; i < c.n; i++) out[i] = (ml[i] & (cand === null ? 1 : cand[i])) | (mr[i] & rest[i]);
          return out;
        };
      }
      case "not": {
        const e = this.test(t.e);
        return (c, cand) => {
          const m = e(c, cand);
          const out = new Uint8Array(c.n);
          for (let i = 0; i < c.n; i++) out[i] = (m[i] ^ 1) & (cand === null ? 1 : cand[i]);
          return out;
        };
      }
      case "exists": {
        const o = this.typed(t.e, "A test");
        return leaf((c) => o.exists(c));
      }
      case "in":
        return this.inSet(t);
      case "cmp":
        return this.cmp(t);
    }
  }

  inSet(t: Test & { k: "in" }): TestFn {
    const l = this.typed(t.l, `Left side of "in"`);
    if (l.cat === "none") this.err(`${l.text} (type=Label) cannot participate in "in" comparisons.`, l);
    const preds: ((v: Value) => boolean)[] = [];
    const bounds: [number, number][] = [];
    for (const el of t.set) {
      const lo = this.operand(el.lo, true);
      if (isOperand(lo)) this.err(`Set elements must be values, not fields (${lo.text}).`, lo);
      const a = this.literal(lo as Literal, l);
      if (el.hi === null) {
        preds.push(makePred("==", a, l.cat));
        if (typeof a.v === "number" && a.bits < 0) bounds.push([a.v, a.v]);
        continue;
      }
      const hi = this.operand(el.hi, true);
      if (isOperand(hi)) this.err(`Set elements must be values, not fields (${hi.text}).`, hi);
      const b = this.literal(hi as Literal, l);
      const ge = makePred(">=", a, l.cat);
      const le = makePred("<=", b, l.cat);
      preds.push((v) => ge(v) && le(v));
      if (typeof a.v === "number" && typeof b.v === "number" && a.bits < 0 && b.bits < 0) bounds.push([a.v, b.v]);
    }
    const numeric = (l.cat === "num" || l.cat === "time") && bounds.length === t.set.length;
    const lo = Float64Array.from(bounds, (x) => x[0]);
    const hi = Float64Array.from(bounds, (x) => x[1]);
    const pred = (v: Value) => {
      for (const p of preds) if (p(v)) return true;
      return false;
    };
    const inFn = leaf((c) => {
      const o = l.occ(c);
      return numeric && o.t === "num" ? inNumSet(o, lo, hi, c.n) : predMask(o, pred, "any", c.n, c.cand);
    });
    if (!t.not) return inFn;
    return (c, cand) => {
      const m = inFn(c, cand);
      const out = new Uint8Array(c.n);
      for (let i = 0; i < c.n; i++) out[i] = (m[i] ^ 1) & (cand === null ? 1 : cand[i]);
      return out;
    };
  }

  cmp(t: Test & { k: "cmp" }): TestFn {
    const l = this.typed(t.l, `Left side of "${t.op}" expression`);
    const r = this.operand(t.r, true);
    let op = t.op;
    // multi-occurrence semantics: == any equal, != all not equal, === all equal, !== any not equal
    let mode: "any" | "all" = "any";
    if (op === "!=") mode = "all";
    if (op === "===") {
      op = "==";
      mode = "all";
    } else if (op === "!==") {
      op = "!=";
      mode = "any";
    }
    if (t.quant !== null) mode = t.quant;
    if (l.cat === "none") this.err(`${l.text} (type=Label) cannot participate in ${t.op} comparison.`, l);
    if (op === "contains" && !(l.cat === "str" || l.cat === "bytes" || l.cat === "ether")) {
      this.err(`${l.text} is ${describeFtype(l.ftype)}: "contains" applies to strings and bytes.`, t);
    }
    if (op === "matches") {
      if (!(l.cat === "str" || l.cat === "bytes")) this.err(`${l.text} is ${describeFtype(l.ftype)}: "matches" applies to strings and bytes.`, t);
      if (isOperand(r)) this.err(`The right side of "matches" must be a string (a regular expression).`, r);
      const lit = r as Literal;
      if (lit.k !== "str") this.err(`The right side of "matches" must be a quoted string, not ${src(this.src, lit)}.`, lit);
      let re: RegExp;
      try {
        re = toRegExp((lit as Literal & { k: "str" }).value);
      } catch (e) {
        if (e instanceof LiteralError) this.err(e.message, lit);
        throw e;
      }
      const cat = l.cat;
      const pred = (v: Value) => re.test(cat === "str" ? (v as string) : latin1(v as Uint8Array));
      return leaf((c) => predMask(l.occ(c), pred, mode, c.n, c.cand));
    }
    if (isOperand(r)) {
      this.compatible(l, r, t);
      const pred2 = makePred2(op, l.cat, r.cat);
      return leaf((c) => cartesian(l.occ(c), r.occ(c), pred2, mode, c.n, c.cand));
    }
    let lit: Lit;
    if (op === "contains") {
      // contains takes a string or bytes literal whatever the field's text form
      if (l.cat === "str") lit = { cat: "str", v: r.k === "str" ? r.value : r.k === "char" ? String.fromCharCode(r.value) : bytesOrText(r.text), bits: -1 };
      else lit = this.literal(r as Literal, { ...l, cat: "bytes", ftype: "BYTES" });
    } else lit = this.literal(r as Literal, l);
    const k = lit.v;
    if (typeof k === "number" && lit.bits < 0 && NUM_OPS[op] !== undefined) {
      const nop = NUM_OPS[op]!;
      return leaf((c) => {
        const o = l.occ(c);
        if (o.t === "num") return cmpNumConst(o, nop, k, mode, c.n);
        return predMask(o, makePred(op, lit, l.cat), mode, c.n, c.cand);
      });
    }
    const pred = makePred(op, lit, l.cat);
    return leaf((c) => predMask(l.occ(c), pred, mode, c.n, c.cand));
  }
}

/** Value of an arithmetic expression over number literals (constant folding), or null. */
function foldConst(e: Expr): number | null {
  switch (e.k) {
    case "word": {
      const i = parseInt4(e.text);
      if (i !== null) return i;
      return /^[+-]?(\d+\.\d*|\.\d+)$/.test(e.text) ? Number(e.text) : null;
    }
    case "char":
      return e.value;
    case "neg": {
      const v = foldConst(e.e);
      return v === null ? null : -v;
    }
    case "arith": {
      const a = foldConst(e.l);
      const b = a === null ? null : foldConst(e.r);
      if (a === null || b === null) return null;
      const int = Number.isInteger(a) && Number.isInteger(b);
      switch (e.op) {
        case "+":
          return a + b;
        case "-":
          return a - b;
        case "*":
          return a * b;
        case "/":
          return b === 0 ? null : int ? Math.trunc(a / b) : a / b;
        case "%":
          return b === 0 ? null : a % b;
        case "&":
          return int ? (a & b) >>> 0 : null;
      }
      return null;
    }
    default:
      return null;
  }
}

const NUM_OPS: Partial<Record<CmpOp, NumOp>> = { "==": 0, "!=": 1, ">": 2, "<": 3, ">=": 4, "<=": 5 };

/** A leaf: evaluates with c.cand set, so row-by-row fields compute only the rows that matter. */
function leaf(f: (c: Ctx) => Mask): TestFn {
  return (c, cand) => {
    const saved = c.cand;
    c.cand = cand;
    try {
      return f(c);
    } finally {
      c.cand = saved;
    }
  };
}

function isOperand(x: Operand | Literal): x is Operand {
  return (x as Operand).occ !== undefined;
}

function src(s: string, n: { pos: number; end: number }): string {
  return s.slice(n.pos, n.end);
}

function hasValueNames(field: string): boolean {
  return WS_VALUES[field] !== undefined;
}

function bytesOrText(s: string): string {
  return s;
}

function asBytes(v: Value, cat: Cat): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === "string") return utf8(v);
  if (cat === "ipv4") return Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  return new Uint8Array(0);
}

function sliceValue(b: Uint8Array, ranges: SliceRange[]): Uint8Array | null {
  const parts: Uint8Array[] = [];
  for (const r of ranges) {
    let start = r.start < 0 ? b.length + r.start : r.start;
    if (start < 0) return null;
    const end = r.len === null ? b.length : start + r.len;
    if (start > b.length || end > b.length || (r.len === null && start >= b.length)) return null;
    parts.push(b.subarray(start, end));
    start = end;
  }
  return concatParts(parts);
}

function valueText(v: Value, cat: Cat): string {
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) {
    if (cat === "ipv6" && v.length === 16) return ipv6ToString(v, 0);
    return Array.from(v, (x) => x.toString(16).padStart(2, "0")).join(":");
  }
  if (cat === "ipv4") return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  return String(v);
}

/** Predicate of one occurrence against a literal. */
function makePred(op: CmpOp, lit: Lit, cat: Cat): (v: Value) => boolean {
  const k = lit.v;
  if (cat === "ipv4" && lit.bits >= 0) {
    const mask = lit.bits === 0 ? 0 : (0xffffffff << (32 - lit.bits)) >>> 0;
    const net = ((k as number) & mask) >>> 0;
    const inNet = (v: Value) => (((v as number) & mask) >>> 0) === net;
    if (op === "==") return inNet;
    if (op === "!=") return (v) => !inNet(v);
  }
  if (cat === "ipv6" && lit.bits >= 0) {
    const inNet = (v: Value) => inPrefix6(v as Uint8Array, k as Uint8Array, lit.bits);
    if (op === "==") return inNet;
    if (op === "!=") return (v) => !inNet(v);
  }
  if (op === "contains") {
    if (typeof k === "string") return (v) => (v as string).includes(k);
    const kb = k as Uint8Array;
    return (v) => containsBytes(v instanceof Uint8Array ? v : typeof v === "string" ? utf8(v) : asBytes(v, cat), kb);
  }
  if (cat === "bool") {
    const kb = (k as number) !== 0;
    return cmpFn(op, (v) => Number((v as number) !== 0) - Number(kb));
  }
  if (typeof k === "number") return cmpFn(op, (v) => (v as number) - k);
  if (typeof k === "string") return cmpFn(op, (v) => ((v as string) < k ? -1 : (v as string) > k ? 1 : 0));
  const kb = k as Uint8Array;
  if (op === "==") return (v) => eqBytes(v as Uint8Array, kb);
  if (op === "!=") return (v) => !eqBytes(v as Uint8Array, kb);
  return cmpFn(op, (v) => cmpBytes(v as Uint8Array, kb));
}

function cmpFn(op: CmpOp, d: (v: Value) => number): (v: Value) => boolean {
  switch (op) {
    case "==":
      return (v) => d(v) === 0;
    case "!=":
      return (v) => d(v) !== 0;
    case ">":
      return (v) => d(v) > 0;
    case "<":
      return (v) => d(v) < 0;
    case ">=":
      return (v) => d(v) >= 0;
    case "<=":
      return (v) => d(v) <= 0;
    default:
      return () => false;
  }
}

/** Predicate of a pair of occurrences (field compared with field). */
function makePred2(op: CmpOp, a: Cat, b: Cat): (x: Value, y: Value) => boolean {
  const diff = (x: Value, y: Value): number => {
    if (typeof x === "number" && typeof y === "number") return a === "bool" || b === "bool" ? Number(x !== 0) - Number(y !== 0) : x - y;
    if (typeof x === "string" && typeof y === "string") return x < y ? -1 : x > y ? 1 : 0;
    return cmpBytes(asBytes(x, a), asBytes(y, b));
  };
  if (op === "contains") return (x, y) => (typeof x === "string" && typeof y === "string" ? x.includes(y) : containsBytes(asBytes(x, a), asBytes(y, b)));
  const f = cmpFn(op, (v) => v as number);
  return (x, y) => f(diff(x, y));
}

function concatOcc(a: Occ, b: Occ, c: Ctx): Occ {
  return combineAll([a, b], c);
}
function combineAll(list: Occ[], c: Ctx): Occ {
  const gens = list.map((o) => toGen(o, c.n, c.cand));
  const off = new Int32Array(c.n + 1);
  const vals: Value[] = [];
  for (let r = 0; r < c.n; r++) {
    off[r] = vals.length;
    for (const g of gens) {
      if (g.t !== "gen") continue;
      for (let i = g.off[r]; i < g.off[r + 1]; i++) vals.push(g.vals[i]);
    }
  }
  off[c.n] = vals.length;
  return { t: "gen", off, vals };
}
function reduceOcc(o: Occ, c: Ctx, f: (a: number, b: number) => number): Occ {
  const g = toGen(o, c.n, c.cand);
  const has = new Uint8Array(c.n);
  const v = new Float64Array(c.n);
  for (let r = 0; r < c.n; r++) {
    const a = g.off[r];
    const b = g.off[r + 1];
    if (a === b) continue;
    let x = g.vals[a] as number;
    for (let i = a + 1; i < b; i++) x = f(x, g.vals[i] as number);
    has[r] = 1;
    v[r] = x;
  }
  return numOcc(has, v);
}

/** Known names closest to `name` (for "did you mean"). */
function nearest(name: string): string[] {
  const names = new Set([...fieldNames(), ...Object.keys(WS_FIELDS)]);
  const scored: [number, string][] = [];
  for (const n of names) {
    const d = editDistance(name, n, 4);
    if (d <= Math.min(4, Math.max(2, Math.floor(name.length / 5)))) scored.push([findField(n) ? d : d + 0.5, n]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
  return scored.slice(0, 3).map((s) => s[1]);
}

function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (cur[j] < best) best = cur[j];
    }
    if (best > cap) return cap + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** A compiled display filter: evaluate it on a capture with `rows` / `mask` / `frames`. */
export class CompiledFilter {
  private readonly fn: TestFn;
  constructor(readonly expression: string) {
    const tree = parseFilter(expression);
    this.fn = new Compiler(expression).test(tree);
  }

  /** One byte per row: 1 where the filter matches. */
  mask(source: FilterSource): Uint8Array {
    // a copy: the evaluation may return a mask that is shared with later filters on the same table
    return this.run(source).slice();
  }

  private run(source: FilterSource): Uint8Array {
    const c = new Ctx(source);
    try {
      return this.fn(c, null);
    } catch (e) {
      if (e instanceof BytesUnavailable) throw new FilterError(`${e.message}: this filter needs packet bytes`, this.expression);
      throw e;
    } finally {
      c.close();
    }
  }

  /** Matching rows (0-based), ascending. */
  rows(source: FilterSource): Uint32Array {
    const m = this.run(source);
    const out = new Uint32Array(m.length);
    let k = 0;
    for (let i = 0; i < m.length; i++) if (m[i]) out[k++] = i;
    return out.slice(0, k);
  }

  /** Matching frame numbers (1-based), ascending. */
  frames(source: FilterSource): Uint32Array {
    const r = this.rows(source);
    for (let i = 0; i < r.length; i++) r[i]++;
    return r;
  }
}

/** Compile a display filter (tshark 4.0 syntax). Throws FilterError with the position of the problem. */
export function compileFilter(expression: string): CompiledFilter {
  return new CompiledFilter(expression);
}
