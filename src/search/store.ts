import type { Queryable } from "../db/client.ts";
import type { IndexDoc } from "./keyword-index.ts";

/** All SQL of search: the rows the keyword index is derived from, and texts to verify phrases. */

interface DocRow {
  arxiv_id: string;
  title: string;
  authors_text: string;
  abstract: string;
  categories: string[];
  day: string | null;
  modified_ms: number;
}

const DOC_COLUMNS = `arxiv_id, title, authors_text, abstract, categories,
  to_char(published_at at time zone 'UTC', 'YYYY-MM-DD') as day,
  (extract(epoch from modified_at) * 1000)::float8 as modified_ms`;

function docFromRow(r: DocRow): IndexDoc {
  return {
    arxivId: r.arxiv_id,
    title: r.title,
    authors: r.authors_text,
    abstract: r.abstract,
    categories: r.categories,
    publishedDay: r.day,
    modifiedMs: r.modified_ms,
  };
}

/** One page of every paper, in id order (keyset pagination, so memory stays flat). */
export async function searchDocsAfter(db: Queryable, afterId: string, limit: number): Promise<IndexDoc[]> {
  const rows = await db.query<DocRow>(
    `select ${DOC_COLUMNS} from papers where arxiv_id > $1 order by arxiv_id limit $2`,
    [afterId, limit],
  );
  return rows.map(docFromRow);
}

/** Which papers changed at or after a time (ms), and when: ids only, for a cheap sync check. */
export async function searchChangesSince(
  db: Queryable,
  sinceMs: number,
): Promise<{ arxivId: string; modifiedMs: number }[]> {
  const rows = await db.query<{ arxiv_id: string; modified_ms: number }>(
    `select arxiv_id, (extract(epoch from modified_at) * 1000)::float8 as modified_ms
     from papers where modified_at >= to_timestamp($1::float8 / 1000)`,
    [Number.isFinite(sinceMs) ? sinceMs : 0],
  );
  return rows.map((r) => ({ arxivId: r.arxiv_id, modifiedMs: r.modified_ms }));
}

export async function searchDocsByIds(db: Queryable, arxivIds: string[]): Promise<IndexDoc[]> {
  if (arxivIds.length === 0) return [];
  const rows = await db.query<DocRow>(`select ${DOC_COLUMNS} from papers where arxiv_id = any($1::text[])`, [
    arxivIds,
  ]);
  return rows.map(docFromRow);
}

export interface PaperText {
  arxivId: string;
  title: string;
  abstract: string;
  authors: string;
}

export async function paperTextsByIds(db: Queryable, arxivIds: string[]): Promise<Map<string, PaperText>> {
  if (arxivIds.length === 0) return new Map();
  const rows = await db.query<{ arxiv_id: string; title: string; abstract: string; authors_text: string }>(
    "select arxiv_id, title, abstract, authors_text from papers where arxiv_id = any($1::text[])",
    [arxivIds],
  );
  return new Map(
    rows.map((r) => [
      r.arxiv_id,
      { arxivId: r.arxiv_id, title: r.title, abstract: r.abstract, authors: r.authors_text },
    ]),
  );
}

/** The database's clock, in ms: watermarks compare with modified_at, which it sets. */
export async function searchClockMs(db: Queryable): Promise<number> {
  const [{ ms }] = await db.query<{ ms: number }>("select (extract(epoch from now()) * 1000)::float8 as ms");
  return ms;
}

/** Papers deleted at or after a time (ms), from the log the papers table's delete trigger keeps. */
export async function searchDeletionsSince(db: Queryable, sinceMs: number): Promise<string[]> {
  const rows = await db.query<{ arxiv_id: string }>(
    "select distinct arxiv_id from paper_deletions where deleted_at >= to_timestamp($1::float8 / 1000)",
    [Number.isFinite(sinceMs) ? sinceMs : 0],
  );
  return rows.map((r) => r.arxiv_id);
}

/** The modification time of each of these papers that exists. */
export async function searchModifiedOf(
  db: Queryable,
  arxivIds: string[],
): Promise<{ arxivId: string; modifiedMs: number }[]> {
  if (arxivIds.length === 0) return [];
  const rows = await db.query<{ arxiv_id: string; modified_ms: number }>(
    `select arxiv_id, (extract(epoch from modified_at) * 1000)::float8 as modified_ms
     from papers where arxiv_id = any($1::text[])`,
    [arxivIds],
  );
  return rows.map((r) => ({ arxivId: r.arxiv_id, modifiedMs: r.modified_ms }));
}

export async function paperCount(db: Queryable): Promise<number> {
  const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from papers");
  return n;
}

/** When each paper appeared: its first publication, or when it was first seen here without one. */
export async function paperAppearedAt(db: Queryable, arxivIds: string[]): Promise<Map<string, Date>> {
  if (arxivIds.length === 0) return new Map();
  const rows = await db.query<{ arxiv_id: string; at: Date }>(
    "select arxiv_id, coalesce(published_at, first_seen_at) as at from papers where arxiv_id = any($1::text[])",
    [arxivIds],
  );
  return new Map(rows.map((r) => [r.arxiv_id, new Date(r.at)]));
}
