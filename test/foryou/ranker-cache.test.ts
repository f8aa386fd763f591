import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { signalVersion } from "../../src/recommend/store.ts";
import { windowStart } from "../../src/recommend/window.ts";
import { makeUser, post } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { insertSubjectPapers } from "./corpus.ts";

const DAY = 86_400_000;

describe("a trained ranking is kept until the person's signals change", () => {
  let t: TestApp;
  const now = new Date();
  before(async () => {
    t = await openTestApp("pglite", { now: () => now });
  });
  after(async () => {
    await t.close();
  });

  test("every signal moves the version; /for-you retrains only then", async () => {
    const u = await makeUser(t.db);
    const other = await makeUser(t.db);
    const old = new Date(now.getTime() - 60 * DAY);
    const [a, b] = await insertSubjectPapers(t.db, "molecules", 2, { publishedAt: old });
    const fresh = await insertSubjectPapers(t.db, "molecules", 4, {
      publishedAt: new Date(now.getTime() - DAY),
    });
    const versions = [await signalVersion(t.db, u.userId)];
    const step = async () => {
      const v = await signalVersion(t.db, u.userId);
      assert.notEqual(v, versions.at(-1));
      versions.push(v);
    };
    await post(t.app, u, "/save", { arxiv_id: a.arxivId, on: "1" });
    await step();
    const pools = t.services.forYouPools;
    const kept = async () => {
      const { pool } = await pools.get(windowStart(now));
      return pools.rankers.get(pool, u.userId, await signalVersion(t.db, u.userId));
    };
    await t.app.inject({ url: "/for-you", headers: { cookie: u.cookie } });
    const first = await kept();
    assert.ok(first && !first.cold);
    await t.app.inject({ url: "/for-you", headers: { cookie: u.cookie } });
    assert.equal(await kept(), first, "a second visit reuses the trained ranking");
    await post(t.app, u, "/save", { arxiv_id: a.arxivId, on: "0" });
    await step();
    await post(t.app, u, "/dismiss", { arxiv_id: fresh[0].arxivId, on: "1" });
    await step();
    assert.equal(await kept(), undefined, "a new signal needs a new ranking");
    const res = await t.app.inject({ url: "/for-you", headers: { cookie: u.cookie } });
    assert.ok(!res.body.includes(`data-arxiv-id="${fresh[0].arxivId}"`));
    assert.ok(await kept());
    await t.db.query("insert into upvotes (user_id, arxiv_id) values ($1, $2)", [u.userId, b.arxivId]);
    await step();
    await t.db.query("insert into author_follows (user_id, author_key, author_name) values ($1, 'x', 'X')", [
      u.userId,
    ]);
    await step();
    // Someone else's signal leaves this person's version alone.
    await post(t.app, other, "/save", { arxiv_id: a.arxivId, on: "1" });
    assert.equal(await signalVersion(t.db, u.userId), versions.at(-1));
  });
});
