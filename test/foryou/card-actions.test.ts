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
});
