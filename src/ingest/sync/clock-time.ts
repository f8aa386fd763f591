/**
 * Wall-clock arithmetic in a named time zone with Intl only: the schedule says "06:30 in
 * America/New_York", and the server may run in UTC.
 */
function partsIn(
  tz: string,
  t: number,
): { y: number; m: number; d: number; hh: number; mm: number; ss: number } {
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone: tz,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const p = Object.fromEntries(fmt.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  return { y: +p.year, m: +p.month, d: +p.day, hh: +p.hour, mm: +p.minute, ss: +p.second };
}

function offsetMs(tz: string, t: number): number {
  const p = partsIn(tz, t);
  return Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm, p.ss) - Math.floor(t / 1000) * 1000;
}

/** The calendar date (YYYY-MM-DD) at instant t in the zone. */
export function localDate(tz: string, t: number): string {
  const p = partsIn(tz, t);
  return `${p.y}-${String(p.m).padStart(2, "0")}-${String(p.d).padStart(2, "0")}`;
}

/** The next instant strictly after `after` whose local time in `tz` is HH:MM. */
export function nextRunAt(hhmm: string, tz: string, after: number): Date {
  const [hh, mm] = hhmm.split(":").map(Number);
  const today = partsIn(tz, after);
  for (let add = 0; add < 3; add++) {
    const guess = Date.UTC(today.y, today.m - 1, today.d + add, hh, mm);
    // Two passes settle the offset across a DST change.
    let t = guess - offsetMs(tz, guess);
    t = guess - offsetMs(tz, t);
    if (t > after) return new Date(t);
  }
  throw new Error(`no next run for ${hhmm} in ${tz}`);
}

export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
