import type { CommentRow } from "../../community/comments.ts";
import { renderMarkdown } from "../../community/markdown.ts";
import { canChangeComment, canModerate } from "../../users/policies.ts";
import { csrfField } from "../accounts/csrf.ts";
import { html, raw, type SafeHtml } from "../html.ts";
import type { PageContext } from "../layout.ts";
import { formatDay } from "../views/format.ts";
import { hfCommentsLink } from "../views/paper-card.ts";
import { mathSpan } from "../views/tex.ts";

interface Node {
  c: CommentRow;
  children: Node[];
  /** Has a live (not deleted) comment somewhere below it. */
  live: boolean;
}

/** Builds the reply tree; deleted comments without live replies drop out entirely. */
function commentTree(rows: CommentRow[]): Node[] {
  const nodes = new Map<number, Node>(rows.map((c) => [c.id, { c, children: [], live: false }]));
  const roots: Node[] = [];
  for (const n of nodes.values()) {
    const parent = n.c.parentId === null ? undefined : nodes.get(n.c.parentId);
    (parent ? parent.children : roots).push(n);
  }
  const mark = (n: Node): boolean => {
    const below = n.children.map(mark).some(Boolean);
    n.live = below || !n.c.deletedAt;
    n.children = n.children.filter((k) => k.live || k.c.hiddenAt);
    return n.live;
  };
  roots.forEach(mark);
  return roots.filter((n) => n.live || n.c.hiddenAt);
}

function commentForm(ctx: PageContext, arxivId: string, parentId: number | null): SafeHtml {
  return html`<form class="comment-form" method="post" action="/comments">
    ${csrfField(ctx)}
    <input type="hidden" name="arxiv_id" value="${arxivId}">
    ${parentId !== null ? html`<input type="hidden" name="parent_id" value="${parentId}">` : ""}
    <textarea name="body" required maxlength="10000" rows="${parentId === null ? 4 : 3}" aria-label="${parentId === null ? "Your comment" : "Your reply"}" placeholder="Markdown: *emphasis*, \`code\`, [links](https://…), lists, > quotes; $TeX$ math"></textarea>
    <button type="submit">${parentId === null ? "Comment" : "Reply"}</button>
  </form>`;
}

function actions(n: Node, ctx: PageContext): SafeHtml {
  const { c } = n;
  const user = ctx.user;
  if (!user || c.deletedAt || c.hiddenAt) return html``;
  const own = canChangeComment(user, { userId: c.userId, hidden: !!c.hiddenAt });
  return html`<div class="comment-actions">
    <details><summary>Reply</summary>${commentForm(ctx, c.arxivId, c.id)}</details>
    ${
      own
        ? html`<details><summary>Edit</summary><form method="post" action="/comments/${c.id}/edit">${csrfField(ctx)}
      <textarea name="body" required maxlength="10000" rows="4" aria-label="Edit your comment">${c.body}</textarea>
      <button type="submit">Save</button></form></details>
      <form class="inline" method="post" action="/comments/${c.id}/delete">${csrfField(ctx)}<button type="submit" class="link">Delete</button></form>`
        : ""
    }
    ${
      canModerate(user)
        ? html`<details><summary>Hide</summary><form method="post" action="/mod/comments/${c.id}/hide">${csrfField(ctx)}
      <input type="text" name="reason" required maxlength="500" placeholder="Reason (public)" aria-label="Reason"><button type="submit">Hide comment</button></form></details>`
        : ""
    }
  </div>`;
}

function commentHtml(n: Node, ctx: PageContext): SafeHtml {
  const { c } = n;
  let body: SafeHtml;
  if (c.hiddenAt)
    body = html`<p class="removed">[hidden by a moderator: ${c.hiddenReason ?? "no reason given"}]</p>`;
  else if (c.deletedAt) body = html`<p class="removed">[deleted]</p>`;
  else body = raw(renderMarkdown(c.body, mathSpan));
  const byline =
    c.hiddenAt || c.deletedAt
      ? html``
      : html`<header class="comment-meta"><a href="/users/${encodeURIComponent(c.username)}">${c.username}</a>
        · <a href="#comment-${c.id}"><time datetime="${new Date(c.createdAt).toISOString()}">${formatDay(c.createdAt)}</time></a>${c.editedAt ? " · edited" : ""}</header>`;
  return html`<article class="comment" id="comment-${c.id}">
    ${byline}
    <div class="comment-body">${body}</div>
    ${actions(n, ctx)}
    ${n.children.length > 0 ? html`<div class="replies">${n.children.map((k) => commentHtml(k, ctx))}</div>` : ""}
  </article>`;
}

/** Comments shown here, counted as shown; Hugging Face's own count is only linked to. */
export function discussionSection(
  arxivId: string,
  onHuggingFace: number,
  rows: CommentRow[],
  ctx: PageContext,
): SafeHtml {
  const tree = commentTree(rows);
  const shown = rows.filter((c) => !c.deletedAt && !c.hiddenAt).length;
  return html`<section class="discussion" id="discussion">
    <h2>Discussion <span class="muted">(${shown})</span></h2>
    ${onHuggingFace > 0 ? html`<p class="muted">${hfCommentsLink(arxivId, onHuggingFace)}</p>` : ""}
    ${ctx.user ? commentForm(ctx, arxivId, null) : html`<p><a href="/login?next=${encodeURIComponent(`/papers/${arxivId}#discussion`)}">Log in</a> or <a href="/signup">sign up</a> to comment.</p>`}
    ${tree.length === 0 ? html`<p class="muted">No comments yet.</p>` : tree.map((n) => commentHtml(n, ctx))}
  </section>`;
}
