/**
 * The command line's one option parser: each command declares its options as data (name, short name,
 * value or flag, type, description) and its positional arguments; parsing, validation and the usage
 * text are derived from that table, so a command never reads argv itself and every command reports bad
 * usage the same way (a `UsageError`: one line naming the problem, then the command's usage, exit 2).
 */

/** What an option takes: a flag (no value) or a value of that type. */
export type OptionType = "flag" | "string" | "int" | "number" | "list";

export interface OptionSpec {
  /** Long name without the dashes: `columns` → `--columns`. */
  readonly name: string;
  /** One-letter name without the dash: `Y` → `-Y`. */
  readonly short?: string;
  readonly type: OptionType;
  /** Placeholder of the value in the usage text (default: the name in upper case). */
  readonly value?: string;
  /** Allowed values (string options). */
  readonly choices?: readonly string[];
  /** Smallest allowed value (int / number options). */
  readonly min?: number;
  readonly description: string;
  /** Must be given. */
  readonly required?: boolean;
  /** May be given several times (values collected in order); otherwise a repeat is an error. */
  readonly repeat?: boolean;
}

export interface PositionalSpec {
  readonly name: string;
  readonly description?: string;
  readonly optional?: boolean;
  /** The last positional only: takes every remaining argument (FILE… ). */
  readonly many?: boolean;
}

/** Parsed option values by long name: boolean for flags, string / number / string[] for values. */
export type OptionValues = Record<string, string | number | boolean | string[] | undefined>;

export interface ParsedArgs {
  readonly opts: OptionValues;
  readonly positional: string[];
  /** Everything after `--` (passed on untouched). */
  readonly rest: string[];
}

/** The I/O a command gets: stdout (text or bytes) and stderr writers (tests swap them). */
export interface CommandIO {
  out(s: string): void;
  /** Bytes to stdout; the chunk is the caller's to reuse once this returns. */
  write(b: Uint8Array): void;
  err(s: string): void;
}

export interface CommandSpec {
  readonly name: string;
  /** One line: what the command does. */
  readonly summary: string;
  readonly positional: readonly PositionalSpec[];
  readonly options: readonly OptionSpec[];
  /** Extra lines under the command's usage (notes, examples). */
  readonly notes?: string;
  /** Runs the command on validated arguments; returns the exit code. */
  run(args: ParsedArgs, io: CommandIO): number | Promise<number>;
}

/** Bad usage of a command: reported as one line plus that command's usage, exit status 2. */
export class UsageError extends Error {
  constructor(
    readonly command: string | null,
    message: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

const HELP: OptionSpec = { name: "help", short: "h", type: "flag", description: "this help" };

function optionLabel(o: OptionSpec): string {
  const names = [o.short ? `-${o.short}` : "", `--${o.name}`].filter(Boolean).join(", ");
  if (o.type === "flag") return names;
  const v = o.choices ? o.choices.join("|") : (o.value ?? o.name.toUpperCase());
  return `${names} ${v}`;
}

/** The synopsis line of a command: `pcapframe packets FILE [options]`. */
export function synopsis(spec: CommandSpec): string {
  const pos = spec.positional.map((p) => (p.optional ? `[${p.name}${p.many ? "…" : ""}]` : `${p.name}${p.many ? "…" : ""}`)).join(" ");
  const req = spec.options.filter((o) => o.required).map((o) => optionLabel(o).replace(/^-\w, /, "")).join(" ");
  const opt = spec.options.some((o) => !o.required) ? "[options]" : "";
  return ["pcapframe", spec.name, pos, req, opt].filter(Boolean).join(" ");
}

/** The usage text of a command, generated from its option table. */
export function commandUsage(spec: CommandSpec): string {
  const lines = [`usage: ${synopsis(spec)}`, `  ${spec.summary}`];
  const opts = [...spec.options, HELP];
  const labels = opts.map(optionLabel);
  const width = Math.min(34, Math.max(...labels.map((l) => l.length)) + 2);
  lines.push("options:");
  opts.forEach((o, i) => {
    const label = labels[i];
    const pad = label.length >= width ? `\n    ${" ".repeat(width)}` : " ".repeat(width - label.length);
    lines.push(`    ${label}${pad}${o.description}${o.required ? " (required)" : ""}`);
  });
  if (spec.notes) lines.push(spec.notes);
  return lines.join("\n");
}

function convert(cmd: string, o: OptionSpec, raw: string): string | number | string[] {
  const flag = `--${o.name}`;
  switch (o.type) {
    case "int":
    case "number": {
      const n = raw.trim() === "" ? NaN : Number(raw);
      if (!Number.isFinite(n) || (o.type === "int" && !Number.isInteger(n)))
        throw new UsageError(cmd, `${flag} expects ${o.type === "int" ? "an integer" : "a number"}, got "${raw}"`);
      if (o.min !== undefined && n < o.min) throw new UsageError(cmd, `${flag} must be at least ${o.min}, got ${raw}`);
      return n;
    }
    case "list": {
      const items = raw.split(",").map((s) => s.trim());
      if (items.some((s) => s === "")) throw new UsageError(cmd, `${flag} expects a comma-separated list without empty items, got "${raw}"`);
      return items;
    }
    default:
      if (o.choices && !o.choices.includes(raw)) throw new UsageError(cmd, `${flag} must be one of ${o.choices.join(", ")}; got "${raw}"`);
      return raw;
  }
}

/**
 * Parse `argv` (the words after the command name) against the command's table. Accepts `--name value`,
 * `--name=value`, `-X value`, `-Xvalue`, and `--` to end the options. Throws UsageError for an unknown
 * option, a missing or malformed value, a flag given a value, a repeated option, a missing required
 * option, and too many or too few positional arguments. `--help` is answered by the caller.
 */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs & { help: boolean } {
  const cmd = spec.name;
  const byLong = new Map<string, OptionSpec>();
  const byShort = new Map<string, OptionSpec>();
  for (const o of [...spec.options, HELP]) {
    byLong.set(o.name, o);
    if (o.short) byShort.set(o.short, o);
  }
  const opts: OptionValues = {};
  const positional: string[] = [];
  let rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      rest = argv.slice(i + 1);
      break;
    }
    let o: OptionSpec | undefined;
    let inline: string | undefined;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      inline = eq > 0 ? a.slice(eq + 1) : undefined;
      o = byLong.get(name);
      if (!o) throw new UsageError(cmd, `unknown option --${name}${suggest(name, [...byLong.keys()], "--")}`);
    } else if (a.startsWith("-") && a.length >= 2 && !/^-\d/.test(a)) {
      o = byShort.get(a[1]);
      if (!o) throw new UsageError(cmd, `unknown option ${a.slice(0, 2)}`);
      if (a.length > 2) inline = a.slice(2).replace(/^=/, "");
    } else {
      positional.push(a);
      continue;
    }
    const label = a.startsWith("--") ? `--${o.name}` : `-${o.short}`;
    let value: string | number | boolean | string[];
    if (o.type === "flag") {
      if (inline !== undefined) throw new UsageError(cmd, `${label} takes no value`);
      value = true;
    } else {
      let raw = inline;
      if (raw === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(cmd, `${label} needs a value (${o.choices ? o.choices.join("|") : (o.value ?? o.name.toUpperCase())})`);
        raw = argv[++i];
      }
      value = convert(cmd, o, raw);
    }
    if (opts[o.name] !== undefined) {
      if (!o.repeat) throw new UsageError(cmd, `${label} given twice`);
      const prev = opts[o.name];
      opts[o.name] = ([] as string[]).concat(prev as string[], value as string[]);
    } else opts[o.name] = o.repeat && !Array.isArray(value) ? [value as string] : value;
  }
  const help = opts.help === true;
  delete opts.help;
  if (!help) {
    const need = spec.positional.filter((p) => !p.optional).length;
    if (positional.length < need) throw new UsageError(cmd, `missing ${spec.positional[positional.length].name} argument`);
    if (positional.length > spec.positional.length && !spec.positional[spec.positional.length - 1]?.many)
      throw new UsageError(cmd, `unexpected argument "${positional[spec.positional.length]}"`);
    for (const o of spec.options) if (o.required && opts[o.name] === undefined) throw new UsageError(cmd, `missing --${o.name} ${o.choices ? o.choices.join("|") : (o.value ?? o.name.toUpperCase())}`);
  }
  return { opts, positional, rest, help };
}

/** ` (did you mean --columns?)` when a known name is close to the unknown one. */
export function suggest(name: string, known: readonly string[], prefix = ""): string {
  let best = "";
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best && bestD <= Math.max(1, Math.floor(name.length / 3)) ? ` (did you mean ${prefix}${best}?)` : "";
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length];
}
