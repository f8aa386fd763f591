import { commentsEraseForUser } from "../community/comments.ts";
import { upvotesDeleteForUser } from "../community/upvotes.ts";
import type { Db } from "../db/client.ts";
import { subscribersDeleteForUser } from "../email/subscribers-store.ts";
import { topicsDisownUser } from "../topics/store.ts";
import { checkedUser, deleteOwnedRows } from "../users/account-data.ts";
import { deleteUserSessions } from "../users/sessions.ts";
import { userAnonymise } from "../users/store.ts";

// Account deletion reaches into community, email and topics, which themselves depend on users/:
// it lives above them so that each table is still written by its own store.

/**
 * Deletes an account, given its password. What others rely on stays, anonymised: the row keeps
 * its id (comments, feed entries and the moderation log point at it) under a "deleted-N" name
 * with no email, password or profile, so nobody can log in as it or claim the name's history.
 * Removed: sessions, one-time tokens, upvotes (the counts go down), the email subscription and
 * its topics, the text of every comment (replies keep their place under "[deleted]"), and every
 * row that would go with the account if its row were deleted (deleteOwnedRows): saves,
 * collections, dismissals, followed authors and topics, digest history, API tokens.
 */
export async function deleteAccount(db: Db, userId: number, password: string, now: Date): Promise<void> {
  await checkedUser(db, userId, password);
  await db.transaction(async (tx) => {
    await upvotesDeleteForUser(tx, userId);
    await commentsEraseForUser(tx, userId, now);
    await subscribersDeleteForUser(tx, userId);
    await topicsDisownUser(tx, userId);
    await deleteUserSessions(tx, userId);
    await deleteOwnedRows(tx, userId);
    await userAnonymise(tx, userId);
  });
}
