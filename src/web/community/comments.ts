import type { FastifyInstance } from "fastify";
import {
  CommentError,
  commentsForPaper,
  deleteComment,
  editComment,
  postComment,
} from "../../community/comments.ts";
import { parseArxivId } from "../../papers/arxiv-id.ts";
import { formString } from "../accounts/form.ts";
import { currentUser, requireUser } from "../accounts/guards.ts";
import type { AppDeps } from "../app.ts";
import { pageContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import { addPaperSection } from "../paper-sections.ts";
import { discussionSection } from "./comments-view.ts";
import { throttle } from "./throttle.ts";

export function commentError(err: unknown): never {
  if (err instanceof CommentError) throw new HttpError(err.status, err.message);
  throw err;
}

function idParam(v: string): number {
  if (!/^\d{1,9}$/.test(v)) throw new HttpError(404, "There is no such comment.");
  return Number(v);
}

export function registerCommentRoutes(app: FastifyInstance, deps: AppDeps): void {
  addPaperSection({
    id: "discussion",
    order: 10,
    place: "main",
    render: async (paper, req) =>
      discussionSection(
        paper.arxivId,
        paper.importedComments,
        await commentsForPaper(deps.db, paper.arxivId),
        pageContext(req),
      ),
  });

  app.post("/comments", { preHandler: requireUser }, async (req, reply) => {
    const user = currentUser(req);
    await throttle(deps.db, req, reply, "comment", deps.now());
    const parsed = parseArxivId(formString(req.body, "arxiv_id", 100));
    if (!parsed) throw new HttpError(400, "That is not an arXiv id.", "arxiv_id");
    const parentRaw = formString(req.body, "parent_id", 100).trim();
    if (parentRaw && !/^\d{1,9}$/.test(parentRaw))
      throw new HttpError(400, "The comment you replied to does not exist.");
    const body = formString(req.body, "body", 20_000);
    const id = await postComment(
      deps.db,
      { userId: user.id, arxivId: parsed.id, parentId: parentRaw ? Number(parentRaw) : null, body },
      deps.now(),
    ).catch(commentError);
    return reply.redirect(`/papers/${parsed.id}#comment-${id}`, 303);
  });

  app.post<{ Params: { id: string } }>(
    "/comments/:id/edit",
    { preHandler: requireUser },
    async (req, reply) => {
      const id = idParam(req.params.id);
      const body = formString(req.body, "body", 20_000);
      const arxivId = await editComment(deps.db, currentUser(req).id, id, body, deps.now()).catch(
        commentError,
      );
      return reply.redirect(`/papers/${arxivId}#comment-${id}`, 303);
    },
  );

  app.post<{ Params: { id: string } }>(
    "/comments/:id/delete",
    { preHandler: requireUser },
    async (req, reply) => {
      const arxivId = await deleteComment(
        deps.db,
        currentUser(req).id,
        idParam(req.params.id),
        deps.now(),
      ).catch(commentError);
      return reply.redirect(`/papers/${arxivId}#discussion`, 303);
    },
  );
}
