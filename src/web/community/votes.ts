import type { FastifyInstance, FastifyRequest } from "fastify";
import { upvotedAmong, upvoteSet } from "../../community/upvotes.ts";
import { parseArxivId } from "../../papers/arxiv-id.ts";
import { totalUpvotes } from "../../papers/types.ts";
import { csrfField } from "../accounts/csrf.ts";
import { formString, wantsJson } from "../accounts/form.ts";
import { currentUser, requireUser, safeNext } from "../accounts/guards.ts";
import type { AppDeps } from "../app.ts";
import { HttpError, isApiRequest } from "../errors.ts";
import { html } from "../html.ts";
import { setVoteControl, type VoteControl } from "../views/paper-card.ts";
import { throttle } from "./throttle.ts";

/** The upvote button: a plain form (works without JS) that app.js upgrades to a fetch. */
export const voteControl: VoteControl = (paper, ctx) => {
  const n = totalUpvotes(paper);
  const label = html`<span class="arrow" aria-hidden="true">▲</span><span class="count">${n}</span><span class="sr-only"> upvotes</span>`;
  if (!ctx.page.user) {
    return html`<a class="votes" href="/login?next=${encodeURIComponent(`/papers/${paper.arxivId}`)}" title="Log in to upvote">${label}</a>`;
  }
  return html`<form class="votes vote-form${ctx.upvoted ? " upvoted" : ""}" method="post" action="/upvote">
    ${csrfField(ctx.page)}
    <input type="hidden" name="arxiv_id" value="${paper.arxivId}">
    <input type="hidden" name="vote" value="${ctx.upvoted ? "0" : "1"}">
    <button type="submit" aria-pressed="${ctx.upvoted ? "true" : "false"}" title="${ctx.upvoted ? "Remove your upvote" : "Upvote"}">${label}</button>
  </form>`;
};

/** Back to the page the vote came from, when it is one of ours. */
export function backTo(req: FastifyRequest, fallback: string): string {
  const ref = req.headers.referer;
  if (ref) {
    try {
      const u = new URL(ref);
      if (u.host === new URL(`http://${req.headers.host}`).host)
        return safeNext(u.pathname + u.search, fallback);
    } catch {
      // not a URL; fall through
    }
  }
  return fallback;
}

export function registerVoteRoutes(app: FastifyInstance, deps: AppDeps): void {
  setVoteControl(voteControl, (db, req, ids) =>
    req.user ? upvotedAmong(db, req.user.id, ids) : Promise.resolve(new Set()),
  );

  const handler = async (req: FastifyRequest, reply: import("fastify").FastifyReply) => {
    const user = currentUser(req);
    await throttle(deps.db, req, reply, "vote", deps.now());
    const parsed = parseArxivId(formString(req.body, "arxiv_id", 100));
    if (!parsed) throw new HttpError(400, "That is not an arXiv id.", "arxiv_id");
    const vote = formString(req.body, "vote", 5);
    if (vote !== "0" && vote !== "1")
      throw new HttpError(400, 'The field "vote" must be 1 (upvote) or 0 (undo).', "vote");
    const result = await upvoteSet(deps.db, user.id, parsed.id, vote === "1");
    if (!result) throw new HttpError(404, "There is no such paper.");
    if (isApiRequest(req) || wantsJson(req.headers.accept)) return { arxivId: parsed.id, ...result };
    return reply.redirect(backTo(req, `/papers/${parsed.id}`), 303);
  };
  app.post("/upvote", { preHandler: requireUser }, handler);
  app.post("/api/upvote", { preHandler: requireUser }, handler);
}
