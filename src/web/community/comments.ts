import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { commentsForPaper, deleteComment, editComment, postComment } from "../../community/comments.ts";
import { currentUser, requireUser } from "../accounts/guards.ts";
import type { AppDeps } from "../app.ts";
import { pageContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import { arxivId, formText, text } from "../fields.ts";
import type { PaperSection } from "../paper-sections.ts";
import { discussionSection } from "./comments-view.ts";

/** A comment id from the path; anything but digits names no comment. */
export function commentId(v: string): number {
  if (!/^\d{1,9}$/.test(v)) throw new HttpError(404, "There is no such comment.");
  return Number(v);
}

/** The threaded discussion under a paper's abstract. */
export const discussionPaperSection: PaperSection = {
  id: "discussion",
  order: 10,
  place: "main",
  render: async (paper, req, deps) =>
    discussionSection(
      paper.arxivId,
      paper.importedComments,
      await commentsForPaper(deps.db, paper.arxivId),
      pageContext(req),
    ),
};

// Above the 10,000 characters a comment may have (community/comments.ts), whose message is clearer.
const CommentText = formText(20_000, { multiline: true });
export const CommentParams = z.object({ id: text(100) });
const CommentForm = z.object({ arxiv_id: arxivId(), parent_id: formText(100), body: CommentText });

export function registerCommentRoutes(fastify: FastifyInstance, deps: AppDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const commentRoute = {
    preValidation: requireUser,
    config: { throttle: "comment" as const },
    schema: { body: CommentForm },
  };
  app.post("/comments", commentRoute, async (req, reply) => {
    const user = currentUser(req);
    const { arxiv_id: paperId, body } = req.body;
    const parentRaw = req.body.parent_id.trim();
    if (parentRaw && !/^\d{1,9}$/.test(parentRaw))
      throw new HttpError(400, "The comment you replied to does not exist.");
    const id = await postComment(
      deps.db,
      { userId: user.id, arxivId: paperId, parentId: parentRaw ? Number(parentRaw) : null, body },
      deps.now(),
    );
    return reply.redirect(`/papers/${paperId}#comment-${id}`, 303);
  });

  const editRoute = {
    preValidation: requireUser,
    schema: { params: CommentParams, body: z.object({ body: CommentText }) },
  };
  app.post("/comments/:id/edit", editRoute, async (req, reply) => {
    const id = commentId(req.params.id);
    const paperId = await editComment(deps.db, currentUser(req).id, id, req.body.body, deps.now());
    return reply.redirect(`/papers/${paperId}#comment-${id}`, 303);
  });

  const deleteRoute = { preValidation: requireUser, schema: { params: CommentParams } };
  app.post("/comments/:id/delete", deleteRoute, async (req, reply) => {
    const paperId = await deleteComment(deps.db, currentUser(req).id, commentId(req.params.id), deps.now());
    return reply.redirect(`/papers/${paperId}#discussion`, 303);
  });
}
