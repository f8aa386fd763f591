import type { Paper } from "../../papers/types.ts";
import { escapeHtml } from "../html.ts";

const WIDTH = 1200;
const HEIGHT = 630;
// 60 px bold text averages about 37 px a character: 27 of them fill the 1,040 px between the margins.
const CHARS_PER_LINE = 27;
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

export type ThumbnailTheme = "light" | "dark";

/**
 * Soft background colours, one per arXiv archive, so a grid of title cards is easy to scan; the
 * dark theme has the same hues, dimmed, so a dark page is not a wall of bright cards.
 */
const PALETTES: Record<ThumbnailTheme, { backgrounds: string[]; text: string; muted: string }> = {
  light: {
    backgrounds: ["#fffbeb", "#eff6ff", "#f0fdf4", "#fdf2f8", "#f5f3ff", "#ecfeff", "#fef2f2", "#f7fee7"],
    text: "#111827",
    muted: "#4b5563",
  },
  dark: {
    backgrounds: ["#2a2310", "#142033", "#13261a", "#2a1422", "#1e1a33", "#0f2a2e", "#2e1616", "#1e2a10"],
    text: "#e5e7eb",
    muted: "#a3acb9",
  },
};

function colourFor(category: string | null, backgrounds: string[]): string {
  const archive = (category ?? "").split(".")[0];
  let h = 0;
  for (const ch of archive) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return backgrounds[h % backgrounds.length];
}

/**
 * The paper's title card, for the feed's grid and the API's `thumbnail`: made here instead of
 * fetched from a third party, so a self-hosted site needs nothing external.
 */
export function thumbnailSvg(paper: Paper, theme: ThumbnailTheme = "light"): string {
  const palette = PALETTES[theme];
  const lines = wrapTitle(paper.title);
  const text = lines
    .map(
      (l, i) => `<text x="80" y="${200 + i * 76}" font-size="60" font-weight="700">${escapeHtml(l)}</text>`,
    )
    .join("");
  const authors = paper.authors
    .slice(0, 3)
    .map((a) => a.name)
    .join(", ");
  const category = paper.primaryCategory ?? paper.categories[0] ?? null;
  const label = `arXiv ${paper.arxivId}${category ? ` · ${category}` : ""}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" fill="${palette.text}">
<rect width="${WIDTH}" height="${HEIGHT}" fill="${colourFor(category, palette.backgrounds)}"/><rect width="${WIDTH}" height="14" fill="#ff9d00"/>
<text x="80" y="100" font-size="32" fill="${palette.muted}">${escapeHtml(label)}</text>
${text}
<text x="80" y="${HEIGHT - 60}" font-size="32" fill="${palette.muted}">${escapeHtml(snippetOf(authors, 60))}${paper.authors.length > 3 ? " et al." : ""}</text>
</svg>`;
}

function snippetOf(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
