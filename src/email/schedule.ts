import { isoWeekKey, isoWeekOf, wallClock, zonedInstant } from "../dates.ts";
import type { Frequency } from "./subscribers-store.ts";

export { isValidTimeZone } from "../dates.ts";

/** Weekly digests go out on Mondays (ISO weekday 1), covering the seven days before. */
const WEEKLY_ISO_DAY = 1;

export interface ScheduleSettings {
  frequency: Frequency;
  sendHour: number;
  timeZone: string;
  weekdaysOnly: boolean;
}

export interface DigestPeriod {
  /** 'daily:2026-11-24' or 'weekly:2026-W48': the outbox's idempotency key with the subscriber */
  period: string;
  windowStart: Date;
  windowEnd: Date;
}

const pad = (n: number) => String(n).padStart(2, "0");

export function isoWeek(year: number, month: number, day: number): string {
  return isoWeekKey(isoWeekOf({ year, month, day }));
}

/**
 * Which digest a subscriber is due for at `now`, or null. A digest is due from its send hour
 * until the end of that local day, so a scheduler that was down at 08:00 still sends at 10:00;
 * the outbox's unique key keeps it to one. The window ends at the scheduled hour and reaches back
 * to the previous scheduled send (over the weekend on Mondays for weekday-only digests), in local
 * days: across a DST change a daily window is 23 or 25 hours long, and no hour is lost or sent twice.
 */
export function dueDigestPeriod(s: ScheduleSettings, now: Date): DigestPeriod | null {
  const t = wallClock(now, s.timeZone);
  if (t.hour < s.sendHour) return null;
  if (s.frequency === "daily" && s.weekdaysOnly && t.isoDay > 5) return null;
  if (s.frequency === "weekly" && t.isoDay !== WEEKLY_ISO_DAY) return null;
  let days = 7;
  if (s.frequency === "daily") days = s.weekdaysOnly && t.isoDay === 1 ? 3 : 1;
  const windowEnd = zonedInstant(s.timeZone, t, s.sendHour);
  const windowStart = zonedInstant(s.timeZone, t, s.sendHour, -days);
  const period =
    s.frequency === "daily"
      ? `daily:${t.year}-${pad(t.month)}-${pad(t.day)}`
      : `weekly:${isoWeek(t.year, t.month, t.day)}`;
  return { period, windowStart, windowEnd };
}
