import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { importHfDaily } from "../../src/ingest/hf-daily.ts";
import { issueText } from "../../src/ingest/report.ts";
import { importSnapshot } from "../../src/ingest/snapshot.ts";
import { paperById } from "../../src/papers/store.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";
import { HF_DIR, SNAPSHOT, tempDir } from "./helpers.ts";

const real = fs.readFileSync(SNAPSHOT, "utf8").split("\n").filter(Boolean);
const rec = (i: number) => JSON.parse(real[i]);

function badSnapshot(dir: string): string {
  const lines = [
    real[0],
    real[1].slice(0, 120), // truncated line
    JSON.stringify({ ...rec(2), title: undefined }), // missing title
    JSON.stringify({ ...rec(3), id: "0713.0004" }), // impossible id (month 13)
    JSON.stringify({ ...rec(4), categories: 42 }), // wrong type
    JSON.stringify({ ...rec(5), versions: [{ version: "v1", created: "yesterday-ish" }] }),
    "[1, 2]",
    "",
    real[6],
    JSON.stringify({ ...rec(7), title: "  " }),
    real[8],
  ];
  const file = path.join(dir, "bad.jsonl");
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

for (const backend of testBackends()) {
  describe(`malformed input on ${backend}`, () => {
    let db: TestDb;
    let dir: string;
    before(async () => {
      db = await openTestDb(backend);
      dir = tempDir("bad");
    });
    after(async () => {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test("snapshot: each bad line is reported with file:line and skipped; the rest imports", async () => {
      const seen: string[] = [];
      const s = await importSnapshot(db, badSnapshot(dir), { onIssue: (i) => seen.push(issueText(i)) });
      const expected = [
        `bad.jsonl:2: invalid JSON (Unterminated string in JSON at position 120)`,
        "bad.jsonl:3: missing title",
        'bad.jsonl:4: impossible arXiv id "0713.0004"',
        "bad.jsonl:5: wrong type: categories must be a string, got number",
        'bad.jsonl:6: invalid versions[0].created: "yesterday-ish" is not a date',
        "bad.jsonl:7: not a JSON object",
        "bad.jsonl:10: empty title",
      ];
      assert.deepEqual(seen, expected);
      assert.deepEqual(s.issues.map(issueText), expected);
      assert.deepEqual(s.counts, { inserted: 3, updated: 0, unchanged: 0, failed: 7, warnings: 0 });
      for (const id of ["0704.0001", "0704.0007", "0704.0009"]) assert.ok(await paperById(db, id), id);
      assert.equal(await paperById(db, "0704.0002"), null);
    });

    for (const parseThreads of [0, 2])
      test(`snapshot: a damaged gzip stream keeps the lines before the damage and says where it stopped (${parseThreads ? `${parseThreads} parser threads` : "parsed in this thread"})`, async () => {
        await db.exec("truncate papers, import_checkpoints cascade");
        const gz = zlib.gzipSync(fs.readFileSync(SNAPSHOT));
        const file = path.join(dir, `cut-${parseThreads}.jsonl.gz`);
        fs.writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 2)));
        const how = parseThreads ? { parseOn: "worker" as const, parseThreads } : {};
        let stopped = 0;
        await assert.rejects(importSnapshot(db, file, { batchSize: 10, ...how }), (err: Error) => {
          const m = /^cut-\d\.jsonl\.gz: cannot read past line (\d+) \(unexpected end of file\)$/.exec(
            err.message,
          );
          assert.ok(m, err.message);
          stopped = Number(m[1]);
          return true;
        });
        // Every line before the damage is stored, the last partial batch included.
        const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from papers");
        assert.equal(n, stopped);
        assert.ok(await paperById(db, "0704.0010"));
      });

    test("snapshot: a missing file is an input error", async () => {
      await assert.rejects(
        importSnapshot(db, path.join(dir, "nope.jsonl")),
        /^Error: no such file: .*nope\.jsonl$/,
      );
    });

    test("hf-daily: bad entries and an unreadable file are reported with file[index]; the rest imports", async () => {
      const good = JSON.parse(fs.readFileSync(path.join(HF_DIR, "2024-08-09.json"), "utf8"));
      const folder = path.join(dir, "hf");
      fs.mkdirSync(folder);
      const entries = [
        good[0],
        { ...good[1], paper: { ...good[1].paper, title: undefined } },
        { ...good[2], paper: { ...good[2].paper, id: "2408.3361" } },
        { ...good[3], paper: { ...good[3].paper, upvotes: "many" } },
        "{'paper': {'id': '2408.00001', 'title': 'unclosed",
        42,
        good[4],
      ];
      fs.writeFileSync(path.join(folder, "2024-08-09.json"), JSON.stringify(entries));
      fs.writeFileSync(path.join(folder, "2024-08-10.json"), '[{"paper": {"id": "2408.05000"');
      fs.writeFileSync(path.join(folder, "2024-08-11.json"), JSON.stringify({ not: "a feed" }));
      fs.writeFileSync(path.join(folder, "notes.json"), "[]");
      const s = await importHfDaily(db, folder);
      assert.deepEqual(s.issues.map(issueText), [
        "2024-08-09.json[1]: missing paper.title",
        '2024-08-09.json[2]: impossible arXiv id "2408.3361"',
        "2024-08-09.json[3]: wrong type: paper.upvotes must be a number, got string",
        "2024-08-09.json[4]: invalid Python literal (unterminated string at offset 40)",
        "2024-08-09.json[5]: an entry must be an object",
        "2024-08-10.json: invalid JSON (Expected ',' or '}' after property value in JSON at position 30)",
        "2024-08-11.json: expected a JSON array of entries or an object with a data array",
      ]);
      assert.deepEqual(s.counts, { inserted: 2, updated: 0, unchanged: 0, failed: 7, warnings: 0 });
      assert.deepEqual(s.ignoredFiles, ["notes.json"]);
      assert.ok(await paperById(db, good[0].paper.id));
      assert.ok(await paperById(db, good[4].paper.id));
    });
  });
}

describe("import CLI", () => {
  const dir = tempDir("cli");
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  test("cli: a missing file exits 1 with one clear line; a bad line is reported and exits 0", async () => {
    const run = promisify(execFile);
    const env = { ...process.env, DATA_DIR: path.join(dir, "data"), DATABASE_URL: "" };
    const missing = await run("node", ["bin/dailypapers.js", "import", "arxiv-snapshot", "nope.jsonl"], {
      env,
    }).catch((e) => e);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error: no such file or folder: .*nope\.jsonl$/m);
    const ok = await run("node", ["bin/dailypapers.js", "import", "arxiv-snapshot", badSnapshot(dir)], {
      env,
    });
    assert.match(ok.stderr, /^skipped bad\.jsonl:3: missing title$/m);
    assert.match(ok.stdout, /papers: 3 inserted, 0 updated, 0 unchanged, 7 failed/);
  });
});
