import type { Db, Queryable } from "../db/client.ts";
import { type PaperRow, paperColumns, paperFromRow } from "../papers/columns.ts";
import type { Paper } from "../papers/types.ts";
import { UserError } from "../user-error.ts";
import { AUTHOR_KEY_VERSION, authorKey, decodeTexName } from "./names.ts";

/** All SQL of authors: the derived paper → author-key table and people's follows. */

// A row's modified_at is its transaction's start, so a write that commits after a sync can carry
// an earlier time than that sync's clock: the clock is taken as the start of the oldest writing
// transaction still open (syncPaperAuthors), and each sync also re-reads this far behind it
// (rebuilding a paper's rows is idempotent), a margin that still lets a sync a few minutes after
// an import re-read nothing. (Measured from the newest paper seen instead, as before, a quiet store re-read the
// whole tail of its last import at every author page.)
const SYNC_OVERLAP_MS = 2 * 60_000;
const SYNC_BATCH = 2000;
/**
 * Papers a page brings up to date itself before it reads: one batch (a paper just submitted or
 * fetched shows on its authors' pages at once). A larger backlog, an import's, is the
 * author-index job's (src/scheduler/jobs.ts), so no request waits for it.
 */
export const INLINE_SYNC_MAX = SYNC_BATCH;

// Names whose key an older authorKey made differently: TeX (backslashes, braces) and letters
// NFKD does not decompose. Only these papers are re-keyed when AUTHOR_KEY_VERSION rises.
const REKEY_PATTERN = "[\\\\{}ØøÆæŒœßŁłıȷĐđÐðÞþĦħ]";

/** Rebuilds one batch of papers' author rows from their names. */
async function writePaperAuthors(db: Queryable, rows: { arxiv_id: string; authors: { name: string }[] }[]) {
  const ids: string[] = [];
  const keys: string[] = [];
  const positions: number[] = [];
  for (const r of rows)
    r.authors.forEach((a, i) => {
      const key = authorKey(a.name ?? "");
      if (!key) return;
      ids.push(r.arxiv_id);
      keys.push(key);
      positions.push(i);
    });
  // One statement, rows changed in place: two syncs at once (several requests after a deploy, or
  // two nodes) and the pages reading meanwhile never see a paper without its authors, as they
  // did between a delete and the insert after it.
  await db.query(
    `with fresh as (
       select * from unnest($2::text[], $3::text[], $4::int[]) as f (arxiv_id, author_key, position)
     ), gone as (
       delete from paper_authors p where p.arxiv_id = any($1::text[])
         and not exists (select 1 from fresh f where f.arxiv_id = p.arxiv_id and f.position = p.position)
     )
     insert into paper_authors (arxiv_id, author_key, position)
     select arxiv_id, author_key, position from fresh
     on conflict (arxiv_id, position) do update set author_key = excluded.author_key
       where paper_authors.author_key is distinct from excluded.author_key`,
    [rows.map((r) => r.arxiv_id), ids, keys, positions],
  );
}

/**
 * Stored keys made by an older authorKey are made again: the papers whose names it could have
 * keyed differently, and every follow (a person's two follows that now share a key become one).
 * Idempotent, so two processes doing it at once do no harm.
 */
async function rekeyAuthors(db: Queryable): Promise<void> {
  let afterId = "";
  for (;;) {
    const rows = await db.query<{ arxiv_id: string; authors: { name: string }[] }>(
      `select arxiv_id, authors from papers where arxiv_id > $1 and authors::text ~ $2 order by arxiv_id limit $3`,
      [afterId, REKEY_PATTERN, SYNC_BATCH],
    );
    if (rows.length === 0) break;
    await writePaperAuthors(db, rows);
    afterId = rows[rows.length - 1].arxiv_id;
    if (rows.length < SYNC_BATCH) break;
  }
  const follows = await db.query<{
    user_id: number;
    author_key: string;
    author_name: string;
    created_at: Date;
  }>("select user_id, author_key, author_name, created_at from author_follows");
  for (const f of follows) {
    const key = authorKey(f.author_name);
    if (!key || key === f.author_key) continue;
    await db.query(
      `insert into author_follows (user_id, author_key, author_name, created_at) values ($1, $2, $3, $4)
       on conflict do nothing`,
      [f.user_id, key, f.author_name, f.created_at],
    );
    await db.query("delete from author_follows where user_id = $1 and author_key = $2", [
      f.user_id,
      f.author_key,
    ]);
  }
}

// The re-key in progress in this process: requests that arrive meanwhile wait for it instead of
// each starting its own scan of every paper (after a deploy, every page that syncs would).
// Another node may re-key at the same time; the work is idempotent.
const rekeying = new WeakMap<Queryable, Promise<void>>();

function rekeyOnce(db: Queryable): Promise<void> {
  let running = rekeying.get(db);
  if (!running) {
    running = (async () => {
      await rekeyAuthors(db);
      await db.query("update paper_authors_sync set key_version = greatest(key_version, $1)", [
        AUTHOR_KEY_VERSION,
      ]);
    })().finally(() => rekeying.delete(db));
    rekeying.set(db, running);
  }
  return running;
}

export interface SyncOptions {
  /**
   * A page's sync (INLINE_SYNC_MAX): with more papers to catch up than this, or keys of an older
   * authorKey to rebuild, it leaves the work to the author-index job and reads what is there.
   * Unset (the job, the CLI): everything, the re-key first.
   */
  inlineMax?: number;
}

/**
 * Brings paper_authors up to date with papers changed since the last sync, and rebuilds keys an
 * older authorKey made. Returns how many papers it read.
 */
export async function syncPaperAuthors(db: Queryable, opts: SyncOptions = {}): Promise<number> {
  // The clock: now, or the start of the oldest transaction still open that has written (its rows,
  // not yet visible, will carry that time). Exact on Postgres with several writers; on PGlite no
  // other transaction is open while this statement runs.
  const clockSql = `least(now(), coalesce((select min(xact_start) from pg_stat_activity
    where backend_xid is not null and pid <> pg_backend_pid()), now()))`;
  const [state] = await db.query<{ synced_until: Date; key_version: number; clock: Date }>(
    `select synced_until, key_version, ${clockSql} as clock from paper_authors_sync`,
  );
  const inline = opts.inlineMax !== undefined;
  if (state && state.key_version < AUTHOR_KEY_VERSION && !inline) await rekeyOnce(db);
  // The clock this sync starts at: everything committed by then, but for writes still in flight
  // (SYNC_OVERLAP_MS), is read below, so the next sync starts from it.
  const [{ clock }] = state ? [state] : await db.query<{ clock: Date }>(`select ${clockSql} as clock`);
  let from = state ? new Date(state.synced_until.getTime() - SYNC_OVERLAP_MS) : new Date(0);
  if (inline) {
    const [{ n }] = await db.query<{ n: number }>(
      "select count(*)::int as n from (select 1 from papers where modified_at > $1 limit $2) s",
      [from, (opts.inlineMax as number) + 1],
    );
    if (n > (opts.inlineMax as number)) return 0;
  }
  let afterId = "";
  let done = 0;
  for (;;) {
    const rows = await db.query<{ arxiv_id: string; authors: { name: string }[]; modified_at: Date }>(
      `select arxiv_id, authors, modified_at from papers
       where (modified_at, arxiv_id) > ($1::timestamptz, $2::text) order by modified_at, arxiv_id limit $3`,
      [from, afterId, SYNC_BATCH],
    );
    if (rows.length === 0) break;
    await writePaperAuthors(db, rows);
    done += rows.length;
    const last = rows[rows.length - 1];
    [from, afterId] = [last.modified_at, last.arxiv_id];
    if (rows.length < SYNC_BATCH) break;
  }
  // A first sync records the current key version: it keyed every paper with today's authorKey.
  await db.query(
    `insert into paper_authors_sync (one, synced_until, key_version) values (true, $1, $2)
     on conflict (one) do update set synced_until = greatest(paper_authors_sync.synced_until, excluded.synced_until)`,
    [clock, AUTHOR_KEY_VERSION],
  );
  return done;
}

/** An author's papers, newest first (by publication, or first seen when unknown). */
export async function papersByAuthor(
  db: Queryable,
  key: string,
  opts: { limit: number; offset?: number },
): Promise<Paper[]> {
  const rows = await db.query<PaperRow>(
    `select ${paperColumns()} from papers where arxiv_id in (select arxiv_id from paper_authors where author_key = $1)
     order by coalesce(published_at, first_seen_at) desc, arxiv_id desc limit $2 offset $3`,
    [key, opts.limit, opts.offset ?? 0],
  );
  return rows.map(paperFromRow);
}

export async function paperCountByAuthor(db: Queryable, key: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    "select count(distinct arxiv_id)::int as n from paper_authors where author_key = $1",
    [key],
  );
  return row.n;
}

export interface FollowedAuthor {
  key: string;
  name: string;
  followedAt: Date;
}

/**
 * Follows the author under the name's key, named as people read it (TeX decoded). The key
 * depends on the name alone, so a re-key after a new authorKey moves it where its papers go.
 * Spellings that only look alike (Mueller and Müller, but also Xue and Xu) are not joined: a
 * guess there would follow, or unfollow, someone else.
 */
// As many as a person reads (collections stop at 200, topics at what onboarding lists): every
// followed author is a For-you signal read on each ranking, so there is a ceiling.
export const AUTHOR_FOLLOWS_MAX = 500;

export const authorFollowsFull = (field = "name") =>
  new UserError(
    400,
    `You follow ${AUTHOR_FOLLOWS_MAX} authors, the most one person can. Unfollow one to follow another.`,
    field,
  );

// With the user id, the lock that serialises one person's follows (two-key advisory lock).
const AUTHOR_FOLLOW_LOCK = 7_461_011;

/**
 * A person's follows with the key each name has today (authorKey): a follow the author-index job
 * has not re-keyed yet is stored under an older key, and is found by the name it was followed as.
 */
async function followsByCurrentKey(
  db: Queryable,
  userId: number,
): Promise<{ storedKey: string; key: string }[]> {
  const rows = await db.query<{ author_key: string; author_name: string }>(
    "select author_key, author_name from author_follows where user_id = $1",
    [userId],
  );
  return rows.map((r) => ({ storedKey: r.author_key, key: authorKey(r.author_name) }));
}

/**
 * Follows the author under this name's key; refused at AUTHOR_FOLLOWS_MAX (a repeat follow is
 * not, also of a follow not yet re-keyed: followsByCurrentKey).
 */
export async function followAuthor(db: Db, userId: number, name: string): Promise<void> {
  const key = authorKey(name);
  const outcome = await db.transaction(async (tx) => {
    // One person's follows one at a time: under READ COMMITTED, statements running at once each
    // counted the same rows, and 40 follows at once from 490 ended at 504.
    await tx.query("select pg_advisory_xact_lock($1, $2)", [AUTHOR_FOLLOW_LOCK, userId]);
    const follows = await followsByCurrentKey(tx, userId);
    if (follows.some((f) => f.key === key)) return "had";
    if (follows.length >= AUTHOR_FOLLOWS_MAX) return "full";
    await tx.query(
      `insert into author_follows (user_id, author_key, author_name) values ($1, $2, $3)
       on conflict do nothing`,
      [userId, key, decodeTexName(name)],
    );
    return "added";
  });
  if (outcome === "full") throw authorFollowsFull();
}

/** Unfollows the author under this name's key, and no other. */
export async function unfollowAuthor(db: Queryable, userId: number, name: string): Promise<void> {
  await unfollowAuthors(db, userId, [name]);
}

/**
 * Unfollows these authors, each under its name's key, and no other: also a follow not yet
 * re-keyed (followsByCurrentKey). One read of the person's follows and one delete, whatever the count
 * (onboarding sends every author it listed).
 */
export async function unfollowAuthors(db: Queryable, userId: number, names: string[]): Promise<void> {
  const keys = new Set(names.map(authorKey).filter((k) => k));
  if (keys.size === 0) return;
  const gone = (await followsByCurrentKey(db, userId)).filter((f) => keys.has(f.key)).map((f) => f.storedKey);
  if (gone.length === 0) return;
  await db.query("delete from author_follows where user_id = $1 and author_key = any($2::text[])", [
    userId,
    gone,
  ]);
}

/** The person's follow of this author (under any of the keys), with the name as they followed it; null if none. */
export async function followedAuthor(
  db: Queryable,
  userId: number,
  keys: string[],
): Promise<FollowedAuthor | null> {
  const rows = await db.query<{ author_key: string; author_name: string; created_at: Date }>(
    "select author_key, author_name, created_at from author_follows where user_id = $1 and author_key = any($2::text[])",
    [userId, keys],
  );
  const r = rows.find((x) => x.author_key === keys[0]) ?? rows[0];
  return r ? { key: r.author_key, name: decodeTexName(r.author_name), followedAt: r.created_at } : null;
}

/** Followed author keys for many users at once (the digest renders in batches). */
export async function authorKeysFollowedBy(
  db: Queryable,
  userIds: number[],
): Promise<Map<number, FollowedAuthor[]>> {
  const rows = await db.query<{ user_id: number; author_key: string; author_name: string; created_at: Date }>(
    `select user_id, author_key, author_name, created_at from author_follows where user_id = any($1::int[])
     order by user_id, created_at desc`,
    [userIds],
  );
  const out = new Map<number, FollowedAuthor[]>();
  for (const r of rows)
    out.set(r.user_id, [
      ...(out.get(r.user_id) ?? []),
      { key: r.author_key, name: decodeTexName(r.author_name), followedAt: r.created_at },
    ]);
  return out;
}
