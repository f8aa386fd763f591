import type { FastifyRequest } from "fastify";
import type { Paper } from "../papers/types.ts";
import type { AppDeps } from "./app.ts";
import type { SafeHtml } from "./html.ts";

/**
 * Parts of the paper page that other capabilities contribute (comments, similar papers, ...).
 * The page renders 'main' sections under the abstract and 'side' sections in the sidebar, each
 * list in ascending `order`. A section that has nothing to say returns an empty html``.
 */
export interface PaperSection {
  id: string;
  order: number;
  place: "main" | "side";
  render: (paper: Paper, req: FastifyRequest, deps: AppDeps) => Promise<SafeHtml>;
}

const sections = new Map<string, PaperSection>();

/**
 * Registers a section. Registering the same id again replaces it: tests build several apps in
 * one process, and each build registers its routes (and so its sections) anew.
 */
export function addPaperSection(section: PaperSection): void {
  sections.set(section.id, section);
}

export function paperSections(place: PaperSection["place"]): PaperSection[] {
  return [...sections.values()].filter((s) => s.place === place).sort((a, b) => a.order - b.order);
}

/** Renders every section of a place, in order; sections render concurrently. */
export async function renderPaperSections(
  place: PaperSection["place"],
  paper: Paper,
  req: FastifyRequest,
  deps: AppDeps,
): Promise<SafeHtml[]> {
  return Promise.all(paperSections(place).map((s) => s.render(paper, req, deps)));
}
