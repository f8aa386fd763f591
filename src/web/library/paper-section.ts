import type { FastifyRequest } from "fastify";
import { collectionsOf } from "../../library/store.ts";
import type { Paper } from "../../papers/types.ts";
import { csrfField } from "../accounts/csrf.ts";
import type { AppDeps } from "../app.ts";
import { pageContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import { libraryButtons } from "./buttons.ts";
import { libraryStateFor } from "./state.ts";

/** On a paper page: Save, Not interested, and add to one of your collections (or a new one). */
export async function librarySection(paper: Paper, req: FastifyRequest, deps: AppDeps): Promise<SafeHtml> {
  const ctx = pageContext(req);
  if (!req.user) return html``;
  const [state, collections] = await Promise.all([
    libraryStateFor(deps.db, req, [paper]),
    collectionsOf(deps.db, req.user.id, false),
  ]);
  return html`<section class="side-box library-box" aria-label="Your library">
    <h2>Keep it</h2>
    ${libraryButtons(paper, ctx, state)}
    ${
      collections.length > 0
        ? html`<form method="post" action="/collections/add" class="stack">${csrfField(ctx)}
        <input type="hidden" name="arxiv_id" value="${paper.arxivId}"><input type="hidden" name="on" value="1">
        <label>Add to collection <select name="slug">${collections.map((c) => html`<option value="${c.slug}">${c.name}</option>`)}</select></label>
        <button type="submit">Add</button></form>`
        : ""
    }
    <form method="post" action="/collections" class="stack">${csrfField(ctx)}
      <input type="hidden" name="arxiv_id" value="${paper.arxivId}">
      <label>New collection <input name="name" required maxlength="100" placeholder="Name"></label>
      <button type="submit">Create and add</button></form>
  </section>`;
}
