import { parseArxivId } from "../papers/arxiv-id.ts";
import { analyze, phraseTokens } from "./text.ts";
import type { ParsedQuery, QueryFilters } from "./types.ts";

/**
 * Query syntax: words (any of them may match, best matches first), "quoted phrases" (must
 * appear as written), -word (must not appear), and filters author:, category: (or cat:),
 * before: and after:. A query that is only an arXiv id or an arXiv / Hugging Face URL goes to
 * that paper. AND, OR and NOT are accepted and ignored: ranking already prefers papers with
 * more of the words.
 *
 * Long input is cut, not refused: the page and CLI keep the first MAX_QUERY_CHARS characters
 * (enough to paste an abstract) and say so; the HF-compatible API refuses more than 250 itself.
 * Cutting happens before any other work, so a 10,000-character query is as fast as a short one.
 */
export const MAX_QUERY_CHARS = 1000;
const MAX_QUERY_TERMS = 64;

const TOKEN = /(-?)(?:([a-zA-Z]+):(?:"([^"]*)"?|(\S*))|"([^"]*)"?|(\S+))/g;
const FILTER_KEYS: Record<string, keyof QueryFilters> = {
  author: "authors",
  category: "categories",
  cat: "categories",
  before: "before",
  after: "after",
};
const OPERATORS = new Set(["AND", "OR", "NOT", "&&", "||", "|", "&", "+", "-"]);
const CATEGORY = /^[a-z][a-z-]*(?:\.[a-z][a-z-]*)?$/i;
const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export const SYNTAX_HINT =
  'Try words, a "quoted phrase", or a filter such as author:lecun, category:cs.CV or after:2024-01.';

function emptyQuery(raw: string): ParsedQuery {
  return {
    raw,
    text: "",
    terms: [],
    phrases: [],
    excluded: [],
    filters: { authors: [], categories: [], before: null, after: null },
    arxivId: null,
    errors: [],
    notices: [],
    expansions: [],
  };
}

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` to the first day it names, or null when it is no date. */
function parseDateBound(value: string): string | null {
  const m = DATE.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1)];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  // "before:2024-08" excludes August and "after:2024-08" includes it: both bounds name August 1st.
  return date.toISOString().slice(0, 10);
}

function applyFilter(q: ParsedQuery, key: string, value: string): void {
  const field = FILTER_KEYS[key.toLowerCase()];
  const v = value.trim();
  if (v === "") {
    q.errors.push(
      `${key}: needs a value, for example ${key}:${key === "author" ? "lecun" : key === "before" || key === "after" ? "2024-08" : "cs.CV"}.`,
    );
    return;
  }
  if (field === "authors") q.filters.authors.push(v);
  else if (field === "categories") {
    if (CATEGORY.test(v)) q.filters.categories.push(v.toLowerCase());
    else q.errors.push(`category: "${v.slice(0, 40)}" is not an arXiv category such as cs.CV or hep-th.`);
  } else {
    const date = parseDateBound(v);
    if (date) q.filters[field as "before" | "after"] = date;
    else q.errors.push(`${key}: "${v.slice(0, 40)}" is not a date; use YYYY, YYYY-MM or YYYY-MM-DD.`);
  }
}

/** Parses and normalises a search query. Never throws; problems are in `errors`. */
export function parseQuery(input: string): ParsedQuery {
  let raw = typeof input === "string" ? input : "";
  const q = emptyQuery(raw);
  if (raw.length > MAX_QUERY_CHARS) {
    raw = raw.slice(0, MAX_QUERY_CHARS);
    q.raw = raw;
    q.notices.push(`Your query was cut to its first ${MAX_QUERY_CHARS} characters.`);
  }
  const trimmed = raw.trim();
  if (trimmed === "") {
    q.errors.push(`Type something to search for. ${SYNTAX_HINT}`);
    return q;
  }
  const id = parseArxivId(trimmed);
  if (id) {
    q.arxivId = id.id;
    q.text = trimmed;
    return q;
  }

  const words: string[] = [];
  const seen = new Set<string>();
  const addTerms = (terms: string[]) => {
    for (const t of terms) {
      if (seen.has(t)) continue;
      seen.add(t);
      q.terms.push(t);
    }
  };
  for (const m of trimmed.matchAll(TOKEN)) {
    const [, neg, key, quotedValue, bareValue, phrase, word] = m;
    if (key !== undefined && FILTER_KEYS[key.toLowerCase()]) {
      if (neg) q.notices.push(`Excluding with -${key}: is not supported; the filter was applied as written.`);
      applyFilter(q, key, quotedValue ?? bareValue ?? "");
    } else if (phrase !== undefined) {
      const tokens = phraseTokens(phrase);
      if (tokens.length === 0) continue;
      if (neg) q.notices.push(`Excluding a phrase is not supported; "${phrase.slice(0, 40)}" was ignored.`);
      else {
        q.phrases.push({ text: phrase.trim(), tokens });
        words.push(phrase.trim());
        addTerms(analyze(phrase));
      }
    } else {
      const w = key !== undefined ? m[0].slice(neg.length) : (word ?? "");
      if (OPERATORS.has(w)) continue;
      if (neg) q.excluded.push(...analyze(w).filter((t) => !q.excluded.includes(t)));
      else {
        words.push(w);
        addTerms(analyze(w));
      }
    }
  }
  q.text = words.join(" ");
  if (q.terms.length > MAX_QUERY_TERMS) {
    q.terms = q.terms.slice(0, MAX_QUERY_TERMS);
    q.notices.push(`Only the first ${MAX_QUERY_TERMS} distinct words were used.`);
  }
  const hasFilter =
    q.filters.authors.length + q.filters.categories.length > 0 ||
    q.filters.before !== null ||
    q.filters.after !== null;
  if (q.errors.length === 0 && q.terms.length === 0 && q.phrases.length === 0 && !hasFilter) {
    q.errors.push(
      q.excluded.length > 0
        ? `A query needs at least one word to look for besides the excluded ones. ${SYNTAX_HINT}`
        : `This query has only operators or very common words, so there is nothing to search for. ${SYNTAX_HINT}`,
    );
  }
  return q;
}
