import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { paperById } from "../../src/papers/store.ts";
import { createAccount } from "../../src/users/commands.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { anonymous, makePaper, makeUser, post } from "./helpers.ts";

for (const backend of testBackends()) {
  describe(`moderation on ${backend}`, () => {
    let t: TestApp;
    before(async () => {
      t = await openTestApp(backend);
    });
    after(async () => {
      await t.close();
    });

    test("only moderators reach /mod; ordinary users get 403, visitors are sent to log in", async () => {
      const user = await makeUser(t.db);
      const mod = await makeUser(t.db, { role: "moderator" });
      assert.equal((await t.app.inject({ url: "/mod" })).statusCode, 303);
      assert.equal((await t.app.inject({ url: "/mod", headers: { cookie: user.cookie } })).statusCode, 403);
      assert.equal(
        (await post(t.app, user, "/mod/users/suspend", { username: "x", reason: "y" })).statusCode,
        403,
      );
      const page = await t.app.inject({ url: "/mod", headers: { cookie: mod.cookie } });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Suspend a user/);
    });

    test("a moderator hides a comment with a reason; the log records who, when and why", async () => {
      const paper = await makePaper(t.db);
      const author = await makeUser(t.db, { username: "rude" });
      const mod = await makeUser(t.db, { username: "modmia", role: "moderator" });
      const res = await post(t.app, author, "/comments", { arxiv_id: paper.arxivId, body: "something rude" });
      const id = /comment-(\d+)/.exec(String(res.headers.location))?.[1];
      assert.equal((await post(t.app, mod, `/mod/comments/${id}/hide`, { reason: "  " })).statusCode, 400);
      assert.equal(
        (await post(t.app, mod, `/mod/comments/${id}/hide`, { reason: "Personal attack" })).statusCode,
        303,
      );
      const html = (await t.app.inject({ url: `/papers/${paper.arxivId}` })).body;
      assert.match(html, /\[hidden by a moderator: Personal attack\]/);
      assert.doesNotMatch(html, /something rude/);
      assert.equal((await paperById(t.db, paper.arxivId))?.localComments, 0);
      const reply = await post(t.app, mod, "/comments", {
        arxiv_id: paper.arxivId,
        parent_id: String(id),
        body: "reply",
      });
      assert.equal(reply.statusCode, 400, "no replies to a hidden comment");
      const log = await t.app.inject({ url: "/moderation" });
      assert.match(log.body, /modmia[\s\S]*hid a comment comment by rude[\s\S]*Personal attack/);
    });

    test("hiding a paper from a feed is logged, and the log cannot be rewritten", async () => {
      const paper = await makePaper(t.db, { title: "Spam paper" });
      await t.db.query(
        `insert into feed_entries (arxiv_id, feed_date, origin) values ($1, '2024-08-09', 'local')`,
        [paper.arxivId],
      );
      const mod = await makeUser(t.db, { role: "admin" });
      const res = await post(t.app, mod, "/mod/feed/hide", {
        arxiv_id: paper.arxivId,
        date: "2024-08-09",
        reason: "Not research",
      });
      assert.equal(res.statusCode, 303);
      const rows = await t.db.query<{ hidden_reason: string }>(
        `select hidden_reason from feed_entries where arxiv_id = $1`,
        [paper.arxivId],
      );
      assert.equal(rows[0].hidden_reason, "Not research");
      const again = await post(t.app, mod, "/mod/feed/hide", {
        arxiv_id: paper.arxivId,
        date: "2024-08-09",
        reason: "again",
      });
      assert.equal(again.statusCode, 400);
      assert.match(
        (await t.app.inject({ url: "/moderation" })).body,
        /hid a paper from the feed[\s\S]*Spam paper \(feed of 2024-08-09\)[\s\S]*Not research/,
      );
      await assert.rejects(t.db.query(`update mod_log set reason = 'nothing to see'`), /append-only/);
      await assert.rejects(t.db.query(`delete from mod_log`), /append-only/);
    });

    test("a suspended user's sessions end; they cannot vote, comment or log in", async () => {
      const paper = await makePaper(t.db);
      const victim = await makeUser(t.db, { username: "spammer" });
      const mod = await makeUser(t.db, { role: "moderator" });
      assert.equal(
        (await post(t.app, mod, "/mod/users/suspend", { username: "nobody", reason: "x" })).statusCode,
        400,
      );
      assert.equal(
        (await post(t.app, mod, "/mod/users/suspend", { username: "SPAMMER", reason: "Vote ring" }))
          .statusCode,
        303,
      );
      const sessions = await t.db.query(`select 1 from sessions where user_id = $1`, [victim.userId]);
      assert.equal(sessions.length, 0);
      assert.equal(
        (await post(t.app, victim, "/upvote", { arxiv_id: paper.arxivId, vote: "1" })).statusCode,
        401,
      );
      assert.equal(
        (await post(t.app, victim, "/comments", { arxiv_id: paper.arxivId, body: "hi" })).statusCode,
        401,
      );
      assert.match((await t.app.inject({ url: "/moderation" })).body, /suspended spammer[\s\S]*Vote ring/);
      assert.match((await t.app.inject({ url: "/users/spammer" })).body, /suspended/);
      await createAccount(
        t.db,
        { username: "suspendme", email: "s@example.com", password: "long enough password" },
        new Date(),
      );
      await post(t.app, mod, "/mod/users/suspend", { username: "suspendme", reason: "Spam" });
      const login = await post(t.app, anonymous(), "/login", {
        login: "suspendme",
        password: "long enough password",
      });
      assert.equal(login.statusCode, 403);
      assert.match(login.body, /suspended: Spam/);
      assert.equal(
        (await post(t.app, mod, "/mod/users/unsuspend", { username: "spammer", reason: "Appeal accepted" }))
          .statusCode,
        303,
      );
      assert.match((await t.app.inject({ url: "/moderation" })).body, /lifted the suspension of spammer/);
    });

    test("only admins change roles, and the change is logged", async () => {
      const mod = await makeUser(t.db, { role: "moderator" });
      const admin = await makeUser(t.db, { username: "rootadmin", role: "admin" });
      const target = await makeUser(t.db, { username: "promoteme" });
      const fields = { username: "promoteme", role: "moderator", reason: "Helpful regular" };
      assert.equal((await post(t.app, mod, "/mod/users/role", fields)).statusCode, 403);
      assert.equal((await post(t.app, admin, "/mod/users/role", { ...fields, role: "god" })).statusCode, 400);
      assert.equal((await post(t.app, admin, "/mod/users/role", fields)).statusCode, 303);
      const rows = await t.db.query<{ role: string }>(`select role from users where id = $1`, [
        target.userId,
      ]);
      assert.equal(rows[0].role, "moderator");
      assert.match(
        (await t.app.inject({ url: "/moderation" })).body,
        /rootadmin[\s\S]*changed the role of promoteme → moderator[\s\S]*Helpful regular/,
      );
    });
  });
}
