import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import zlib from "node:zlib";
import { importSnapshot } from "../../src/ingest/snapshot.ts";
import { paperById } from "../../src/papers/store.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";
import { importedState, SNAPSHOT, tempDir } from "./helpers.ts";

for (const backend of testBackends()) {
  describe(`arxiv-snapshot import on ${backend}`, () => {
    let db: TestDb;
    before(async () => {
      db = await openTestDb(backend);
    });
    after(async () => {
      await db.close();
    });

    test("the 200 real records import with every field mapped", async () => {
      const s = await importSnapshot(db, SNAPSHOT);
      assert.deepEqual(s.counts, { inserted: 200, updated: 0, unchanged: 0, failed: 0, warnings: 0 });
      assert.equal(s.lines, 200);
      const p = await paperById(db, "0704.0001");
      assert.deepEqual(
        { ...p, abstract: p?.abstract.slice(0, 80) },
        {
          arxivId: "0704.0001",
          version: 2,
          title: "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies",
          abstract: "A fully differential calculation in perturbative quantum chromodynamics is prese",
          authors: [
            { name: "C. Balázs" },
            { name: "E. L. Berger" },
            { name: "P. M. Nadolsky" },
            { name: "C.-P. Yuan" },
          ],
          categories: ["hep-ph"],
          primaryCategory: "hep-ph",
          publishedAt: new Date("2007-04-02T19:18:42Z"),
          updatedAt: new Date("2007-07-24T20:10:27Z"),
          comments: "37 pages, 15 figures; published version",
          journalRef: "Phys.Rev.D76:013009,2007",
          doi: "10.1103/PhysRevD.76.013009",
          reportNo: "ANL-HEP-PR-07-12",
          license: null,
          submitter: "Pavel Nadolsky",
          versions: [
            { version: 1, createdAt: "2007-04-02T19:18:42.000Z" },
            { version: 2, createdAt: "2007-07-24T20:10:27.000Z" },
          ],
          githubRepo: null,
          githubStars: null,
          projectPage: null,
          aiSummary: null,
          aiKeywords: null,
          importedUpvotes: 0,
          importedComments: 0,
          localUpvotes: 0,
          localComments: 0,
          source: "arxiv-snapshot",
        },
      );
      assert.ok(p?.abstract.endsWith("can be obtained with judicious selection of events."));
      assert.doesNotMatch(p?.abstract ?? "", /\n/);
      const q = await paperById(db, "0704.0002");
      assert.deepEqual(q?.categories, ["math.CO", "cs.CG"]);
      assert.equal(q?.primaryCategory, "math.CO");
      assert.equal(q?.license, "http://arxiv.org/licenses/nonexclusive-distrib/1.0/");
      assert.deepEqual(
        q?.authors.map((a) => a.name),
        ["Ileana Streinu", "Louis Theran"],
      );
      assert.equal(q?.updatedAt?.toISOString(), "2008-12-13T17:26:00.000Z");
    });

    test("running it again changes nothing", async () => {
      const s = await importSnapshot(db, SNAPSHOT);
      assert.deepEqual(s.counts, { inserted: 0, updated: 0, unchanged: 200, failed: 0, warnings: 0 });
    });

    test("a gzipped copy gives the same database", async () => {
      const before = await importedState(db);
      const gz = path.join(tempDir("gz"), "snapshot.jsonl.gz");
      fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(SNAPSHOT)));
      const s = await importSnapshot(db, gz, { batchSize: 64 });
      assert.deepEqual(s.counts, { inserted: 0, updated: 0, unchanged: 200, failed: 0, warnings: 0 });
      assert.deepEqual(await importedState(db), before);
    });
  });
}
