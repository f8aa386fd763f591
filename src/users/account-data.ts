import type { Db, Queryable } from "../db/client.ts";
import { parseEmail } from "../email/address.ts";
import { subscribersDetachUser } from "../email/subscribers-store.ts";
import { type AccountDeps, AccountError } from "./commands.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { deleteUserSessions } from "./sessions.ts";
import { userByEmail, userById, userEmailMoved, userPasswordSet, userPendingEmailSet } from "./store.ts";
import { consumeToken, issueToken, tokensRevoked } from "./tokens.ts";
import { checkPassword } from "./username.ts";

export async function checkedUser(db: Queryable, userId: number, password: string) {
  const user = await userById(db, userId);
  if (user?.origin !== "local" || !user.passwordHash)
    throw new AccountError("There is no such account.", "password");
  if (!(await verifyPassword(user.passwordHash, password)))
    throw new AccountError("That password is not right.", "password");
  return user;
}

/** A new password, given the current one; every other session ends. */
export async function changePassword(db: Db, userId: number, current: string, next: string): Promise<void> {
  await checkedUser(db, userId, current);
  const problem = checkPassword(next);
  if (problem) throw new AccountError(problem, "new_password");
  const hash = await hashPassword(next);
  await db.transaction(async (tx) => {
    await userPasswordSet(tx, userId, hash);
    await deleteUserSessions(tx, userId);
  });
}

/**
 * Asks for a new address, given the password. The account keeps its address until a link sent to
 * the new one is opened (`confirmEmailChange`), so nobody can move an account to an address they
 * cannot read. When the address already belongs to another account, its owner gets a notice
 * instead of a link; the person asking is told the same in both cases, so the form does not say
 * which addresses have accounts.
 */
export async function requestEmailChange(
  db: Db,
  userId: number,
  password: string,
  emailInput: string,
): Promise<{ email: string; takenByAnother: boolean }> {
  const user = await checkedUser(db, userId, password);
  const email = parseEmail(emailInput);
  if (!email.ok) throw new AccountError(email.error, "email");
  if (user.email?.toLowerCase() === email.email.toLowerCase())
    throw new AccountError("That is already your address.", "email");
  const other = await userByEmail(db, email.email);
  await userPendingEmailSet(db, userId, email.email);
  return { email: email.email, takenByAnother: other !== null && other.id !== userId };
}

/**
 * Mails the new address after the answer: a link when it is free, a notice to its owner when it
 * is not. Either way the work happens after the reply, so its timing says nothing either.
 */
export function mailEmailChange(
  deps: AccountDeps,
  userId: number,
  request: { email: string; takenByAnother: boolean },
): void {
  if (request.takenByAnother) {
    deps.background.run("email change notice", () =>
      deps.mailer.send({
        to: request.email,
        subject: "Someone tried to move a Daily Papers account to your address",
        text: `Someone asked to change the address of another Daily Papers account to this one, which already has an account. Nothing changed.

If it was you, log in to your own account instead: ${deps.baseUrl}/login
If it was not you, ignore this message.
`,
      }),
    );
    return;
  }
  deps.background.run("email change link", async () => {
    const now = deps.now();
    // Only the newest link works: an older request for another address stops here.
    await tokensRevoked(deps.db, userId, "change_email", now);
    const token = await issueToken(deps.db, deps.secret, userId, "change_email", now);
    await deps.mailer.send({
      to: request.email,
      subject: "Confirm your new email address for Daily Papers",
      text: `Someone (we hope you) asked to use this address for their Daily Papers account.

Open this link within 24 hours to confirm it:

${deps.baseUrl}/settings/account/email/confirm?token=${encodeURIComponent(token)}

Until then the account keeps its old address. If it was not you, ignore this message.
`,
    });
  });
}

/**
 * Moves the account to the address its change-email link was sent to. Opening the link proves
 * the address, so it counts as confirmed. Returns null when the link is dead or the address has
 * meanwhile gone to another account.
 */
export async function confirmEmailChange(
  db: Db,
  secret: string,
  token: string,
  now: Date,
): Promise<{ userId: number; email: string; previous: string | null } | null> {
  return db.transaction(async (tx) => {
    const userId = await consumeToken(tx, secret, token, "change_email", now);
    if (userId === null) return null;
    const user = await userById(tx, userId);
    const email = user?.pendingEmail;
    if (!user || !email) return null;
    const other = await userByEmail(tx, email);
    if (other && other.id !== userId) return null;
    await userEmailMoved(tx, userId, email, now);
    await subscribersDetachUser(tx, userId);
    return { userId, email, previous: user.email };
  });
}

/** Everything the site keeps about a person, as JSON they can take away. */
export async function exportAccountData(db: Queryable, userId: number): Promise<Record<string, unknown>> {
  const user = await userById(db, userId);
  if (!user) throw new AccountError("There is no such account.");
  const q = <T extends Record<string, unknown>>(sql: string) => db.query<T>(sql, [userId]);
  const [comments, upvotes, submissions, subscriptions, topics] = await Promise.all([
    q(`select id, arxiv_id as "arxivId", parent_id as "parentId", body, created_at as "createdAt",
        edited_at as "editedAt", deleted_at as "deletedAt", hidden_at as "hiddenAt" from comments
       where user_id = $1 order by id`),
    q(
      `select arxiv_id as "arxivId", created_at as "createdAt" from upvotes where user_id = $1 order by created_at`,
    ),
    q(
      `select arxiv_id as "arxivId", feed_date::text as "feedDate" from feed_entries where submitted_by = $1 order by feed_date`,
    ),
    q(`select s.email, s.status, s.frequency, s.send_hour as "sendHour", s.time_zone as "timeZone",
        coalesce((select json_agg(t.slug order by t.slug) from subscriber_topics st join topics t on t.id = st.topic_id
                  where st.subscriber_id = s.id), '[]') as topics
       from subscribers s where s.user_id = $1`),
    q(`select slug, name, query, created_at as "createdAt" from topics where created_by = $1 order by id`),
  ]);
  const [saves, collections, dismissals, followedAuthors, followedTopics, apiTokens] = await Promise.all([
    q(
      `select arxiv_id as "arxivId", created_at as "savedAt" from saves where user_id = $1 order by created_at`,
    ),
    q(`select c.slug, c.name, c.description, c.is_public as "isPublic", c.created_at as "createdAt",
        coalesce((select json_agg(cp.arxiv_id order by cp.added_at) from collection_papers cp
                  where cp.collection_id = c.id), '[]') as papers
       from collections c where c.user_id = $1 order by c.id`),
    q(
      `select arxiv_id as "arxivId", created_at as "createdAt" from dismissals where user_id = $1 order by created_at`,
    ),
    q(
      `select author_name as name, created_at as "createdAt" from author_follows where user_id = $1 order by created_at`,
    ),
    q(`select t.slug, ut.created_at as "createdAt" from user_topics ut join topics t on t.id = ut.topic_id
       where ut.user_id = $1 order by ut.created_at`),
    // Names and dates only: the token itself was shown once and only its hash is kept.
    q(`select name, created_at as "createdAt", last_used_at as "lastUsedAt", revoked_at as "revokedAt"
       from api_tokens where user_id = $1 order by id`),
  ]);
  return {
    exportedAt: new Date().toISOString(),
    account: {
      username: user.username,
      displayName: user.displayName,
      email: user.email,
      emailVerifiedAt: user.emailVerifiedAt,
      pendingEmail: user.pendingEmail,
      role: user.role,
      createdAt: user.createdAt,
    },
    comments,
    upvotes,
    submissions,
    subscriptions,
    topicsCreated: topics,
    saves,
    collections,
    notInterested: dismissals,
    followedAuthors,
    followedTopics,
    apiTokens,
  };
}

/**
 * Rows that belong to one account are those whose reference to users cascades on delete
 * (sessions, saves, collections, API tokens, …). The account row stays, so they are deleted
 * here, found in the catalogue: a table added later with such a reference is covered too.
 */
export async function deleteOwnedRows(tx: Queryable, userId: number): Promise<void> {
  const owned = await tx.query<{ tableName: string; columnName: string }>(
    `select c.conrelid::regclass::text as "tableName", quote_ident(a.attname) as "columnName"
       from pg_constraint c
       join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
      where c.contype = 'f' and c.confrelid = 'users'::regclass and c.confdeltype = 'c'
      order by 1, 2`,
  );
  // Both names come from the catalogue, quoted by Postgres (regclass::text, quote_ident).
  // Deleting some rows makes triggers write others (the for-you signal version of a deleted
  // save), so passes repeat until one deletes nothing.
  for (let pass = 0; pass < 5; pass++) {
    let deleted = 0;
    for (const { tableName, columnName } of owned)
      deleted += (await tx.query(`delete from ${tableName} where ${columnName} = $1 returning 1`, [userId]))
        .length;
    if (deleted === 0) return;
  }
}
