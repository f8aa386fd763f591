import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { writeBatchOrEach } from "../../src/ingest/batch-write.ts";
import { importHfDaily } from "../../src/ingest/hf-daily.ts";
import { type ImportIssue, issueText } from "../../src/ingest/report.ts";
import { importSnapshot } from "../../src/ingest/snapshot.ts";
import { upsertPapers } from "../../src/papers/store.ts";
import type { PaperInput } from "../../src/papers/types.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";
import { tempDir } from "../ingest/helpers.ts";

type Expect = "imported" | "warned" | "skipped";
interface Case {
  expect: Expect;
  reason?: string;
  abstractWords?: number;
  manyAuthors?: number;
  invalidUtf8InTitle?: boolean;
}
const fixture = JSON.parse(
  fs.readFileSync(new URL("./fixtures/poison-records.json", import.meta.url), "utf8"),
) as { snapshot: (Case & { record: Record<string, unknown> })[]; hfDaily: (Case & { entry: unknown })[] };

/** Distinct made-up words, so the full-text vector grows with every one of them. */
function distinctWords(n: number): string {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const word = (i: number) => {
    let w = "";
    for (let k = i + 26 * 27; k > 0; k = Math.floor(k / 26)) w += letters[k % 26];
    return `q${w}`;
  };
  return Array.from({ length: n }, (_, i) => word(i)).join(" ");
}

function snapshotLine(c: Case & { record: Record<string, unknown> }): string {
  const r = { ...c.record };
  if (c.abstractWords) r.abstract = distinctWords(c.abstractWords);
  if (c.manyAuthors)
    r.authors_parsed = Array.from({ length: c.manyAuthors }, (_, i) => [`Author${i}`, "A", ""]);
  return JSON.stringify(r);
}

function hfFile(dir: string): string {
  const json = JSON.stringify(fixture.hfDaily.map((c) => c.entry));
  const file = path.join(dir, "2024-08-09.json");
  const [before, rest] = json.split("INVALID_BYTE");
  const body =
    rest === undefined
      ? Buffer.from(json)
      : Buffer.concat([Buffer.from(before), Buffer.from([0xff]), Buffer.from(rest)]);
  fs.writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]));
  return file;
}

async function noNulStored(db: TestDb) {
  const rows = await db.query<{ n: number }>(
    `select count(*)::int as n from papers
      where position(chr(1) in title || abstract || authors::text || coalesce(comments, '')) > 0`,
  );
  assert.equal(rows[0].n, 0);
}

for (const backend of testBackends()) {
  describe(`poison records on ${backend}`, () => {
    let db: TestDb;
    let dir: string;
    before(async () => {
      db = await openTestDb(backend);
      dir = tempDir("poison");
    });
    after(async () => {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test("snapshot: NUL is stripped, over-limit fields are cut or the record skipped at FILE:LINE; the rest imports", async () => {
      const file = path.join(dir, "poison.jsonl");
      fs.writeFileSync(file, `${fixture.snapshot.map(snapshotLine).join("\n")}\n`);
      const skipped: string[] = [];
      const warned: string[] = [];
      const s = await importSnapshot(db, file, {
        onIssue: (i) => skipped.push(issueText(i)),
        onWarning: (i) => warned.push(i.where),
      });
      const want = (e: Expect) =>
        fixture.snapshot.flatMap((c, i) => (c.expect === e ? [{ line: i + 1, c }] : []));
      assert.deepEqual(
        skipped,
        want("skipped").map(({ line, c }) => `poison.jsonl:${line}: ${c.reason}`),
      );
      assert.deepEqual(
        warned,
        want("warned").map(({ line }) => `poison.jsonl:${line}`),
      );
      assert.equal(s.counts.failed, want("skipped").length);
      assert.equal(s.counts.warnings, want("warned").length);
      assert.equal(s.counts.inserted, fixture.snapshot.length - want("skipped").length);
      await noNulStored(db);
      const [big] = await db.query<{ n: number; a: number }>(
        `select length(abstract) as n, jsonb_array_length(authors) as a from papers where arxiv_id in ('2408.00106', '2408.00107') order by arxiv_id`,
      );
      assert.ok(big.n <= 10_000);
      const again = await importSnapshot(db, file);
      assert.equal(again.counts.unchanged, s.counts.inserted, "a re-run gets past the bad records");
    });

    test("hf-daily: a file with a BOM imports; invalid UTF-8 and NUL are warnings; a bad entry is FILE[INDEX]", async () => {
      const hfDir = path.join(dir, "hf");
      fs.mkdirSync(hfDir);
      hfFile(hfDir);
      const skipped: string[] = [];
      const warned: string[] = [];
      const s = await importHfDaily(db, hfDir, {
        onIssue: (i) => skipped.push(issueText(i)),
        onWarning: (i) => warned.push(`${i.where}: ${i.reason}`),
      });
      const want = (e: Expect) => fixture.hfDaily.flatMap((c, i) => (c.expect === e ? [{ i, c }] : []));
      assert.deepEqual(
        skipped,
        want("skipped").map(({ i, c }) => `2024-08-09.json[${i}]: ${c.reason}`),
      );
      assert.deepEqual(
        warned.map((w) => w.split(":")[0]),
        want("warned").map(({ i }) => `2024-08-09.json[${i}]`),
      );
      assert.ok(
        warned.some((w) => /2024-08-09\.json\[5\]: .*invalid UTF-8/.test(w)),
        warned.join("\n"),
      );
      assert.equal(s.counts.warnings, want("warned").length);
      assert.equal(s.counts.inserted, fixture.hfDaily.length - want("skipped").length);
      assert.equal(s.feedEntries.inserted, fixture.hfDaily.length - want("skipped").length);
      await noNulStored(db);
      const users = await db.query<{ d: string }>(
        `select display_name as d from users where username = 'nulname'`,
      );
      assert.equal(users[0].d, "Nul Name");
    });

    test("a batch the database refuses is retried record by record: only the refused record is lost", async () => {
      const paper = (i: number, title: string): PaperInput => ({
        arxivId: `2409.${String(i).padStart(5, "0")}`,
        title,
        source: "sample",
      });
      // Written without the importers' checks: the database itself refuses the NUL.
      const batch = [paper(1, "fine"), paper(2, "nul \u0000 inside"), paper(3, "fine too")];
      const refused: ImportIssue[] = [];
      await db.transaction(async (tx) => {
        await writeBatchOrEach(
          tx,
          batch,
          (t, ps) => upsertPapers(t, ps),
          (p) => `batch[${batch.indexOf(p)}]`,
          (i) => refused.push(i),
        );
        await tx.query(`select 1`);
      });
      assert.deepEqual(
        refused.map((r) => r.where),
        ["batch[1]"],
      );
      const rows = await db.query<{ id: string }>(
        `select arxiv_id as id from papers where arxiv_id like '2409.%' order by 1`,
      );
      assert.deepEqual(
        rows.map((r) => r.id),
        ["2409.00001", "2409.00003"],
      );
    });
  });
}
