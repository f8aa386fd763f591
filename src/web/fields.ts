import { z } from "zod";
import { PeriodError, type PeriodKind, parsePeriod } from "../feed/periods.ts";
import { parseArxivId } from "../papers/arxiv-id.ts";

/**
 * The field types routes declare their params, query strings and form bodies with. Every text
 * that reaches a handler went through one of them: a bounded length, no NUL or other control
 * characters (Postgres refuses NUL, and control characters are never meant), no lone UTF-16
 * surrogates. A failure becomes a 400 naming the field (see validation.ts).
 */

/**
 * How a field is documented in the OpenAPI document when its schema parses a string into
 * something else (a whole number, a period): the JSON Schema of the value, not of the raw text.
 * Kept in the schema's zod metadata; the OpenAPI transform (api/openapi.ts) puts it in place.
 */
export const DOCUMENTED_AS = "x-documented-as";

function documented<S extends z.ZodType>(schema: S, doc: Record<string, unknown>): S {
  return schema.meta({ [DOCUMENTED_AS]: doc });
}

function received(input: unknown): string {
  if (Array.isArray(input)) return "a list (the field was sent more than once)";
  if (input === null) return "null";
  return typeof input === "object" ? "an object" : `a ${typeof input}`;
}

/** The message for a value of the wrong type; a missing required field is "is required". */
const typeError = (iss: { input?: unknown }) =>
  iss.input === undefined ? "is required" : `must be a single text string, not ${received(iss.input)}`;

// C0 and C1 controls and DEL. Multi-line text keeps tab, line feed and carriage return.
const NO_CONTROLS = /^[^\u0000-\u001f\u007f-\u009f]*$/;
const NO_CONTROLS_MULTILINE = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$/;

// Half of a UTF-16 pair without the other half: JSON bodies can carry one; it cannot be stored.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A safe text string of at most `max` characters. */
export function text(max: number, opts: { multiline?: boolean; tooLong?: string } = {}) {
  return z
    .string({ error: typeError })
    .max(max, opts.tooLong ?? `is too long (at most ${max} characters)`)
    .regex(
      opts.multiline ? NO_CONTROLS_MULTILINE : NO_CONTROLS,
      "must not contain NUL or other control characters",
    )
    .refine((s) => !LONE_SURROGATE.test(s), "is not valid Unicode text");
}

/**
 * A form field whose capability refuses control characters itself, with a message that fits
 * the field and the form shown again (email addresses, topic names): bounded and valid Unicode here.
 */
export function formTextCheckedByCapability(max: number) {
  return z
    .string({ error: typeError })
    .max(max, `is too long (at most ${max} characters)`)
    .refine((s) => !LONE_SURROGATE.test(s), "is not valid Unicode text")
    .default("");
}

/** A form field: absent means empty, as a browser sends an empty input. */
export function formText(max: number, opts: { multiline?: boolean } = {}) {
  return text(max, opts).default("");
}

/** A query-string or form integer in [min, max], with a message a person understands. */
export function wholeNumber(min: number, max: number, doc: { default?: number } = {}) {
  const message = `must be a whole number from ${min} to ${max}`;
  const schema = z
    .string({ error: typeError })
    .regex(/^\d{1,9}$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message));
  return documented(schema, { type: "integer", minimum: min, maximum: max, ...doc });
}

/** A page number of a paged list. */
export const pageNumber = (min: number, max: number) => wholeNumber(min, max);

/** The period a key names, or an issue saying why it names none (2024-02-30, 2024-W53). */
function periodOrIssue(kind: PeriodKind, value: string, ctx: z.RefinementCtx) {
  try {
    return parsePeriod(kind, value);
  } catch (err) {
    if (!(err instanceof PeriodError)) throw err;
    ctx.addIssue({ code: "custom", message: err.message });
    return z.NEVER;
  }
}

/** A feed period key (2024-08-09, 2024-W32, 2024-08), checked against the real calendar. */
export function period(kind: PeriodKind) {
  const example = { day: "2024-08-09", week: "2024-W32", month: "2024-08" }[kind];
  const pattern = { day: "^\\d{4}-\\d{2}-\\d{2}$", week: "^\\d{4}-W\\d{2}$", month: "^\\d{4}-\\d{2}$" }[kind];
  const schema = z
    .string({ error: typeError })
    .max(20, `must look like ${example}`)
    .transform((value, ctx) => periodOrIssue(kind, value, ctx));
  return documented(schema, { type: "string", pattern, examples: [example] });
}

/** A form's optional calendar date, YYYY-MM-DD, that exists (no 2024-13-45): that text, or null when empty. */
export function optionalDate() {
  const schema = formText(20).transform((value, ctx) =>
    value.trim() === "" ? null : periodOrIssue("day", value.trim(), ctx).key,
  );
  return documented(schema, { type: "string", format: "date", examples: ["2024-08-09"] });
}

/** An arXiv id as people paste it (2408.03361, hep-th/9901001v2, an arXiv URL); the value is the id without version. */
export function arxivId() {
  const schema = text(300).transform((value, ctx) => {
    const parsed = parseArxivId(value);
    if (parsed) return parsed.id;
    ctx.addIssue({ code: "custom", message: "is not an arXiv id (like 2408.03361 or hep-th/9901001)" });
    return z.NEVER;
  });
  return documented(schema, {
    type: "string",
    description:
      "An arXiv id, new style (2408.03361) or old style (hep-th/9901001), with or without a version.",
    examples: ["2408.03361"],
  });
}

/** An on/off field: "1" does, "0" undoes. */
export function onOff() {
  return z.enum(["0", "1"], { error: "must be 1 (do) or 0 (undo)" }).transform((v) => v === "1");
}

/** A field a form may repeat (checkboxes of one name): each value checked, at most `count` of them. */
export function repeated(max: number, count: number) {
  return z
    .union([text(max), z.array(text(max)).max(count, `at most ${count} at once`)], {
      error: `must be up to ${count} text values of at most ${max} characters`,
    })
    .optional()
    .transform((v) => (v === undefined ? [] : [v].flat()));
}

/** One of a few words, naming them when the value is something else. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(", ")}` });
}

/**
 * Local paths only, so a `next` parameter cannot send people to another site. Browsers drop
 * tabs and newlines from URLs ("/\t/evil.com" opens evil.com), so no control character, space
 * or backslash may appear anywhere, "//" may not start the path, and only printable ASCII is
 * allowed (the paths we link to are percent-encoded; anything else cannot go in a Location header).
 */
export function isLocalPath(value: unknown): value is string {
  return typeof value === "string" && /^\/(?!\/)[\u0021-\u005b\u005d-\u007e]*$/.test(value);
}

/** A `next` address to return to after a form: a local path, or empty for the default. */
export function localPath() {
  return text(2000)
    .refine((v) => v === "" || isLocalPath(v), "must be an address on this site, like /papers/trending")
    .default("");
}
