import type { Queryable } from "../db/client.ts";

/**
 * The job_leases and job_runs tables. Every expiry is compared with the database's clock, so
 * nodes whose clocks disagree still agree on who holds a job.
 */

export interface LeaseState {
  holder: string | null;
  /** The lease is held and has not run out. */
  live: boolean;
  /** The latest occurrence that finished. */
  doneDue: Date | null;
}

/**
 * Takes the lease of `job` for `ttlMs` when nobody holds it, it ran out, or `holder` already
 * has it. Returns the latest finished occurrence when taken, null when another node holds it.
 */
export async function leaseAcquire(
  db: Queryable,
  job: string,
  holder: string,
  ttlMs: number,
): Promise<{ doneDue: Date | null } | null> {
  const rows = await db.query<{ done_due: Date | null }>(
    `insert into job_leases (job, holder, expires_at)
     values ($1, $2, now() + make_interval(secs => $3))
     on conflict (job) do update set holder = excluded.holder, expires_at = excluded.expires_at
       where job_leases.holder is null or job_leases.expires_at < now() or job_leases.holder = excluded.holder
     returning done_due`,
    [job, holder, ttlMs / 1000],
  );
  return rows.length > 0 ? { doneDue: rows[0].done_due } : null;
}

/** Extends a lease still held by `holder`; false when it was lost (it ran out and was taken). */
export async function leaseRenew(
  db: Queryable,
  job: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  const rows = await db.query(
    `update job_leases set expires_at = now() + make_interval(secs => $3)
     where job = $1 and holder = $2 returning 1`,
    [job, holder, ttlMs / 1000],
  );
  return rows.length > 0;
}

/** Gives the lease up at once, recording `doneDue` as finished when the run completed. */
export async function leaseRelease(
  db: Queryable,
  job: string,
  holder: string,
  doneDue: Date | null,
): Promise<void> {
  await db.query(
    `update job_leases set holder = null, expires_at = now(),
       done_due = case when $3::timestamptz is null then done_due
                       else greatest(coalesce(done_due, $3::timestamptz), $3::timestamptz) end
     where job = $1 and holder = $2`,
    [job, holder, doneDue],
  );
}

export async function leaseState(db: Queryable, job: string): Promise<LeaseState | null> {
  const rows = await db.query<{ holder: string | null; live: boolean; done_due: Date | null }>(
    "select holder, (holder is not null and expires_at > now()) as live, done_due from job_leases where job = $1",
    [job],
  );
  return rows[0] ? { holder: rows[0].holder, live: rows[0].live, doneDue: rows[0].done_due } : null;
}

/**
 * Records the start of a run. Called with the lease held, so any other run of the job still
 * marked running belongs to a node that died or lost its lease: it is marked abandoned.
 */
export async function jobRunStart(db: Queryable, job: string, holder: string, due: Date): Promise<number> {
  await db.query(
    "update job_runs set status = 'abandoned', finished_at = now() where job = $1 and status = 'running'",
    [job],
  );
  const [row] = await db.query<{ id: number }>(
    "insert into job_runs (job, holder, due) values ($1, $2, $3) returning id",
    [job, holder, due],
  );
  return row.id;
}

export type RunOutcome = "ok" | "failed" | "stopped";

export async function jobRunFinish(
  db: Queryable,
  id: number,
  status: RunOutcome,
  error: string | null,
): Promise<void> {
  await db.query("update job_runs set status = $2, error = $3, finished_at = now() where id = $1", [
    id,
    status,
    error?.slice(0, 2000) ?? null,
  ]);
}

export interface JobRun {
  job: string;
  holder: string;
  due: Date;
  startedAt: Date;
  finishedAt: Date | null;
  status: RunOutcome | "running" | "abandoned";
  error: string | null;
}

export async function jobRunsRecent(db: Queryable, limit = 50): Promise<JobRun[]> {
  return db.query<JobRun>(
    `select job, holder, due, started_at as "startedAt", finished_at as "finishedAt", status, error
     from job_runs order by id desc limit $1`,
    [limit],
  );
}

/** Runs older than a week go; the table is a recent history, not an archive. */
export async function jobRunsPrune(db: Queryable): Promise<number> {
  const rows = await db.query(
    "delete from job_runs where started_at < now() - interval '7 days' returning 1",
  );
  return rows.length;
}
