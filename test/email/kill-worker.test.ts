import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { ParsedMail } from "mailparser";
import type { Db } from "../../src/db/client.ts";
import { openDatabase } from "../../src/db/open.ts";
import { enqueueDueDigests } from "../../src/email/enqueue.ts";
import { ensureSubscriber } from "../../src/email/subscribers-store.ts";
import { type Backend, openTestDb, type TestDb, testBackends } from "../helpers/db.ts";
import { type Exit, startCli, waitFor } from "../helpers/processes.ts";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp.ts";
import { TEST_SECRET } from "./fixture.ts";

/**
 * Issue 10, finding 11: real `dailypapers digest send` processes, one killed with SIGKILL while
 * the SMTP server holds its acknowledgement. With a 2 s lease, a restarted worker takes the dead
 * worker's digests over within seconds, and every subscriber ends with exactly one digest: the
 * one message that was in flight at the kill may arrive twice, with the same Message-ID.
 * The SMTP server answers each message after 250 ms, so a worker's batch (10 at 10/s with a 2 s
 * lease) outlasts the lease: only the heartbeat keeps a live worker's rows its own.
 */
const SUBSCRIBERS = 24;
const LEASE_SECONDS = 2;
const KILL_AT = 9; // the killed worker's 9th message, past its first lease
const ACK_DELAY_MS = 250;

const rowOf = (m: ParsedMail) => Number(/<digest-(\d+)\./.exec(m.messageId ?? "")?.[1]);
const recipient = (m: ParsedMail) => (m.to && !Array.isArray(m.to) ? m.to.text : "");
const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

for (const backend of testBackends()) {
  describe(`a digest worker killed mid-send, on ${backend}`, () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-kill-digest-"));
    let smtp: TestSmtp;
    let pgDb: TestDb | undefined;
    let env: Record<string, string>;

    before(async () => {
      smtp = await startTestSmtp();
      pgDb = backend === "postgres" ? await openTestDb("postgres") : undefined;
      env = {
        SMTP_URL: smtp.url,
        SECRET: TEST_SECRET,
        DIGEST_LEASE_SECONDS: String(LEASE_SECONDS),
        DIGEST_SEND_RATE: "10",
        ...(pgDb?.url ? { DATABASE_URL: pgDb.url } : {}),
      };
      await withDb(backend, dataDir, pgDb, async (db) => {
        const now = new Date();
        for (let i = 0; i < SUBSCRIBERS; i++)
          await ensureSubscriber(db, `reader${i}@kill.test`, { confirmed: true, now });
        // An empty digest is sent too ("nothing new"): the test needs no papers.
        await db.query("update subscribers set send_empty = true");
        assert.equal(await enqueueDueDigests(db, now, { ignoreSchedule: true }), SUBSCRIBERS);
      });
    });
    after(async () => {
      await smtp.close();
      await pgDb?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const worker = () => startCli(dataDir, ["digest", "send", "--now"], { env });

    test("another worker takes over after the lease; every subscriber gets exactly one digest", async () => {
      const killed = worker();
      let killedRows: number[] = [];
      let secondWorker: ReturnType<typeof worker> | undefined;
      let secondsFirstRow: number | undefined;
      let fromKilled = 0;
      let inFlightAtKill: ParsedMail | undefined;
      smtp.beforeAccept(async (mail) => {
        if (inFlightAtKill || (secondWorker && fromKilled === KILL_AT)) {
          // The killed worker waits for this acknowledgement: whatever comes now is another worker's.
          secondsFirstRow ??= rowOf(mail);
          return pause(ACK_DELAY_MS);
        }
        fromKilled++;
        if (fromKilled === 1 && pgDb)
          killedRows = (
            await pgDb.query<{ id: number }>("select id from digest_outbox where status = 'sending'")
          ).map((r) => r.id);
        if (fromKilled < KILL_AT) return pause(ACK_DELAY_MS);
        if (pgDb) {
          // A second worker starts while the first, past its first lease, still holds rows.
          secondWorker = worker();
          await waitFor(() => secondsFirstRow, 30_000);
        }
        inFlightAtKill = mail;
        killed.child.kill("SIGKILL");
        await killed.exit;
      });
      const first = await killed.exit;
      assert.equal(first.signal, "SIGKILL", `the worker finished before its kill: ${first.stderr}`);
      assert.ok(inFlightAtKill);
      if (pgDb) {
        assert.equal(killedRows.length, 10, "the first worker claimed a batch of 10");
        assert.ok(
          secondsFirstRow !== undefined && !killedRows.includes(secondsFirstRow),
          `the second worker sent row ${secondsFirstRow}, still held by the live first worker (${killedRows})`,
        );
      }

      // Restarted workers (the second one included) run until every subscriber has had a digest.
      const runs: Exit[] = [];
      if (secondWorker) runs.push(await secondWorker.exit);
      const everyoneServed = () =>
        new Set(smtp.messages.map(recipient)).size === SUBSCRIBERS ? true : undefined;
      await waitFor(async () => {
        if (everyoneServed()) return true;
        const r = await worker().exit;
        runs.push(r);
        assert.equal(r.code, 0, r.stderr);
        return everyoneServed();
      }, 40_000).catch((err) => {
        throw new Error(
          `${new Set(smtp.messages.map(recipient)).size} of ${SUBSCRIBERS} subscribers served after ${runs.length} restarts: ${err}`,
        );
      });

      const byRecipient = new Map<string, ParsedMail[]>();
      for (const m of smtp.messages)
        byRecipient.set(recipient(m), [...(byRecipient.get(recipient(m)) ?? []), m]);
      assert.equal(byRecipient.size, SUBSCRIBERS, "no digest lost");
      for (const [to, mails] of byRecipient)
        assert.equal(new Set(mails.map((m) => m.messageId)).size, 1, `${to} got different digests`);
      const copies = smtp.messages.length - SUBSCRIBERS;
      assert.ok(copies <= 1, `${copies} duplicates; at most the message in flight at the kill`);
      if (copies === 1)
        assert.equal(
          byRecipient.get(recipient(inFlightAtKill))?.length,
          2,
          "the duplicate is the in-flight one",
        );
      await withDb(backend, dataDir, pgDb, async (db) => {
        const rows = await db.query<{ status: string; n: number }>(
          "select status, count(*)::int as n from digest_outbox group by status",
        );
        assert.deepEqual(rows, [{ status: "sent", n: SUBSCRIBERS }]);
      });
    });
  });
}

/** The test's own connection: the Postgres test database, or the data directory's files while no worker runs. */
async function withDb(
  backend: Backend,
  dataDir: string,
  pgDb: Db | undefined,
  fn: (db: Db) => Promise<void>,
) {
  if (backend === "postgres" && pgDb) return fn(pgDb);
  const db = await openDatabase({ dataDir, databaseUrl: undefined }, { command: "test" });
  try {
    await fn(db);
  } finally {
    await db.close();
  }
}
