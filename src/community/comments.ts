import type { Db, Queryable } from "../db/client.ts";
import { paperLocalCountsAdd, papersLocalCountsDrop } from "../papers/store.ts";
import { UserError } from "../user-error.ts";
import { commentChangeRefusal } from "../users/policies.ts";
import { record } from "./mod-log.ts";

const COMMENT_MAX = 10_000;

export interface CommentRow {
  id: number;
  arxivId: string;
  parentId: number | null;
  userId: number;
  username: string;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  hiddenAt: Date | null;
  hiddenReason: string | null;
}

/** A refusal the commenter can act on. */
class CommentError extends UserError {
  constructor(message: string, status = 400) {
    super(status, message);
  }
}

const COLUMNS = `c.id, c.arxiv_id as "arxivId", c.parent_id as "parentId", c.user_id as "userId", u.username,
  c.body, c.created_at as "createdAt", c.edited_at as "editedAt", c.deleted_at as "deletedAt",
  c.hidden_at as "hiddenAt", c.hidden_reason as "hiddenReason"`;

export async function commentsForPaper(db: Queryable, arxivId: string): Promise<CommentRow[]> {
  return db.query<CommentRow>(
    `select ${COLUMNS} from comments c join users u on u.id = c.user_id where c.arxiv_id = $1 order by c.id`,
    [arxivId],
  );
}

/** A user's visible comments with the titles of their papers, newest first, for the profile. */
export async function commentsByUser(
  db: Queryable,
  userId: number,
  limit = 50,
): Promise<(CommentRow & { paperTitle: string })[]> {
  return db.query(
    `select ${COLUMNS}, p.title as "paperTitle" from comments c join users u on u.id = c.user_id
       join papers p on p.arxiv_id = c.arxiv_id
      where c.user_id = $1 and c.deleted_at is null and c.hidden_at is null
      order by c.id desc limit $2`,
    [userId, limit],
  );
}

function checkBody(body: string): string {
  const text = body.replace(/\r\n/g, "\n").trim();
  if (!text) throw new CommentError("Write something before posting.");
  if (text.length > COMMENT_MAX) throw new CommentError(`Comments are at most ${COMMENT_MAX} characters.`);
  return text;
}

/** The comment and the paper's counter change together; a reply needs a live parent on the same paper. */
export async function postComment(
  db: Db,
  input: { userId: number; arxivId: string; parentId: number | null; body: string },
  now: Date,
): Promise<number> {
  const body = checkBody(input.body);
  return db.transaction(async (tx) => {
    const paper = await tx.query(`select 1 from papers where arxiv_id = $1`, [input.arxivId]);
    if (paper.length === 0) throw new CommentError("There is no such paper.", 404);
    if (input.parentId !== null) {
      // Locked, so a parent deleted or hidden at this moment cannot gain a reply.
      const parent = await tx.query<{ arxiv_id: string; deleted_at: Date | null; hidden_at: Date | null }>(
        `select arxiv_id, deleted_at, hidden_at from comments where id = $1 for update`,
        [input.parentId],
      );
      const p = parent[0];
      if (!p || p.arxiv_id !== input.arxivId)
        throw new CommentError("The comment you replied to does not exist.");
      if (p.deleted_at || p.hidden_at)
        throw new CommentError("The comment you replied to was removed; replies are closed.");
    }
    const rows = await tx.query<{ id: number }>(
      `insert into comments (arxiv_id, user_id, parent_id, body, created_at) values ($1, $2, $3, $4, $5) returning id`,
      [input.arxivId, input.userId, input.parentId, body, now],
    );
    await paperLocalCountsAdd(tx, input.arxivId, { comments: 1 });
    return rows[0].id;
  });
}

async function ownLiveComment(tx: Queryable, userId: number, id: number): Promise<{ arxiv_id: string }> {
  const rows = await tx.query<{
    arxiv_id: string;
    user_id: number;
    deleted_at: Date | null;
    hidden_at: Date | null;
  }>(`select arxiv_id, user_id, deleted_at, hidden_at from comments where id = $1 for update`, [id]);
  const c = rows[0];
  if (!c || c.deleted_at) throw new CommentError("There is no such comment.", 404);
  const refusal = commentChangeRefusal({ id: userId }, { userId: c.user_id, hidden: !!c.hidden_at });
  if (refusal) throw new CommentError(refusal.message, refusal.status);
  return c;
}

export async function editComment(
  db: Db,
  userId: number,
  id: number,
  bodyInput: string,
  now: Date,
): Promise<string> {
  const body = checkBody(bodyInput);
  return db.transaction(async (tx) => {
    const c = await ownLiveComment(tx, userId, id);
    await tx.query(`update comments set body = $2, edited_at = $3 where id = $1`, [id, body, now]);
    return c.arxiv_id;
  });
}

/** The text goes; the row stays so replies keep their place under "[deleted]". */
export async function deleteComment(db: Db, userId: number, id: number, now: Date): Promise<string> {
  return db.transaction(async (tx) => {
    const c = await ownLiveComment(tx, userId, id);
    await tx.query(`update comments set deleted_at = $2, body = '' where id = $1`, [id, now]);
    await paperLocalCountsAdd(tx, c.arxiv_id, { comments: -1 });
    return c.arxiv_id;
  });
}

export async function hideComment(
  db: Db,
  moderatorId: number,
  id: number,
  reason: string,
  now: Date,
): Promise<string> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{
      arxiv_id: string;
      deleted_at: Date | null;
      hidden_at: Date | null;
      username: string;
    }>(
      `select c.arxiv_id, c.deleted_at, c.hidden_at, u.username from comments c join users u on u.id = c.user_id
        where c.id = $1 for update of c`,
      [id],
    );
    const c = rows[0];
    if (!c) throw new CommentError("There is no such comment.", 404);
    if (c.hidden_at) throw new CommentError("That comment is already hidden.");
    await tx.query(`update comments set hidden_at = $2, hidden_reason = $3, hidden_by = $4 where id = $1`, [
      id,
      now,
      reason,
      moderatorId,
    ]);
    if (!c.deleted_at) {
      await paperLocalCountsAdd(tx, c.arxiv_id, { comments: -1 });
    }
    await record(
      tx,
      {
        moderatorId,
        action: "hide_comment",
        targetType: "comment",
        targetId: id,
        targetLabel: `comment by ${c.username} on ${c.arxiv_id}`,
        reason,
      },
      now,
    );
    return c.arxiv_id;
  });
}

/** Empties every comment of an account (threads keep their shape) and takes the shown ones from their papers' counts. */
export async function commentsEraseForUser(tx: Queryable, userId: number, now: Date): Promise<void> {
  const shown = await tx.query<{ arxiv_id: string; n: number }>(
    `select arxiv_id, count(*)::int as n from comments
      where user_id = $1 and deleted_at is null and hidden_at is null group by arxiv_id`,
    [userId],
  );
  await papersLocalCountsDrop(
    tx,
    shown.map((r) => ({ arxivId: r.arxiv_id, upvotes: 0, comments: r.n })),
  );
  await tx.query("update comments set body = '', deleted_at = coalesce(deleted_at, $2) where user_id = $1", [
    userId,
    now,
  ]);
}
