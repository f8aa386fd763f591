import { parseQuery } from "../search/query.ts";
import type { ParsedQuery } from "../search/types.ts";

/**
 * A topic is a saved search, read with the search page's own parser and answered by the same
 * search service (papers.ts), so a topic finds what the same search finds. This is the query's
 * canonical content, from which `topicQueryKey` makes one topic of equivalent searches.
 */
export interface TopicMatch {
  /** free words */
  text: string;
  phrases: string[];
  excludedWords: string[];
  categories: string[];
  authors: string[];
  after: string | null;
  before: string | null;
}

export function topicMatch(
  q: string,
): { ok: true; match: TopicMatch; parsed: ParsedQuery } | { ok: false; error: string } {
  const parsed = parseQuery(q);
  if (parsed.errors.length > 0) return { ok: false, error: parsed.errors[0] };
  if (parsed.arxivId) return { ok: false, error: "A topic is a search, not a single paper." };
  const phrases = parsed.phrases.map((p) => p.text);
  let free = parsed.text;
  for (const p of phrases) free = free.replace(p, " ");
  const excludedWords = [...parsed.raw.matchAll(/(?:^|\s)-([\p{L}\p{N}]+)(?=\s|$)/gu)].map((m) => m[1]);
  return {
    ok: true,
    parsed,
    match: {
      text: free.replace(/\s+/g, " ").trim(),
      phrases,
      excludedWords,
      categories: parsed.filters.categories.map((c) => c.toLowerCase()),
      authors: parsed.filters.authors,
      after: parsed.filters.after,
      before: parsed.filters.before,
    },
  };
}

/** Canonical form, so "Medical  AI" and "medical ai" are one topic. */
export function topicQueryKey(m: TopicMatch, mode: string): string {
  const norm = (xs: string[]) => [...new Set(xs.map((x) => x.toLowerCase()))].sort().join(",");
  return [
    mode,
    m.text.toLowerCase().split(" ").sort().join(" "),
    norm(m.phrases),
    norm(m.excludedWords),
    norm(m.categories),
    norm(m.authors),
    m.after ?? "",
    m.before ?? "",
  ].join("|");
}

export function slugify(name: string): string {
  const s = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return s || "topic";
}
