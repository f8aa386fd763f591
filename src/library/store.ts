import type { Db, Queryable } from "../db/client.ts";
import { UserError } from "../user-error.ts";

/** All SQL of the library: the reading list (saves), named collections, and "not interested". */

export interface Collection {
  id: number;
  userId: number;
  slug: string;
  name: string;
  description: string;
  isPublic: boolean;
  createdAt: Date;
  updatedAt: Date;
  papers: number;
}

interface CollectionRow {
  id: number;
  user_id: number;
  slug: string;
  name: string;
  description: string;
  is_public: boolean;
  created_at: Date;
  updated_at: Date;
  papers: number;
}

const COLLECTION_COLUMNS = `c.id, c.user_id, c.slug, c.name, c.description, c.is_public, c.created_at, c.updated_at,
  (select count(*)::int from collection_papers cp where cp.collection_id = c.id) as papers`;

const collectionFromRow = (r: CollectionRow): Collection => ({
  id: r.id,
  userId: r.user_id,
  slug: r.slug,
  name: r.name,
  description: r.description,
  isPublic: r.is_public,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  papers: r.papers,
});

async function paperExists(db: Queryable, arxivId: string): Promise<boolean> {
  return (await db.query("select 1 from papers where arxiv_id = $1", [arxivId])).length > 0;
}

/*
 * Save and "not interested" are opposite answers about one paper, and For you learns from both
 * (a save is a positive, a dismissal a negative): a paper never holds both, and the latest answer
 * wins, as a like and a dislike do elsewhere. Saving (to the reading list or to a collection)
 * undoes a dismissal. Dismissing takes the paper off the reading list, which is only the person's
 * own to-read pile; but a paper in one of their named collections is refused, with the
 * collection's name: a collection is curated by hand, often public and linked from elsewhere,
 * and a click on a card should not silently edit it.
 */

const LIBRARY_ANSWER_LOCK = 7_461_012;

/**
 * Runs one of a person's save, dismiss or collect answers alone among their others, in a
 * transaction of its own (or the caller's). Each is one statement that deletes the opposite row
 * and inserts its own, and under READ COMMITTED a save and a dismissal sent at once each deleted
 * nothing (neither saw the other's insert) and both rows stuck. `owner` is the person, or the
 * collection whose owner they are. A `db` without `transaction` must be a caller's transaction
 * (the lock is then held until it ends): a plain connection would release it after the statement.
 */
async function oneAnswerAtATime<T>(
  db: Queryable | Db,
  owner: { userId: number } | { collectionId: number },
  fn: (q: Queryable) => Promise<T>,
): Promise<T> {
  const run = async (q: Queryable) => {
    if ("userId" in owner)
      await q.query("select pg_advisory_xact_lock($1, $2)", [LIBRARY_ANSWER_LOCK, owner.userId]);
    else
      await q.query("select pg_advisory_xact_lock($1, (select user_id from collections where id = $2))", [
        LIBRARY_ANSWER_LOCK,
        owner.collectionId,
      ]);
    return fn(q);
  };
  return "transaction" in db ? db.transaction(run) : run(db);
}

/** Saves (undoing a dismissal) or unsaves a paper; repeating either is a no-op. False when the paper does not exist. */
export async function saveSet(db: Db, userId: number, arxivId: string, on: boolean): Promise<boolean> {
  if (!(await paperExists(db, arxivId))) return false;
  await oneAnswerAtATime(db, { userId }, (q) =>
    on
      ? q.query(
          `with undismissed as (delete from dismissals where user_id = $1 and arxiv_id = $2)
           insert into saves (user_id, arxiv_id) values ($1, $2) on conflict do nothing`,
          [userId, arxivId],
        )
      : q.query("delete from saves where user_id = $1 and arxiv_id = $2", [userId, arxivId]),
  );
  return true;
}

/**
 * Marks a paper "not interested" (taking it off the reading list) or undoes that (putting it back
 * if it was on it). Whether the paper is on the reading list after; null when the paper does not
 * exist; refused while one of the person's collections holds it.
 */
export async function dismissalSet(
  db: Db,
  userId: number,
  arxivId: string,
  on: boolean,
): Promise<{ saved: boolean } | null> {
  if (!(await paperExists(db, arxivId))) return null;
  return oneAnswerAtATime(db, { userId }, async (q) => {
    if (on) {
      const [held] = await q.query<{ name: string }>(
        `select c.name from collections c join collection_papers cp on cp.collection_id = c.id
          where c.user_id = $1 and cp.arxiv_id = $2 order by cp.added_at desc limit 1`,
        [userId, arxivId],
      );
      if (held)
        throw new UserError(
          409,
          `This paper is in your collection “${held.name}”. Take it out of the collection first to mark it not interested.`,
          "arxiv_id",
        );
      // Off the reading list, its date kept on the dismissal for the undo (migration 0321).
      await q.query(
        `with unsaved as (delete from saves where user_id = $1 and arxiv_id = $2 returning created_at)
         insert into dismissals (user_id, arxiv_id, saved_at) values ($1, $2, (select created_at from unsaved))
         on conflict do nothing`,
        [userId, arxivId],
      );
      return { saved: false };
    }
    // The undo: a paper that was saved before goes back on the reading list, at its own date.
    const restored = await q.query(
      `with undone as (delete from dismissals where user_id = $1 and arxiv_id = $2 returning saved_at)
       insert into saves (user_id, arxiv_id, created_at)
       select $1, $2, saved_at from undone where saved_at is not null on conflict do nothing returning 1`,
      [userId, arxivId],
    );
    return { saved: restored.length > 0 };
  });
}

export interface SavedPaper {
  arxivId: string;
  savedAt: Date;
}

export async function savedPapers(db: Queryable, userId: number, limit = 1000): Promise<SavedPaper[]> {
  const rows = await db.query<{ arxiv_id: string; created_at: Date }>(
    "select arxiv_id, created_at from saves where user_id = $1 order by created_at desc, arxiv_id limit $2",
    [userId, limit],
  );
  return rows.map((r) => ({ arxivId: r.arxiv_id, savedAt: r.created_at }));
}

export async function dismissedPaperIds(db: Queryable, userId: number, limit = 1000): Promise<string[]> {
  const rows = await db.query<{ arxiv_id: string }>(
    "select arxiv_id from dismissals where user_id = $1 order by created_at desc limit $2",
    [userId, limit],
  );
  return rows.map((r) => r.arxiv_id);
}

/** Which of these papers the user has saved and dismissed; one query per rendered list. */
export async function libraryStateAmong(
  db: Queryable,
  userId: number,
  arxivIds: string[],
): Promise<{ saved: Set<string>; dismissed: Set<string> }> {
  if (arxivIds.length === 0) return { saved: new Set(), dismissed: new Set() };
  const rows = await db.query<{ arxiv_id: string; what: string }>(
    `select arxiv_id, 'saved' as what from saves where user_id = $1 and arxiv_id = any($2::text[])
     union all
     select arxiv_id, 'dismissed' from dismissals where user_id = $1 and arxiv_id = any($2::text[])`,
    [userId, arxivIds],
  );
  const saved = new Set(rows.filter((r) => r.what === "saved").map((r) => r.arxiv_id));
  const dismissed = new Set(rows.filter((r) => r.what === "dismissed").map((r) => r.arxiv_id));
  return { saved, dismissed };
}

/** Creates a collection; null when the user already has one with this slug. */
export async function insertCollection(
  db: Queryable,
  c: { userId: number; slug: string; name: string; description: string; isPublic: boolean },
): Promise<Collection | null> {
  const rows = await db.query<{ id: number }>(
    `insert into collections (user_id, slug, name, description, is_public) values ($1, $2, $3, $4, $5)
     on conflict do nothing returning id`,
    [c.userId, c.slug, c.name, c.description, c.isPublic],
  );
  return rows[0] ? collectionById(db, rows[0].id) : null;
}

export async function updateCollection(
  db: Queryable,
  id: number,
  c: { name: string; description: string; isPublic: boolean },
): Promise<void> {
  await db.query(
    "update collections set name = $2, description = $3, is_public = $4, updated_at = now() where id = $1",
    [id, c.name, c.description, c.isPublic],
  );
}

export async function deleteCollection(db: Queryable, id: number): Promise<void> {
  await db.query("delete from collections where id = $1", [id]);
}

async function collectionById(db: Queryable, id: number): Promise<Collection | null> {
  const rows = await db.query<CollectionRow>(
    `select ${COLLECTION_COLUMNS} from collections c where c.id = $1`,
    [id],
  );
  return rows[0] ? collectionFromRow(rows[0]) : null;
}

export async function collectionBySlug(
  db: Queryable,
  userId: number,
  slug: string,
): Promise<Collection | null> {
  const rows = await db.query<CollectionRow>(
    `select ${COLLECTION_COLUMNS} from collections c where c.user_id = $1 and c.slug = $2`,
    [userId, slug],
  );
  return rows[0] ? collectionFromRow(rows[0]) : null;
}

export async function collectionsOf(
  db: Queryable,
  userId: number,
  publicOnly: boolean,
): Promise<Collection[]> {
  const rows = await db.query<CollectionRow>(
    `select ${COLLECTION_COLUMNS} from collections c where c.user_id = $1 and ($2::boolean = false or c.is_public)
     order by c.updated_at desc, c.id desc`,
    [userId, publicOnly],
  );
  return rows.map(collectionFromRow);
}

/** Slugs already used by the user that start with this base, to pick a free one. */
export async function collectionSlugsLike(db: Queryable, userId: number, base: string): Promise<Set<string>> {
  const rows = await db.query<{ slug: string }>(
    "select slug from collections where user_id = $1 and (slug = $2 or slug like $2 || '-%')",
    [userId, base],
  );
  return new Set(rows.map((r) => r.slug));
}

/** Adds (undoing the owner's dismissal of it) or removes a paper; false when the paper does not exist. */
export async function collectionPaperSet(
  db: Queryable | Db,
  collectionId: number,
  arxivId: string,
  on: boolean,
): Promise<boolean> {
  if (!(await paperExists(db, arxivId))) return false;
  await oneAnswerAtATime(db, { collectionId }, async (q) => {
    if (on)
      await q.query(
        `with undismissed as (
           delete from dismissals d using collections c where c.id = $1 and d.user_id = c.user_id and d.arxiv_id = $2
         )
         insert into collection_papers (collection_id, arxiv_id) values ($1, $2) on conflict do nothing`,
        [collectionId, arxivId],
      );
    else
      await q.query("delete from collection_papers where collection_id = $1 and arxiv_id = $2", [
        collectionId,
        arxivId,
      ]);
    await q.query("update collections set updated_at = now() where id = $1", [collectionId]);
  });
  return true;
}

/** Which of the user's collections hold this paper (their ids). */
export async function collectionIdsHolding(
  db: Queryable,
  userId: number,
  arxivId: string,
): Promise<Set<number>> {
  const rows = await db.query<{ id: number }>(
    `select c.id from collections c join collection_papers cp on cp.collection_id = c.id
     where c.user_id = $1 and cp.arxiv_id = $2`,
    [userId, arxivId],
  );
  return new Set(rows.map((r) => r.id));
}

export async function collectionPaperIds(
  db: Queryable,
  collectionId: number,
  limit = 1000,
): Promise<{ arxivId: string; addedAt: Date }[]> {
  const rows = await db.query<{ arxiv_id: string; added_at: Date }>(
    "select arxiv_id, added_at from collection_papers where collection_id = $1 order by added_at desc, arxiv_id limit $2",
    [collectionId, limit],
  );
  return rows.map((r) => ({ arxivId: r.arxiv_id, addedAt: r.added_at }));
}
