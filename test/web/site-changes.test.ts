import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { upvoteSet } from "../../src/community/upvotes.ts";
import type { Db, Queryable } from "../../src/db/client.ts";
import { dayScope, paperScope, SiteChanges } from "../../src/web/site-changes.ts";
import { makePaper, makeUser } from "../community/helpers.ts";
import { openTestDb, testBackends } from "../helpers/db.ts";
import { insertEntry } from "../helpers/factories.ts";

/** The real database, with its queries counted. */
function counting(db: Db): Queryable & Pick<Db, "turns"> & { reads: number } {
  const counted = {
    reads: 0,
    turns: db.turns,
    query: <T>(sql: string, params?: unknown[]) => {
      counted.reads++;
      return db.query<T>(sql, params);
    },
    exec: (sql: string) => db.exec(sql),
    copyFrom: (table: string, columns: readonly string[], rows: string) => db.copyFrom(table, columns, rows),
  };
  return counted;
}

for (const backend of testBackends()) {
  describe(`site changes (${backend})`, () => {
    test("a vote changes its paper, its feed days and the vote rankings, and nothing else", async () => {
      const db = await openTestDb(backend);
      try {
        const paper = await makePaper(db);
        const user = await makeUser(db);
        await insertEntry(db, { arxivId: paper.arxivId, feedDate: "2024-08-01" });
        await insertEntry(db, { arxivId: paper.arxivId, feedDate: "2024-08-05" });
        const changes = new SiteChanges(db);
        const before = await changes.seen();
        await upvoteSet(db, user.userId, paper.arxivId, true);
        const after = await changes.seen();
        assert.equal(after.version, before.version + 1, "one step for the vote's transaction");
        for (const scope of [
          paperScope(paper.arxivId),
          dayScope("2024-08-01"),
          dayScope("2024-08-05"),
          "votes",
        ])
          assert.equal(changes.unchangedSince(before, [scope]), false, scope);
        for (const scope of [paperScope("2401.00001"), dayScope("2024-08-02")])
          assert.equal(changes.unchangedSince(before, [scope]), true, scope);
        assert.equal(changes.unchangedSince(after, [paperScope(paper.arxivId)]), true);

        // A paper's text is shown anywhere: every scope has changed.
        await makePaper(db, { ...paper, title: "A new title" });
        await changes.seen();
        assert.equal(changes.unchangedSince(after, [dayScope("2024-08-02")]), false);
      } finally {
        await db.close();
      }
    });

    test("requests arriving together share reads, and each sees what was committed before it", async () => {
      const db = await openTestDb(backend);
      try {
        const paper = await makePaper(db);
        const user = await makeUser(db);
        const q = counting(db);
        const changes = new SiteChanges(q);
        const first = await changes.seen();
        q.reads = 0;
        const together = await Promise.all(Array.from({ length: 50 }, () => changes.seen()));
        // PGlite in this process: no statement ran since the last read, so none is needed.
        assert.ok(q.reads <= (backend === "pglite" ? 0 : 2), `50 requests made ${q.reads} reads`);
        assert.ok(together.every((s) => s.version === first.version));

        // A read in flight when a vote commits may miss it; a request made after the commit
        // waits for a read of its own.
        const inFlight = changes.seen();
        await upvoteSet(db, user.userId, paper.arxivId, true);
        const later = await changes.seen();
        await inFlight;
        assert.equal(changes.unchangedSince(first, [paperScope(paper.arxivId)]), false);
        assert.equal(later.version, first.version + 1);
      } finally {
        await db.close();
      }
    });

    test("a node further behind than the kept steps treats everything as changed", async () => {
      const db = await openTestDb(backend);
      try {
        const paper = await makePaper(db);
        const user = await makeUser(db);
        const changes = new SiteChanges(db);
        const before = await changes.seen();
        await upvoteSet(db, user.userId, paper.arxivId, true);
        // As the pruning in migration 0250 does to steps long past.
        await db.query("delete from page_changes");
        await changes.seen();
        assert.equal(changes.unchangedSince(before, [dayScope("2024-08-02")]), false);
      } finally {
        await db.close();
      }
    });
  });
}
