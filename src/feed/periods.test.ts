import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  adjacentPeriod,
  dayOf,
  isoWeekOf,
  isoWeeksInYear,
  PeriodError,
  parseDay,
  parseMonth,
  parseWeek,
  periodContaining,
  periodLabel,
} from "./periods.ts";

describe("days", () => {
  test("a day is the range [day, next day)", () => {
    assert.deepEqual(parseDay("2024-08-09"), {
      kind: "day",
      key: "2024-08-09",
      start: "2024-08-09",
      end: "2024-08-10",
    });
    assert.equal(parseDay("2024-12-31").end, "2025-01-01");
    assert.equal(parseDay("2024-02-29").end, "2024-03-01");
  });

  test("impossible dates say what is wrong", () => {
    assert.throws(() => parseDay("2023-02-29"), { message: /2023-02 has no day 29/ });
    assert.throws(() => parseDay("2024-13-01"), { message: /month 13 does not exist/ });
    assert.throws(() => parseDay("2024-00-10"), { message: /month 00 does not exist/ });
    assert.throws(() => parseDay("2024-04-31"), { message: /has no day 31/ });
    assert.throws(() => parseDay("2024-8-9"), { message: /expected YYYY-MM-DD/ });
    assert.throws(() => parseDay("0999-01-01"), { message: /four digits/ });
    assert.throws(() => parseDay("2024-08-09x"), PeriodError);
    assert.throws(() => parseDay(""), PeriodError);
  });
});

describe("ISO weeks", () => {
  test("years with 53 weeks: those starting on a Thursday, and leap years starting on a Wednesday", () => {
    assert.equal(isoWeeksInYear(2015), 53); // starts Thursday
    assert.equal(isoWeeksInYear(2020), 53); // leap, starts Wednesday
    assert.equal(isoWeeksInYear(2026), 53); // starts Thursday
    assert.equal(isoWeeksInYear(2024), 52);
    assert.equal(isoWeeksInYear(2025), 52);
    assert.equal(isoWeeksInYear(2019), 52); // not leap, starts Tuesday
  });

  test("week 53 runs into the next calendar year", () => {
    assert.deepEqual(parseWeek("2020-W53"), {
      kind: "week",
      key: "2020-W53",
      start: "2020-12-28",
      end: "2021-01-04",
    });
    assert.equal(parseWeek("2026-W53").start, "2026-12-28");
    assert.throws(() => parseWeek("2024-W53"), { message: /2024 has ISO weeks 01 to 52/ });
    assert.throws(() => parseWeek("2025-W53"), { message: /01 to 52/ });
  });

  test("week 1 holds the year's first Thursday, so it may start in December", () => {
    assert.deepEqual(parseWeek("2026-W01"), {
      kind: "week",
      key: "2026-W01",
      start: "2025-12-29",
      end: "2026-01-05",
    });
    assert.equal(parseWeek("2021-W01").start, "2021-01-04");
    assert.equal(parseWeek("2024-W01").start, "2024-01-01");
    assert.equal(parseWeek("2024-W32").start, "2024-08-05");
  });

  test("days map to the week-numbering year, not the calendar year", () => {
    assert.equal(periodContaining("week", "2021-01-01").key, "2020-W53");
    assert.equal(periodContaining("week", "2021-01-03").key, "2020-W53");
    assert.equal(periodContaining("week", "2021-01-04").key, "2021-W01");
    assert.equal(periodContaining("week", "2025-12-29").key, "2026-W01");
    assert.equal(periodContaining("week", "2027-01-01").key, "2026-W53");
    assert.equal(periodContaining("week", "2024-08-09").key, "2024-W32");
    assert.equal(periodContaining("week", "2024-08-11").key, "2024-W32"); // Sunday
    assert.equal(periodContaining("week", "2024-08-12").key, "2024-W33"); // Monday
    assert.deepEqual(isoWeekOf(Date.UTC(2008, 11, 29) / 86_400_000), { year: 2009, week: 1 });
  });

  test("malformed weeks", () => {
    assert.throws(() => parseWeek("2024-W00"), { message: /01 to 52/ });
    assert.throws(() => parseWeek("2024-W7"), { message: /expected YYYY-Www/ });
    assert.throws(() => parseWeek("2024W07"), { message: /expected YYYY-Www/ });
    assert.throws(() => parseWeek("2024-w07"), { message: /expected YYYY-Www/ });
  });
});

describe("months", () => {
  test("a month is [first day, first day of the next)", () => {
    assert.deepEqual(parseMonth("2024-02"), {
      kind: "month",
      key: "2024-02",
      start: "2024-02-01",
      end: "2024-03-01",
    });
    assert.equal(parseMonth("2024-12").end, "2025-01-01");
    assert.throws(() => parseMonth("2024-13"), { message: /month 13 does not exist/ });
    assert.throws(() => parseMonth("2024-1"), { message: /expected YYYY-MM/ });
    assert.throws(() => parseMonth("2024-08-01"), { message: /expected YYYY-MM/ });
  });
});

describe("adjacent periods and labels", () => {
  test("previous and next cross month, year and week-53 boundaries", () => {
    assert.equal(adjacentPeriod(parseDay("2024-03-01"), -1).key, "2024-02-29");
    assert.equal(adjacentPeriod(parseDay("2024-12-31"), 1).key, "2025-01-01");
    assert.equal(adjacentPeriod(parseWeek("2020-W53"), 1).key, "2021-W01");
    assert.equal(adjacentPeriod(parseWeek("2021-W01"), -1).key, "2020-W53");
    assert.equal(adjacentPeriod(parseWeek("2024-W52"), 1).key, "2025-W01");
    assert.equal(adjacentPeriod(parseMonth("2024-01"), -1).key, "2023-12");
    assert.equal(adjacentPeriod(parseMonth("2024-12"), 1).key, "2025-01");
  });

  test("labels", () => {
    assert.equal(periodLabel(parseDay("2024-08-09")), "9 Aug 2024");
    assert.equal(periodLabel(parseWeek("2024-W32")), "Week 32, 2024 (5 Aug – 11 Aug)");
    assert.equal(periodLabel(parseWeek("2026-W01")), "Week 1, 2026 (29 Dec – 4 Jan)");
    assert.equal(periodLabel(parseMonth("2024-08")), "August 2024");
  });

  test("the UTC day of an instant", () => {
    assert.equal(dayOf(new Date("2024-08-09T23:59:59.999Z")), "2024-08-09");
    assert.equal(dayOf(new Date("2024-08-09T23:30:00-02:00")), "2024-08-10");
  });
});
