import type { Db, Queryable } from "../db/client.ts";
import { paperLocalCountsAdd, papersLocalCountsDrop } from "../papers/store.ts";

export interface VoteResult {
  upvoted: boolean;
  /** Imported plus local upvotes, after this vote. */
  upvotes: number;
}

/**
 * Casts or withdraws one user's upvote. The vote row and the paper's counter change in one
 * transaction, and the counter moves only when a row was really inserted or deleted, so
 * repeats are no-ops and parallel votes count exactly. Null when the paper does not exist.
 */
export async function upvoteSet(
  db: Db,
  userId: number,
  arxivId: string,
  on: boolean,
): Promise<VoteResult | null> {
  return db.transaction(async (tx) => {
    const exists = await tx.query(`select 1 from papers where arxiv_id = $1`, [arxivId]);
    if (exists.length === 0) return null;
    const changed = on
      ? await tx.query(
          `insert into upvotes (user_id, arxiv_id) values ($1, $2) on conflict do nothing returning 1`,
          [userId, arxivId],
        )
      : await tx.query(`delete from upvotes where user_id = $1 and arxiv_id = $2 returning 1`, [
          userId,
          arxivId,
        ]);
    const delta = changed.length === 0 ? 0 : on ? 1 : -1;
    const upvotes = await paperLocalCountsAdd(tx, arxivId, { upvotes: delta });
    return { upvoted: on, upvotes: upvotes ?? 0 };
  });
}

export async function upvotedAmong(db: Queryable, userId: number, arxivIds: string[]): Promise<Set<string>> {
  if (arxivIds.length === 0) return new Set();
  const rows = await db.query<{ arxiv_id: string }>(
    `select arxiv_id from upvotes where user_id = $1 and arxiv_id = any($2::text[])`,
    [userId, arxivIds],
  );
  return new Set(rows.map((r) => r.arxiv_id));
}

export async function upvotedPaperIds(db: Queryable, userId: number, limit = 50): Promise<string[]> {
  const rows = await db.query<{ arxiv_id: string }>(
    `select arxiv_id from upvotes where user_id = $1 order by created_at desc limit $2`,
    [userId, limit],
  );
  return rows.map((r) => r.arxiv_id);
}

/** Removes every upvote of an account, and takes each from its paper's count. */
export async function upvotesDeleteForUser(tx: Queryable, userId: number): Promise<void> {
  const rows = await tx.query<{ arxiv_id: string }>(
    "delete from upvotes where user_id = $1 returning arxiv_id",
    [userId],
  );
  await papersLocalCountsDrop(
    tx,
    rows.map((r) => ({ arxivId: r.arxiv_id, upvotes: 1, comments: 0 })),
  );
}
