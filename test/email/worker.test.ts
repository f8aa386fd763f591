import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pino from "pino";
import { loadConfig } from "../../src/config.ts";
import type { DeliveryDeps } from "../../src/email/deps.ts";
import { enqueueDueDigests } from "../../src/email/enqueue.ts";
import { outboxRowsFor } from "../../src/email/outbox-store.ts";
import {
  ensureSubscriber,
  subscriberByEmail,
  updateDeliverySettings,
} from "../../src/email/subscribers-store.ts";
import { retryDelayMs, runDigestWorker } from "../../src/email/worker.ts";
import { recurringJobs } from "../../src/scheduler/jobs.ts";
import { createScheduler } from "../../src/scheduler/scheduler.ts";
import { buildServices } from "../../src/services.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";
import { paperOnFeed } from "../helpers/factories.ts";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp.ts";
import { seedPapers, TUESDAY, testDelivery } from "./fixture.ts";

const DAY = 86_400_000;

test("retries back off exponentially, capped at a day", () => {
  assert.deepEqual(
    [1, 2, 3, 4].map((a) => retryDelayMs(a, 60_000)),
    [60_000, 120_000, 240_000, 480_000],
  );
  assert.equal(retryDelayMs(30, 60_000), DAY);
});

for (const backend of testBackends()) {
  describe(`digest worker on ${backend}`, () => {
    let db: TestDb;
    let smtp: TestSmtp;
    const clock = { now: TUESDAY };
    let d: DeliveryDeps;

    const subscribe = async (emails: string[]) => {
      for (const e of emails) await ensureSubscriber(db, e, { confirmed: true, now: clock.now });
    };
    const received = (domain: string) =>
      smtp.messages.filter((m) => (m.to && !Array.isArray(m.to) ? m.to.text : "").endsWith(`@${domain}`));
    /** A paper on the feed the afternoon before `at`, so that day's digest has something in it. */
    const newsBefore = (at: Date) =>
      paperOnFeed(
        db,
        { publishedAt: new Date(at.getTime() - DAY / 2) },
        {
          feedDate: new Date(at.getTime() - DAY).toISOString().slice(0, 10),
          submittedAt: new Date(at.getTime() - DAY / 3),
          importedUpvotes: 3,
        },
      );

    before(async () => {
      db = await openTestDb(backend);
      smtp = await startTestSmtp();
      d = testDelivery(db, smtp.url, clock);
      await seedPapers(db);
    });
    after(async () => {
      d.mailer.close();
      await smtp.close();
      await db.close();
    });

    test("a worker killed between claim and send, restarted, delivers each digest exactly once", async () => {
      const n = 12;
      await subscribe(Array.from({ length: n }, (_, i) => `crash${i}@crash.test`));
      clock.now = TUESDAY;
      assert.equal(await enqueueDueDigests(db, clock.now), n);
      const crash = new Error("killed");
      await assert.rejects(
        runDigestWorker(d, {
          batchSize: 4,
          beforeSend: (_row, i) => {
            if (i === 5) throw crash;
          },
        }),
        crash,
      );
      assert.equal(received("crash.test").length, 5, "five sent before the crash");
      // Restarted at once: the rows the dead worker still holds wait for its lease to end.
      const second = await runDigestWorker(d, { batchSize: 4 });
      assert.equal(second.sent, 4);
      clock.now = new Date(TUESDAY.getTime() + d.policy.leaseMs + 1000);
      const third = await runDigestWorker(d, { batchSize: 4 });
      assert.equal(third.sent, 3);
      assert.equal((await runDigestWorker(d)).sent, 0, "nothing left");
      const mails = received("crash.test");
      assert.equal(mails.length, n);
      assert.equal(new Set(mails.map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : ""))).size, n);
      assert.equal(new Set(mails.map((m) => m.messageId)).size, n);
    });

    test("two workers at once send each digest exactly once", async () => {
      const n = 16;
      await subscribe(Array.from({ length: n }, (_, i) => `pair${i}@pair.test`));
      clock.now = new Date("2026-11-26T09:00:00Z"); // Thursday
      await newsBefore(clock.now);
      const queued = await enqueueDueDigests(db, clock.now);
      assert.ok(queued >= n);
      const [a, b] = await Promise.all([
        runDigestWorker(d, { batchSize: 2 }),
        runDigestWorker(d, { batchSize: 2 }),
      ]);
      assert.equal(a.sent + b.sent, queued);
      assert.equal(a.lost + b.lost, 0);
      const mails = received("pair.test");
      assert.equal(mails.length, n);
      assert.equal(new Set(mails.map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : ""))).size, n);
    });

    test("a temporary failure (4xx) is retried with backoff until it goes through", async () => {
      await subscribe(["slow@retry.test"]);
      const sub = await subscriberByEmail(db, "slow@retry.test");
      assert.ok(sub);
      smtp.rejectRecipient("slow@retry.test", 451);
      const start = new Date("2026-11-27T09:00:00Z"); // Friday
      clock.now = start;
      await newsBefore(clock.now);
      await enqueueDueDigests(db, clock.now);
      assert.equal((await runDigestWorker(d)).retried, 1);
      let [row] = await outboxRowsFor(db, sub.id);
      assert.equal(row.status, "pending");
      assert.equal(row.nextAttemptAt.getTime() - start.getTime(), 60_000);
      assert.match(row.lastError ?? "", /try again later/);
      assert.equal((await runDigestWorker(d)).retried, 0, "not due before its time");
      clock.now = new Date(start.getTime() + 60_000);
      assert.equal((await runDigestWorker(d)).retried, 1);
      [row] = await outboxRowsFor(db, sub.id);
      assert.equal(row.nextAttemptAt.getTime() - clock.now.getTime(), 120_000, "the delay doubles");
      smtp.rejectRecipient("slow@retry.test", 0);
      clock.now = new Date(clock.now.getTime() + 120_000);
      assert.equal((await runDigestWorker(d)).sent, 1);
      [row] = await outboxRowsFor(db, sub.id);
      assert.equal(row.status, "sent");
      assert.equal(row.attempts, 3);
      assert.equal(received("retry.test").length, 1);
    });

    test("a permanent failure (5xx) counts a bounce, and the address is suspended after N", async () => {
      await subscribe(["gone@bounce.test"]);
      smtp.rejectRecipient("gone@bounce.test", 550);
      const bouncing = { ...d, policy: { ...d.policy, maxBounces: 2 } };
      clock.now = new Date("2026-11-30T09:00:00Z"); // Monday
      await newsBefore(clock.now);
      await enqueueDueDigests(db, clock.now);
      assert.ok((await runDigestWorker(bouncing)).failed >= 1);
      let sub = await subscriberByEmail(db, "gone@bounce.test");
      assert.equal(sub?.status, "confirmed");
      assert.equal(sub?.bounceCount, 1);
      clock.now = new Date("2026-12-01T09:00:00Z");
      await newsBefore(clock.now);
      await enqueueDueDigests(db, clock.now);
      await runDigestWorker(bouncing);
      sub = await subscriberByEmail(db, "gone@bounce.test");
      assert.equal(sub?.status, "suspended");
      const rows = await outboxRowsFor(db, sub?.id ?? 0);
      assert.deepEqual(
        rows.map((r) => [r.status, r.attempts]),
        [
          ["failed", 1],
          ["failed", 1],
        ],
        "a bounce is not retried",
      );
      clock.now = new Date("2026-12-02T09:00:00Z");
      await enqueueDueDigests(db, clock.now);
      assert.equal((await outboxRowsFor(db, sub?.id ?? 0)).length, 2, "suspended addresses get nothing");
      assert.equal(received("bounce.test").length, 0);
    });

    test("an empty digest is not sent unless the subscriber asked for a 'nothing new' note", async () => {
      await subscribe(["quiet@empty.test", "note@empty.test"]);
      const note = await subscriberByEmail(db, "note@empty.test");
      assert.ok(note);
      await updateDeliverySettings(db, note.id, {
        frequency: "daily",
        sendHour: 8,
        timeZone: "UTC",
        weekdaysOnly: true,
        sendEmpty: true,
      });
      // A week after the seeded papers: nothing is new.
      clock.now = new Date("2026-12-08T09:00:00Z");
      await enqueueDueDigests(db, clock.now);
      const stats = await runDigestWorker(d);
      assert.equal(stats.sent, 1);
      assert.ok(stats.skipped >= 1);
      const mails = received("empty.test");
      assert.equal(mails.length, 1);
      assert.equal(mails[0].to && !Array.isArray(mails[0].to) ? mails[0].to.text : "", "note@empty.test");
      assert.match(mails[0].text ?? "", /Nothing new this time/);
      const quiet = await subscriberByEmail(db, "quiet@empty.test");
      const [row] = (await outboxRowsFor(db, quiet?.id ?? 0)).slice(-1);
      assert.deepEqual([row.status, row.lastError], ["skipped", "nothing new"]);
    });

    test("the scheduler's digest job queues what is due and sends it", async () => {
      await subscribe(["sched@sched.test"]);
      clock.now = new Date("2026-12-09T09:00:00Z");
      await newsBefore(clock.now);
      const log = pino({ level: "silent" });
      const services = await buildServices(loadConfig({ DIGEST_SCHEDULER: "true" }), {
        db,
        log,
        now: () => clock.now,
        mailer: d.mailer,
        indexDir: null,
      });
      const jobs = recurringJobs({ ...services, delivery: d }).filter((j) => j.name === "digests");
      const scheduler = createScheduler(jobs, { db, log });
      try {
        await scheduler.trigger("digests");
      } finally {
        await scheduler.stop();
      }
      assert.equal(received("sched.test").length, 1);
      const sub = await subscriberByEmail(db, "sched@sched.test");
      assert.deepEqual(
        (await outboxRowsFor(db, sub?.id ?? 0)).map((r) => [r.period, r.status]),
        [["daily:2026-12-09", "sent"]],
      );
    });
  });
}
