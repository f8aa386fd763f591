import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { syncRunFinish, syncRunStart } from "../../src/ingest/sync/store.ts";
import { makeUser } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";

for (const backend of testBackends()) {
  describe(`/admin/status on ${backend}`, () => {
    let t: TestApp;
    before(async () => {
      t = await openTestApp(backend, {
        env: { SYNC_ENABLED: "true", SYNC_SETS: "cs,q-bio", SYNC_TIME: "02:00", SYNC_TZ: "UTC" },
        now: () => new Date("2026-11-24T12:00:00Z"),
      });
      const id = await syncRunStart(t.db, ["cs"]);
      await syncRunFinish(t.db, id, {
        status: "failed",
        records: 12,
        inserted: 10,
        updated: 2,
        deleted: 0,
        feedAdded: 7,
        error: "arXiv answered <503>",
        nextRunAt: null,
      });
    });
    after(() => t.close());

    test("only admins see it", async () => {
      const anon = await t.app.inject({ url: "/admin/status" });
      assert.equal(anon.statusCode, 303);
      assert.match(String(anon.headers.location), /^\/login\?next=/);
      const user = await makeUser(t.db);
      const res = await t.app.inject({ url: "/admin/status", headers: { cookie: user.cookie } });
      assert.equal(res.statusCode, 403);
    });

    test("shows the schedule, the next run and the last run with its counts and escaped error", async () => {
      const admin = await makeUser(t.db, { role: "admin" });
      const res = await t.app.inject({ url: "/admin/status", headers: { cookie: admin.cookie } });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /sets <strong>cs, q-bio<\/strong> at 02:00 \(UTC\)/);
      assert.match(res.body, /Next run <time datetime="2026-11-25T02:00:00.000Z">/);
      assert.match(
        res.body,
        /<td>failed<\/td><td>12<\/td><td>10<\/td>\s*<td>2<\/td><td>7<\/td><td>arXiv answered &lt;503&gt;<\/td>/,
      );
      assert.match(res.body, /No harvest yet/);
    });
  });
}
