import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { upvotedAmong, upvoteSet } from "../../community/upvotes.ts";
import { totalUpvotes } from "../../papers/types.ts";
import { csrfField } from "../accounts/csrf.ts";
import { wantsJson } from "../accounts/form.ts";
import { currentUser, requireUser, safeNext } from "../accounts/guards.ts";
import { errorResponse, jsonResponse, UpvoteResult } from "../api/shapes.ts";
import type { AppDeps } from "../app.ts";
import { HttpError, isApiRequest } from "../errors.ts";
import { arxivId, oneOf } from "../fields.ts";
import { html } from "../html.ts";
import type { UpvotedLookup, VoteControl } from "../views/paper-card.ts";

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

const VoteForm = z.object({
  arxiv_id: arxivId(),
  vote: oneOf(["0", "1"]).describe("1 to upvote, 0 to take the upvote back."),
});

/** Which of the listed papers the signed-in requester has upvoted. */
export const upvotedByRequester: UpvotedLookup = (db, req, ids) =>
  req.user ? upvotedAmong(db, req.user.id, ids) : Promise.resolve(new Set());

export function registerVoteRoutes(app: FastifyInstance, deps: AppDeps): void {
  const vote = async (form: z.output<typeof VoteForm>, req: FastifyRequest, reply: FastifyReply) => {
    const user = currentUser(req);
    const id = form.arxiv_id;
    const result = await upvoteSet(deps.db, user.id, id, form.vote === "1");
    if (!result) throw new HttpError(404, "There is no such paper.");
    if (isApiRequest(req) || wantsJson(req.headers.accept)) return { arxivId: id, ...result };
    return reply.redirect(backTo(req, `/papers/${id}`), 303);
  };
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.post(
    "/upvote",
    { preValidation: requireUser, config: { throttle: "vote" }, schema: { body: VoteForm } },
    (req, reply) => vote(req.body, req, reply),
  );
  routes.post(
    "/api/upvote",
    {
      preValidation: requireUser,
      config: { throttle: "vote" },
      schema: {
        operationId: "setUpvote",
        summary: "Upvote a paper, or take the upvote back",
        description:
          "For the signed-in user (session cookie), with the CSRF token in the X-CSRF-Token header or the _csrf field. A form or JSON body.",
        body: VoteForm,
        consumes: ["application/x-www-form-urlencoded", "application/json"],
        response: {
          200: jsonResponse("The paper's upvotes after the vote.", UpvoteResult),
          400: errorResponse("A field is invalid; `param` names it."),
          401: errorResponse("Not signed in."),
          403: errorResponse("The CSRF token is missing or wrong."),
          404: errorResponse("No paper has this id."),
          429: errorResponse("Too many votes for now; Retry-After says when to try again."),
        },
      },
    },
    (req, reply) => vote(req.body, req, reply),
  );
}
