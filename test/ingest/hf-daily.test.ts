import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { importHfDaily } from "../../src/ingest/hf-daily.ts";
import { paperById } from "../../src/papers/store.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";
import { HF_DIR } from "./helpers.ts";

/**
 * An independent count of the shared data: entries per file from plain JSON.parse, and arXiv
 * ids of repr-string entries read with a regex (good enough to count, not to import).
 */
function expectedCounts() {
  let entries = 0;
  const ids = new Set<string>();
  for (const name of fs.readdirSync(HF_DIR).filter((n) => n.endsWith(".json"))) {
    const json = JSON.parse(fs.readFileSync(path.join(HF_DIR, name), "utf8"));
    const list: unknown[] = Array.isArray(json) ? json : json.data;
    for (const e of list) {
      entries++;
      ids.add(
        typeof e === "string"
          ? (/'id': '([^']+)'/.exec(e)?.[1] ?? "?")
          : (e as { paper: { id: string } }).paper.id,
      );
    }
  }
  return { entries, papers: ids.size };
}

for (const backend of testBackends()) {
  describe(`hf-daily import of all 580 shared files on ${backend}`, () => {
    let db: TestDb;
    const expected = expectedCounts();
    before(async () => {
      db = await openTestDb(backend);
    });
    after(async () => {
      await db.close();
    });

    test("every entry imports: one paper per arXiv id, one feed entry per (paper, day)", async () => {
      assert.deepEqual(expected, { entries: 9881, papers: 9877 });
      const s = await importHfDaily(db, HF_DIR);
      assert.equal(s.files, 580);
      assert.equal(s.entries, expected.entries);
      assert.deepEqual(s.issues, []);
      // four papers are listed on two days: stored once, from their later day
      assert.deepEqual(s.counts, {
        inserted: expected.papers,
        updated: 0,
        unchanged: 4,
        failed: 0,
        warnings: 0,
      });
      assert.deepEqual(s.feedEntries, { inserted: expected.entries, updated: 0, unchanged: 0 });
      const [{ papers, entries, days }] = await db.query<{ papers: number; entries: number; days: number }>(
        `select (select count(*)::int from papers) as papers, (select count(*)::int from feed_entries) as entries,
           (select count(distinct feed_date)::int from feed_entries) as days`,
      );
      assert.deepEqual({ papers, entries, days }, { papers: 9877, entries: 9881, days: 580 });
    });

    test("GMAI-MMBench on 2024-08-09: authors in order, upvotes, submitter", async () => {
      const p = await paperById(db, "2408.03361");
      assert.equal(
        p?.title,
        "GMAI-MMBench: A Comprehensive Multimodal Evaluation Benchmark Towards General Medical AI",
      );
      const day = JSON.parse(fs.readFileSync(path.join(HF_DIR, "2024-08-09.json"), "utf8"));
      const raw = day.find((e: { paper: { id: string } }) => e.paper.id === "2408.03361");
      assert.equal(p?.authors.length, 18);
      assert.deepEqual(
        p?.authors.map((a) => a.name),
        raw.paper.authors.map((a: { name: string }) => a.name),
      );
      assert.deepEqual(
        p?.authors.slice(0, 4).map((a) => a.name),
        ["Pengcheng Chen", "Jin Ye", "Guoan Wang", "Yanjun Li"],
      );
      assert.equal(p?.importedUpvotes, 54);
      assert.equal(p?.importedComments, 1);
      assert.equal(p?.publishedAt?.toISOString(), "2024-08-06T17:59:21.000Z");
      assert.match(
        p?.abstract ?? "",
        /^Large Vision-Language Models \(LVLMs\) are capable of handling diverse data types/,
      );
      // the hard-wrapped summary becomes paragraphs; its blank line before the link is kept
      const paragraphs = p?.abstract.split("\n\n") ?? [];
      assert.equal(paragraphs.length, 2);
      assert.doesNotMatch(paragraphs[0], /\n/);
      assert.equal(paragraphs[1], "Project Page: https://uni-medical.github.io/GMAI-MMBench.github.io/");
      const [entry] = await db.query<Record<string, unknown>>(
        `select e.feed_date, e.imported_upvotes, e.origin, e.submitted_at, u.username, u.display_name, u.avatar_url, u.origin as uo
         from feed_entries e join users u on u.id = e.submitted_by where e.arxiv_id = '2408.03361'`,
      );
      assert.deepEqual(entry, {
        feed_date: "2024-08-09",
        imported_upvotes: 54,
        origin: "hf",
        submitted_at: new Date("2024-08-09T01:01:55.456Z"),
        username: "KennyUTC",
        display_name: "HAODONG DUAN",
        avatar_url: "https://cdn-avatars.huggingface.co/v1/production/uploads/1676546883247-noauth.png",
        uo: "hf",
      });
    });

    test("the odd files: Python repr entries and the wrapped response", async () => {
      const [{ n: reprDay }] = await db.query<{ n: number }>(
        "select count(*)::int as n from feed_entries where feed_date = '2024-12-11'",
      );
      const file = JSON.parse(fs.readFileSync(path.join(HF_DIR, "2024-12-11.json"), "utf8"));
      assert.equal(typeof file[0], "string");
      assert.equal(reprDay, file.length);
      const p = await paperById(db, "2412.07730");
      assert.deepEqual(
        p?.authors.slice(0, 4).map((a) => a.name),
        ["Zongyu Lin", "Wei Liu", "Chen Chen", "Jiasen Lu"],
      );
      const [{ n: wrapped }] = await db.query<{ n: number }>(
        "select count(*)::int as n from feed_entries where feed_date = '2025-01-10'",
      );
      assert.equal(wrapped, 9);
      assert.ok(await paperById(db, "2501.05441"));
      // relative avatars are made absolute
      const [{ n: relative }] = await db.query<{ n: number }>(
        "select count(*)::int as n from users where avatar_url not like 'https://%'",
      );
      assert.equal(relative, 0);
    });

    test("a paper on two days keeps both entries and its newest data", async () => {
      const rows = await db.query<{ feed_date: string; imported_upvotes: number }>(
        "select feed_date, imported_upvotes from feed_entries where arxiv_id = '2604.07429' order by feed_date",
      );
      assert.deepEqual(rows, [
        { feed_date: "2026-04-10", imported_upvotes: 2 },
        { feed_date: "2026-04-16", imported_upvotes: 42 },
      ]);
      const p = await paperById(db, "2604.07429");
      assert.equal(p?.projectPage, "https://gameworld-project.github.io/");
      assert.equal(p?.importedUpvotes, 42);
    });

    test("running it again changes nothing", async () => {
      const s = await importHfDaily(db, HF_DIR);
      assert.deepEqual(s.counts, { inserted: 0, updated: 0, unchanged: 9881, failed: 0, warnings: 0 });
      assert.deepEqual(s.feedEntries, { inserted: 0, updated: 0, unchanged: 9881 });
      assert.equal(s.resumedAfterFile, null);
    });
  });
}
