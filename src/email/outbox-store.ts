import type { Queryable } from "../db/client.ts";

export interface OutboxRow {
  id: number;
  subscriberId: number;
  period: string;
  windowStart: Date;
  windowEnd: Date;
  attempts: number;
  claimToken: string;
}

export interface OutboxEntry {
  subscriberId: number;
  period: string;
  windowStart: Date;
  windowEnd: Date;
}

/** Adds due digests; a (subscriber, period) that is already there is left alone. */
export async function enqueueDigests(db: Queryable, entries: OutboxEntry[], now: Date): Promise<number> {
  if (entries.length === 0) return 0;
  const rows = await db.query(
    `insert into digest_outbox (subscriber_id, period, window_start, window_end, next_attempt_at, created_at)
     select x.s, x.p, x.ws, x.we, $2, $2
     from jsonb_to_recordset($1::jsonb) as x(s int, p text, ws timestamptz, we timestamptz)
     on conflict (subscriber_id, period) do nothing
     returning id`,
    [
      JSON.stringify(
        entries.map((e) => ({
          s: e.subscriberId,
          p: e.period,
          ws: e.windowStart.toISOString(),
          we: e.windowEnd.toISOString(),
        })),
      ),
      now,
    ],
  );
  return rows.length;
}

/**
 * Claims up to `limit` due rows in one statement: pending rows whose retry time has come, and
 * rows whose lease ran out (a worker died holding them). SKIP LOCKED lets concurrent workers on
 * a server take disjoint rows; on PGlite, one connection runs statements one at a time, so the
 * update itself is the mutual exclusion. The claim token fences later updates to this claimant.
 */
export async function claimOutboxRows(
  db: Queryable,
  opts: { now: Date; limit: number; leaseMs: number; claimToken: string },
): Promise<OutboxRow[]> {
  const rows = await db.query<{
    id: number;
    subscriber_id: number;
    period: string;
    window_start: Date;
    window_end: Date;
    attempts: number;
  }>(
    `update digest_outbox set status = 'sending', claim_token = $3, claimed_until = $1::timestamptz + $4 * interval '1 millisecond',
       attempts = attempts + 1
     where id in (
       select id from digest_outbox
       where (status = 'pending' and next_attempt_at <= $1) or (status = 'sending' and claimed_until <= $1)
       order by id limit $2
       for update skip locked)
     returning id, subscriber_id, period, window_start, window_end, attempts`,
    [opts.now, opts.limit, opts.claimToken, opts.leaseMs],
  );
  return rows
    .map((r) => ({
      id: r.id,
      subscriberId: r.subscriber_id,
      period: r.period,
      windowStart: r.window_start,
      windowEnd: r.window_end,
      attempts: r.attempts,
      claimToken: opts.claimToken,
    }))
    .sort((a, b) => a.id - b.id);
}

/** The heartbeat: extends the lease of every row this claimant still holds. */
export async function renewOutboxLease(
  db: Queryable,
  claimToken: string,
  opts: { now: Date; leaseMs: number },
): Promise<number> {
  const rows = await db.query(
    `update digest_outbox set claimed_until = $2::timestamptz + $3 * interval '1 millisecond'
     where claim_token = $1 and status = 'sending' returning 1`,
    [claimToken, opts.now, opts.leaseMs],
  );
  return rows.length;
}

export type OutboxOutcome =
  | { status: "sent"; messageId: string }
  | { status: "skipped"; reason: string }
  | { status: "failed"; error: string }
  | { status: "retry"; error: string; at: Date };

/** Records what happened to a claimed row; false when the claim was lost (the lease expired). */
export async function finishOutboxRow(
  db: Queryable,
  row: OutboxRow,
  outcome: OutboxOutcome,
  now: Date,
): Promise<boolean> {
  const status = outcome.status === "retry" ? "pending" : outcome.status;
  const rows = await db.query(
    `update digest_outbox set status = $3, claim_token = null, claimed_until = null,
       message_id = $4, last_error = $5, next_attempt_at = coalesce($6, next_attempt_at),
       sent_at = case when $3 = 'sent' then $7::timestamptz end
     where id = $1 and claim_token = $2 and status = 'sending'
     returning id`,
    [
      row.id,
      row.claimToken,
      status,
      outcome.status === "sent" ? outcome.messageId : null,
      outcome.status === "failed" || outcome.status === "retry"
        ? outcome.error.slice(0, 500)
        : outcome.status === "skipped"
          ? outcome.reason
          : null,
      outcome.status === "retry" ? outcome.at : null,
      now,
    ],
  );
  return rows.length === 1;
}

export async function outboxRowsFor(
  db: Queryable,
  subscriberId: number,
): Promise<
  { period: string; status: string; attempts: number; nextAttemptAt: Date; lastError: string | null }[]
> {
  const rows = await db.query<{
    period: string;
    status: string;
    attempts: number;
    next_attempt_at: Date;
    last_error: string | null;
  }>(
    "select period, status, attempts, next_attempt_at, last_error from digest_outbox where subscriber_id = $1 order by id",
    [subscriberId],
  );
  return rows.map((r) => ({
    period: r.period,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
  }));
}
