import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { importHfDaily } from "../../src/ingest/hf-daily.ts";
import { ImportInterrupted } from "../../src/ingest/report.ts";
import { importSnapshot } from "../../src/ingest/snapshot.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";
import { HF_DIR, importedState, SNAPSHOT, tempDir } from "./helpers.ts";

/** Feed days around the odd files (repr strings, the wrapper) and a paper listed on two days. */
function hfSubset(dir: string): string {
  const folder = path.join(dir, "hf");
  fs.mkdirSync(folder);
  for (const name of fs.readdirSync(HF_DIR)) {
    if ((name >= "2024-12-05" && name < "2025-01-15") || (name >= "2026-04-09" && name < "2026-04-18"))
      fs.copyFileSync(path.join(HF_DIR, name), path.join(folder, name));
  }
  return folder;
}

/** Runs `run` with a signal that fires once `after` batches have committed. */
async function interruptedAfter(
  batches: number,
  run: (o: { signal: AbortSignal; onProgress: () => void }) => Promise<unknown>,
) {
  const controller = new AbortController();
  let committed = 0;
  const onProgress = () => {
    if (++committed >= batches) controller.abort();
  };
  await assert.rejects(run({ signal: controller.signal, onProgress }), ImportInterrupted);
}

for (const backend of testBackends()) {
  describe(`interrupted imports resume on ${backend}`, () => {
    let whole: TestDb;
    let cut: TestDb;
    let dir: string;
    before(async () => {
      [whole, cut] = await Promise.all([openTestDb(backend), openTestDb(backend)]);
      dir = tempDir("resume");
    });
    after(async () => {
      await Promise.all([whole.close(), cut.close()]);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test("snapshot: interrupted, then run again, equals one uninterrupted run", async () => {
      const full = await importSnapshot(whole, SNAPSHOT, { batchSize: 50 });
      await interruptedAfter(2, (o) => importSnapshot(cut, SNAPSHOT, { batchSize: 50, ...o }));
      const [{ n }] = await cut.query<{ n: number }>("select count(*)::int as n from papers");
      assert.equal(n, 100);
      const resumed = await importSnapshot(cut, SNAPSHOT, { batchSize: 50 });
      assert.equal(resumed.resumedAfterLine, 100);
      assert.deepEqual(resumed.counts, full.counts);
      assert.deepEqual(await importedState(cut), await importedState(whole));
      // a finished import run again starts over, and finds everything unchanged
      const again = await importSnapshot(cut, SNAPSHOT, { batchSize: 50 });
      assert.equal(again.resumedAfterLine, null);
      assert.deepEqual(again.counts, { inserted: 0, updated: 0, unchanged: 200, failed: 0, warnings: 0 });
    });

    test("hf-daily: interrupted, then run again, equals one uninterrupted run", async () => {
      const folder = hfSubset(dir);
      const full = await importHfDaily(whole, folder, { batchSize: 60 });
      assert.equal(full.counts.failed, 0);
      await interruptedAfter(3, (o) => importHfDaily(cut, folder, { batchSize: 60, ...o }));
      const resumed = await importHfDaily(cut, folder, { batchSize: 60 });
      assert.ok((resumed.resumedAfterFile ?? 0) > 0);
      assert.deepEqual(resumed.counts, full.counts);
      assert.deepEqual(resumed.feedEntries, full.feedEntries);
      assert.deepEqual(await importedState(cut), await importedState(whole));
      const again = await importHfDaily(cut, folder);
      assert.deepEqual(again.counts, { ...full.counts, inserted: 0, unchanged: full.entries });
      assert.deepEqual(again.feedEntries, { inserted: 0, updated: 0, unchanged: full.entries });
    });
  });
}
