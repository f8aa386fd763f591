import type { FastifyRequest } from "fastify";
import type { Db } from "../../db/client.ts";
import { libraryStateAmong } from "../../library/store.ts";
import type { Paper } from "../../papers/types.ts";
import type { SafeHtml } from "../html.ts";
import type { PageContext } from "../layout.ts";
import { type LibraryState, libraryButtons } from "./buttons.ts";

/** The reader's saves and dismissals among the papers of one rendered list (one query). */
export async function libraryStateFor(db: Db, req: FastifyRequest, papers: Paper[]): Promise<LibraryState> {
  if (!req.user || papers.length === 0) return { saved: new Set(), dismissed: new Set() };
  return libraryStateAmong(
    db,
    req.user.id,
    papers.map((p) => p.arxivId),
  );
}

/** Save and Not interested under every card of a list (the page part for cards). */
export async function libraryCardActions(
  db: Db,
  req: FastifyRequest,
  page: PageContext,
  papers: Paper[],
): Promise<(paper: Paper) => SafeHtml> {
  const state = await libraryStateFor(db, req, papers);
  return (paper) => libraryButtons(paper, page, state);
}
