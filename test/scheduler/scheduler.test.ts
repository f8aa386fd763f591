import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import pino from "pino";
import { jobRunsRecent, leaseAcquire } from "../../src/scheduler/lease-store.ts";
import { createScheduler, type Job } from "../../src/scheduler/scheduler.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";

const log = pino({ level: "silent" });
const LEASE_MS = 900;

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const backend of testBackends()) {
  describe(`scheduler on ${backend}`, () => {
    let db: TestDb;
    before(async () => {
      db = await openTestDb(backend);
    });
    after(() => db.close());
    beforeEach(async () => {
      await db.query("delete from job_leases");
      await db.query("delete from job_runs");
    });

    /** A cluster job that records its runs and finishes when told to. */
    const gatedJob = (name: string) => {
      const runs: string[] = [];
      let open: () => void = () => {};
      let gate = new Promise<void>((r) => {
        open = r;
      });
      const job = (holder: string): Job => ({
        name,
        scope: "cluster",
        schedule: { everySeconds: 3600 },
        async run({ signal }) {
          runs.push(holder);
          await Promise.race([gate, new Promise((r) => signal.addEventListener("abort", r))]);
        },
      });
      return {
        runs,
        job,
        release() {
          open();
          gate = new Promise<void>((r) => {
            open = r;
          });
        },
      };
    };

    test("an occurrence fired on two nodes runs on one of them, once", async () => {
      const g = gatedJob("once");
      const a = createScheduler([g.job("a")], { db, log, holder: "a", leaseMs: LEASE_MS });
      const b = createScheduler([g.job("b")], { db, log, holder: "b", leaseMs: LEASE_MS });
      const fired = [a.trigger("once"), b.trigger("once")];
      await until("a run to start", () => g.runs.length === 1);
      // Longer than the lease: the heartbeat keeps it, so the other node keeps waiting.
      await new Promise((r) => setTimeout(r, LEASE_MS * 2));
      assert.equal(g.runs.length, 1);
      g.release();
      await Promise.all(fired);
      assert.equal(g.runs.length, 1, "the waiting node saw the occurrence done and skipped it");
      const runs = await jobRunsRecent(db);
      assert.deepEqual(
        runs.map((r) => [r.job, r.holder, r.status]),
        [["once", g.runs[0], "ok"]],
      );
      await Promise.all([a.stop(), b.stop()]);
    });

    test("a node that stops renewing (it died) is taken over once its lease runs out", async () => {
      // The dead node: it took the lease and started a run, then nothing more.
      assert.ok(await leaseAcquire(db, "takeover", "dead", LEASE_MS));
      await db.query("insert into job_runs (job, holder, due) values ('takeover', 'dead', now())");
      const g = gatedJob("takeover");
      const b = createScheduler([g.job("b")], { db, log, holder: "b", leaseMs: LEASE_MS });
      const started = Date.now();
      const fired = b.trigger("takeover");
      await until("the survivor to take the job over", () => g.runs.length === 1);
      assert.ok(Date.now() - started >= LEASE_MS * 0.5, "not before the dead node's lease ran out");
      g.release();
      await fired;
      const runs = await jobRunsRecent(db);
      assert.deepEqual(
        runs.map((r) => [r.holder, r.status]),
        [
          ["b", "ok"],
          ["dead", "abandoned"],
        ],
      );
      await b.stop();
    });

    test("stop asks a running job to stop, waits for it, and gives the lease up", async () => {
      let sawAbort = false;
      const job: Job = {
        name: "long",
        scope: "cluster",
        schedule: { everySeconds: 3600 },
        async run({ signal }) {
          await new Promise((r) => signal.addEventListener("abort", r));
          sawAbort = true;
        },
      };
      const a = createScheduler([job], { db, log, holder: "a", leaseMs: LEASE_MS });
      void a.trigger("long");
      await until("the run to start", async () => (await jobRunsRecent(db)).length === 1);
      await a.stop();
      assert.ok(sawAbort);
      const [run] = await jobRunsRecent(db);
      assert.equal(run.status, "stopped");
      const [lease] = await db.query<{ holder: string | null; done_due: Date | null }>(
        "select holder, done_due from job_leases where job = 'long'",
      );
      assert.deepEqual(lease, { holder: null, done_due: null }, "released, and not marked done");
      // So another node takes the stopped occurrence over at once, without waiting for expiry.
      assert.ok(await leaseAcquire(db, "long", "b", LEASE_MS));
    });

    test("a failing job is recorded as failed and the next occurrence runs again", async () => {
      let n = 0;
      const job: Job = {
        name: "flaky",
        scope: "cluster",
        schedule: { everySeconds: 1 },
        async run() {
          n++;
          if (n === 1) throw new Error("boom");
        },
      };
      const a = createScheduler([job], { db, log, holder: "a", leaseMs: LEASE_MS });
      a.start();
      await until(
        "two runs",
        async () => (await jobRunsRecent(db)).filter((r) => r.finishedAt).length >= 2,
        5000,
      );
      await a.stop();
      const runs = (await jobRunsRecent(db)).reverse();
      assert.deepEqual(
        runs.slice(0, 2).map((r) => [r.status, r.error]),
        [
          ["failed", "boom"],
          ["ok", null],
        ],
      );
    });
  });
}
