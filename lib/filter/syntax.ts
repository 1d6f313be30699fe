/**
 * Lexer and parser of Wireshark's display-filter language as tshark 4.0 accepts it (the grammar of
 * epan/dfilter/scanner.l + grammar.lemon in 4.0.x): a hand-written recursive-descent parser with
 * Wireshark's precedence (not > and > or; comparisons bind tighter; bitwise & below + -, below * / %).
 * Things 4.0 rejects (`xor`/`^^`, `@field`, `$field`, set elements without commas, trailing commas)
 * are syntax errors here too. Names are not resolved here (see compile.ts): a bare word is kept as
 * text and becomes a field, a protocol or a literal once the field registry has been asked.
 */

/** A filter that cannot be compiled: message, position and length in the expression (0-based). */
export class FilterError extends Error {
  readonly expression: string;
  readonly pos: number;
  readonly len: number;
  /** The message without the expression and caret lines. */
  readonly reason: string;
  constructor(reason: string, expression: string, pos = -1, len = 1) {
    const caret = pos >= 0 ? `\n  ${expression}\n  ${" ".repeat(pos)}^${"~".repeat(Math.max(0, len - 1))}` : "";
    super(`${reason}${caret}`);
    this.name = "FilterError";
    this.reason = reason;
    this.expression = expression;
    this.pos = pos;
    this.len = len;
  }
}

export type CmpOp = "==" | "!=" | "===" | "!==" | ">" | "<" | ">=" | "<=" | "contains" | "matches";
export type ArithOp = "+" | "-" | "*" | "/" | "%" | "&";

export interface Span {
  pos: number;
  end: number;
}
/** A range of a slice: start and (exclusive) end; null end = to the end; negative = from the end. */
export interface SliceRange {
  start: number;
  /** Length (start:len), or null for "to the end". */
  len: number | null;
}
export type Expr =
  | (Span & { k: "word"; text: string })
  | (Span & { k: "str"; value: string; raw: boolean })
  | (Span & { k: "char"; value: number })
  | (Span & { k: "slice"; of: Expr; ranges: SliceRange[] })
  | (Span & { k: "call"; fn: string; args: Expr[] })
  | (Span & { k: "arith"; op: ArithOp; l: Expr; r: Expr })
  | (Span & { k: "neg"; e: Expr });
export interface SetElem {
  lo: Expr;
  hi: Expr | null;
}
export type Test =
  | (Span & { k: "cmp"; op: CmpOp; quant: "any" | "all" | null; l: Expr; r: Expr })
  | (Span & { k: "in"; not: boolean; l: Expr; set: SetElem[] })
  | (Span & { k: "and" | "or"; l: Test; r: Test })
  | (Span & { k: "not"; e: Test })
  | (Span & { k: "exists"; e: Expr });

type TokType = "word" | "str" | "char" | "op" | "(" | ")" | "{" | "}" | "[" | "]" | "," | ".." | "eof";
interface Tok {
  t: TokType;
  /** Text of a word/op, decoded value of a string. */
  v: string;
  pos: number;
  end: number;
  raw?: boolean;
}

const WORD_CHAR = /[A-Za-z0-9_.:\-/]/;
const KEYWORD_OPS: Record<string, string> = {
  eq: "==", any_eq: "==", ne: "!=", all_ne: "!=", all_eq: "===", any_ne: "!==", gt: ">", lt: "<", ge: ">=", le: "<=",
  contains: "contains", matches: "matches", bitwise_and: "&", and: "&&", or: "||", not: "!", in: "in",
};

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const n = src.length;
  const err = (msg: string, p: number, l = 1): never => {
    throw new FilterError(msg, src, p, l);
  };
  while (i < n) {
    const c = src[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const start = i;
    if ((c === "r" || c === "R") && src[i + 1] === '"') {
      // raw string: no escapes except \" keeps both characters
      i += 2;
      let s = "";
      while (i < n && src[i] !== '"') {
        if (src[i] === "\\" && i + 1 < n) {
          s += src[i] + src[i + 1];
          i += 2;
        } else s += src[i++];
      }
      if (i >= n) err("The final quote was missing from a quoted string.", start, n - start);
      i++;
      out.push({ t: "str", v: s, pos: start, end: i, raw: true });
      continue;
    }
    if (c === '"') {
      i++;
      let s = "";
      while (i < n && src[i] !== '"') {
        if (src[i] === "\\") {
          const [ch, used] = escape(src, i, err);
          s += ch;
          i += used;
        } else s += src[i++];
      }
      if (i >= n) err("The final quote was missing from a quoted string.", start, n - start);
      i++;
      out.push({ t: "str", v: s, pos: start, end: i });
      continue;
    }
    if (c === "'") {
      i++;
      let ch: string;
      if (src[i] === "\\") {
        const [e, used] = escape(src, i, err);
        ch = e;
        i += used;
      } else ch = src[i++] ?? "";
      if (src[i] !== "'" || ch.length !== 1) err("A character constant must be a single character in single quotes.", start, Math.max(1, i - start));
      i++;
      out.push({ t: "char", v: ch, pos: start, end: i });
      continue;
    }
    const two = src.slice(i, i + 2);
    const three = src.slice(i, i + 3);
    if (three === "===" || three === "!==") {
      out.push({ t: "op", v: three, pos: i, end: i + 3 });
      i += 3;
      continue;
    }
    if (two === "==" || two === "!=" || two === ">=" || two === "<=" || two === "&&" || two === "||") {
      out.push({ t: "op", v: two, pos: i, end: i + 2 });
      i += 2;
      continue;
    }
    if (two === "^^") err('"^^" (xor) is not supported by Wireshark 4.0 display filters.', i, 2);
    if (c === ">" || c === "<" || c === "!" || c === "~" || c === "&" || c === "+" || c === "*" || c === "%") {
      out.push({ t: "op", v: c, pos: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === "(" || c === ")" || c === "{" || c === "}" || c === "[" || c === "]" || c === ",") {
      out.push({ t: c, v: c, pos: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === "$") err("Field references ($field) are not supported by tshark 4.0 display filters.", i, 1);
    if (c === "@") err('"@" (raw field values) is not supported by Wireshark 4.0 display filters.', i, 1);
    if (c === "=") err('"=" was unexpected in this context (use == to compare).', i, 1);
    if (c === "|") err('"|" was unexpected in this context (use || or "or").', i, 1);
    if (WORD_CHAR.test(c)) {
      while (i < n && WORD_CHAR.test(src[i])) i++;
      let w = src.slice(start, i);
      if (w.length > 1 && w[0] === "-" && /[A-Za-z_]/.test(w[1])) {
        // unary minus before a field name: -tcp.len
        out.push({ t: "op", v: "-", pos: start, end: start + 1 });
        w = w.slice(1);
        out.push(wordTok(w, start + 1));
        continue;
      }
      if (w === "-" || w === "/") {
        out.push({ t: "op", v: w, pos: start, end: i });
        continue;
      }
      if (w.includes("..")) {
        // ranges in sets: 80..90, 10.0.0.1..10.0.0.9
        const parts = w.split("..");
        let p = start;
        parts.forEach((part, k) => {
          if (k > 0) {
            out.push({ t: "..", v: "..", pos: p, end: p + 2 });
            p += 2;
          }
          if (part) out.push(wordTok(part, p));
          p += part.length;
        });
        continue;
      }
      out.push(wordTok(w, start));
      continue;
    }
    err(`"${c}" was unexpected in this context.`, i, 1);
  }
  out.push({ t: "eof", v: "", pos: n, end: n });
  return out;
}

function wordTok(w: string, pos: number): Tok {
  const op = KEYWORD_OPS[w];
  if (op !== undefined) return { t: "op", v: op, pos, end: pos + w.length };
  return { t: "word", v: w, pos, end: pos + w.length };
}

/** A backslash escape at src[i]: [decoded character, characters used]. As Wireshark: \\ \" \' \a \b \f \n \r \t \v \xhh \ooo. */
function escape(src: string, i: number, err: (m: string, p: number, l?: number) => never): [string, number] {
  const e = src[i + 1];
  const simple: Record<string, string> = { "\\": "\\", '"': '"', "'": "'", a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };
  if (e !== undefined && simple[e] !== undefined) return [simple[e], 2];
  if (e === "x") {
    const m = /^[0-9A-Fa-f]{1,2}/.exec(src.slice(i + 2, i + 4));
    if (m) return [String.fromCharCode(parseInt(m[0], 16)), 2 + m[0].length];
  }
  const o = /^[0-7]{1,3}/.exec(src.slice(i + 1, i + 4));
  if (o) return [String.fromCharCode(parseInt(o[0], 8) & 255), 1 + o[0].length];
  return err(`\\${e ?? ""} is not a valid character escape sequence`, i, 2);
}

const CMP_OPS = new Set(["==", "!=", "===", "!==", ">", "<", ">=", "<=", "contains", "matches", "~"]);

class Parser {
  private k = 0;
  constructor(private readonly src: string, private readonly toks: Tok[]) {}

  private peek(o = 0): Tok {
    return this.toks[Math.min(this.k + o, this.toks.length - 1)];
  }
  private next(): Tok {
    return this.toks[this.k++];
  }
  private isOp(v: string, o = 0): boolean {
    const t = this.peek(o);
    return t.t === "op" && t.v === v;
  }
  private fail(t: Tok, msg?: string): never {
    const what = t.t === "eof" ? "Unexpected end of filter expression." : `"${this.src.slice(t.pos, t.end)}" was unexpected in this context.`;
    throw new FilterError(msg ?? what, this.src, t.t === "eof" ? Math.max(0, this.src.length - 1) : t.pos, Math.max(1, t.end - t.pos));
  }
  private expect(type: TokType): Tok {
    const t = this.next();
    if (t.t !== type) this.fail(t);
    return t;
  }

  parse(): Test {
    if (this.peek().t === "eof") throw new FilterError("Empty filter expression.", this.src, -1);
    const e = this.or();
    const t = this.peek();
    if (t.t !== "eof") this.fail(t);
    return e;
  }

  private or(): Test {
    let l = this.and();
    while (this.isOp("||")) {
      this.next();
      const r = this.and();
      l = { k: "or", l, r, pos: l.pos, end: r.end };
    }
    if (this.peek().t === "word" && /^xor$/i.test(this.peek().v)) this.fail(this.peek(), `"xor" was unexpected in this context (Wireshark 4.0 has no xor).`);
    return l;
  }

  private and(): Test {
    let l = this.not();
    while (this.isOp("&&")) {
      this.next();
      const r = this.not();
      l = { k: "and", l, r, pos: l.pos, end: r.end };
    }
    return l;
  }

  private not(): Test {
    if (this.isOp("!")) {
      const t = this.next();
      const e = this.not();
      return { k: "not", e, pos: t.pos, end: e.end };
    }
    return this.relation();
  }

  private relation(): Test {
    const t0 = this.peek();
    let quant: "any" | "all" | null = null;
    if (t0.t === "word" && (t0.v === "any" || t0.v === "all") && !(this.peek(1).t === "op" && CMP_OPS.has(this.peek(1).v))) {
      if (this.peek(1).t !== "eof" && this.peek(1).t !== ")") {
        quant = t0.v as "any" | "all";
        this.next();
      }
    }
    if (this.peek().t === "(" && quant === null) {
      // parenthesised test, unless it is an arithmetic term followed by an operator (not in 4.0)
      const open = this.next();
      const e = this.or();
      const close = this.expect(")");
      e.pos = open.pos;
      e.end = close.end;
      return e;
    }
    const l = this.arith();
    const t = this.peek();
    if (t.t === "op" && CMP_OPS.has(t.v)) {
      this.next();
      const op = (t.v === "~" ? "matches" : t.v) as CmpOp;
      const r = this.arith();
      if (quant !== null && !(op === "==" || op === "!=" || op === ">" || op === "<" || op === ">=" || op === "<=" || op === "contains" || op === "matches")) this.fail(t);
      const nt = this.peek();
      if (nt.t === "op" && CMP_OPS.has(nt.v)) this.fail(nt);
      return { k: "cmp", op, quant, l, r, pos: quant ? t0.pos : l.pos, end: r.end };
    }
    if (t.t === "op" && (t.v === "in" || (t.v === "!" && this.isOp("in", 1)))) {
      let not = false;
      if (t.v === "!") {
        this.next();
        not = true;
      }
      this.next();
      const { set, end } = this.set();
      if (quant !== null) this.fail(t0);
      return { k: "in", not, l, set, pos: l.pos, end };
    }
    if (quant !== null) this.fail(this.peek());
    return { k: "exists", e: l, pos: l.pos, end: l.end };
  }

  private set(): { set: SetElem[]; end: number } {
    this.expect("{");
    const set: SetElem[] = [];
    for (;;) {
      const lo = this.setValue();
      let hi: Expr | null = null;
      if (this.peek().t === "..") {
        this.next();
        hi = this.setValue();
      }
      set.push({ lo, hi });
      const t = this.next();
      if (t.t === "}") return { set, end: t.end };
      if (t.t !== ",") this.fail(t);
    }
  }

  private setValue(): Expr {
    const t = this.peek();
    if (t.t === "op" && t.v === "-" && this.peek(1).t === "word") {
      this.next();
      const w = this.next();
      return { k: "word", text: "-" + w.v, pos: t.pos, end: w.end };
    }
    if (t.t !== "word" && t.t !== "str" && t.t !== "char") this.fail(t);
    return this.unary();
  }

  // arithmetic: & lowest, then + -, then * / %
  private arith(): Expr {
    let l = this.additive();
    while (this.isOp("&")) {
      this.next();
      const r = this.additive();
      l = { k: "arith", op: "&", l, r, pos: l.pos, end: r.end };
    }
    return l;
  }
  private additive(): Expr {
    let l = this.multiplicative();
    while (this.isOp("+") || this.isOp("-")) {
      const op = this.next().v as ArithOp;
      const r = this.multiplicative();
      l = { k: "arith", op, l, r, pos: l.pos, end: r.end };
    }
    return l;
  }
  private multiplicative(): Expr {
    let l = this.unary();
    while (this.isOp("*") || this.isOp("/") || this.isOp("%")) {
      const op = this.next().v as ArithOp;
      const r = this.unary();
      l = { k: "arith", op, l, r, pos: l.pos, end: r.end };
    }
    return l;
  }
  private unary(): Expr {
    const t = this.peek();
    if (t.t === "op" && t.v === "-") {
      this.next();
      if (this.peek().t === "{") this.fail(this.peek());
      const e = this.unary();
      return { k: "neg", e, pos: t.pos, end: e.end };
    }
    if (t.t === "op" && t.v === "+") {
      this.next();
      return this.unary();
    }
    return this.postfix(this.primary());
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.t) {
      case "word":
        if (this.peek().t === "(" && /^[a-z_][a-z0-9_]*$/i.test(t.v)) {
          this.next();
          const args: Expr[] = [];
          if (this.peek().t !== ")") {
            for (;;) {
              args.push(this.arith());
              if (this.peek().t === ",") {
                this.next();
                continue;
              }
              break;
            }
          }
          const close = this.expect(")");
          return { k: "call", fn: t.v, args, pos: t.pos, end: close.end };
        }
        return { k: "word", text: t.v, pos: t.pos, end: t.end };
      case "str":
        return { k: "str", value: t.v, raw: t.raw === true, pos: t.pos, end: t.end };
      case "char":
        return { k: "char", value: t.v.charCodeAt(0), pos: t.pos, end: t.end };
      case "{": {
        // {arithmetic} grouping
        const e = this.arith();
        const close = this.expect("}");
        e.pos = t.pos;
        e.end = close.end;
        return e;
      }
      default:
        return this.fail(t);
    }
  }

  private postfix(e: Expr): Expr {
    while (this.peek().t === "[") {
      const open = this.next();
      // the slice text up to "]", as one piece: "0:4", "1-2", "-1", ":4", "2:", "0:2,4:2"
      let close = this.k;
      while (this.toks[close].t !== "]" && this.toks[close].t !== "eof") close++;
      if (this.toks[close].t === "eof") this.fail(this.toks[close]);
      const text = this.src.slice(open.end, this.toks[close].pos).replace(/\s+/g, "");
      const ranges: SliceRange[] = [];
      for (const part of text.split(",")) {
        const r = parseRange(part);
        if (r === null) throw new FilterError(`"${part}" is not a valid range.`, this.src, open.end, Math.max(1, this.toks[close].pos - open.end));
        ranges.push(r);
      }
      this.k = close + 1;
      e = { k: "slice", of: e, ranges, pos: e.pos, end: this.toks[close].end };
    }
    return e;
  }
}

function parseRange(s: string): SliceRange | null {
  let m: RegExpExecArray | null;
  if ((m = /^(-?\d+)$/.exec(s))) return { start: +m[1], len: 1 };
  if ((m = /^(-?\d+):(\d+)$/.exec(s))) return +m[2] > 0 ? { start: +m[1], len: +m[2] } : null;
  if ((m = /^:(\d+)$/.exec(s))) return +m[1] > 0 ? { start: 0, len: +m[1] } : null;
  if ((m = /^(-?\d+):$/.exec(s))) return { start: +m[1], len: null };
  if ((m = /^(-?\d+)-(-?\d+)$/.exec(s))) {
    const a = +m[1];
    const b = +m[2];
    if ((a >= 0) !== (b >= 0) || b < a) return null;
    return { start: a, len: b - a + 1 };
  }
  return null;
}

/** Parse a display filter into its syntax tree (names unresolved). Throws FilterError. */
export function parseFilter(src: string): Test {
  if (typeof src !== "string") throw new TypeError("display filter: expected a string");
  return new Parser(src, lex(src)).parse();
}
