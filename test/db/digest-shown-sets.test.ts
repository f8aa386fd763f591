import assert from "node:assert/strict";
import { test } from "node:test";
import { loadMigrations, migrate } from "../../src/db/migrate.ts";
import { digestShownIds, recommendStates } from "../../src/recommend/store.ts";
import { makeUser } from "../community/helpers.ts";
import { openTestDb, testBackends } from "../helpers/db.ts";
import { insertPapers, makePaper } from "../helpers/factories.ts";

const SETS = 270;

for (const backend of testBackends()) {
  test(`what digests showed carries over to one row per digest (${backend})`, async () => {
    const db = await openTestDb(
      backend,
      loadMigrations().filter((m) => m.version < SETS),
    );
    try {
      const papers = Array.from({ length: 4 }, (_, i) => makePaper({ arxivId: `2411.${10000 + i}` }));
      await insertPapers(db, papers);
      const a = await makeUser(db);
      const b = await makeUser(db);
      const first = new Date("2026-11-23T09:00:00Z");
      const second = new Date("2026-11-24T09:00:00Z");
      for (const [user, id, at] of [
        [a.userId, "2411.10000", first],
        [a.userId, "2411.10001", first],
        [a.userId, "2411.10002", second],
        [b.userId, "2411.10003", first],
      ] as const)
        await db.query("insert into digest_shown (user_id, arxiv_id, shown_at) values ($1, $2, $3)", [
          user,
          id,
          at,
        ]);

      assert.deepEqual(
        await migrate(db),
        [...loadMigrations().filter((m) => m.version >= SETS)].map((m) => m.version),
      );
      const rows = await db.query<{ user_id: number; arxiv_ids: string[] }>(
        "select user_id, arxiv_ids from digest_shown_sets order by shown_at, user_id",
      );
      assert.deepEqual(rows, [
        { user_id: a.userId, arxiv_ids: ["2411.10000", "2411.10001"] },
        { user_id: b.userId, arxiv_ids: ["2411.10003"] },
        { user_id: a.userId, arxiv_ids: ["2411.10002"] },
      ]);
      assert.deepEqual(await digestShownIds(db, a.userId), ["2411.10000", "2411.10001", "2411.10002"]);
      const states = await recommendStates(db, [a.userId, b.userId]);
      assert.deepEqual([...(states.get(a.userId)?.seen ?? [])].sort(), [
        "2411.10000",
        "2411.10001",
        "2411.10002",
      ]);
      assert.deepEqual([...(states.get(b.userId)?.seen ?? [])], ["2411.10003"]);
    } finally {
      await db.close();
    }
  });
}
