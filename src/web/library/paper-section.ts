import type { FastifyRequest } from "fastify";
import { COLLECTION_NAME_MAX } from "../../library/collections.ts";
import { collectionIdsHolding, collectionsOf } from "../../library/store.ts";
import type { Paper } from "../../papers/types.ts";
import { csrfField } from "../accounts/csrf.ts";
import type { AppDeps } from "../app.ts";
import { pageContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import { libraryButtons } from "./buttons.ts";
import { collectionNote, collectionPath } from "./collections.ts";
import { libraryStateFor } from "./state.ts";

/**
 * On a paper page: Save, Not interested, the person's collections that hold the paper (each with
 * a Remove), and adding it to another of them or to a new one.
 */
export async function librarySection(paper: Paper, req: FastifyRequest, deps: AppDeps): Promise<SafeHtml> {
  const ctx = pageContext(req);
  const user = req.user;
  if (!user) return html``;
  const [state, collections, holding] = await Promise.all([
    libraryStateFor(deps.db, req, [paper]),
    collectionsOf(deps.db, user.id, false),
    collectionIdsHolding(deps.db, user.id, paper.arxivId),
  ]);
  const inThem = collections.filter((c) => holding.has(c.id));
  const others = collections.filter((c) => !holding.has(c.id));
  return html`<section class="side-box library-box" aria-label="Your library">
    <h2>Keep it</h2>
    ${libraryButtons(paper, ctx, state)}
    ${
      inThem.length > 0
        ? html`<p class="muted in-label">In your collections:</p><ul class="collections in-collections">${inThem.map(
            (c) => html`<li><a href="${collectionPath(user.username, c.slug)}">${c.name}</a>
          <span class="muted">· ${collectionNote(c, collections)}</span>
          <form class="inline" method="post" action="/collections/${encodeURIComponent(c.slug)}/papers">${csrfField(ctx)}
            <input type="hidden" name="arxiv_id" value="${paper.arxivId}"><input type="hidden" name="on" value="0">
            <button type="submit" class="link" aria-label="Remove from ${c.name}">Remove</button></form></li>`,
          )}</ul>`
        : ""
    }
    ${
      others.length > 0
        ? html`<form method="post" action="/collections/add" class="stack">${csrfField(ctx)}
        <input type="hidden" name="arxiv_id" value="${paper.arxivId}"><input type="hidden" name="on" value="1">
        <label>Add to collection <select name="slug">${others.map(
          (c) => html`<option value="${c.slug}">${c.name} (${collectionNote(c, collections)})</option>`,
        )}</select></label>
        <button type="submit">Add</button></form>`
        : ""
    }
    <form method="post" action="/collections" class="stack">${csrfField(ctx)}
      <input type="hidden" name="arxiv_id" value="${paper.arxivId}">
      <label>New collection <input name="name" required maxlength="${COLLECTION_NAME_MAX}" placeholder="Name"></label>
      <button type="submit">Create and add</button></form>
  </section>`;
}
