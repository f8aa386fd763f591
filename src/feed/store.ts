import type { Queryable } from "../db/client.ts";
import type { UpsertCounts } from "../papers/types.ts";

/** Feed writes. Reads live in queries.ts. */
export interface FeedEntryInput {
  arxivId: string;
  /** YYYY-MM-DD */
  feedDate: string;
  submittedBy: number | null;
  submittedAt: Date;
  importedUpvotes: number | null;
  origin: "local" | "hf" | "arxiv";
}

/**
 * Inserts or merges feed entries in one statement, keyed by (paper, day). An entry that came
 * from elsewhere first (a local submission) keeps its submitter; imported upvotes only grow,
 * as they do across successive snapshots of Hugging Face's feed. Re-importing the same data
 * counts as unchanged.
 */
export async function upsertFeedEntries(db: Queryable, entries: FeedEntryInput[]): Promise<UpsertCounts> {
  if (entries.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const byKey = new Map<string, FeedEntryInput>();
  for (const e of entries) byKey.set(`${e.arxivId} ${e.feedDate}`, e);
  const records = [...byKey.values()].map((e) => ({
    arxiv_id: e.arxivId,
    feed_date: e.feedDate,
    submitted_by: e.submittedBy,
    submitted_at: e.submittedAt.toISOString(),
    imported_upvotes: e.importedUpvotes,
    origin: e.origin,
  }));
  const rows = await db.query<{ inserted: boolean }>(
    `insert into feed_entries (arxiv_id, feed_date, submitted_by, submitted_at, imported_upvotes, origin)
     select x.arxiv_id, x.feed_date, x.submitted_by, x.submitted_at, x.imported_upvotes, x.origin
     from jsonb_to_recordset($1::jsonb) as x(arxiv_id text, feed_date date, submitted_by integer,
       submitted_at timestamptz, imported_upvotes integer, origin text)
     on conflict (arxiv_id, feed_date) do update set
       submitted_by = case when feed_entries.origin = excluded.origin
         then coalesce(excluded.submitted_by, feed_entries.submitted_by) else feed_entries.submitted_by end,
       submitted_at = case when feed_entries.origin = excluded.origin
         then excluded.submitted_at else feed_entries.submitted_at end,
       imported_upvotes = greatest(feed_entries.imported_upvotes, excluded.imported_upvotes)
     where (case when feed_entries.origin = excluded.origin
              then coalesce(excluded.submitted_by, feed_entries.submitted_by) else feed_entries.submitted_by end,
            case when feed_entries.origin = excluded.origin
              then excluded.submitted_at else feed_entries.submitted_at end,
            greatest(feed_entries.imported_upvotes, excluded.imported_upvotes))
       is distinct from (feed_entries.submitted_by, feed_entries.submitted_at, feed_entries.imported_upvotes)
     returning (xmax = 0) as inserted`,
    [JSON.stringify(records)],
  );
  const inserted = rows.filter((r) => r.inserted).length;
  return { inserted, updated: rows.length - inserted, unchanged: entries.length - rows.length };
}

/** Puts newly announced papers on a day's feed; a paper already there stays as it is. */
export async function feedEntriesAddArxiv(db: Queryable, ids: string[], feedDate: string): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await db.query(
    `insert into feed_entries (arxiv_id, feed_date, origin)
     select unnest($1::text[]), $2::date, 'arxiv'
     on conflict (arxiv_id, feed_date) do nothing
     returning 1`,
    [ids, feedDate],
  );
  return rows.length;
}

/**
 * Puts a local submission on a day's feed. An entry the arXiv listing made that day is claimed by
 * the submitter; any other entry of that paper and day makes it a duplicate (false).
 */
export async function feedEntryClaimBySubmitter(
  db: Queryable,
  arxivId: string,
  feedDate: string,
  userId: number,
  at: Date,
): Promise<boolean> {
  const rows = await db.query(
    `insert into feed_entries (arxiv_id, feed_date, submitted_by, submitted_at, origin)
     values ($1, $2::date, $3, $4, 'local')
     on conflict (arxiv_id, feed_date) do update set submitted_by = excluded.submitted_by,
       submitted_at = excluded.submitted_at, origin = 'local'
     where feed_entries.submitted_by is null and feed_entries.origin = 'arxiv'
     returning id`,
    [arxivId, feedDate, userId, at],
  );
  return rows.length > 0;
}

/** Hides a paper's visible entries on one day's feed, or on every day when `feedDate` is null. */
export async function feedEntriesHide(
  db: Queryable,
  arxivId: string,
  feedDate: string | null,
  at: Date,
  reason: string,
): Promise<{ id: number; feed_date: string; title: string }[]> {
  return db.query<{ id: number; feed_date: string; title: string }>(
    `update feed_entries f set hidden_at = $3, hidden_reason = $4 from papers p
      where f.arxiv_id = $1 and p.arxiv_id = f.arxiv_id and ($2::date is null or f.feed_date = $2::date)
        and f.hidden_at is null
      returning f.id, f.feed_date, p.title`,
    [arxivId, feedDate, at, reason],
  );
}
