import type { Paper, PaperInput } from "./types.ts";

/**
 * How each column merges when a paper is imported again. A source that carries no version
 * (Hugging Face) only fills gaps in a paper that arXiv data has already versioned; otherwise
 * 'keep' keeps what the store has when the import does not know the value; 'nonEmpty' does the
 * same for NOT NULL columns whose "unknown" is an empty value; 'latest' takes any known value
 * whatever its source (community links and stars that only Hugging Face carries); 'max' keeps the
 * larger count (a paper's upvotes only grow across Hugging Face snapshots); 'set' always takes
 * the import's value.
 */
export type Merge = "keep" | "nonEmpty" | "latest" | "max" | "set";
export type SqlType = "text" | "integer" | "jsonb" | "text[]" | "timestamptz";

interface Field {
  key: keyof Paper;
  column: string;
  type: SqlType;
  /** How an import merges it; none for the key and for what only this site counts. */
  merge?: Merge;
}

/**
 * A paper's columns, declared once: the store's select list, its row mapping, the upsert's
 * merge and the import's staging table and COPY rows all derive from this table.
 */
const PAPER_FIELDS = [
  { key: "arxivId", column: "arxiv_id", type: "text" },
  { key: "version", column: "version", type: "integer", merge: "keep" },
  { key: "title", column: "title", type: "text", merge: "set" },
  { key: "abstract", column: "abstract", type: "text", merge: "nonEmpty" },
  { key: "authors", column: "authors", type: "jsonb", merge: "nonEmpty" },
  { key: "categories", column: "categories", type: "text[]", merge: "nonEmpty" },
  { key: "primaryCategory", column: "primary_category", type: "text", merge: "keep" },
  { key: "publishedAt", column: "published_at", type: "timestamptz", merge: "keep" },
  { key: "updatedAt", column: "updated_at", type: "timestamptz", merge: "keep" },
  { key: "comments", column: "comments", type: "text", merge: "keep" },
  { key: "journalRef", column: "journal_ref", type: "text", merge: "keep" },
  { key: "doi", column: "doi", type: "text", merge: "keep" },
  { key: "reportNo", column: "report_no", type: "text", merge: "keep" },
  { key: "license", column: "license", type: "text", merge: "keep" },
  { key: "submitter", column: "submitter", type: "text", merge: "keep" },
  { key: "versions", column: "versions", type: "jsonb", merge: "nonEmpty" },
  { key: "githubRepo", column: "github_repo", type: "text", merge: "latest" },
  { key: "githubStars", column: "github_stars", type: "integer", merge: "latest" },
  { key: "projectPage", column: "project_page", type: "text", merge: "latest" },
  { key: "aiSummary", column: "ai_summary", type: "text", merge: "latest" },
  { key: "aiKeywords", column: "ai_keywords", type: "text[]", merge: "latest" },
  { key: "importedUpvotes", column: "imported_upvotes", type: "integer", merge: "max" },
  { key: "importedComments", column: "imported_comments", type: "integer", merge: "max" },
  { key: "localUpvotes", column: "local_upvotes", type: "integer" },
  { key: "localComments", column: "local_comments", type: "integer" },
  { key: "source", column: "source", type: "text", merge: "keep" },
] as const satisfies readonly Field[];

type PaperField = (typeof PAPER_FIELDS)[number];

/** A paper as the database returns it, column by column. */
export type PaperRow = { -readonly [F in PaperField as F["column"]]: Paper[F["key"]] };

/** What an import writes, in the order of the upsert and of the staging table. */
export type MergedField = Extract<PaperField, { merge: Merge }>;
export const MERGED_FIELDS = PAPER_FIELDS.filter((f): f is MergedField => "merge" in f);

/** The select list of a paper row, optionally qualified by a table alias. */
export function paperColumns(alias?: string): string {
  return PAPER_FIELDS.map((f) => (alias ? `${alias}.${f.column}` : f.column)).join(", ");
}

/** A paper keyed by the table's keys: returning it as a Paper fails to compile if one is missing. */
type PaperFromFields = { -readonly [F in PaperField as F["key"]]: Paper[F["key"]] };

export function paperFromRow(r: PaperRow): Paper {
  const paper: Record<string, unknown> = {};
  for (const f of PAPER_FIELDS) paper[f.key] = r[f.column];
  return paper as PaperFromFields;
}

/** The value an import stores in a merged column; undefined when the import does not know it. */
export type StoredValue = string | number | Date | object | undefined;

/**
 * The imported values of a paper by column, with what counts as unknown made undefined: an empty
 * list or abstract is as good as unknown, and never erases what an earlier import knew. Both the
 * JSON upsert and the COPY rows are written from this.
 */
export function storedValues(p: PaperInput): { values: StoredValue[]; authorsText: string } {
  const values = MERGED_FIELDS.map((f): StoredValue => {
    const v = p[f.key as keyof PaperInput];
    if (v === null || v === undefined) return undefined;
    if (Array.isArray(v) && v.length === 0 && f.merge === "nonEmpty") return undefined;
    if (v === "" && f.column === "abstract") return undefined;
    return v;
  });
  return { values, authorsText: (p.authors ?? []).map((a) => a.name).join(", ") };
}
