import { HttpError } from "../errors.ts";

/** One text field of a form or JSON body; a repeated or non-text field is a 400, not a crash. */
export function formString(body: unknown, name: string, max = 10_000): string {
  const v = body && typeof body === "object" ? (body as Record<string, unknown>)[name] : undefined;
  if (v === undefined || v === null) return "";
  if (typeof v !== "string")
    throw new HttpError(400, `The field "${name}" must be a single text value.`, name);
  if (v.length > max)
    throw new HttpError(400, `The field "${name}" is too long (at most ${max} characters).`, name);
  return v;
}

export function wantsJson(accept: string | undefined): boolean {
  return !!accept && accept.includes("application/json") && !accept.includes("text/html");
}
