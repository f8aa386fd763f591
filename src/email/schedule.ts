import type { Frequency } from "./subscribers-store.ts";

/** Weekly digests go out on Mondays (ISO weekday 1), covering the seven days before. */
export const WEEKLY_ISO_DAY = 1;

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

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  isoDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(tz: string): boolean {
  if (tz.length > 64) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

const ISO_DAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function localTime(at: Date, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    isoDay: ISO_DAYS[parts.weekday],
  };
}

const pad = (n: number) => String(n).padStart(2, "0");

export function isoWeek(year: number, month: number, day: number): string {
  const d = new Date(Date.UTC(year, month - 1, day));
  const dow = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - dow);
  const weekYear = d.getUTCFullYear();
  const week = Math.ceil(((d.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 + 1) / 7);
  return `${weekYear}-W${pad(week)}`;
}

/**
 * Which digest a subscriber is due for at `now`, or null. A digest is due from its send hour
 * until the end of that local day, so a scheduler that was down at 08:00 still sends at 10:00;
 * the outbox's unique key keeps it to one. The window ends at the scheduled hour and reaches back
 * to the previous scheduled send (over the weekend on Mondays for weekday-only digests).
 */
export function dueDigestPeriod(s: ScheduleSettings, now: Date): DigestPeriod | null {
  const t = localTime(now, s.timeZone);
  if (t.hour < s.sendHour) return null;
  if (s.frequency === "daily" && s.weekdaysOnly && t.isoDay > 5) return null;
  if (s.frequency === "weekly" && t.isoDay !== WEEKLY_ISO_DAY) return null;
  // The zone's offset now; the hours between the send hour and now rarely cross a DST change,
  // and when they do the window is off by that hour at most.
  const offsetMs =
    Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute) - Math.floor(now.getTime() / 60_000) * 60_000;
  const windowEnd = new Date(Date.UTC(t.year, t.month - 1, t.day, s.sendHour) - offsetMs);
  let days = 7;
  if (s.frequency === "daily") days = s.weekdaysOnly && t.isoDay === 1 ? 3 : 1;
  const windowStart = new Date(windowEnd.getTime() - days * 86_400_000);
  const period =
    s.frequency === "daily"
      ? `daily:${t.year}-${pad(t.month)}-${pad(t.day)}`
      : `weekly:${isoWeek(t.year, t.month, t.day)}`;
  return { period, windowStart, windowEnd };
}
