import type { Paper } from "../papers/types.ts";

/** A person's saves as BibTeX and as JSON: their data, to take elsewhere. */

/** What a BibTeX entry says of a paper. */
type BibPaper = Pick<Paper, "arxivId" | "title" | "authors" | "publishedAt" | "primaryCategory" | "doi">;

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s) {
    if (ch === "{") depth++;
    else if (ch === "}" && --depth < 0) return false;
  }
  return depth === 0;
}

/** LaTeX's special characters as text, outside math; a backslash already escapes what follows it. */
const TEXT_ESCAPES: Record<string, string> = {
  "&": "\\&",
  "%": "\\%",
  "#": "\\#",
  _: "\\_",
  $: "\\$",
  "^": "\\textasciicircum{}",
  "~": "\\textasciitilde{}",
};

/** Where math opened at `from` closes: the index of the next unescaped `close`, or -1. */
function mathEnd(s: string, from: number, close: string): number {
  for (let i = from; i < s.length; i++) {
    if (s.startsWith(close, i)) return i;
    if (s[i] === "\\") i++;
  }
  return -1;
}

/** In math too, & % # are LaTeX errors or comments unless escaped; the rest of math is kept as written. */
function escapeInMath(s: string): string {
  return s.replace(/\\.|[&%#]/gs, (m) => (m.length === 1 ? `\\${m}` : m));
}

/**
 * Escapes LaTeX's specials (& % # _ ^ ~ $) outside math, each one, also several in a row. Math
 * ($…$, $$…$$, \(…\)) and control sequences (\alpha, \"o, an already escaped \&) are kept as
 * written (but for & % # in math); a `$` that opens no math is a dollar sign; a trailing backslash, which would escape
 * the field's closing brace, becomes \textbackslash{}.
 */
function escapeOutsideMath(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; ) {
    const ch = s[i];
    const open = ch === "$" ? (s.startsWith("$$", i) ? "$$" : "$") : s.startsWith("\\(", i) ? "\\(" : null;
    if (open) {
      const close = open === "\\(" ? "\\)" : open;
      const end = mathEnd(s, i + open.length, close);
      if (end > i + open.length) {
        out += open + escapeInMath(s.slice(i + open.length, end)) + close;
        i = end + close.length;
        continue;
      }
    }
    if (ch === "\\") {
      out += i + 1 < s.length ? s.slice(i, i + 2) : "\\textbackslash{}";
      i += 2;
      continue;
    }
    out += TEXT_ESCAPES[ch] ?? ch;
    i++;
  }
  return out;
}

/** Control characters out, whitespace runs to one space; unbalanced braces, which would end the entry early, dropped. */
function cleanText(s: string): string {
  const v = s
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return balanced(v) ? v : v.replace(/[{}]/g, "");
}

/**
 * A field value inside braces. TeX in titles ($\alpha$-Net) is kept as written; LaTeX's special
 * characters outside math are escaped (see escapeOutsideMath); braces are kept balanced.
 */
function bibValue(s: string): string {
  return escapeOutsideMath(cleanText(s));
}

/** A DOI as written, without braces or spaces: styles and biblatex read the field verbatim. */
function bibVerbatim(s: string): string {
  return cleanText(s).replace(/[{}\s]/g, "");
}

function bibKey(p: BibPaper): string {
  return `arxiv:${p.arxivId}`.replace(/[^A-Za-z0-9:._-]/g, "_");
}

function bibtexEntry(p: BibPaper): string {
  const year = p.publishedAt?.getUTCFullYear();
  const fields: [string, string | undefined | null][] = [
    ["title", `{${bibValue(p.title)}}`],
    ["author", p.authors.map((a) => bibValue(a.name)).join(" and ")],
    ["year", year ? String(year) : undefined],
    ["eprint", p.arxivId],
    ["archivePrefix", "arXiv"],
    ["primaryClass", p.primaryCategory],
    ["doi", p.doi ? bibVerbatim(p.doi) : undefined],
    ["url", `https://arxiv.org/abs/${p.arxivId}`],
  ];
  const body = fields
    .filter(([, v]) => v)
    .map(([k, v]) => `  ${k} = {${v}}`)
    .join(",\n");
  return `@misc{${bibKey(p)},\n${body}\n}\n`;
}

export function savesBibtex(papers: BibPaper[]): string {
  return papers.map(bibtexEntry).join("\n");
}

export function savesJson(items: { paper: Paper; savedAt: Date }[], baseUrl: string): object {
  return {
    exportedAt: new Date().toISOString(),
    saves: items.map(({ paper: p, savedAt }) => ({
      arxivId: p.arxivId,
      title: p.title,
      authors: p.authors.map((a) => a.name),
      abstract: p.abstract,
      publishedAt: p.publishedAt?.toISOString() ?? null,
      categories: p.categories,
      doi: p.doi,
      url: `${baseUrl}/papers/${p.arxivId}`,
      savedAt: savedAt.toISOString(),
    })),
  };
}
