import type { Paper } from "../papers/types.ts";

/** A person's saves as BibTeX and as JSON: their data, to take elsewhere. */

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s) {
    if (ch === "{") depth++;
    else if (ch === "}" && --depth < 0) return false;
  }
  return depth === 0;
}

/**
 * A field value inside braces. TeX in titles ($\alpha$-Net) is kept as written; LaTeX's special
 * characters outside math are escaped; unbalanced braces, which would end the entry early, are
 * dropped; control characters go.
 */
function bibValue(s: string): string {
  let v = s
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (!balanced(v)) v = v.replace(/[{}]/g, "");
  return v.replace(/(^|[^\\])([&%#])/g, "$1\\$2");
}

function bibKey(p: Paper): string {
  return `arxiv:${p.arxivId}`.replace(/[^A-Za-z0-9:._-]/g, "_");
}

function bibtexEntry(p: Paper): string {
  const year = p.publishedAt?.getUTCFullYear();
  const fields: [string, string | undefined | null][] = [
    ["title", `{${bibValue(p.title)}}`],
    ["author", p.authors.map((a) => bibValue(a.name)).join(" and ")],
    ["year", year ? String(year) : undefined],
    ["eprint", p.arxivId],
    ["archivePrefix", "arXiv"],
    ["primaryClass", p.primaryCategory],
    ["doi", p.doi ? bibValue(p.doi) : undefined],
    ["url", `https://arxiv.org/abs/${p.arxivId}`],
  ];
  const body = fields
    .filter(([, v]) => v)
    .map(([k, v]) => `  ${k} = {${v}}`)
    .join(",\n");
  return `@misc{${bibKey(p)},\n${body}\n}\n`;
}

export function savesBibtex(papers: Paper[]): string {
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
