/**
 * Feed periods: a day (YYYY-MM-DD), an ISO week (YYYY-Www) or a month (YYYY-MM). Each is a
 * half-open range of feed days [start, end). Pure date arithmetic in UTC on day numbers, so
 * no time zone or daylight-saving change can shift a day. ISO weeks come from ../dates.ts.
 */
import { isoWeekKey, isoWeekMonday, isoWeekOf as isoWeekOfDay, isoWeeksInYear } from "../dates.ts";

export { isoWeeksInYear };

export type PeriodKind = "day" | "week" | "month";

export interface Period {
  kind: PeriodKind;
  /** The canonical key as it appears in URLs: 2024-08-09, 2024-W32, 2024-08. */
  key: string;
  /** First feed day, inclusive. */
  start: string;
  /** Day after the last feed day. */
  end: string;
}

export class PeriodError extends Error {}

const DAY_MS = 86_400_000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** Days since 1970-01-01 of a calendar date; months 1-based. */
function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

function fromDayNumber(n: number): { year: number; month: number; day: number } {
  const d = new Date(n * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function formatDayNumber(n: number): string {
  const { year, month, day } = fromDayNumber(n);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

function daysInMonth(year: number, month: number): number {
  return dayNumber(year, month + 1, 1) - dayNumber(year, month, 1);
}

/** The ISO week-numbering year and week of a day number (29 Dec 2025 is in 2026-W01). */
export function isoWeekOf(n: number): { year: number; week: number } {
  return isoWeekOfDay(fromDayNumber(n));
}

function checkYear(year: number, input: string, what: string): void {
  if (year < 1000)
    throw new PeriodError(`"${input}" is not a valid ${what}: the year must have four digits.`);
}

export function parseDay(input: string): Period {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input);
  if (!m) throw new PeriodError(`"${input}" is not a date: expected YYYY-MM-DD, for example 2024-08-09.`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  checkYear(year, input, "date");
  if (month < 1 || month > 12)
    throw new PeriodError(`"${input}" is not a valid date: month ${m[2]} does not exist.`);
  if (day < 1 || day > daysInMonth(year, month))
    throw new PeriodError(`"${input}" is not a valid date: ${m[1]}-${m[2]} has no day ${m[3]}.`);
  return dayPeriod(dayNumber(year, month, day));
}

export function parseWeek(input: string): Period {
  const m = /^(\d{4})-W(\d{2})$/.exec(input);
  if (!m) throw new PeriodError(`"${input}" is not an ISO week: expected YYYY-Www, for example 2024-W32.`);
  const [year, week] = [Number(m[1]), Number(m[2])];
  checkYear(year, input, "week");
  const weeks = isoWeeksInYear(year);
  if (week < 1 || week > weeks)
    throw new PeriodError(`"${input}" is not a valid week: ${year} has ISO weeks 01 to ${weeks}.`);
  return weekPeriod(year, week);
}

export function parseMonth(input: string): Period {
  const m = /^(\d{4})-(\d{2})$/.exec(input);
  if (!m) throw new PeriodError(`"${input}" is not a month: expected YYYY-MM, for example 2024-08.`);
  const [year, month] = [Number(m[1]), Number(m[2])];
  checkYear(year, input, "month");
  if (month < 1 || month > 12)
    throw new PeriodError(`"${input}" is not a valid month: month ${m[2]} does not exist.`);
  return monthPeriod(year, month);
}

export function parsePeriod(kind: PeriodKind, input: string): Period {
  if (kind === "day") return parseDay(input);
  if (kind === "week") return parseWeek(input);
  return parseMonth(input);
}

function dayPeriod(n: number): Period {
  const key = formatDayNumber(n);
  return { kind: "day", key, start: key, end: formatDayNumber(n + 1) };
}

function weekPeriod(year: number, week: number): Period {
  const m = isoWeekMonday(year, week);
  const monday = dayNumber(m.year, m.month, m.day);
  return {
    kind: "week",
    key: isoWeekKey({ year, week }),
    start: formatDayNumber(monday),
    end: formatDayNumber(monday + 7),
  };
}

function monthPeriod(year: number, month: number): Period {
  const first = dayNumber(year, month, 1);
  return {
    kind: "month",
    key: `${pad(year, 4)}-${pad(month)}`,
    start: formatDayNumber(first),
    end: formatDayNumber(first + daysInMonth(year, month)),
  };
}

function toDayNumber(day: string): number {
  return dayNumber(Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10)));
}

/** The period of a kind that contains a feed day (YYYY-MM-DD). */
export function periodContaining(kind: PeriodKind, day: string): Period {
  const n = toDayNumber(day);
  if (kind === "day") return dayPeriod(n);
  if (kind === "week") {
    const { year, week } = isoWeekOf(n);
    return weekPeriod(year, week);
  }
  const { year, month } = fromDayNumber(n);
  return monthPeriod(year, month);
}

/** The calendar period just before (-1) or after (+1) this one. */
export function adjacentPeriod(p: Period, direction: -1 | 1): Period {
  const day = direction < 0 ? toDayNumber(p.start) - 1 : toDayNumber(p.end);
  return periodContaining(p.kind, formatDayNumber(day));
}

/** The UTC calendar day of an instant. */
export function dayOf(instant: Date): string {
  return formatDayNumber(Math.floor(instant.getTime() / DAY_MS));
}

function addDays(day: string, n: number): string {
  return formatDayNumber(toDayNumber(day) + n);
}

/** Every feed day of a period, in order. */
export function daysOf(p: Period): string[] {
  const days: string[] = [];
  for (let n = toDayNumber(p.start); n < toDayNumber(p.end); n++) days.push(formatDayNumber(n));
  return days;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const LONG_MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

function shortDay(day: string, withYear: boolean): string {
  const { year, month, day: d } = fromDayNumber(toDayNumber(day));
  return `${d} ${MONTHS[month - 1]}${withYear ? ` ${year}` : ""}`;
}

/** A heading for a period: "9 Aug 2024", "Week 32, 2024 (5 Aug – 11 Aug)", "August 2024". */
export function periodLabel(p: Period): string {
  if (p.kind === "day") return shortDay(p.start, true);
  if (p.kind === "month") return `${LONG_MONTHS[Number(p.key.slice(5, 7)) - 1]} ${p.key.slice(0, 4)}`;
  const last = addDays(p.end, -1);
  return `Week ${Number(p.key.slice(6))}, ${p.key.slice(0, 4)} (${shortDay(p.start, false)} – ${shortDay(last, false)})`;
}
