import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { insertApiToken, newTokenSecret, userIdForToken } from "../../src/api-tokens/store.ts";
import { followAuthor } from "../../src/authors/store.ts";
import { upvoteSet } from "../../src/community/upvotes.ts";
import type { Queryable } from "../../src/db/client.ts";
import { ensureSubscriber, subscriberByEmail } from "../../src/email/subscribers-store.ts";
import { createCollection } from "../../src/library/collections.ts";
import { collectionPaperSet, dismissalSet, saveSet } from "../../src/library/store.ts";
import { paperById } from "../../src/papers/store.ts";
import { markOnboarded, recordDigestsShown, userTopicSet } from "../../src/recommend/store.ts";
import { saveTopic } from "../../src/topics/commands.ts";
import { createAccount } from "../../src/users/commands.ts";
import { createSession } from "../../src/users/sessions.ts";
import { userById } from "../../src/users/store.ts";
import { csrfTokenFor } from "../../src/web/accounts/csrf.ts";
import { type Client, makePaper, makeUser, post, TEST_SECRET } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";

const PASSWORD = "correct horse battery";

/** A real account (Argon2 hash) with a session, as the settings forms need the password. */
async function account(t: TestApp, username: string): Promise<Client> {
  const id = await createAccount(
    t.db,
    { username, email: `${username}@example.org`, password: PASSWORD },
    new Date(),
    {
      verified: true,
    },
  );
  const sid = await createSession(t.db, id, new Date());
  const nonce = `${username}-nonce-abcdefghijklmnopqrstuvwxyz`;
  return {
    userId: id,
    cookie: `dp_session=${sid}; dp_csrf=${nonce}`,
    csrf: csrfTokenFor(TEST_SECRET, nonce, sid),
  };
}

/** Rows per table that point at the user through any reference to users, cascading or not. */
async function rowsPointingAt(db: Queryable, userId: number): Promise<Record<string, number>> {
  const refs = await db.query<{ tableName: string; columnName: string }>(
    `select c.conrelid::regclass::text as "tableName", quote_ident(a.attname) as "columnName"
       from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
      where c.contype = 'f' and c.confrelid = 'users'::regclass order by 1, 2`,
  );
  const counts: Record<string, number> = {};
  for (const { tableName, columnName } of refs) {
    const [row] = await db.query<{ n: number }>(
      `select count(*)::int as n from ${tableName} where ${columnName} = $1`,
      [userId],
    );
    if (row.n > 0) counts[`${tableName}.${columnName}`] = row.n;
  }
  return counts;
}

/** Every kind of for-you signal a person can leave: saves, collections, dismissals, follows, tokens, history. */
async function forYouSignals(t: TestApp, userId: number, arxivId: string, topicId: number): Promise<string> {
  await saveSet(t.db, userId, arxivId, true);
  // Not interested in another paper: one a person keeps cannot be dismissed (library/store.ts)
  await dismissalSet(t.db, userId, (await makePaper(t.db)).arxivId, true);
  const collection = await createCollection(t.db, {
    userId,
    name: "Reading group",
    description: "",
    isPublic: true,
  });
  await collectionPaperSet(t.db, collection.id, arxivId, true);
  await followAuthor(t.db, userId, "Ada Lovelace");
  await userTopicSet(t.db, userId, topicId, true);
  await recordDigestsShown(t.db, [{ userId, arxivIds: [arxivId] }], new Date());
  await markOnboarded(t.db, userId);
  const token = newTokenSecret();
  await insertApiToken(t.db, userId, "laptop", token);
  return token;
}

describe("account settings: export, change password, delete", () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp("pglite");
  });
  after(async () => t?.close());

  test("the export holds the account's comments, upvotes and subscription", async () => {
    const me = await account(t, "exporter");
    const paper = await makePaper(t.db);
    await upvoteSet(t.db, me.userId, paper.arxivId, true);
    await post(t.app, me, "/comments", { arxiv_id: paper.arxivId, body: "Nice result" });
    const res = await t.app.inject({ url: "/settings/account/export.json", headers: { cookie: me.cookie } });
    assert.equal(res.statusCode, 200);
    assert.match(
      String(res.headers["content-disposition"]),
      /attachment; filename="dailypapers-exporter.json"/,
    );
    const data = res.json();
    assert.equal(data.account.username, "exporter");
    assert.deepEqual(
      data.comments.map((c: { body: string }) => c.body),
      ["Nice result"],
    );
    assert.deepEqual(
      data.upvotes.map((u: { arxivId: string }) => u.arxivId),
      [paper.arxivId],
    );
    const topic = await saveTopic(t.db, { query: "nice", name: "Nice" });
    assert.ok(topic.ok);
    await forYouSignals(t, me.userId, paper.arxivId, topic.topic.id);
    const full = (
      await t.app.inject({ url: "/settings/account/export.json", headers: { cookie: me.cookie } })
    ).json();
    assert.deepEqual(
      full.saves.map((s: { arxivId: string }) => s.arxivId),
      [paper.arxivId],
    );
    assert.deepEqual(
      full.collections.map((c: { name: string; papers: string[] }) => [c.name, c.papers]),
      [["Reading group", [paper.arxivId]]],
    );
    assert.deepEqual(
      full.followedAuthors.map((a: { name: string }) => a.name),
      ["Ada Lovelace"],
    );
    assert.deepEqual(
      full.apiTokens.map((a: { name: string }) => a.name),
      ["laptop"],
    );
    assert.doesNotMatch(JSON.stringify(full), /token_hash|tokenHash/);
    const anon = await t.app.inject({ url: "/settings/account/export.json" });
    assert.equal(anon.statusCode, 303, "only for the signed-in owner");
  });

  test("deleting asks for the password, then removes or anonymises what it must", async () => {
    const me = await account(t, "leaver");
    const other = await makeUser(t.db);
    const paper = await makePaper(t.db);
    await upvoteSet(t.db, me.userId, paper.arxivId, true);
    await upvoteSet(t.db, other.userId, paper.arxivId, true);
    await post(t.app, me, "/comments", { arxiv_id: paper.arxivId, body: "My words" });
    await post(t.app, other, "/comments", { arxiv_id: paper.arxivId, body: "Their words" });
    await ensureSubscriber(t.db, "leaver@example.org", {
      userId: me.userId,
      confirmed: true,
      now: new Date(),
    });

    const wrong = await post(t.app, me, "/settings/account/delete", { password: "not my password" });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /That password is not right/);
    assert.equal((await userById(t.db, me.userId))?.username, "leaver", "nothing changed");

    const done = await post(t.app, me, "/settings/account/delete", { password: PASSWORD });
    assert.equal(done.statusCode, 303);
    const gone = await userById(t.db, me.userId);
    assert.equal(gone?.username, `deleted-${me.userId}`);
    assert.equal(gone?.email, null);
    assert.equal(gone?.passwordHash, null);
    const stored = await paperById(t.db, paper.arxivId);
    assert.equal(stored?.localUpvotes, 1, "the upvote is taken back");
    assert.equal(stored?.localComments, 1, "the comment no longer counts");
    assert.equal(await subscriberByEmail(t.db, "leaver@example.org"), null);
    const pageHtml = (await t.app.inject({ url: `/papers/${paper.arxivId}` })).body;
    assert.doesNotMatch(pageHtml, /My words/);
    assert.match(pageHtml, /Their words/);
    const stale = await t.app.inject({ url: "/settings/account", headers: { cookie: me.cookie } });
    assert.equal(stale.statusCode, 303, "the session ended");
  });

  test("deleting clears the for-you data: saves, collections, dismissals, follows, tokens, history", async () => {
    const me = await account(t, "forgetme");
    const other = await makeUser(t.db);
    const paper = await makePaper(t.db);
    const saved = await saveTopic(t.db, { query: "graph", name: "Graphs", createdBy: me.userId });
    assert.ok(saved.ok);
    const myToken = await forYouSignals(t, me.userId, paper.arxivId, saved.topic.id);
    const theirToken = await forYouSignals(t, other.userId, paper.arxivId, saved.topic.id);
    const theirsBefore = await rowsPointingAt(t.db, other.userId);
    for (const table of [
      "saves",
      "dismissals",
      "collections",
      "author_follows",
      "user_topics",
      "digest_shown_sets",
    ])
      assert.ok(
        Object.keys(theirsBefore).some((k) => k.startsWith(`${table}.`)),
        `${table} is seeded`,
      );

    const done = await post(t.app, me, "/settings/account/delete", { password: PASSWORD });
    assert.equal(done.statusCode, 303);
    // Only what others rely on may still point at the account: its comments, feed entries it
    // submitted, moderation it did. Here: nothing at all, as it left no comment.
    assert.deepEqual(await rowsPointingAt(t.db, me.userId), {});
    const collections = await t.db.query(
      "select 1 from collection_papers cp join collections c on c.id = cp.collection_id where c.user_id = $1",
      [me.userId],
    );
    assert.equal(collections.length, 0);
    assert.equal(await userIdForToken(t.db, myToken, new Date()), null, "its API token no longer works");
    assert.equal((await t.app.inject({ url: "/users/forgetme" })).statusCode, 404, "nor does its profile");
    assert.deepEqual(await rowsPointingAt(t.db, other.userId), theirsBefore, "another person's data stays");
    assert.equal(await userIdForToken(t.db, theirToken, new Date()), other.userId);
  });

  test("a new password needs the current one and ends the sessions", async () => {
    const me = await account(t, "changer");
    const wrong = await post(t.app, me, "/settings/account/password", {
      password: "nope",
      new_password: "a much better pass",
    });
    assert.equal(wrong.statusCode, 400);
    const ok = await post(t.app, me, "/settings/account/password", {
      password: PASSWORD,
      new_password: "a much better pass",
    });
    assert.equal(ok.statusCode, 303);
    const stale = await t.app.inject({ url: "/settings/account", headers: { cookie: me.cookie } });
    assert.equal(stale.statusCode, 303);
  });
});
