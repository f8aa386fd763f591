import type { Queryable } from "../../src/db/client.ts";
import { upsertPapers } from "../../src/papers/store.ts";
import type { PaperInput } from "../../src/papers/types.ts";

/**
 * Small factories for request tests: papers through the real store, and submitters and feed
 * entries with plain SQL (fixtures, not application code).
 */
let serial = 0;

/** A paper with a unique new-style id unless one is given. */
export function makePaper(overrides: Partial<PaperInput> = {}): PaperInput {
  serial += 1;
  const id = overrides.arxivId ?? `2401.${String(10000 + serial).padStart(5, "0")}`;
  return {
    arxivId: id,
    version: 1,
    title: `Paper ${id}`,
    abstract: `The abstract of paper ${id}.`,
    authors: [{ name: "Ada Lovelace" }, { name: "Alan Turing" }],
    categories: ["cs.LG"],
    primaryCategory: "cs.LG",
    publishedAt: new Date("2024-01-15T00:00:00Z"),
    source: "sample",
    ...overrides,
  };
}

export async function insertPapers(db: Queryable, papers: PaperInput[]): Promise<void> {
  await upsertPapers(db, papers);
}

export async function insertSubmitter(
  db: Queryable,
  username: string,
  opts: { displayName?: string; origin?: "local" | "hf"; avatarUrl?: string } = {},
): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    "insert into users (username, display_name, origin, avatar_url) values ($1, $2, $3, $4) returning id",
    [username, opts.displayName ?? null, opts.origin ?? "hf", opts.avatarUrl ?? null],
  );
  return row.id;
}

export interface EntryFixture {
  arxivId: string;
  feedDate: string;
  submittedBy?: number | null;
  /** Defaults to 08:00 UTC on the feed day. */
  submittedAt?: Date;
  importedUpvotes?: number;
  origin?: "local" | "hf" | "arxiv";
  hiddenAt?: Date | null;
}

export async function insertEntry(db: Queryable, e: EntryFixture): Promise<void> {
  await db.query(
    `insert into feed_entries (arxiv_id, feed_date, submitted_by, submitted_at, imported_upvotes, origin, hidden_at)
     values ($1, $2::date, $3, $4, $5, $6, $7)`,
    [
      e.arxivId,
      e.feedDate,
      e.submittedBy ?? null,
      (e.submittedAt ?? new Date(`${e.feedDate}T08:00:00Z`)).toISOString(),
      e.importedUpvotes ?? null,
      e.origin ?? "hf",
      e.hiddenAt ? e.hiddenAt.toISOString() : null,
    ],
  );
}

/** Inserts a paper and puts it on a feed day in one go. */
export async function paperOnFeed(
  db: Queryable,
  paper: Partial<PaperInput>,
  entry: Omit<EntryFixture, "arxivId">,
): Promise<PaperInput> {
  const p = makePaper(paper);
  await insertPapers(db, [p]);
  await insertEntry(db, { arxivId: p.arxivId, importedUpvotes: p.importedUpvotes, ...entry });
  return p;
}
