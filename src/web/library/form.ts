import { parseArxivId } from "../../papers/arxiv-id.ts";
import { formString } from "../accounts/form.ts";
import { HttpError } from "../errors.ts";

/** The arxiv_id field of a form, parsed; a 400 naming the field otherwise. */
export function arxivIdField(body: unknown): string {
  const parsed = parseArxivId(formString(body, "arxiv_id", 100));
  if (!parsed) throw new HttpError(400, "That is not an arXiv id.", "arxiv_id");
  return parsed.id;
}

/** An on/off field: "1" does, "0" undoes. */
export function onField(body: unknown, name = "on"): boolean {
  const v = formString(body, name, 5);
  if (v !== "0" && v !== "1")
    throw new HttpError(400, `The field "${name}" must be 1 (do) or 0 (undo).`, name);
  return v === "1";
}
