import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { deleteExpiredTokenReveals } from "../../src/api-tokens/reveal.ts";
import {
  insertApiToken,
  LAST_USED_EVERY_MS,
  newTokenSecret,
  userIdForToken,
} from "../../src/api-tokens/store.ts";
import { upsertPapers } from "../../src/papers/store.ts";
import { recurringJobs } from "../../src/scheduler/jobs.ts";
import { createScheduler } from "../../src/scheduler/scheduler.ts";
import { createSession } from "../../src/users/sessions.ts";
import { makeUser, post } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { insertSubjectPapers, subjectPaper } from "./corpus.ts";

const DAY = 86_400_000;

for (const backend of testBackends()) {
  describe(`for you and its API on ${backend}`, () => {
    let t: TestApp;
    const now = new Date();
    before(async () => {
      t = await openTestApp(backend, { now: () => now });
    });
    after(async () => {
      await t.close();
    });

    test("cold start shows trending and says so; signals on two subjects give both, each with its reason; a dismissed paper goes", async () => {
      const u = await makeUser(t.db);
      const old = new Date(now.getTime() - 60 * DAY);
      const fresh = new Date(now.getTime() - DAY);
      const cold = await t.app.inject({ url: "/for-you", headers: { cookie: u.cookie } });
      assert.equal(cold.statusCode, 200);
      assert.match(cold.body, /trending papers/);
      const savedMol = await insertSubjectPapers(t.db, "molecules", 3, { publishedAt: old });
      const savedSpeech = await insertSubjectPapers(t.db, "speech", 2, { publishedAt: old });
      const newMol = await insertSubjectPapers(t.db, "molecules", 4, { publishedAt: fresh });
      const newSpeech = await insertSubjectPapers(t.db, "speech", 4, { publishedAt: fresh });
      const filler = await insertSubjectPapers(t.db, "filler", 12, { publishedAt: fresh });
      for (const p of [...savedMol, ...savedSpeech])
        await post(t.app, u, "/save", { arxiv_id: p.arxivId, on: "1" });
      const res = await t.app.inject({ url: "/for-you", headers: { cookie: u.cookie } });
      assert.equal(res.statusCode, 200);
      const body = res.body;
      const cards = [...body.matchAll(/<li class="paper-card" data-arxiv-id="([^"]+)">([\s\S]*?)<\/li>/g)];
      const top8 = cards.slice(0, 8).map((c) => c[1]);
      const mol = new Set(newMol.map((p) => p.arxivId));
      const speech = new Set(newSpeech.map((p) => p.arxivId));
      // the top covers both interests, not only the larger one
      assert.ok(
        top8.slice(0, 2).some((id) => mol.has(id)) && top8.slice(0, 2).some((id) => speech.has(id)),
        top8.join(),
      );
      assert.equal(top8.filter((id) => mol.has(id) || speech.has(id)).length, 8);
      for (const c of cards.slice(0, 8)) assert.match(c[2], /<p class="why">Because you saved “/);
      // papers like neither subject fill the page only under their own heading, after every close match
      const line = body.indexOf('<h2 id="weaker-matches">Weaker matches</h2>');
      assert.ok(line > 0, "the page has a weaker-matches heading");
      const at = (id: string) => body.indexOf(`data-arxiv-id="${id}"`);
      for (const p of [...newMol, ...newSpeech])
        assert.ok(at(p.arxivId) > 0 && at(p.arxivId) < line, p.arxivId);
      for (const p of filler) assert.ok(at(p.arxivId) > line, `${p.arxivId} is under the heading`);
      // nothing saved is recommended again
      for (const p of [...savedMol, ...savedSpeech]) assert.ok(!cards.some((c) => c[1] === p.arxivId));
      // dismiss one: it is gone
      const first = top8[0];
      await post(t.app, u, "/dismiss", { arxiv_id: first, on: "1" });
      const again = await t.app.inject({ url: "/for-you", headers: { cookie: u.cookie } });
      assert.ok(!again.body.includes(`data-arxiv-id="${first}"`));
    });

    test("a followed author's new paper is recommended with the reason", async () => {
      const u = await makeUser(t.db);
      const p = subjectPaper("filler", {
        publishedAt: new Date(now.getTime() - DAY),
        authors: ["Vera C. Rubin"],
      });
      await upsertPapers(t.db, [
        p,
        subjectPaper("filler", {
          publishedAt: new Date(now.getTime() - 90 * DAY),
          authors: ["Vera C. Rubin"],
        }),
      ]);
      await post(t.app, u, "/authors/follow", { name: "Vera C. Rubin", on: "1" });
      const res = await t.app.inject({ url: "/for-you", headers: { cookie: u.cookie } });
      const card = new RegExp(
        `data-arxiv-id="${p.arxivId.replace(".", "\\.")}">[\\s\\S]*?Vera C\\. Rubin, whom you follow`,
      );
      assert.match(res.body, card);
      // whatever the model makes of it, a followed author's paper is a close match, not a weaker one
      const line = res.body.indexOf('id="weaker-matches"');
      assert.ok(line === -1 || res.body.indexOf(`data-arxiv-id="${p.arxivId}"`) < line);
    });

    test("a reveal that does not open is skipped; the others still show", async () => {
      const u = await makeUser(t.db);
      await post(t.app, u, "/settings/tokens", { name: "first one" });
      await post(t.app, u, "/settings/tokens", { name: "second one" });
      const [first] = await t.db.query<{ token_id: number; sealed: string }>(
        `select r.token_id, r.sealed from api_token_reveals r join api_tokens k on k.id = r.token_id
          where k.user_id = $1 and k.name = 'first one'`,
        [u.userId],
      );
      // its tag cut to 4 bytes (GCM would take a short tag unless told its length), then garbage
      const raw = Buffer.from(first.sealed, "base64url");
      const short = Buffer.concat([raw.subarray(0, 16), raw.subarray(28)]).toString("base64url");
      await t.db.query("update api_token_reveals set sealed = $2 where token_id = $1", [
        first.token_id,
        short,
      ]);
      const page = await t.app.inject({ url: "/settings/tokens", headers: { cookie: u.cookie } });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Your new token “second one”/);
      assert.doesNotMatch(page.body, /Your new token “first one”/);
    });

    test("a HEAD request does not use up a new token's showing; logging out drops it", async () => {
      const u = await makeUser(t.db);
      await post(t.app, u, "/settings/tokens", { name: "headed" });
      const head = await t.app.inject({
        method: "HEAD",
        url: "/settings/tokens",
        headers: { cookie: u.cookie },
      });
      assert.equal(head.statusCode, 200);
      const shown = await t.app.inject({ url: "/settings/tokens", headers: { cookie: u.cookie } });
      assert.match(shown.body, /Your new token “headed”/);
      await post(t.app, u, "/settings/tokens", { name: "left at logout" });
      const waiting = () =>
        t.db.query(
          "select 1 from api_token_reveals r join api_tokens k on k.id = r.token_id where k.user_id = $1",
          [u.userId],
        );
      assert.equal((await waiting()).length, 1);
      await post(t.app, u, "/logout", {});
      assert.equal((await waiting()).length, 0);
    });

    test("a new token's reveal nobody came back for is swept by the hourly job", async () => {
      const u = await makeUser(t.db);
      assert.equal((await post(t.app, u, "/settings/tokens", { name: "left behind" })).statusCode, 303);
      const waiting = () =>
        t.db.query(
          "select 1 from api_token_reveals r join api_tokens k on k.id = r.token_id where k.user_id = $1",
          [u.userId],
        );
      assert.equal((await waiting()).length, 1);
      const sweep = async (at: Date) => {
        const jobs = recurringJobs({ ...t.services, now: () => at, delivery: null }).filter(
          (j) => j.name === "sweep-expired",
        );
        const scheduler = createScheduler(jobs, { db: t.db, log: t.services.log });
        try {
          await scheduler.trigger("sweep-expired");
        } finally {
          await scheduler.stop();
        }
      };
      await deleteExpiredTokenReveals(t.db, new Date(now.getTime() + 60_000));
      assert.equal((await waiting()).length, 1, "still within its ten minutes");
      await sweep(new Date(now.getTime() + 11 * 60_000));
      assert.equal((await waiting()).length, 0);
    });

    test("the API: 401 without a token, the feed with one, 401 once revoked; only a hash is stored", async () => {
      const u = await makeUser(t.db);
      const saved = await insertSubjectPapers(t.db, "speech", 2, {
        publishedAt: new Date(now.getTime() - 30 * DAY),
      });
      for (const p of saved) await post(t.app, u, "/save", { arxiv_id: p.arxivId, on: "1" });
      const none = await t.app.inject({ url: "/api/for-you" });
      assert.equal(none.statusCode, 401);
      assert.match(none.json().error, /Bearer/);
      // POST, then 303 to the settings page, which shows the new token once
      const created = await post(t.app, u, "/settings/tokens", { name: "my script" });
      assert.equal(created.statusCode, 303);
      assert.equal(created.headers.location, "/settings/tokens");
      const waiting = await t.db.query<{ sealed: string }>("select sealed from api_token_reveals");
      // the person's other session (another browser) is not shown it, nor does it use it up
      const elsewhere = `dp_session=${await createSession(t.db, u.userId, now)}`;
      const there = await t.app.inject({ url: "/settings/tokens", headers: { cookie: elsewhere } });
      assert.match(there.body, /my script/);
      assert.doesNotMatch(there.body, /class="token"/);
      const shown = await t.app.inject({ url: "/settings/tokens", headers: { cookie: u.cookie } });
      assert.equal(shown.statusCode, 200);
      assert.equal(shown.headers["cache-control"], "no-store");
      const token = /<code class="token">([^<]+)<\/code>/.exec(shown.body)?.[1] as string;
      assert.ok(token?.startsWith("dp_"));
      assert.match(shown.body, /Your new token “my script”/);
      // a refresh creates no second token and does not show the secret again
      const refreshed = await t.app.inject({ url: "/settings/tokens", headers: { cookie: u.cookie } });
      assert.equal(refreshed.statusCode, 200);
      assert.ok(!refreshed.body.includes(token));
      assert.doesNotMatch(refreshed.body, /class="token"/);
      assert.match(refreshed.body, /my script/);
      const stored = await t.db.query<{ token_hash: string }>(
        "select token_hash from api_tokens where user_id = $1",
        [u.userId],
      );
      assert.equal(stored.length, 1);
      assert.notEqual(stored[0].token_hash, token);
      assert.ok(!stored[0].token_hash.includes(token));
      // while it waited to be shown, the token was sealed, not stored in the clear; now it is gone
      assert.equal(waiting.length, 1);
      assert.ok(!Buffer.from(waiting[0].sealed, "base64url").toString("latin1").includes(token.slice(3)));
      assert.deepEqual(await t.db.query("select 1 from api_token_reveals"), []);
      const ok = await t.app.inject({
        url: "/api/for-you?limit=5",
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(ok.statusCode, 200);
      const feed = ok.json();
      assert.equal(feed.mode, "personal");
      assert.ok(feed.items.length > 0 && feed.items.length <= 5);
      assert.match(feed.items[0].why[0], /^Because you saved “/);
      // each item says whether it is a weaker match; those come after every close one
      const weak = feed.items.map((i: { weak: boolean; score: number }) => i.weak);
      assert.deepEqual(
        weak,
        feed.items.map((i: { score: number }) => i.score <= 0),
      );
      assert.deepEqual(weak, [...weak].sort());
      assert.ok(
        feed.items.every((i: { paper: { id: string } }) => !saved.some((s) => s.arxivId === i.paper.id)),
      );
      const lower = await t.app.inject({
        url: "/api/for-you",
        headers: { authorization: `bearer ${token}` },
      });
      assert.equal(lower.statusCode, 200, "the scheme's name is case-insensitive");
      assert.equal(
        (await t.app.inject({ url: "/api/for-you", headers: { authorization: "Bearer dp_wrongwrongwrong" } }))
          .statusCode,
        401,
      );
      const [{ id }] = await t.db.query<{ id: number }>("select id from api_tokens where user_id = $1", [
        u.userId,
      ]);
      const other = await makeUser(t.db);
      assert.equal((await post(t.app, other, `/settings/tokens/${id}/revoke`, {})).statusCode, 404);
      assert.equal((await post(t.app, u, `/settings/tokens/${id}/revoke`, {})).statusCode, 303);
      const revoked = await t.app.inject({
        url: "/api/for-you",
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(revoked.statusCode, 401);
      assert.match(revoked.json().error, /revoked/);
    });

    test("a token's last use is noted at most once a minute, not on every request", async () => {
      const u = await makeUser(t.db);
      const token = newTokenSecret();
      await insertApiToken(t.db, u.userId, "poller", token);
      const lastUsed = async () =>
        (
          await t.db.query<{ last_used_at: Date | null }>(
            "select last_used_at from api_tokens where user_id = $1",
            [u.userId],
          )
        )[0].last_used_at?.getTime() ?? null;
      const at = (ms: number) => new Date(now.getTime() + ms);
      assert.equal(await lastUsed(), null);
      assert.equal(await userIdForToken(t.db, token, at(0)), u.userId);
      assert.equal(await lastUsed(), at(0).getTime(), "the first use is noted");
      assert.equal(await userIdForToken(t.db, token, at(LAST_USED_EVERY_MS - 1000)), u.userId);
      assert.equal(await lastUsed(), at(0).getTime(), "a use within the minute is not written");
      assert.equal(await userIdForToken(t.db, token, at(LAST_USED_EVERY_MS)), u.userId);
      assert.equal(await lastUsed(), at(LAST_USED_EVERY_MS).getTime(), "a minute later it is");
      assert.equal(await userIdForToken(t.db, token, at(-DAY)), u.userId);
      assert.equal(await lastUsed(), at(-DAY).getTime(), "a noted use ahead of the clock is corrected");
      await t.db.query("update users set suspended_at = now() where id = $1", [u.userId]);
      assert.equal(await userIdForToken(t.db, token, at(2 * LAST_USED_EVERY_MS)), null);
      assert.equal(await lastUsed(), at(-DAY).getTime(), "a suspended user's token is not noted");
    });
  });
}
