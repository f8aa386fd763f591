import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { paperById } from "../../src/papers/store.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { type ArxivReplay, startArxivReplay } from "../helpers/arxiv-replay.ts";
import { testBackends } from "../helpers/db.ts";
import { makePaper, makeUser, post } from "./helpers.ts";

// 1707.08567 was first published on 2017-07-27; "today" is two days later.
const NOW = new Date("2017-07-29T12:00:00Z");
const entries = (t: TestApp, id: string) =>
  t.db.query<{ feed_date: string; submitted_by: number; origin: string }>(
    `select feed_date, submitted_by, origin from feed_entries where arxiv_id = $1`,
    [id],
  );

for (const backend of testBackends()) {
  describe(`paper submissions on ${backend}`, () => {
    let t: TestApp;
    let replay: ArxivReplay;
    before(async () => {
      replay = await startArxivReplay();
      t = await openTestApp(backend, {
        env: { ARXIV_API_URL: replay.apiUrl, SUBMIT_DAILY_LIMIT: "3", SUBMIT_MIN_ACCOUNT_AGE_HOURS: "72" },
        now: () => NOW,
      });
    });
    after(async () => {
      await t.close();
      await replay.close();
    });

    test("the submit page shows the rules", async () => {
      const u = await makeUser(t.db, { now: NOW });
      const res = await t.app.inject({ url: "/submit", headers: { cookie: u.cookie } });
      assert.match(res.body, /within the last 14 days/);
      assert.match(res.body, /At most 3 submissions per person per day/);
      assert.match(res.body, /confirm your email address \(or wait until your account is 72 hours old\)/);
    });

    test("a new, unverified account cannot submit yet; nothing is fetched or stored", async () => {
      const u = await makeUser(t.db, { now: NOW, verified: false });
      const before = replay.requests.length;
      const res = await post(t.app, u, "/submit", { arxiv: "1707.08567" });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Confirm your email address first/);
      assert.equal(replay.requests.length, before);
      assert.equal(await paperById(t.db, "1707.08567"), null);
    });

    test("a URL is fetched from arXiv and lands on today's feed, submitted by its submitter", async () => {
      const u = await makeUser(t.db, { username: "submitter1", now: NOW });
      const res = await post(t.app, u, "/submit", { arxiv: "https://arxiv.org/abs/1707.08567v1" });
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
      assert.equal(res.headers.location, "/papers/1707.08567");
      const paper = await paperById(t.db, "1707.08567");
      assert.match(paper?.title ?? "", /Proceedings of Workshop AEW10/);
      assert.deepEqual(await entries(t, "1707.08567"), [
        { feed_date: "2017-07-29", submitted_by: u.userId, origin: "local" },
      ]);
      const profile = await t.app.inject({ url: "/users/submitter1" });
      assert.match(profile.body, /Submissions \(1\)[\s\S]*Proceedings of Workshop AEW10/);
    });

    test("a duplicate is refused with a link to the existing entry", async () => {
      const u = await makeUser(t.db, { now: NOW });
      const res = await post(t.app, u, "/submit", { arxiv: "1707.08567" });
      assert.equal(res.statusCode, 409);
      assert.match(res.body, /already submitted[\s\S]*href="\/papers\/1707.08567"/);
      assert.equal((await entries(t, "1707.08567")).length, 1);
    });

    test("too old, unknown, malformed: clear messages and nothing stored", async () => {
      const u = await makeUser(t.db, { now: NOW });
      const old = await post(t.app, u, "/submit", { arxiv: "1605.08386" });
      assert.equal(old.statusCode, 400);
      assert.match(old.body, /last 14 days/);
      assert.equal(await paperById(t.db, "1605.08386"), null);
      const unknown = await post(t.app, u, "/submit", { arxiv: "2401.99999" });
      assert.match(unknown.body, /arXiv has no paper 2401.99999/);
      const bad = await post(t.app, u, "/submit", { arxiv: "'; drop table papers; --" });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /not an arXiv id or URL/);
      assert.equal((await post(t.app, u, "/submit", { arxiv: "x".repeat(400) })).statusCode, 400);
    });

    test("a failed metadata fetch leaves nothing half-made", async () => {
      const u = await makeUser(t.db, { now: NOW });
      replay.script({ kind: "500", on: "api" }, { kind: "500", on: "api" });
      const res = await post(t.app, u, "/submit", { arxiv: "2104.12255" });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /arXiv could not be reached just now. Nothing was saved/);
      assert.equal(await paperById(t.db, "2104.12255"), null);
      assert.equal((await entries(t, "2104.12255")).length, 0);
    });

    test("papers already in the store need no fetch; the daily limit holds under parallel submits", async () => {
      const u = await makeUser(t.db, { now: NOW });
      const papers = await Promise.all(
        Array.from({ length: 5 }, () => makePaper(t.db, { publishedAt: NOW })),
      );
      const before = replay.requests.length;
      const res = await Promise.all(papers.map((p) => post(t.app, u, "/submit", { arxiv: p.arxivId })));
      assert.deepEqual(res.map((r) => r.statusCode).sort(), [303, 303, 303, 400, 400]);
      assert.match(res.find((r) => r.statusCode === 400)?.body ?? "", /at most 3 papers a day/);
      assert.equal(replay.requests.length, before);
      const n = await t.db.query<{ n: number }>(
        `select count(*)::int as n from feed_entries where submitted_by = $1`,
        [u.userId],
      );
      assert.equal(n[0].n, 3);
    });
  });
}
