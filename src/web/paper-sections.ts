import type { FastifyRequest } from "fastify";
import type { Paper } from "../papers/types.ts";
import type { AppDeps } from "./app.ts";
import type { SafeHtml } from "./html.ts";

/**
 * Parts of the paper page that other capabilities contribute (comments, similar papers, ...).
 * The page renders 'main' sections under the abstract and 'side' sections in the sidebar, each
 * list in ascending `order`. A section that has nothing to say returns an empty html``. The list
 * is the app's page parts (page-parts.ts), not module state.
 */
export interface PaperSection {
  id: string;
  order: number;
  place: "main" | "side";
  render: (paper: Paper, req: FastifyRequest, deps: AppDeps) => Promise<SafeHtml>;
}

/** Renders every section of a place, in order; sections render concurrently. */
export async function renderPaperSections(
  place: PaperSection["place"],
  paper: Paper,
  req: FastifyRequest,
  deps: AppDeps,
): Promise<SafeHtml[]> {
  const sections = req.server.pageParts.paperSections
    .filter((s) => s.place === place)
    .sort((a, b) => a.order - b.order);
  return Promise.all(sections.map((s) => s.render(paper, req, deps)));
}
