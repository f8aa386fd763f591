import type { FastifyRequest } from "fastify";
import type { Db } from "../../db/client.ts";
import { libraryStateAmong } from "../../library/store.ts";
import type { Paper } from "../../papers/types.ts";
import type { LibraryState } from "./buttons.ts";

/** The reader's saves and dismissals among the papers of one rendered list (one query). */
export async function libraryStateFor(db: Db, req: FastifyRequest, papers: Paper[]): Promise<LibraryState> {
  if (!req.user || papers.length === 0) return { saved: new Set(), dismissed: new Set() };
  return libraryStateAmong(
    db,
    req.user.id,
    papers.map((p) => p.arxivId),
  );
}
