import type { Queryable } from "../db/client.ts";
import { type PaperRow, paperColumns, paperFromRow } from "../papers/columns.ts";
import type { FeedEntryInfo, FeedItem, FeedPage } from "./types.ts";

/**
 * Every read of the feed. Lists come from one small query builder (after miniflux's
 * EntryQueryBuilder) instead of near-copies of the same SQL; pages are fetched one row longer
 * than asked, to know whether another page follows without counting.
 */
export type FeedOrder = "upvotes" | "newest";

interface EntryRow extends PaperRow {
  feed_date: string;
  submitted_at: Date;
  entry_origin: FeedEntryInfo["origin"];
  user_id: number | null;
  username: string | null;
  display_name: string | null;
  avatar_url: string | null;
  user_origin: "local" | "hf" | null;
}

const ENTRY_COLUMNS = `e.feed_date, e.submitted_at, e.origin as entry_origin, u.id as user_id, u.username,
  u.display_name, u.avatar_url, u.origin as user_origin`;

function entryFromRow(r: EntryRow): FeedEntryInfo {
  return {
    feedDate: r.feed_date,
    submittedAt: r.submitted_at,
    origin: r.entry_origin,
    submitter:
      r.user_id === null
        ? null
        : {
            id: r.user_id,
            username: r.username ?? "",
            displayName: r.display_name,
            avatarUrl: r.avatar_url,
            origin: r.user_origin ?? "local",
          },
  };
}

const ORDERS: Record<FeedOrder, string> = {
  // scirate's order: votes, then discussion, then the newer paper
  upvotes: `(p.imported_upvotes + p.local_upvotes) desc, (p.imported_comments + p.local_comments) desc,
    p.published_at desc nulls last, p.arxiv_id`,
  newest: "e.submitted_at desc, p.arxiv_id",
};

export class FeedQuery {
  private readonly where: string[] = ["e.hidden_at is null"];
  private readonly params: unknown[] = [];
  private order: FeedOrder = "upvotes";

  private param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** Feed days in [start, end), as YYYY-MM-DD. */
  between(start: string, end: string): this {
    this.where.push(`e.feed_date >= ${this.param(start)}::date and e.feed_date < ${this.param(end)}::date`);
    return this;
  }

  submittedBy(username: string): this {
    this.where.push(`lower(u.username) = lower(${this.param(username)})`);
    return this;
  }

  papers(arxivIds: string[]): this {
    this.where.push(`e.arxiv_id = any(${this.param(arxivIds)}::text[])`);
    return this;
  }

  orderBy(order: FeedOrder): this {
    this.order = order;
    return this;
  }

  /**
   * A paper submitted on several days of a week or month is listed once, under its first
   * entry in the range.
   */
  private sql(): string {
    return `with entries as (
        select distinct on (e.arxiv_id) e.*
        from feed_entries e left join users u on u.id = e.submitted_by
        where ${this.where.join(" and ")}
        order by e.arxiv_id, e.feed_date, e.submitted_at
      )
      select ${paperColumns("p")}, ${ENTRY_COLUMNS}
      from entries e join papers p on p.arxiv_id = e.arxiv_id
      left join users u on u.id = e.submitted_by`;
  }

  /** One page (0-based) of at most `limit` items. */
  async page(db: Queryable, page: number, limit: number): Promise<FeedPage<FeedItem>> {
    const rows = await db.query<EntryRow>(
      `${this.sql()} order by ${ORDERS[this.order]} limit ${this.param(limit + 1)} offset ${this.param(page * limit)}`,
      this.params,
    );
    const items = rows.slice(0, limit).map((r) => ({ paper: paperFromRow(r), entry: entryFromRow(r) }));
    return { items, hasNext: rows.length > limit };
  }

  async all(db: Queryable): Promise<FeedItem[]> {
    const rows = await db.query<EntryRow>(`${this.sql()} order by ${ORDERS[this.order]}`, this.params);
    return rows.map((r) => ({ paper: paperFromRow(r), entry: entryFromRow(r) }));
  }

  /**
   * What ranking needs and nothing more: a month of feed can be tens of thousands of entries,
   * too many to load as full papers for one page of trending.
   */
  async rankingFacts(db: Queryable): Promise<TrendingCandidate[]> {
    const rows = await db.query<{ arxiv_id: string; upvotes: number; first_at: Date }>(
      `with entries as (
         select distinct on (e.arxiv_id) e.arxiv_id, e.submitted_at
         from feed_entries e left join users u on u.id = e.submitted_by
         where ${this.where.join(" and ")}
         order by e.arxiv_id, e.feed_date, e.submitted_at
       )
       select p.arxiv_id, p.imported_upvotes + p.local_upvotes as upvotes, e.submitted_at as first_at
       from entries e join papers p on p.arxiv_id = e.arxiv_id`,
      this.params,
    );
    return rows.map((r) => ({ arxivId: r.arxiv_id, upvotes: r.upvotes, firstSubmittedAt: r.first_at }));
  }

  async count(db: Queryable): Promise<number> {
    const [{ n }] = await db.query<{ n: number }>(
      `select count(*)::int as n from (${this.sql()}) x`,
      this.params,
    );
    return n;
  }
}

export function feedQuery(): FeedQuery {
  return new FeedQuery();
}

/** The newest feed day with a visible entry, or null on an empty site. */
export async function latestFeedDate(db: Queryable): Promise<string | null> {
  const [row] = await db.query<{ d: string | null }>(
    "select max(feed_date) as d from feed_entries where hidden_at is null",
  );
  return row?.d ?? null;
}

/**
 * The nearest feed days with visible entries before `start` and on or after `end`, so the
 * previous/next links skip empty days (weekends, holidays) and never lead to an empty page.
 */
export async function neighbourFeedDates(
  db: Queryable,
  start: string,
  end: string,
): Promise<{ before: string | null; after: string | null }> {
  const [row] = await db.query<{ before: string | null; after: string | null }>(
    `select
       (select max(feed_date) from feed_entries where hidden_at is null and feed_date < $1::date) as before,
       (select min(feed_date) from feed_entries where hidden_at is null and feed_date >= $2::date) as after`,
    [start, end],
  );
  return { before: row?.before ?? null, after: row?.after ?? null };
}

/** Every visible feed entry of a paper, oldest first: who submitted it and when. */
export async function feedEntriesOfPaper(db: Queryable, arxivId: string): Promise<FeedEntryInfo[]> {
  const rows = await db.query<EntryRow>(
    `select ${ENTRY_COLUMNS} from feed_entries e left join users u on u.id = e.submitted_by
     where e.arxiv_id = $1 and e.hidden_at is null order by e.feed_date, e.submitted_at`,
    [arxivId],
  );
  return rows.map(entryFromRow);
}

export interface TrendingCandidate {
  arxivId: string;
  upvotes: number;
  /** When the paper first entered the feed. */
  firstSubmittedAt: Date;
}

/**
 * Papers whose first visible feed entry lies in [from, to), with their vote totals. The window
 * is applied first and earlier entries are ruled out per candidate, so the cost follows the
 * window's entries rather than the whole feed's.
 */
export async function trendingCandidates(db: Queryable, from: Date, to: Date): Promise<TrendingCandidate[]> {
  const rows = await db.query<{ arxiv_id: string; upvotes: number; first_at: Date }>(
    `select p.arxiv_id, p.imported_upvotes + p.local_upvotes as upvotes, min(e.submitted_at) as first_at
     from feed_entries e join papers p on p.arxiv_id = e.arxiv_id
     where e.hidden_at is null and e.submitted_at >= $1 and e.submitted_at < $2
       and not exists (select 1 from feed_entries o
                       where o.arxiv_id = e.arxiv_id and o.hidden_at is null and o.submitted_at < $1)
     group by p.arxiv_id`,
    [from.toISOString(), to.toISOString()],
  );
  return rows.map((r) => ({ arxivId: r.arxiv_id, upvotes: r.upvotes, firstSubmittedAt: r.first_at }));
}

/** The time of the newest visible feed entry, or null. */
export async function latestSubmissionTime(db: Queryable): Promise<Date | null> {
  const [row] = await db.query<{ t: Date | null }>(
    "select max(submitted_at) as t from feed_entries where hidden_at is null",
  );
  return row?.t ?? null;
}
