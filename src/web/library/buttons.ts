import type { Paper } from "../../papers/types.ts";
import { csrfField } from "../accounts/csrf.ts";
import { html, type SafeHtml } from "../html.ts";
import type { PageContext } from "../layout.ts";

/** What the library buttons of one card know: the signed-in reader's saves and dismissals. */
export interface LibraryState {
  saved: Set<string>;
  dismissed: Set<string>;
}

/** Save / Not interested on a card: plain forms that work without JavaScript. */
export function libraryButtons(paper: Paper, page: PageContext, state: LibraryState): SafeHtml {
  if (!page.user) return html``;
  const saved = state.saved.has(paper.arxivId);
  const dismissed = state.dismissed.has(paper.arxivId);
  return html`<div class="card-actions">
    <form class="inline" method="post" action="/save">${csrfField(page)}
      <input type="hidden" name="arxiv_id" value="${paper.arxivId}">
      <input type="hidden" name="on" value="${saved ? "0" : "1"}">
      <button type="submit" class="link" aria-pressed="${saved ? "true" : "false"}">${saved ? "Saved ✓ (undo)" : "Save"}</button>
    </form>
    <form class="inline" method="post" action="/dismiss">${csrfField(page)}
      <input type="hidden" name="arxiv_id" value="${paper.arxivId}">
      <input type="hidden" name="on" value="${dismissed ? "0" : "1"}">
      <button type="submit" class="link" aria-pressed="${dismissed ? "true" : "false"}">${dismissed ? "Undo not interested" : "Not interested"}</button>
    </form>
  </div>`;
}
