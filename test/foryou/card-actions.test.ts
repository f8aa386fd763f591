import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { makeUser, post } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { paperOnFeed } from "../helpers/factories.ts";

const DAY = "2026-11-20";

/** The forms under one card of a rendered list, by the paper's id. */
function cardOf(body: string, arxivId: string): string {
  const start = body.indexOf(`data-arxiv-id="${arxivId}"`);
  assert.ok(start >= 0, `no card for ${arxivId}`);
  const end = body.indexOf("</li>", start);
  return body.slice(start, end);
}

describe("Save and Not interested on every card, without JavaScript", () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp("pglite");
  });
  after(async () => {
    await t.close();
  });

  test("the daily feed's cards carry both forms for a signed-in reader, and they work as plain posts", async () => {
    const a = await paperOnFeed(t.db, { arxivId: "2611.00001", title: "Kept for later" }, { feedDate: DAY });
    const b = await paperOnFeed(t.db, { arxivId: "2611.00002", title: "Not for me" }, { feedDate: DAY });
    const u = await makeUser(t.db);

    const anonymous = await t.app.inject({ url: "/" });
    assert.equal(anonymous.statusCode, 200);
    assert.ok(
      !cardOf(anonymous.body, a.arxivId).includes('action="/save"'),
      "no buttons for anonymous readers",
    );

    const feed = await t.app.inject({ url: "/", headers: { cookie: u.cookie } });
    assert.equal(feed.statusCode, 200);
    for (const p of [a, b]) {
      const card = cardOf(feed.body, p.arxivId);
      for (const action of ["/save", "/dismiss"]) {
        const form = card.slice(card.indexOf(`action="${action}"`));
        assert.ok(card.includes(`action="${action}"`), `${action} on ${p.arxivId}`);
        assert.match(form.slice(0, form.indexOf("</form>")), new RegExp(`name="_csrf" value="${u.csrf}"`));
        assert.match(
          form.slice(0, form.indexOf("</form>")),
          new RegExp(`name="arxiv_id" value="${p.arxivId}"`),
        );
      }
    }

    // The buttons post back to the page they were pressed on.
    const referer = { headers: { referer: "http://localhost/" } };
    const saved = await post(t.app, u, "/save", { arxiv_id: a.arxivId, on: "1" }, referer);
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, "/");
    const dismissed = await post(t.app, u, "/dismiss", { arxiv_id: b.arxivId, on: "1" }, referer);
    assert.equal(dismissed.statusCode, 303);
    const rows = await t.db.query<{ saves: number; dismissals: number }>(
      `select (select count(*)::int from saves where user_id = $1 and arxiv_id = $2) as saves,
         (select count(*)::int from dismissals where user_id = $1 and arxiv_id = $3) as dismissals`,
      [u.userId, a.arxivId, b.arxivId],
    );
    assert.deepEqual(rows[0], { saves: 1, dismissals: 1 });

    const again = await t.app.inject({ url: "/", headers: { cookie: u.cookie } });
    assert.match(cardOf(again.body, a.arxivId), /Saved ✓ \(undo\)/);
    assert.match(cardOf(again.body, b.arxivId), /Undo not interested/);
    assert.match(cardOf(again.body, b.arxivId), /action="\/save"[\s\S]*>Save</);

    // A form post without the token is refused, and changes nothing.
    const refused = await t.app.inject({
      method: "POST",
      url: "/save",
      headers: { cookie: u.cookie, "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ arxiv_id: b.arxivId, on: "1" }).toString(),
    });
    assert.equal(refused.statusCode, 403);
    const unchanged = await t.db.query<{ n: number }>(
      "select count(*)::int as n from saves where user_id = $1 and arxiv_id = $2",
      [u.userId, b.arxivId],
    );
    assert.equal(unchanged[0].n, 0);
  });

  test("a paper is never saved and dismissed at once: the latest answer wins, in forms, JSON and the API", async () => {
    const p = await paperOnFeed(t.db, { arxivId: "2611.00011", title: "Changed my mind" }, { feedDate: DAY });
    const q = await paperOnFeed(t.db, { arxivId: "2611.00012", title: "Kept by hand" }, { feedDate: DAY });
    const u = await makeUser(t.db);
    const state = async (arxivId: string) =>
      (
        await t.db.query<{ saved: boolean; dismissed: boolean }>(
          `select exists (select 1 from saves where user_id = $1 and arxiv_id = $2) as saved,
             exists (select 1 from dismissals where user_id = $1 and arxiv_id = $2) as dismissed`,
          [u.userId, arxivId],
        )
      )[0];
    const json = { headers: { accept: "application/json" } };

    // plain forms: saved, then not interested, takes it off the reading list
    await post(t.app, u, "/save", { arxiv_id: p.arxivId, on: "1" });
    assert.equal((await post(t.app, u, "/dismiss", { arxiv_id: p.arxivId, on: "1" })).statusCode, 303);
    assert.deepEqual(await state(p.arxivId), { saved: false, dismissed: true });
    const card = cardOf((await t.app.inject({ url: "/", headers: { cookie: u.cookie } })).body, p.arxivId);
    assert.match(card, /Undo not interested/);
    assert.match(card, />Save</);
    // and saving it again undoes the dismissal
    await post(t.app, u, "/save", { arxiv_id: p.arxivId, on: "1" });
    assert.deepEqual(await state(p.arxivId), { saved: true, dismissed: false });
    const after = cardOf((await t.app.inject({ url: "/", headers: { cookie: u.cookie } })).body, p.arxivId);
    assert.match(after, /Saved ✓ \(undo\)/);
    assert.match(after, />Not interested</);

    // in place (app.js) and through the API: the answer gives both states it set
    const dismissed = await post(t.app, u, "/dismiss", { arxiv_id: p.arxivId, on: "1" }, json);
    assert.deepEqual(dismissed.json(), { arxivId: p.arxivId, dismissed: true, saved: false });
    const saved = await post(t.app, u, "/api/save", { arxiv_id: p.arxivId, on: "1" });
    assert.deepEqual(saved.json(), { arxivId: p.arxivId, saved: true, dismissed: false });
    assert.deepEqual(await state(p.arxivId), { saved: true, dismissed: false });
    const unsaved = await post(t.app, u, "/api/save", { arxiv_id: p.arxivId, on: "0" });
    assert.deepEqual(unsaved.json(), { arxivId: p.arxivId, saved: false });

    // Not interested on a saved paper by mistake: its undo puts it back on the reading list, at
    // the date it was saved
    await post(t.app, u, "/save", { arxiv_id: p.arxivId, on: "1" });
    await t.db.query(
      "update saves set created_at = '2026-01-02T03:04:05Z' where user_id = $1 and arxiv_id = $2",
      [u.userId, p.arxivId],
    );
    await post(t.app, u, "/dismiss", { arxiv_id: p.arxivId, on: "1" }, json);
    assert.deepEqual(await state(p.arxivId), { saved: false, dismissed: true });
    const undone = await post(t.app, u, "/dismiss", { arxiv_id: p.arxivId, on: "0" }, json);
    assert.deepEqual(undone.json(), { arxivId: p.arxivId, dismissed: false, saved: true });
    assert.deepEqual(await state(p.arxivId), { saved: true, dismissed: false });
    const [kept] = await t.db.query<{ created_at: Date }>(
      "select created_at from saves where user_id = $1 and arxiv_id = $2",
      [u.userId, p.arxivId],
    );
    assert.equal(kept.created_at.toISOString(), "2026-01-02T03:04:05.000Z");
    // a paper that was not saved stays off the list after the undo
    await post(t.app, u, "/save", { arxiv_id: p.arxivId, on: "0" });
    await post(t.app, u, "/dismiss", { arxiv_id: p.arxivId, on: "1" });
    const plain = await post(t.app, u, "/dismiss", { arxiv_id: p.arxivId, on: "0" }, json);
    assert.deepEqual(plain.json(), { arxivId: p.arxivId, dismissed: false });
    assert.deepEqual(await state(p.arxivId), { saved: false, dismissed: false });

    // a paper in one of the person's collections is not dismissed, and they are told why
    assert.equal(
      (await post(t.app, u, "/collections", { name: "Keepers", arxiv_id: q.arxivId })).statusCode,
      303,
    );
    const refused = await post(t.app, u, "/dismiss", { arxiv_id: q.arxivId, on: "1" });
    assert.equal(refused.statusCode, 409);
    assert.match(
      refused.body,
      /This paper is in your collection “Keepers”\. Take it out of the collection first/,
    );
    const api = await post(t.app, u, "/api/dismiss", { arxiv_id: q.arxivId, on: "1" });
    assert.equal(api.statusCode, 409);
    assert.match(api.json().error, /collection “Keepers”/);
    assert.deepEqual(await state(q.arxivId), { saved: false, dismissed: false });
    // and adding a dismissed paper to a collection undoes the dismissal
    const [{ slug }] = await t.db.query<{ slug: string }>("select slug from collections where user_id = $1", [
      u.userId,
    ]);
    await post(t.app, u, "/dismiss", { arxiv_id: p.arxivId, on: "1" });
    await post(t.app, u, "/collections/add", { slug, arxiv_id: p.arxivId, on: "1" });
    assert.deepEqual(await state(p.arxivId), { saved: false, dismissed: false });
  });
});
