import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { loadConfig } from "../../src/config.ts";
import { localDate } from "../../src/dates.ts";
import { harvestLockAcquire } from "../../src/ingest/oai/store.ts";
import { runDailySync } from "../../src/ingest/sync/daily.ts";
import { syncRunsRecent } from "../../src/ingest/sync/store.ts";
import { nextSyncRun } from "../../src/scheduler/jobs.ts";
import { type ArxivReplay, startArxivReplay } from "../helpers/arxiv-replay.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";
import { fakeClock } from "../helpers/fake-clock.ts";

/** When the scheduler next runs a daily sync at HH:MM in a zone (croner, scheduler/jobs.ts). */
function nextRunAt(syncTime: string, syncTz: string, after: number): Date {
  const next = nextSyncRun({ syncTime, syncTz, syncCron: undefined }, new Date(after));
  assert.ok(next);
  return next;
}

describe("sync schedule times", () => {
  test("next run at HH:MM in a time zone, across days and DST", () => {
    const t = Date.parse("2026-11-24T20:00:00Z");
    assert.equal(nextRunAt("02:00", "UTC", t).toISOString(), "2026-11-25T02:00:00.000Z");
    assert.equal(nextRunAt("21:30", "UTC", t).toISOString(), "2026-11-24T21:30:00.000Z");
    assert.equal(nextRunAt("20:00", "America/New_York", t).toISOString(), "2026-11-25T01:00:00.000Z");
    // the day US clocks go forward (2026-03-08), 20:00 EDT is 00:00 UTC
    assert.equal(
      nextRunAt("20:00", "America/New_York", Date.parse("2026-03-08T12:00:00Z")).toISOString(),
      "2026-03-09T00:00:00.000Z",
    );
    assert.equal(localDate("Asia/Tokyo", t), "2026-11-25");
  });

  test("config: off by default, validated when set", () => {
    const c = loadConfig({});
    assert.deepEqual([c.syncEnabled, c.syncSets, c.syncTime, c.syncTz], [false, ["cs"], "02:00", "UTC"]);
    const on = loadConfig({
      SYNC_ENABLED: "true",
      SYNC_SETS: "cs, q-bio",
      SYNC_TIME: "6:05",
      SYNC_TZ: "Europe/Paris",
    });
    assert.deepEqual(
      [on.syncEnabled, on.syncSets, on.syncTime, on.syncTz],
      [true, ["cs", "q-bio"], "06:05", "Europe/Paris"],
    );
    assert.throws(() => loadConfig({ SYNC_TIME: "25:00" }), {
      message: 'SYNC_TIME must be HH:MM (24-hour), got "25:00"',
    });
    assert.throws(() => loadConfig({ SYNC_TZ: "Mars/Olympus" }), /SYNC_TZ must be an IANA time zone/);
  });
});

for (const backend of testBackends()) {
  describe(`daily sync on ${backend}`, () => {
    let replay: ArxivReplay;
    let db: TestDb;
    before(async () => {
      replay = await startArxivReplay({ pageSize: 5 });
      db = await openTestDb(backend);
    });
    after(async () => {
      await replay.close();
      await db.close();
    });

    test("papers announced that day land on the day's feed; the run is recorded", async () => {
      const next = new Date("2016-07-07T02:00:00Z");
      const r = await runDailySync(
        db,
        ["cs"],
        {
          oaiUrl: replay.oaiUrl,
          delayMs: 0,
          tz: "UTC",
          clock: fakeClock(),
          now: () => new Date("2016-07-06T02:00:00Z"),
        },
        next,
        "arXiv",
      );
      assert.equal(r.status, "ok");
      assert.equal(r.records, 19);
      // created 2016-07-04 and 2016-07-06: within the week up to the run's day; older and later ones are not
      const feed = await db.query<{ arxiv_id: string; feed_date: string; origin: string }>(
        "select arxiv_id, feed_date, origin from feed_entries order by arxiv_id",
      );
      assert.deepEqual(feed, [
        { arxiv_id: "1607.00786", feed_date: "2016-07-06", origin: "arxiv" },
        { arxiv_id: "1607.01710", feed_date: "2016-07-06", origin: "arxiv" },
      ]);
      const [run] = await syncRunsRecent(db, 1);
      assert.deepEqual(
        [run.status, run.sets, run.inserted, run.feedAdded, run.error],
        ["ok", ["cs"], 19, 2, null],
      );
      assert.equal(run.nextRunAt?.toISOString(), next.toISOString());
    });

    test("a window another process is harvesting is skipped, not harvested twice", async () => {
      await harvestLockAcquire(db, { setSpec: "cs", format: "arXiv" }, "other-host:42", 600);
      const r = await runDailySync(
        db,
        ["cs"],
        { oaiUrl: replay.oaiUrl, delayMs: 0, tz: "UTC", clock: fakeClock() },
        null,
        "arXiv",
      );
      assert.equal(r.status, "skipped");
      assert.match(r.error ?? "", /^cs: another harvest of set cs \(arXiv\) is running \(other-host:42\)/);
    });

    test("a failing set is recorded with its error in words", async () => {
      const r = await runDailySync(
        db,
        ["cs math"],
        { oaiUrl: replay.oaiUrl, delayMs: 0, tz: "UTC", clock: fakeClock() },
        null,
        "arXiv",
      );
      assert.equal(r.status, "failed");
      assert.match(
        r.error ?? "",
        /^cs math: arXiv rejected the request for set cs math \(arXiv\) as a bad argument/,
      );
      const [run] = await syncRunsRecent(db, 1);
      assert.equal(run.status, "failed");
    });
  });
}
