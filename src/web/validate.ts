import { z } from "zod";
import { PeriodError, type PeriodKind, parsePeriod } from "../feed/periods.ts";
import { paramDocs } from "./api/openapi.ts";
import { HttpError } from "./errors.ts";

/**
 * Parses request input with a zod schema that sits beside the route. A failure becomes a 400
 * that names the first bad parameter and says why, for API clients and people alike.
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue.path.map(String).join(".") || undefined;
  throw new HttpError(400, param ? `Invalid parameter "${param}": ${issue.message}` : issue.message, param);
}

/** A query-string integer in [min, max], with a message a person understands. */
export function intParam(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  const schema = z
    .string()
    .regex(/^\d{1,9}$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message));
  paramDocs.add(schema, { type: "integer", minimum: min, maximum: max });
  return schema;
}

/** A feed period key (2024-08-09, 2024-W32, 2024-08), checked against the real calendar. */
export function periodParam(kind: PeriodKind) {
  const example = { day: "2024-08-09", week: "2024-W32", month: "2024-08" }[kind];
  const pattern = { day: "^\\d{4}-\\d{2}-\\d{2}$", week: "^\\d{4}-W\\d{2}$", month: "^\\d{4}-\\d{2}$" }[kind];
  const schema = z
    .string()
    .max(20, `must look like ${example}`)
    .transform((value, ctx) => {
      try {
        return parsePeriod(kind, value);
      } catch (err) {
        if (!(err instanceof PeriodError)) throw err;
        ctx.addIssue({ code: "custom", message: err.message });
        return z.NEVER;
      }
    });
  paramDocs.add(schema, { type: "string", pattern, examples: [example] });
  return schema;
}
