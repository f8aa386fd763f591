import { wallClock } from "../dates.ts";
import type { Queryable } from "../db/client.ts";
import { enqueueDigests, type OutboxEntry } from "./outbox-store.ts";
import { type DigestPeriod, dueDigestPeriod, isoWeek, type ScheduleSettings } from "./schedule.ts";
import { confirmedSubscriberSchedules, type Frequency } from "./subscribers-store.ts";

export interface DueOptions {
  /** Only subscribers with this frequency. */
  frequency?: Frequency;
  /** Ignore the send hour and day (the CLI's `digest send --now`): the period is today's. */
  ignoreSchedule?: boolean;
}

/** A period as if the digest were due right now, for sending by hand outside the schedule. */
export function periodAsOfNow(s: ScheduleSettings, now: Date): DigestPeriod {
  const t = wallClock(now, s.timeZone);
  const day = `${t.year}-${String(t.month).padStart(2, "0")}-${String(t.day).padStart(2, "0")}`;
  const weekly = s.frequency === "weekly";
  return {
    period: weekly ? `weekly:${isoWeek(t.year, t.month, t.day)}` : `daily:${day}`,
    windowStart: new Date(now.getTime() - (weekly ? 7 : 1) * 86_400_000),
    windowEnd: now,
  };
}

/** Which confirmed subscribers are due for which digest at `now`; pure apart from the read. */
export async function dueDigests(db: Queryable, now: Date, opts: DueOptions = {}): Promise<OutboxEntry[]> {
  const subs = await confirmedSubscriberSchedules(db);
  const out: OutboxEntry[] = [];
  for (const s of subs) {
    if (opts.frequency && s.frequency !== opts.frequency) continue;
    const p = opts.ignoreSchedule ? periodAsOfNow(s, now) : dueDigestPeriod(s, now);
    if (p) out.push({ subscriberId: s.id, ...p });
  }
  return out;
}

/** Puts every due digest in the outbox; already queued ones are left as they are. */
export async function enqueueDueDigests(db: Queryable, now: Date, opts: DueOptions = {}): Promise<number> {
  const entries = await dueDigests(db, now, opts);
  let added = 0;
  // chunks keep one statement's JSON parameter small with 10k+ subscribers
  for (let i = 0; i < entries.length; i += 2000)
    added += await enqueueDigests(db, entries.slice(i, i + 2000), now);
  return added;
}
