import { authorPath } from "../../authors/names.ts";
import type { Author } from "../../papers/types.ts";
import { html, type SafeHtml } from "../html.ts";

const SHOWN_AUTHORS = 4;

/** "A, B, C, D and 12 others", each name linking to its author page. */
export function shortAuthorLinks(authors: Author[]): SafeHtml {
  const shown = authors.length <= SHOWN_AUTHORS + 1 ? authors : authors.slice(0, SHOWN_AUTHORS);
  const links = shown.map((a, i) => html`${i > 0 ? ", " : ""}<a href="${authorPath(a.name)}">${a.name}</a>`);
  const rest = authors.length - shown.length;
  return html`${links}${rest > 0 ? ` and ${rest} others` : ""}`;
}
