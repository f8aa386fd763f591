import assert from "node:assert/strict";
import { test } from "node:test";
import {
  isoWeekMonday,
  isoWeekOf,
  isoWeeksInYear,
  isValidTimeZone,
  localDate,
  wallClock,
  zonedInstant,
} from "./dates.ts";

const NY = "America/New_York";

test("ISO weeks at year ends", () => {
  assert.deepEqual(isoWeekOf({ year: 2027, month: 1, day: 1 }), { year: 2026, week: 53 });
  assert.deepEqual(isoWeekOf({ year: 2008, month: 12, day: 29 }), { year: 2009, week: 1 });
  assert.deepEqual(isoWeekOf({ year: 2026, month: 1, day: 4 }), { year: 2026, week: 1 });
  assert.deepEqual(isoWeekMonday(2026, 1), { year: 2025, month: 12, day: 29 });
  assert.deepEqual(isoWeekMonday(2020, 53), { year: 2020, month: 12, day: 28 });
  assert.equal(isoWeeksInYear(2026), 53);
  assert.equal(isoWeeksInYear(2027), 52);
});

test("calendar days do not follow the server's own time zone", () => {
  const saved = process.env.TZ;
  try {
    for (const zone of ["Pacific/Kiritimati", "Pacific/Pago_Pago"]) {
      process.env.TZ = zone; // UTC+14 and UTC-11: a local-time bug would move every day
      assert.deepEqual(isoWeekOf({ year: 2027, month: 1, day: 4 }), { year: 2027, week: 1 });
      assert.deepEqual(isoWeekMonday(2026, 49), { year: 2026, month: 11, day: 30 });
      assert.equal(localDate("UTC", Date.parse("2026-11-30T23:30:00Z")), "2026-11-30");
    }
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});

test("wall clocks across the spring-forward gap and the autumn repeat", () => {
  // 2026-03-08 in New York: 01:59 EST is followed by 03:00 EDT
  assert.deepEqual(wallClock(Date.parse("2026-03-08T06:59:00Z"), NY), {
    year: 2026,
    month: 3,
    day: 8,
    hour: 1,
    minute: 59,
    isoDay: 7,
  });
  assert.equal(wallClock(new Date("2026-03-08T07:00:00Z"), NY).hour, 3);
  // a skipped hour maps to the hour after it
  assert.equal(
    zonedInstant(NY, { year: 2026, month: 3, day: 8 }, 2).toISOString(),
    "2026-03-08T07:00:00.000Z",
  );
  // 2026-11-01: 01:00-01:59 is shown twice; the first showing (EDT) counts
  assert.equal(
    zonedInstant(NY, { year: 2026, month: 11, day: 1 }, 1).toISOString(),
    "2026-11-01T05:00:00.000Z",
  );
  assert.equal(wallClock(Date.parse("2026-11-01T06:30:00Z"), NY).hour, 1);
  // calendar-day offsets keep the wall-clock hour: 23 and 25 hours across the changes
  const before = zonedInstant(NY, { year: 2026, month: 3, day: 9 }, 8, -1);
  assert.equal(before.toISOString(), "2026-03-08T12:00:00.000Z");
  assert.equal(
    zonedInstant(NY, { year: 2026, month: 3, day: 8 }, 8, -1).toISOString(),
    "2026-03-07T13:00:00.000Z",
  );
  assert.equal(localDate("Australia/Lord_Howe", Date.parse("2026-10-03T13:29:00Z")), "2026-10-03");
  assert.equal(localDate("Australia/Lord_Howe", Date.parse("2026-10-03T13:30:00Z")), "2026-10-04");
});

test("time zone names", () => {
  assert.equal(isValidTimeZone("Asia/Kolkata"), true);
  assert.equal(isValidTimeZone("Mars/Olympus"), false);
  assert.equal(isValidTimeZone(`Europe/${"x".repeat(64)}`), false);
});
