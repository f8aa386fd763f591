import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { paperById, upsertPapers } from "../../src/papers/store.ts";
import type { PaperInput } from "../../src/papers/types.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";

const base: PaperInput = {
  arxivId: "2408.03361",
  version: 1,
  title: "GMAI-MMBench",
  abstract: "A benchmark.",
  authors: [{ name: "Pengcheng Chen" }, { name: "Jin Ye" }],
  categories: ["cs.CV", "cs.AI"],
  primaryCategory: "cs.CV",
  source: "arxiv-snapshot",
};

for (const backend of testBackends()) {
  describe(`papers store on ${backend}`, () => {
    let db: TestDb;
    before(async () => {
      db = await openTestDb(backend);
    });
    after(async () => {
      await db.close();
    });

    test("insert, then the same again is unchanged", async () => {
      assert.deepEqual(await upsertPapers(db, [base]), { inserted: 1, updated: 0, unchanged: 0 });
      assert.deepEqual(await upsertPapers(db, [base]), { inserted: 0, updated: 0, unchanged: 1 });
      const p = await paperById(db, "2408.03361");
      assert.equal(p?.title, "GMAI-MMBench");
      assert.deepEqual(
        p?.authors.map((a) => a.name),
        ["Pengcheng Chen", "Jin Ye"],
      );
      assert.deepEqual(p?.categories, ["cs.CV", "cs.AI"]);
    });

    test("a newer version wins, an older one is ignored", async () => {
      const v2 = { ...base, version: 2, abstract: "A better benchmark." };
      assert.deepEqual(await upsertPapers(db, [v2]), { inserted: 0, updated: 1, unchanged: 0 });
      assert.deepEqual(await upsertPapers(db, [{ ...base, abstract: "stale" }]), {
        inserted: 0,
        updated: 0,
        unchanged: 1,
      });
      assert.equal((await paperById(db, "2408.03361"))?.abstract, "A better benchmark.");
    });

    test("a source without categories or version keeps what is known and adds its own", async () => {
      const hf: PaperInput = {
        arxivId: "2408.03361",
        title: "GMAI-MMBench",
        authors: [],
        importedUpvotes: 57,
        githubRepo: "https://github.com/uni-medical/GMAI-MMBench",
        source: "hf-daily",
      };
      assert.deepEqual(await upsertPapers(db, [hf]), { inserted: 0, updated: 1, unchanged: 0 });
      const p = await paperById(db, "2408.03361");
      assert.equal(p?.version, 2);
      assert.deepEqual(p?.categories, ["cs.CV", "cs.AI"]);
      assert.equal(p?.authors.length, 2);
      assert.equal(p?.importedUpvotes, 57);
      assert.equal(p?.githubRepo, "https://github.com/uni-medical/GMAI-MMBench");
      // fewer upvotes seen in an older snapshot never lower the count
      await upsertPapers(db, [{ ...hf, importedUpvotes: 10 }]);
      assert.equal((await paperById(db, "2408.03361"))?.importedUpvotes, 57);
    });

    test("a versionless source never overwrites what a versioned arXiv record says", async () => {
      await upsertPapers(db, [{ ...base, arxivId: "2202.00002", version: 1, title: "arXiv title" }]);
      await upsertPapers(db, [
        {
          arxivId: "2202.00002",
          title: "HF title",
          abstract: "HF abstract",
          githubStars: 5,
          source: "hf-daily",
        },
      ]);
      const p = await paperById(db, "2202.00002");
      assert.equal(p?.title, "arXiv title");
      assert.equal(p?.abstract, "A benchmark.");
      assert.equal(p?.githubStars, 5);
      // ...but a paper known only from a versionless source takes its newer values.
      await upsertPapers(db, [{ arxivId: "2202.00003", title: "first", source: "hf-daily" }]);
      await upsertPapers(db, [{ arxivId: "2202.00003", title: "second", source: "hf-daily" }]);
      assert.equal((await paperById(db, "2202.00003"))?.title, "second");
    });

    test("duplicates within a batch keep the newest version", async () => {
      const counts = await upsertPapers(db, [
        { ...base, arxivId: "2101.00001", version: 3, title: "v3" },
        { ...base, arxivId: "2101.00001", version: 1, title: "v1" },
      ]);
      assert.equal(counts.inserted, 1);
      assert.equal((await paperById(db, "2101.00001"))?.title, "v3");
    });
  });
}
