import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { forYouWindow, windowStart } from "../../src/recommend/window.ts";
import { makeUser, post } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { insertSubjectPapers } from "./corpus.ts";

const DAY = 86_400_000;

// A laptop started on the shipped sample, or an archive, has no paper from the last week: the
// page must still show what the person would get, and say from when.
describe("for you on an instance whose newest paper is months old", () => {
  let t: TestApp;
  const now = new Date("2026-12-01T12:00:00Z");
  const newest = new Date(now.getTime() - 100 * DAY);
  before(async () => {
    t = await openTestApp("pglite", { now: () => now });
  });
  after(async () => {
    await t.close();
  });

  test("the window ends at the newest paper, the page says so, and the API ranks the same papers", async () => {
    assert.equal((await forYouWindow(t.db, now, 7)).endsAt, null, "an empty store keeps the usual window");
    const seeds = await insertSubjectPapers(t.db, "molecules", 3, {
      publishedAt: new Date(newest.getTime() - 40 * DAY),
    });
    const recent = await insertSubjectPapers(t.db, "molecules", 5, { publishedAt: newest });
    const window = await forYouWindow(t.db, now, 7);
    assert.equal(window.endsAt?.getTime(), newest.getTime());
    assert.equal(window.since.getTime(), windowStart(newest, 7).getTime());

    const u = await makeUser(t.db);
    for (const p of seeds) await post(t.app, u, "/save", { arxiv_id: p.arxivId, on: "1" });
    const res = await t.app.inject({ url: "/for-you", headers: { cookie: u.cookie } });
    assert.equal(res.statusCode, 200);
    assert.match(
      res.body,
      /No papers came out in the last 7 days, so these are from the 7 days up to the newest one/,
    );
    const oneDay = await t.app.inject({ url: "/for-you?days=1", headers: { cookie: u.cookie } });
    assert.match(
      oneDay.body,
      /No papers came out in the last day, so these are from the day of the newest one/,
    );
    const shown = recent.filter((p) => res.body.includes(`/papers/${p.arxivId}`));
    assert.ok(shown.length >= 3, `the newest molecule papers are shown (${shown.length} of 5)`);
    assert.ok(
      !seeds.some((p) => res.body.includes(`href="/papers/${p.arxivId}"`)),
      "saved papers are not offered",
    );
  });

  test("a store with a paper inside the last days keeps the usual window", async () => {
    await insertSubjectPapers(t.db, "speech", 1, { publishedAt: new Date(now.getTime() - DAY) });
    const window = await forYouWindow(t.db, now, 7);
    assert.equal(window.endsAt, null);
    assert.equal(window.since.getTime(), windowStart(now, 7).getTime());
  });
});
