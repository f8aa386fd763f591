import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { ImportInterrupted, issueText } from "../../src/ingest/report.ts";
import { importSnapshot } from "../../src/ingest/snapshot.ts";
import { mergePaperRows, paperById, paperCopyRow, upsertPapers } from "../../src/papers/store.ts";
import type { PaperInput } from "../../src/papers/types.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";
import { importedState, tempDir } from "./helpers.ts";

/** A snapshot line for `id` at version `v`, its title saying which version it came from. */
function line(id: string, v: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id,
    title: `${id} as of v${v}`,
    authors: "A. Author, B. Author",
    abstract: `Abstract of v${v}.`,
    categories: "cs.LG stat.ML",
    versions: Array.from({ length: v }, (_, i) => ({
      version: `v${i + 1}`,
      created: new Date(Date.UTC(2024, 0, 1 + i)).toUTCString(),
    })),
    ...extra,
  });
}

const ids = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `2401.${String(from + i).padStart(5, "0")}`);

/** Strings COPY's text format must escape, and array elements that need quoting. */
const AWKWARD: PaperInput = {
  arxivId: "2402.00001",
  version: 3,
  title: 'Tabs\tnewlines\nbackslashes \\ and "quotes" {braces}, commas',
  abstract: "Carriage\rreturn, \\N is not NULL here, é, 漢字, 🦀",
  authors: [{ name: "O'Brien, \\Jr", affiliation: "Lab\t1" }, { name: "N \\N" }],
  categories: ["cs.LG", 'we"ird', "a,b", "{x}", "back\\slash", "NULL"],
  primaryCategory: "cs.LG",
  publishedAt: new Date("2024-02-01T10:00:00Z"),
  updatedAt: new Date("2024-02-03T10:00:00.123Z"),
  comments: "",
  journalRef: "\\",
  doi: null,
  versions: [{ version: 3, createdAt: "2024-02-03T10:00:00.123Z" }],
  githubStars: 7,
  aiKeywords: [],
  importedUpvotes: 2,
  source: "arxiv-snapshot",
};

for (const backend of testBackends()) {
  describe(`bulk (COPY + merge) snapshot import on ${backend}`, () => {
    let db: TestDb;
    let dir: string;
    before(async () => {
      db = await openTestDb(backend);
      dir = tempDir("bulk");
    });
    after(async () => {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test("a COPY row stores exactly what the JSON upsert stores, awkward characters included", async () => {
      const other = await openTestDb(backend);
      try {
        await db.transaction((tx) => mergePaperRows(tx, [paperCopyRow(AWKWARD)]));
        await upsertPapers(other, [AWKWARD]);
        const viaCopy = await paperById(db, AWKWARD.arxivId);
        assert.deepEqual(viaCopy, await paperById(other, AWKWARD.arxivId));
        assert.equal(viaCopy?.title, AWKWARD.title);
        assert.deepEqual(viaCopy?.categories, AWKWARD.categories);
        const [a] = await db.query<{ t: string }>(
          "select authors_text as t from papers where arxiv_id = $1",
          [AWKWARD.arxivId],
        );
        assert.equal(a.t, "O'Brien, \\Jr, N \\N");
      } finally {
        await other.close();
      }
    });

    const parsers = [
      { on: "one worker thread", slug: "worker", parseOn: "worker", parseThreads: 1, base: 0 },
      { on: "two worker threads", slug: "workers", parseOn: "worker", parseThreads: 2, base: 1000 },
      { on: "the main thread", slug: "main", parseOn: "main", parseThreads: 1, base: 2000 },
    ] as const;
    for (const { on, slug, parseOn, parseThreads, base: offset } of parsers) {
      test(`parsed on ${on}: newest version wins within a batch and across batches; a re-run changes nothing`, async () => {
        const [a, b, c] = ids(3, 100 + offset);
        const file = path.join(dir, `versions-${slug}.jsonl`);
        // batchSize 4: lines 1-4 are one batch, 5-8 the next.
        const lines = [
          line(a, 2),
          line(a, 1), // older, later in the same batch: v2 stays
          line(b, 1),
          line(b, 3), // newer, later in the same batch: v3
          line(c, 3),
          line(a, 3), // newer, in the next batch: v3
          line(c, 2), // older, in the next batch: v3 stays
          line(b, 3), // the same again: unchanged
        ];
        fs.writeFileSync(file, `${lines.join("\n")}\n`);
        const s = await importSnapshot(db, file, { batchSize: 4, parseOn, parseThreads });
        assert.deepEqual(s.counts, { inserted: 3, updated: 1, unchanged: 4, failed: 0, warnings: 0 });
        for (const [id, v] of [
          [a, 3],
          [b, 3],
          [c, 3],
        ] as const) {
          const p = await paperById(db, id);
          assert.equal(p?.version, v, id);
          assert.equal(p?.title, `${id} as of v${v}`);
          assert.equal(p?.versions.length, v);
        }
        const again = await importSnapshot(db, file, { batchSize: 4, parseOn, parseThreads });
        assert.deepEqual(again.counts, { inserted: 0, updated: 0, unchanged: 8, failed: 0, warnings: 0 });
        const bigger = await importSnapshot(db, file, { batchSize: 1000, parseOn, parseThreads });
        assert.equal(
          bigger.counts.inserted + bigger.counts.updated,
          0,
          "batching does not change the result",
        );
      });

      test(`parsed on ${on}: a record the database refuses in a COPY batch is skipped at FILE:LINE, the rest imports`, async () => {
        const good = ids(6, 300 + offset);
        const file = path.join(dir, `poison-${slug}.jsonl`);
        const poison = line("2401.99999", 1, {
          // Passes every check before the database, but overflows the integer version column.
          versions: [{ version: "v3000000000", created: "Mon, 1 Jan 2024 00:00:00 GMT" }],
        });
        const lines = [
          line(good[0], 1),
          line(good[1], 1),
          poison,
          line(good[2], 1),
          "{not json",
          ...good.slice(3).map((id) => line(id, 1)),
        ];
        fs.writeFileSync(file, `${lines.join("\n")}\n`);
        const issues: string[] = [];
        const s = await importSnapshot(db, file, {
          batchSize: 5,
          parseOn,
          parseThreads,
          onIssue: (i) => issues.push(issueText(i)),
        });
        assert.equal(issues.length, 2, issues.join("\n"));
        assert.match(issues[0], new RegExp(`^poison-${slug}\\.jsonl:5: invalid JSON`));
        assert.match(
          issues[1],
          new RegExp(`^poison-${slug}\\.jsonl:3: refused by the database \\(.*out of range`),
        );
        assert.equal(s.counts.failed, 2);
        assert.equal(s.counts.inserted, good.length);
        assert.equal(await paperById(db, "2401.99999"), null);
        for (const id of good) assert.ok(await paperById(db, id), id);
        const again = await importSnapshot(db, file, { batchSize: 5, parseOn, parseThreads });
        assert.deepEqual(again.counts, {
          inserted: 0,
          updated: 0,
          unchanged: good.length,
          failed: 2,
          warnings: 0,
        });
      });

      test(`parsed on ${on}: interrupted, then run again, equals one uninterrupted run`, async () => {
        const n = 45;
        const file = path.join(dir, `resume-${slug}.jsonl`);
        const base = 500 + offset;
        const lines = ids(n, base).map((id, i) => line(id, 1 + (i % 3)));
        // a newer version of an early paper in the last batch, and a blank line
        lines.push("", line(ids(1, base)[0], 4));
        fs.writeFileSync(file, `${lines.join("\n")}\n`);
        const whole = await openTestDb(backend);
        const cut = await openTestDb(backend);
        try {
          const full = await importSnapshot(whole, file, { batchSize: 10, parseOn, parseThreads });
          const controller = new AbortController();
          let batches = 0;
          await assert.rejects(
            importSnapshot(cut, file, {
              batchSize: 10,
              parseOn,
              parseThreads,
              signal: controller.signal,
              onProgress: () => {
                if (++batches === 2) controller.abort();
              },
            }),
            ImportInterrupted,
          );
          const [{ count }] = await cut.query<{ count: number }>("select count(*)::int as count from papers");
          assert.equal(count, 20);
          const resumed = await importSnapshot(cut, file, { batchSize: 10, parseOn, parseThreads });
          assert.equal(resumed.resumedAfterLine, 20);
          assert.equal(resumed.lines, n + 2);
          assert.deepEqual(resumed.counts, full.counts);
          assert.deepEqual(await importedState(cut), await importedState(whole));
          assert.equal((await paperById(cut, ids(1, base)[0]))?.version, 4);
        } finally {
          await Promise.all([whole.close(), cut.close()]);
        }
      });
    }
  });
}
