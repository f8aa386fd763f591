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
