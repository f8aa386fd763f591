import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { collectionPaperSet, dismissalSet, insertCollection, saveSet } from "../../src/library/store.ts";
import { UserError } from "../../src/user-error.ts";
import { makePaper, makeUser } from "../community/helpers.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";

/**
 * Save and "not interested" are opposite answers (a paper never holds both): sent at the same
 * instant, as two tabs or a double click on two buttons do, one of them must win whole.
 */
for (const backend of testBackends()) {
  describe(`save, dismiss and collect sent at once on ${backend}`, () => {
    let db: TestDb;
    before(async () => {
      db = await openTestDb(backend);
    });
    after(async () => {
      await db.close();
    });

    const both = async (userId: number, arxivId: string) => {
      const [s] = await db.query<{ n: number }>(
        "select count(*)::int as n from saves where user_id = $1 and arxiv_id = $2",
        [userId, arxivId],
      );
      const [d] = await db.query<{ n: number }>(
        "select count(*)::int as n from dismissals where user_id = $1 and arxiv_id = $2",
        [userId, arxivId],
      );
      return { saved: s.n, dismissed: d.n };
    };

    test("a save and a dismissal at once leave one of them, never both", async () => {
      const u = await makeUser(db);
      const papers = await Promise.all(Array.from({ length: 40 }, () => makePaper(db)));
      await Promise.all(
        papers.map((p, i) =>
          // Half the pairs send the save first, half the dismissal.
          i % 2
            ? Promise.all([
                saveSet(db, u.userId, p.arxivId, true),
                dismissalSet(db, u.userId, p.arxivId, true),
              ])
            : Promise.all([
                dismissalSet(db, u.userId, p.arxivId, true),
                saveSet(db, u.userId, p.arxivId, true),
              ]),
        ),
      );
      for (const p of papers) {
        const state = await both(u.userId, p.arxivId);
        assert.equal(state.saved + state.dismissed, 1, `${p.arxivId}: ${JSON.stringify(state)}`);
      }
    });

    test("adding to a collection and a dismissal at once: the paper is collected and not dismissed, or refused", async () => {
      const u = await makeUser(db);
      const c = await insertCollection(db, {
        userId: u.userId,
        slug: "at-once",
        name: "At once",
        description: "",
        isPublic: false,
      });
      assert.ok(c);
      const papers = await Promise.all(Array.from({ length: 40 }, () => makePaper(db)));
      const outcomes = await Promise.all(
        papers.map((p) =>
          Promise.allSettled([
            collectionPaperSet(db, c.id, p.arxivId, true),
            dismissalSet(db, u.userId, p.arxivId, true),
          ]),
        ),
      );
      for (const [k, p] of papers.entries()) {
        const [added, dismissed] = outcomes[k];
        assert.equal(added.status, "fulfilled");
        const state = await both(u.userId, p.arxivId);
        const rows: { n: number }[] = await db.query<{ n: number }>(
          "select count(*)::int as n from collection_papers where collection_id = $1 and arxiv_id = $2",
          [c.id, p.arxivId],
        );
        assert.equal(rows[0].n, 1);
        if (dismissed.status === "rejected") {
          // The collection came first: the dismissal is refused with the collection's name.
          assert.ok(dismissed.reason instanceof UserError);
          assert.equal(state.dismissed, 0);
        } else {
          // The dismissal came first; the add then undid it.
          assert.equal(state.dismissed, 0, `${p.arxivId}: dismissed and collected`);
        }
      }
    });
  });
}
