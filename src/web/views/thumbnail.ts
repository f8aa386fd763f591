import type { Paper } from "../../papers/types.ts";
import { escapeHtml } from "../html.ts";

const WIDTH = 1200;
const HEIGHT = 630;
const CHARS_PER_LINE = 38;
const MAX_LINES = 5;

/** Greedy word wrap; the last line ends with an ellipsis when the title does not fit. */
export function wrapTitle(title: string, perLine = CHARS_PER_LINE, maxLines = MAX_LINES): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of title.replace(/\s+/g, " ").trim().split(" ")) {
    if (line && line.length + 1 + word.length > perLine) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${kept[maxLines - 1].slice(0, perLine - 1)}…`;
  return kept;
}

/**
 * The social card the API's `thumbnail` points at: the title on a plain background, made
 * here instead of fetched from a third party, so a self-hosted site needs nothing external.
 */
export function thumbnailSvg(paper: Paper): string {
  const lines = wrapTitle(paper.title);
  const text = lines
    .map(
      (l, i) => `<text x="80" y="${170 + i * 72}" font-size="56" font-weight="700">${escapeHtml(l)}</text>`,
    )
    .join("");
  const authors = paper.authors
    .slice(0, 4)
    .map((a) => a.name)
    .join(", ");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" fill="#111827">
<rect width="${WIDTH}" height="${HEIGHT}" fill="#fffbeb"/><rect width="${WIDTH}" height="12" fill="#ff9d00"/>
${text}
<text x="80" y="${HEIGHT - 80}" font-size="30" fill="#4b5563">${escapeHtml(authors)}${paper.authors.length > 4 ? " et al." : ""}</text>
<text x="${WIDTH - 80}" y="${HEIGHT - 80}" font-size="30" fill="#4b5563" text-anchor="end">arXiv ${escapeHtml(paper.arxivId)}</text>
</svg>`;
}
