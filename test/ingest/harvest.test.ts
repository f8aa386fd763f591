import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type HarvestDeps, type HarvestError, harvest } from "../../src/ingest/oai/harvest.ts";
import { harvestStateByKey } from "../../src/ingest/oai/store.ts";
import { paperById, paperCount, upsertPapers } from "../../src/papers/store.ts";
import { type ArxivReplay, startArxivReplay } from "../helpers/arxiv-replay.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";
import { type FakeClock, fakeClock } from "../helpers/fake-clock.ts";

const SNAPSHOT_SQL = `select arxiv_id, version, title, abstract, authors, categories, primary_category, published_at,
  updated_at, comments, journal_ref, doi, report_no, license, submitter, versions, source from papers order by arxiv_id`;

for (const backend of testBackends()) {
  describe(`OAI-PMH harvest on ${backend}`, () => {
    let replay: ArxivReplay;
    let shared: TestDb;
    // One database per backend, emptied before each test: creating one costs seconds.
    const fresh = async () => {
      await shared.exec("truncate papers, harvest_state, sync_runs cascade");
      return shared;
    };
    let clock: FakeClock;
    const deps = (extra: Partial<HarvestDeps> = {}): HarvestDeps => {
      clock = fakeClock();
      return { oaiUrl: replay.oaiUrl, delayMs: 3000, clock, backoffBaseMs: 5000, maxTries: 4, ...extra };
    };
    before(async () => {
      replay = await startArxivReplay({ pageSize: 5 });
      shared = await openTestDb(backend);
    });
    after(async () => {
      await replay.close();
      await shared.close();
    });

    test("arXiv format: every replayed record stored, authors in order, paced on one connection", async () => {
      const db = await fresh();
      const first = replay.requests.length;
      const r = await harvest(db, { set: "cs", from: "2015-01-01", format: "arXiv" }, deps());
      assert.deepEqual([r.records, r.pages, r.inserted, r.updated], [19, 4, 19, 0]);
      assert.equal(await paperCount(db), 19);
      const ids = replay.archive.arXiv.map((x) => x.id).sort();
      const stored = (
        await db.query<{ arxiv_id: string }>("select arxiv_id from papers order by arxiv_id")
      ).map((x) => x.arxiv_id);
      assert.deepEqual(stored, ids);
      const hoehn = await paperById(db, "1412.8323");
      assert.deepEqual(hoehn?.authors, [{ name: "Philipp A Hoehn" }]);
      assert.deepEqual(hoehn?.categories, [
        "quant-ph",
        "gr-qc",
        "hep-th",
        "math-ph",
        "math.MP",
        "physics.hist-ph",
      ]);
      assert.equal(hoehn?.license, "http://creativecommons.org/licenses/by/4.0/");
      assert.equal(hoehn?.publishedAt?.toISOString(), "2014-12-29T00:00:00.000Z");
      // the record whose XML namespace is stripped
      const planck = await paperById(db, "1601.03238");
      assert.deepEqual(
        planck?.authors.map((a) => a.name),
        ["Planck Collaboration", "Jieci Wang", "Zehua Tian", "Jiliang Jing", "Heng Fan"],
      );
      assert.equal(planck?.reportNo, "YITP-2016-26");
      const mine = replay.requests.slice(first);
      assert.equal(mine.length, 4);
      assert.deepEqual(mine[0].query, {
        verb: "ListRecords",
        metadataPrefix: "arXiv",
        set: "cs",
        from: "2015-01-01",
      });
      assert.deepEqual(Object.keys(mine[1].query), ["verb", "resumptionToken"]);
      assert.equal(new Set(mine.map((q) => q.connection)).size, 1);
      assert.deepEqual(clock.waits, [3000, 3000, 3000]);
      const state = await harvestStateByKey(db, "cs", "arXiv");
      assert.equal(state?.status, "done");
      assert.equal(state?.lastDatestamp, "2018-08-16");
      assert.equal(state?.completeListSize, 19);
    });

    test("arXivRaw: the recorded resumptionToken page, versions with dates and sizes, submitter", async () => {
      const db = await fresh();
      const first = replay.requests.length;
      const r = await harvest(db, { format: "arXivRaw" }, deps({ delayMs: 0 }));
      assert.deepEqual([r.records, r.pages], [7, 2]);
      assert.equal(replay.requests[first + 1].query.resumptionToken, "726959|1001");
      const p = await paperById(db, "0704.0716");
      assert.equal(p?.version, 4);
      assert.equal(p?.submitter, "Christoph Richard");
      assert.deepEqual(p?.versions[0], { version: 1, createdAt: "2007-04-05T12:45:03.000Z", size: "43kb" });
      assert.equal(p?.versions.length, 4);
      assert.deepEqual(p?.categories, ["math-ph", "math.MP"]);
      const shetty = await paperById(db, "0704.0471");
      assert.deepEqual(
        shetty?.authors.map((a) => a.name),
        ["D.V. Shetty", "S.J. Yennello", "G.A. Souliotis"],
      );
      const berger = await paperById(db, "1302.2146");
      assert.deepEqual(
        berger?.authors.map((a) => a.name),
        ["Joshua Berger", "Maxim Perelstein", "Michael Saelim", "Philip Tanedo"],
      );
    });

    test("an updated paper is updated in place: new version and abstract win", async () => {
      const db = await fresh();
      await upsertPapers(db, [
        {
          arxivId: "0704.0716",
          version: 1,
          title: "old title",
          abstract: "old abstract",
          source: "arxiv-snapshot",
        },
      ]);
      const r = await harvest(db, { format: "arXivRaw" }, deps({ delayMs: 0 }));
      assert.deepEqual([r.inserted, r.updated], [6, 1]);
      const p = await paperById(db, "0704.0716");
      assert.equal(p?.version, 4);
      assert.equal(p?.title, "Limit distributions and scaling functions");
      assert.match(p?.abstract ?? "", /^We discuss the asymptotic behaviour/);
      assert.equal(await paperCount(db), 7);
    });

    test("incremental: without --from it starts at the last successful datestamp", async () => {
      const db = await fresh();
      await harvest(db, { set: "cs", from: "2015-01-01", format: "arXiv" }, deps({ delayMs: 0 }));
      const first = replay.requests.length;
      const r = await harvest(db, { set: "cs", format: "arXiv" }, deps({ delayMs: 0 }));
      assert.equal(replay.requests[first].query.from, "2018-08-16");
      assert.deepEqual([r.records, r.inserted, r.updated], [1, 0, 0]);
    });

    test("503 with Retry-After is honoured; drops, cut bodies, non-XML and 5xx back off exponentially", async () => {
      const db = await fresh();
      replay.script(
        { kind: "503", retryAfter: 7 },
        { kind: "drop" },
        { kind: "truncate" },
        { kind: "notXml" },
      );
      const r = await harvest(db, { set: "cs", from: "2015-01-01", format: "arXiv" }, deps({ maxTries: 5 }));
      assert.equal(r.records, 19);
      assert.equal(await paperCount(db), 19);
      // first page: 503 (Retry-After 7 s), drop (backoff 5 s·2), truncate (5 s·4), non-XML (5 s·8), then pages 2-4
      assert.deepEqual(clock.waits, [7000, 10000, 20000, 40000, 3000, 3000, 3000]);
    });

    test("after N failed tries the harvest stops with a clear message, and resumes later", async () => {
      const db = await fresh();
      let pages = 0;
      replay.script({ kind: "500" }, { kind: "500" }, { kind: "500" }, { kind: "500" });
      await assert.rejects(
        harvest(db, { set: "cs", from: "2015-01-01", format: "arXiv" }, deps({ maxTries: 4 })),
        (err: Error) => {
          assert.match(err.message, /^127\.0\.0\.1:\d+ failed 4 times in a row; last error: HTTP 500$/);
          return true;
        },
      );
      assert.deepEqual(clock.waits, [5000, 10000, 20000]);
      const r = await harvest(
        db,
        { set: "cs", from: "2015-01-01", format: "arXiv" },
        deps({ beforeCommit: () => void pages++ }),
      );
      assert.equal(r.records, 19);
      assert.equal(pages, 4);
    });

    test("an expired token restarts the window safely: nothing lost, nothing duplicated", async () => {
      const db = await fresh();
      let n = 0;
      const r = await harvest(
        db,
        { set: "cs", from: "2015-01-01", format: "arXiv" },
        deps({
          delayMs: 0,
          beforeCommit: () => {
            if (++n === 2) replay.script({ kind: "expireToken" });
          },
        }),
      );
      assert.equal(r.restarts, 1);
      assert.equal(await paperCount(db), 19);
      assert.deepEqual([r.inserted, r.pages], [19, 6]);
    });

    test("killed between fetch and commit, then restarted: same database as an uninterrupted run", async () => {
      const whole = await fresh();
      await harvest(whole, { set: "cs", from: "2015-01-01", format: "arXiv" }, deps({ delayMs: 0 }));
      const uninterrupted = await whole.query(SNAPSHOT_SQL);
      const db = await fresh();
      let n = 0;
      await assert.rejects(
        harvest(
          db,
          { set: "cs", from: "2015-01-01", format: "arXiv" },
          deps({
            delayMs: 0,
            beforeCommit: () => {
              if (++n === 3) throw new Error("killed");
            },
          }),
        ),
        /killed/,
      );
      assert.equal(await paperCount(db), 10);
      const mid = await harvestStateByKey(db, "cs", "arXiv");
      assert.deepEqual([mid?.status, mid?.cursor, mid?.records], ["running", 10, 10]);
      assert.equal(mid?.lockedBy, null);
      assert.equal(mid?.lastError, "killed");
      const first = replay.requests.length;
      const r = await harvest(db, { set: "cs", from: "2015-01-01", format: "arXiv" }, deps({ delayMs: 0 }));
      assert.equal(r.resumed, true);
      assert.equal(replay.requests[first].query.resumptionToken, mid?.resumptionToken);
      assert.deepEqual([r.records, r.inserted, r.updated], [9, 9, 0]);
      assert.deepEqual(await db.query(SNAPSHOT_SQL), uninterrupted);
      const done = await harvestStateByKey(db, "cs", "arXiv");
      assert.deepEqual([done?.status, done?.records, done?.inserted], ["done", 19, 19]);
    });

    test("OAI errors in words: noRecordsMatch is empty, badArgument is the user's", async () => {
      const db = await fresh();
      const empty = await harvest(db, { set: "moo", format: "arXivRaw" }, deps());
      assert.deepEqual([empty.records, empty.pages], [0, 0]);
      await assert.rejects(harvest(db, { set: "cs math", format: "arXiv" }, deps()), (err: HarvestError) => {
        assert.equal(err.userError, true);
        assert.equal(
          err.message,
          "arXiv rejected the request for set cs math (arXiv) as a bad argument: Verb 'ListRecords', illegal argument 'identifier'. Check --set, --from and --until.",
        );
        return true;
      });
      await assert.rejects(harvest(db, { from: "2024-02-30x", format: "arXiv" }, deps()), {
        message: '--from must be a date like 2024-08-07, got "2024-02-30x"',
      });
      await assert.rejects(
        harvest(db, { from: "2024-03-01", until: "2024-02-01", format: "arXiv" }, deps()),
        {
          message: "--from (2024-03-01) is after --until (2024-02-01)",
        },
      );
    });

    test("two harvesters never run the same window at once", async () => {
      const db = await fresh();
      let second: Promise<unknown> | null = null;
      await harvest(
        db,
        { set: "cs", from: "2015-01-01", format: "arXiv" },
        deps({
          delayMs: 0,
          owner: "web-1:1",
          beforeCommit: () => {
            second ??= harvest(
              db,
              { set: "cs", from: "2015-01-01", format: "arXiv" },
              deps({ owner: "web-2:1" }),
            ).catch((e: Error) => e.message);
          },
        }),
      );
      assert.match(String(await second), /^another harvest of set cs \(arXiv\) is running \(web-1:1\)/);
      // free again once the first finished
      const again = await harvest(db, { set: "cs", format: "arXiv" }, deps({ delayMs: 0, owner: "web-2:1" }));
      assert.equal(again.records, 1);
    });
  });
}
