import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { upvoteSet } from "../../src/community/upvotes.ts";
import { ensureSubscriber, subscriberByEmail } from "../../src/email/subscribers-store.ts";
import { paperById } from "../../src/papers/store.ts";
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
