import { randomBytes } from "node:crypto";
import os from "node:os";
import { Cron } from "croner";
import type { Queryable } from "../db/client.ts";
import {
  jobRunFinish,
  jobRunStart,
  leaseAcquire,
  leaseRelease,
  leaseRenew,
  leaseState,
  type RunOutcome,
} from "./lease-store.ts";

/** What a running job gets: its occurrence, and a signal raised when it must stop at a safe point. */
interface JobContext {
  due: Date;
  signal: AbortSignal;
}

export type JobSchedule =
  /** A croner pattern (5 fields, or 6 with seconds) read in `tz` (UTC by default). */
  | { cron: string; tz?: string }
  /** Every N seconds; occurrences are aligned on the epoch, so every node agrees on them. */
  | { everySeconds: number };

export interface Job {
  name: string;
  schedule: JobSchedule;
  /**
   * "cluster": one node at a time, through the job's lease in the database, and each occurrence
   * once. "node": every process runs its own (work on in-process state, such as its indexes).
   */
  scope: "cluster" | "node";
  run(ctx: JobContext): Promise<unknown>;
}

interface SchedulerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What the scheduler reports, for metrics. */
interface JobObserver {
  runFinished(job: string, outcome: RunOutcome, seconds: number): void;
  leaseHeld(job: string, held: boolean): void;
}

export interface SchedulerOptions {
  db: Queryable;
  log: SchedulerLog;
  /** Who this node is in job_leases; host:pid and a random suffix by default. */
  holder?: string;
  /** How long a lease lasts without a heartbeat; renewed every third of it. */
  leaseMs?: number;
  observer?: JobObserver;
}

export interface Scheduler {
  readonly holder: string;
  start(): void;
  /** Fires a job now, as its schedule would (tests, and `runAtStart`). */
  trigger(name: string): Promise<void>;
  /** Stops the timers, asks running jobs to stop at a safe point, waits, and gives leases up. */
  stop(): Promise<void>;
}

const DEFAULT_LEASE_MS = 15_000;

export function createScheduler(jobs: Job[], opts: SchedulerOptions): Scheduler {
  const holder = opts.holder ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const { db, log } = opts;
  const stopping = new AbortController();
  const crons: Cron[] = [];
  const busy = new Map<string, Promise<void>>();
  const byName = new Map(jobs.map((j) => [j.name, j]));

  /** Waits `ms`, or less if the scheduler stops meanwhile. */
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        stopping.signal.removeEventListener("abort", done);
        resolve();
      };
      const t = setTimeout(done, ms);
      stopping.signal.addEventListener("abort", done);
    });

  /** Runs one occurrence under the lease, or watches another node run it and takes over if it dies. */
  const runClustered = async (job: Job, due: Date) => {
    for (;;) {
      if (stopping.signal.aborted) return;
      const got = await leaseAcquire(db, job.name, holder, leaseMs);
      if (got) {
        if (got.doneDue && got.doneDue.getTime() >= due.getTime()) {
          await leaseRelease(db, job.name, holder, null);
          return;
        }
        await runLeased(job, due);
        return;
      }
      const state = await leaseState(db, job.name);
      if (state?.doneDue && state.doneDue.getTime() >= due.getTime()) return;
      await wait(leaseMs / 3);
    }
  };

  const runLeased = async (job: Job, due: Date) => {
    opts.observer?.leaseHeld(job.name, true);
    const own = new AbortController();
    const onStop = () => own.abort();
    stopping.signal.addEventListener("abort", onStop);
    let lastRenewed = Date.now();
    const heartbeat = setInterval(() => {
      leaseRenew(db, job.name, holder, leaseMs)
        .then((held) => {
          if (held) lastRenewed = Date.now();
          else {
            log.warn({ job: job.name }, "job lease lost to another node; stopping this run");
            own.abort();
          }
        })
        .catch((err) => {
          // A database that stays away for longer than the lease means another node may take over.
          if (Date.now() - lastRenewed > leaseMs) own.abort();
          log.warn({ job: job.name, err: (err as Error).message }, "job lease renewal failed");
        });
    }, leaseMs / 3);
    const started = performance.now();
    const runId = await jobRunStart(db, job.name, holder, due);
    let outcome: RunOutcome = "ok";
    let error: string | null = null;
    try {
      const result = await job.run({ due, signal: own.signal });
      if (own.signal.aborted) outcome = "stopped";
      if (result !== undefined) log.info({ job: job.name, result }, "job ran");
    } catch (err) {
      outcome = own.signal.aborted ? "stopped" : "failed";
      error = (err as Error).message;
      log.error({ job: job.name, err: error }, "job failed");
    } finally {
      clearInterval(heartbeat);
      stopping.signal.removeEventListener("abort", onStop);
    }
    opts.observer?.runFinished(job.name, outcome, (performance.now() - started) / 1000);
    opts.observer?.leaseHeld(job.name, false);
    await jobRunFinish(db, runId, outcome, error).catch(() => {});
    // A failed run counts as done: it is recorded, and the next occurrence tries again. A
    // stopped one does not, so another node takes it over at once.
    await leaseRelease(db, job.name, holder, outcome === "stopped" ? null : due).catch(() => {});
  };

  const runLocal = async (job: Job, due: Date) => {
    const started = performance.now();
    let outcome: RunOutcome = "ok";
    try {
      await job.run({ due, signal: stopping.signal });
    } catch (err) {
      outcome = "failed";
      log.error({ job: job.name, err: (err as Error).message }, "job failed");
    }
    opts.observer?.runFinished(job.name, outcome, (performance.now() - started) / 1000);
  };

  const fire = (job: Job, due: Date): Promise<void> => {
    const current = busy.get(job.name);
    // One run of a job per process at a time: a run that outlasts its interval skips the next.
    if (current || stopping.signal.aborted) return current ?? Promise.resolve();
    const run = (job.scope === "cluster" ? runClustered(job, due) : runLocal(job, due))
      .catch((err) => log.error({ job: job.name, err: (err as Error).message }, "job scheduling failed"))
      .finally(() => busy.delete(job.name));
    busy.set(job.name, run);
    return run;
  };

  return {
    holder,
    start() {
      for (const job of jobs) {
        const pattern = "cron" in job.schedule ? job.schedule.cron : "* * * * * *";
        const timezone = "cron" in job.schedule ? (job.schedule.tz ?? "UTC") : undefined;
        const interval = "everySeconds" in job.schedule ? job.schedule.everySeconds : undefined;
        const cron = new Cron(pattern, { timezone, interval, unref: true }, (self: Cron) => {
          void fire(job, dueOf(job.schedule, self));
        });
        crons.push(cron);
      }
    },
    trigger(name) {
      const job = byName.get(name);
      if (!job) throw new Error(`no job named ${name}`);
      return fire(job, new Date(Math.floor(Date.now() / 1000) * 1000));
    },
    async stop() {
      for (const c of crons) c.stop();
      stopping.abort();
      await Promise.all(busy.values());
    },
  };
}

/** The occurrence a firing belongs to: the latest scheduled time, the same on every node. */
function dueOf(schedule: JobSchedule, cron: Cron): Date {
  const now = Date.now();
  if ("everySeconds" in schedule) {
    const step = schedule.everySeconds * 1000;
    return new Date(Math.floor(now / step) * step);
  }
  // previousRuns is strict to the second: one second ahead includes the occurrence firing now.
  return cron.previousRuns(1, new Date(now + 1000))[0] ?? new Date(now);
}
