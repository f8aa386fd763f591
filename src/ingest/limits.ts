import type { PaperInput } from "../papers/types.ts";

/**
 * Field limits for imported papers, a little above arXiv's real maxima so that no genuine record
 * is touched (see the README's "Field limits" table for the figures and why each limit skips or
 * truncates). Everything here runs before the database: a record the database would refuse, or
 * one that would make every page and API answer showing it huge, never reaches it.
 */
const LIMITS = {
  /** Skipped: a title this long is not a title, and a cut one would be a wrong one. */
  title: 1_000,
  /** Truncated: arXiv caps abstracts at 1,920 characters today; older ones run a little longer. */
  abstract: 10_000,
  /** Truncated list: the largest author lists on arXiv (ATLAS + CMS) have about 5,200 names. */
  authors: 6_000,
  authorName: 300,
  affiliation: 500,
  /** Skipped: arXiv's longest version histories have a few dozen versions. */
  versions: 1_000,
  categories: 100,
  category: 50,
  comments: 2_000,
  journalRef: 1_000,
  reportNo: 1_000,
  submitter: 300,
  /** Dropped when longer: a cut DOI, licence or link points somewhere else. */
  doi: 1_000,
  license: 500,
  url: 2_000,
  aiSummary: 10_000,
  aiKeywords: 100,
  aiKeyword: 200,
  /** Counts are Postgres integers. */
  count: 2_147_483_647,
} as const;

export type Checked = { ok: true; paper: PaperInput; warnings: string[] } | { ok: false; reason: string };

// Postgres text cannot hold NUL at all; the other C0 controls (but tab and newlines) are no text.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/**
 * Every string inside `value` with control characters removed, and whether any were. Also says
 * whether U+FFFD occurs: the decoder's mark for invalid UTF-8 in the source file.
 */
export function cleanStrings<T>(value: T): { value: T; stripped: boolean; replacement: boolean } {
  let stripped = false;
  let replacement = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") {
      if (v.includes("\ufffd")) replacement = true;
      const c = v.replace(CONTROL, "");
      if (c.length !== v.length) stripped = true;
      return c;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object" && !(v instanceof Date))
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { value: walk(value) as T, stripped, replacement };
}

/** Cuts at a word boundary near the limit and marks the cut with an ellipsis. */
function truncate(text: string, max: number): string {
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > max * 0.8 ? cut.slice(0, space) : cut}…`;
}

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/**
 * Whether strings read from this text may need cleaning (cleanStrings). JSON can hold a control
 * character only escaped (\u0001, \b, \f) or, for DEL, raw, and U+FFFD raw or escaped; XML raw
 * or as a character reference. Text without any of these needs no cleaning; a look for
 * something that merely resembles one (an escaped backslash before "b", any &#) costs only the
 * full walk. Asked once for a whole OAI-PMH page, it spares a walk over each of its records.
 */
export function textMayNeedCleaning(text: string, format: "json" | "xml"): boolean {
  return (format === "json" ? JSON_MAY_NEED_CLEANING : XML_MAY_NEED_CLEANING).test(text);
}

const JSON_MAY_NEED_CLEANING = /\\u00[01]|\\u007f|\\[bf]|\u007f|\ufffd|\\ufffd/i;
const XML_MAY_NEED_CLEANING = /&#|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

/**
 * Checks and repairs one paper: a reason to skip it, or the paper with what was changed.
 * `mayNeedCleaning` false (textMayNeedCleaning of the text it was read from) skips the string walk.
 */
export function checkPaper(input: PaperInput, mayNeedCleaning = true): Checked {
  const cleaned = mayNeedCleaning
    ? cleanStrings(input)
    : { value: input, stripped: false, replacement: false };
  const p: PaperInput = { ...cleaned.value };
  const warnings: string[] = [];
  if (cleaned.stripped) warnings.push("control characters (NUL…) removed");
  if (cleaned.replacement) warnings.push("invalid UTF-8 replaced by U+FFFD");
  if (p.title.length > LIMITS.title)
    return { ok: false, reason: `title of ${plural(p.title.length, "character")} (at most ${LIMITS.title})` };
  if ((p.versions?.length ?? 0) > LIMITS.versions)
    return {
      ok: false,
      reason: `${plural(p.versions?.length ?? 0, "version")} (at most ${LIMITS.versions})`,
    };

  const cutText = (key: "abstract" | "comments" | "journalRef" | "reportNo" | "submitter" | "aiSummary") => {
    const v = p[key];
    const max = LIMITS[key];
    if (typeof v === "string" && v.length > max) {
      p[key] = truncate(v, max);
      warnings.push(`${key} of ${plural(v.length, "character")} cut to ${max.toLocaleString("en-US")}`);
    }
  };
  for (const key of ["abstract", "comments", "journalRef", "reportNo", "submitter", "aiSummary"] as const)
    cutText(key);
  for (const key of ["doi", "license", "githubRepo", "projectPage"] as const) {
    const v = p[key];
    const max = key === "doi" || key === "license" ? LIMITS[key] : LIMITS.url;
    if (typeof v === "string" && v.length > max) {
      p[key] = null;
      warnings.push(`${key} of ${plural(v.length, "character")} dropped (at most ${max})`);
    }
  }

  if (p.authors) {
    if (p.authors.length > LIMITS.authors) {
      warnings.push(`${plural(p.authors.length, "author")} cut to the first ${LIMITS.authors}`);
      p.authors = p.authors.slice(0, LIMITS.authors);
    }
    let cut = 0;
    p.authors = p.authors.map((a) => {
      const long = a.name.length > LIMITS.authorName || (a.affiliation?.length ?? 0) > LIMITS.affiliation;
      if (!long) return a;
      cut++;
      const name = a.name.length > LIMITS.authorName ? truncate(a.name, LIMITS.authorName) : a.name;
      const affiliation =
        a.affiliation && a.affiliation.length > LIMITS.affiliation
          ? truncate(a.affiliation, LIMITS.affiliation)
          : a.affiliation;
      return affiliation === undefined ? { name } : { name, affiliation };
    });
    if (cut > 0) warnings.push(`${plural(cut, "author name")} over ${LIMITS.authorName} characters cut`);
  }
  if (p.categories) {
    const valid = p.categories.filter((c) => c.length <= LIMITS.category).slice(0, LIMITS.categories);
    if (valid.length !== p.categories.length) {
      warnings.push(`categories kept: ${valid.length} of ${p.categories.length}`);
      p.categories = valid;
      if (p.primaryCategory && !valid.includes(p.primaryCategory)) p.primaryCategory = valid[0] ?? null;
    }
  }
  if (p.aiKeywords) {
    const kept = p.aiKeywords.filter((k) => k.length <= LIMITS.aiKeyword).slice(0, LIMITS.aiKeywords);
    if (kept.length !== p.aiKeywords.length) {
      warnings.push(`AI keywords kept: ${kept.length} of ${p.aiKeywords.length}`);
      p.aiKeywords = kept;
    }
  }
  for (const key of ["githubStars", "importedUpvotes", "importedComments"] as const) {
    const v = p[key];
    if (typeof v === "number" && (v > LIMITS.count || v < 0 || !Number.isInteger(v))) {
      warnings.push(`${key} ${v} is not a count; dropped`);
      if (key === "githubStars") p.githubStars = null;
      else p[key] = 0;
    }
  }
  return { ok: true, paper: p, warnings };
}
