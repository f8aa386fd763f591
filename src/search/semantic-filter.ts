import type { FilterFacts } from "./embedding-store.ts";
import { analyze, phraseTokens } from "./text.ts";
import type { ParsedQuery } from "./types.ts";

/**
 * The query's constraints applied to a semantic candidate, with the same meaning the keyword
 * index gives them: every word of each author: entry among the authors, any category (an
 * archive such as `cs` covering its sub-categories), the date bounds, excluded words absent
 * and quoted phrases present as written.
 */
export function passesQuery(f: FilterFacts, q: ParsedQuery): boolean {
  const { authors, categories, after, before } = q.filters;
  if (after && (!f.day || f.day < after)) return false;
  if (before && (!f.day || f.day >= before)) return false;
  if (categories.length > 0) {
    const cats = f.categories.map((c) => c.toLowerCase());
    if (!categories.some((c) => cats.some((x) => x === c || (!c.includes(".") && x.startsWith(`${c}.`)))))
      return false;
  }
  if (authors.length > 0) {
    const names = new Set(analyze(f.authors));
    if (!authors.every((a) => analyze(a).every((w) => names.has(w)))) return false;
  }
  if (q.excluded.length > 0 || q.phrases.length > 0) {
    const words = analyze(`${f.title} ${f.abstract}`);
    if (q.excluded.some((t) => words.includes(t))) return false;
    const fields = [f.title, f.abstract, f.authors].map(phraseTokens);
    if (!q.phrases.every((p) => fields.some((tokens) => containsRun(tokens, p.tokens)))) return false;
  }
  return true;
}

export function hasConstraints(q: ParsedQuery): boolean {
  const f = q.filters;
  return (
    f.authors.length + f.categories.length + q.excluded.length + q.phrases.length > 0 ||
    f.after !== null ||
    f.before !== null
  );
}

function containsRun(haystack: string[], needle: string[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
