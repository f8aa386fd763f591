import type { Queryable } from "../db/client.ts";
import type { Paper, PaperInput, UpsertCounts } from "./types.ts";

/**
 * How each column merges when a paper is imported again. A source that carries no version
 * (Hugging Face) only fills gaps in a paper that arXiv data has already versioned; otherwise
 * 'keep' keeps what the store has when the import does not know the value; 'nonEmpty' does the
 * same for NOT NULL columns whose "unknown" is an empty value; 'latest' takes any known value
 * whatever its source (community links and stars that only Hugging Face carries); 'max' keeps the
 * larger count (a paper's upvotes only grow across Hugging Face snapshots); 'set' always takes
 * the import's value.
 */
type Merge = "keep" | "nonEmpty" | "latest" | "max" | "set";
const COLUMNS: [column: string, key: keyof PaperInput, type: string, merge: Merge][] = [
  ["version", "version", "integer", "keep"],
  ["title", "title", "text", "set"],
  ["abstract", "abstract", "text", "nonEmpty"],
  ["authors", "authors", "jsonb", "nonEmpty"],
  ["categories", "categories", "text[]", "nonEmpty"],
  ["primary_category", "primaryCategory", "text", "keep"],
  ["published_at", "publishedAt", "timestamptz", "keep"],
  ["updated_at", "updatedAt", "timestamptz", "keep"],
  ["comments", "comments", "text", "keep"],
  ["journal_ref", "journalRef", "text", "keep"],
  ["doi", "doi", "text", "keep"],
  ["report_no", "reportNo", "text", "keep"],
  ["license", "license", "text", "keep"],
  ["submitter", "submitter", "text", "keep"],
  ["versions", "versions", "jsonb", "nonEmpty"],
  ["github_repo", "githubRepo", "text", "latest"],
  ["github_stars", "githubStars", "integer", "latest"],
  ["project_page", "projectPage", "text", "latest"],
  ["ai_summary", "aiSummary", "text", "latest"],
  ["ai_keywords", "aiKeywords", "text[]", "latest"],
  ["imported_upvotes", "importedUpvotes", "integer", "max"],
  ["imported_comments", "importedComments", "integer", "max"],
  ["source", "source", "text", "keep"],
];

const EMPTY: Record<string, string> = { text: "''", jsonb: "'[]'::jsonb", "text[]": "'{}'::text[]" };

/** True when the incoming row has no version but the stored paper has one from arXiv. */
const VERSIONLESS_OVER_VERSIONED = "(excluded.version is null and papers.version is not null)";

function mergedValue(column: string, type: string, merge: Merge): string {
  const incoming = `excluded.${column}`;
  const stored = `papers.${column}`;
  switch (merge) {
    case "max":
      return `greatest(${incoming}, ${stored})`;
    case "latest":
      return `coalesce(${incoming}, ${stored})`;
    case "set":
      return `case when ${VERSIONLESS_OVER_VERSIONED} then ${stored} else ${incoming} end`;
    case "nonEmpty":
      return `case when ${incoming} = ${EMPTY[type]} or (${VERSIONLESS_OVER_VERSIONED} and ${stored} <> ${EMPTY[type]}) then ${stored} else ${incoming} end`;
    case "keep":
      return `case when ${VERSIONLESS_OVER_VERSIONED} then coalesce(${stored}, ${incoming}) else coalesce(${incoming}, ${stored}) end`;
  }
}

function recordColumn(column: string, type: string, merge: Merge): string {
  // text[] travels as a JSON array, since jsonb_to_recordset cannot produce Postgres arrays.
  const value =
    type === "text[]"
      ? `case when x.${column} is null then null else array(select jsonb_array_elements_text(x.${column})) end`
      : `x.${column}`;
  if (merge === "nonEmpty") return `coalesce(${value}, ${EMPTY[type]})`;
  if (merge === "max") return `coalesce(${value}, 0)`;
  return value;
}

const UPSERT_SQL = (() => {
  const cols = COLUMNS.map(([c]) => c);
  const recordType = COLUMNS.map(([c, , t]) => `${c} ${t === "text[]" ? "jsonb" : t}`).join(", ");
  const merged = COLUMNS.map(([c, , t, m]) => mergedValue(c, t, m));
  return `
    insert into papers (arxiv_id, ${cols.join(", ")}, authors_text)
    select x.arxiv_id, ${COLUMNS.map(([c, , t, m]) => recordColumn(c, t, m)).join(", ")}, coalesce(x.authors_text, '')
    from jsonb_to_recordset($1::jsonb) as x(arxiv_id text, ${recordType}, authors_text text)
    on conflict (arxiv_id) do update set
      ${cols.map((c, i) => `${c} = ${merged[i]}`).join(",\n      ")},
      authors_text = case when (${merged[COLUMNS.findIndex(([c]) => c === "authors")]}) = excluded.authors
        and excluded.authors <> '[]'::jsonb then excluded.authors_text else papers.authors_text end,
      modified_at = now()
    where coalesce(excluded.version, papers.version, 0) >= coalesce(papers.version, 0)
      and (${merged.join(", ")}) is distinct from (${cols.map((c) => `papers.${c}`).join(", ")})
    returning (xmax = 0) as inserted`;
})();

function toRecord(p: PaperInput): Record<string, unknown> {
  const rec: Record<string, unknown> = { arxiv_id: p.arxivId };
  for (const [column, key, type] of COLUMNS) {
    const value = p[key];
    if (value === undefined || value === null) continue;
    if (type === "timestamptz") rec[column] = (value as Date).toISOString();
    else rec[column] = value;
  }
  // An empty list is as good as unknown: never let it erase what an earlier import knew.
  if (Array.isArray(rec.categories) && rec.categories.length === 0) delete rec.categories;
  if (Array.isArray(rec.authors) && rec.authors.length === 0) delete rec.authors;
  if (Array.isArray(rec.versions) && rec.versions.length === 0) delete rec.versions;
  if (rec.abstract === "") delete rec.abstract;
  rec.authors_text = (p.authors ?? []).map((a) => a.name).join(", ");
  return rec;
}

/** Within one batch the same paper may come twice; the newer version, or the later line, wins. */
function newestPerId(papers: PaperInput[]): PaperInput[] {
  const byId = new Map<string, PaperInput>();
  for (const p of papers) {
    const prev = byId.get(p.arxivId);
    if (!prev || (p.version ?? 0) >= (prev.version ?? 0)) byId.set(p.arxivId, p);
  }
  return [...byId.values()];
}

/**
 * Inserts or merges a batch of papers in one statement. Re-importing the same data changes
 * nothing; an older version never overwrites a newer one.
 */
export async function upsertPapers(db: Queryable, papers: PaperInput[]): Promise<UpsertCounts> {
  if (papers.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const unique = newestPerId(papers);
  const rows = await db.query<{ inserted: boolean }>(UPSERT_SQL, [JSON.stringify(unique.map(toRecord))]);
  const inserted = rows.filter((r) => r.inserted).length;
  return { inserted, updated: rows.length - inserted, unchanged: papers.length - rows.length };
}

export const PAPER_COLUMNS = `arxiv_id, version, title, abstract, authors, categories, primary_category, published_at,
  updated_at, comments, journal_ref, doi, report_no, license, submitter, versions, github_repo, github_stars,
  project_page, ai_summary, ai_keywords, imported_upvotes, imported_comments, local_upvotes, local_comments, source`;

export interface PaperRow {
  arxiv_id: string;
  version: number | null;
  title: string;
  abstract: string;
  authors: { name: string; affiliation?: string }[];
  categories: string[];
  primary_category: string | null;
  published_at: Date | null;
  updated_at: Date | null;
  comments: string | null;
  journal_ref: string | null;
  doi: string | null;
  report_no: string | null;
  license: string | null;
  submitter: string | null;
  versions: { version: number; createdAt: string; size?: string }[];
  github_repo: string | null;
  github_stars: number | null;
  project_page: string | null;
  ai_summary: string | null;
  ai_keywords: string[] | null;
  imported_upvotes: number;
  imported_comments: number;
  local_upvotes: number;
  local_comments: number;
  source: Paper["source"];
}

export function paperFromRow(r: PaperRow): Paper {
  return {
    arxivId: r.arxiv_id,
    version: r.version,
    title: r.title,
    abstract: r.abstract,
    authors: r.authors,
    categories: r.categories,
    primaryCategory: r.primary_category,
    publishedAt: r.published_at,
    updatedAt: r.updated_at,
    comments: r.comments,
    journalRef: r.journal_ref,
    doi: r.doi,
    reportNo: r.report_no,
    license: r.license,
    submitter: r.submitter,
    versions: r.versions,
    githubRepo: r.github_repo,
    githubStars: r.github_stars,
    projectPage: r.project_page,
    aiSummary: r.ai_summary,
    aiKeywords: r.ai_keywords,
    importedUpvotes: r.imported_upvotes,
    importedComments: r.imported_comments,
    localUpvotes: r.local_upvotes,
    localComments: r.local_comments,
    source: r.source,
  };
}

export async function paperById(db: Queryable, arxivId: string): Promise<Paper | null> {
  const rows = await db.query<PaperRow>(`select ${PAPER_COLUMNS} from papers where arxiv_id = $1`, [arxivId]);
  return rows[0] ? paperFromRow(rows[0]) : null;
}

export async function papersByIds(db: Queryable, arxivIds: string[]): Promise<Map<string, Paper>> {
  if (arxivIds.length === 0) return new Map();
  const rows = await db.query<PaperRow>(
    `select ${PAPER_COLUMNS} from papers where arxiv_id = any($1::text[])`,
    [arxivIds],
  );
  return new Map(rows.map((r) => [r.arxiv_id, paperFromRow(r)]));
}

export async function paperCount(db: Queryable): Promise<number> {
  const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from papers");
  return n;
}
