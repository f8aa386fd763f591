import { TZDate, tz } from "@date-fns/tz";
import {
  addWeeks,
  format,
  getISODay,
  getISOWeek,
  getISOWeeksInYear,
  getISOWeekYear,
  startOfISOWeekYear,
} from "date-fns";

/**
 * Calendar arithmetic shared by the feed's periods, the digest schedule and the daily sync:
 * ISO weeks and wall-clock time in a named zone, both from date-fns with @date-fns/tz. Calendar
 * days are computed in UTC (`in: utc`), so the server's own TZ never shifts a day.
 */

const utc = tz("UTC");

/** A calendar date; month 1-12. */
export interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

/** The local time of an instant in a zone; isoDay is Monday = 1 ... Sunday = 7. */
export interface WallClock extends CalendarDay {
  hour: number;
  minute: number;
  isoDay: number;
}

function utcDay({ year, month, day }: CalendarDay): TZDate {
  return new TZDate(year, month - 1, day, "UTC");
}

/** The ISO week-numbering year and week of a day (29 Dec 2025 is in 2026-W01). */
export function isoWeekOf(d: CalendarDay): { year: number; week: number } {
  const date = utcDay(d);
  return { year: getISOWeekYear(date, { in: utc }), week: getISOWeek(date, { in: utc }) };
}

/** "2026-W05": the key of a week in URLs and digest periods. */
export function isoWeekKey(w: { year: number; week: number }): string {
  return `${String(w.year).padStart(4, "0")}-W${String(w.week).padStart(2, "0")}`;
}

/** 53 when the year starts on a Thursday, or is a leap year starting on a Wednesday; else 52. */
export function isoWeeksInYear(year: number): number {
  // 4 January is always in ISO week 1 of its own year.
  return getISOWeeksInYear(utcDay({ year, month: 1, day: 4 }), { in: utc });
}

/** The Monday that starts ISO week `week` of `year`. */
export function isoWeekMonday(year: number, week: number): CalendarDay {
  const weekOne = startOfISOWeekYear(utcDay({ year, month: 1, day: 4 }), { in: utc });
  const monday = addWeeks(weekOne, week - 1, { in: utc });
  return { year: monday.getFullYear(), month: monday.getMonth() + 1, day: monday.getDate() };
}

export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** What a wall clock in `timeZone` shows at an instant. */
export function wallClock(at: Date | number, timeZone: string): WallClock {
  const t = new TZDate(typeof at === "number" ? at : at.getTime(), timeZone);
  return {
    year: t.getFullYear(),
    month: t.getMonth() + 1,
    day: t.getDate(),
    hour: t.getHours(),
    minute: t.getMinutes(),
    isoDay: getISODay(t),
  };
}

/** The calendar date (YYYY-MM-DD) at instant t in the zone. */
export function localDate(timeZone: string, t: number): string {
  return format(new TZDate(t, timeZone), "yyyy-MM-dd");
}

/**
 * The instant at which a wall clock in `timeZone` shows this day and hour; `dayOffset` moves by
 * calendar days first, so across a DST change the result is 23 or 25 hours from its neighbour.
 * An hour skipped by a DST change maps to the hour after it, an hour shown twice to its first
 * showing (as @date-fns/tz does).
 */
export function zonedInstant(timeZone: string, day: CalendarDay, hour: number, dayOffset = 0): Date {
  return new Date(new TZDate(day.year, day.month - 1, day.day + dayOffset, hour, 0, timeZone).getTime());
}
