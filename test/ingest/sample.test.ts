import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { importSampleIfEmpty, SAMPLE_DIR } from "../../src/ingest/sample.ts";
import { paperById, paperCount } from "../../src/papers/store.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";

test("the shipped sample is small", () => {
  let bytes = 0;
  for (const f of fs.readdirSync(SAMPLE_DIR, { recursive: true }) as string[]) {
    const s = fs.statSync(path.join(SAMPLE_DIR, f));
    if (s.isFile()) bytes += s.size;
  }
  assert.ok(bytes < 1.5e6, `${bytes} bytes`);
});

for (const backend of testBackends()) {
  describe(`first-start sample on ${backend}`, () => {
    let db: TestDb;
    before(async () => {
      db = await openTestDb(backend);
    });
    after(async () => {
      await db.close();
    });

    test("an empty database gets a few hundred real papers with feed days", async () => {
      const loaded = await importSampleIfEmpty(db);
      assert.ok(loaded && loaded.papers >= 300, JSON.stringify(loaded));
      assert.equal(loaded?.papers, await paperCount(db));
      assert.equal((await paperById(db, "2408.03361"))?.importedUpvotes, 54);
      assert.equal((await paperById(db, "0704.0001"))?.primaryCategory, "hep-ph");
      const [{ days }] = await db.query<{ days: number }>(
        "select count(distinct feed_date)::int as days from feed_entries",
      );
      assert.equal(
        days,
        fs.readdirSync(path.join(SAMPLE_DIR, "hf-daily")).filter((n) => n.endsWith(".json")).length,
      );
    });

    test("a database with papers is left alone", async () => {
      const before = await paperCount(db);
      assert.equal(await importSampleIfEmpty(db), null);
      assert.equal(await paperCount(db), before);
    });
  });
}
