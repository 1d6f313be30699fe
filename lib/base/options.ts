/** Option validation for every public function and command: one parser, one message style. */
import { z } from "zod";

/**
 * Validate `value` with `schema`; on failure throw one TypeError naming the function and every bad option,
 * e.g. `seqGraph: option "direction": Invalid option: …` or `readCapture: unknown option "strct"`.
 */
export function parseOptions<S extends z.ZodType>(fn: string, schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const msgs = r.error.issues.map((i) => {
    if (i.code === "unrecognized_keys") return `unknown option${i.keys.length > 1 ? "s" : ""} ${i.keys.map((k) => `"${k}"`).join(", ")}`;
    return i.path.length ? `option "${i.path.map(String).join(".")}": ${i.message}` : i.message;
  });
  throw new TypeError(`${fn}: ${msgs.join("; ")}`);
}
