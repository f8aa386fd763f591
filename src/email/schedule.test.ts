import assert from "node:assert/strict";
import { test } from "node:test";
import { dueDigestPeriod, isoWeek, isValidTimeZone } from "./schedule.ts";

const daily = { frequency: "daily" as const, sendHour: 8, timeZone: "UTC", weekdaysOnly: true };

test("a daily digest is due from its hour on weekdays, covering the day before", () => {
  // Tuesday 2026-11-24
  assert.equal(dueDigestPeriod(daily, new Date("2026-11-24T07:59:00Z")), null);
  assert.deepEqual(dueDigestPeriod(daily, new Date("2026-11-24T10:30:00Z")), {
    period: "daily:2026-11-24",
    windowStart: new Date("2026-11-23T08:00:00Z"),
    windowEnd: new Date("2026-11-24T08:00:00Z"),
  });
});

test("weekday-only daily digests skip weekends and cover them on Monday", () => {
  assert.equal(dueDigestPeriod(daily, new Date("2026-11-28T09:00:00Z")), null);
  const monday = dueDigestPeriod(daily, new Date("2026-11-30T09:00:00Z"));
  assert.equal(monday?.windowStart.toISOString(), "2026-11-27T08:00:00.000Z");
  const everyDay = dueDigestPeriod({ ...daily, weekdaysOnly: false }, new Date("2026-11-28T09:00:00Z"));
  assert.equal(everyDay?.period, "daily:2026-11-28");
});

test("the send hour is in the subscriber's time zone", () => {
  const ny = { ...daily, timeZone: "America/New_York" };
  // 12:30 UTC is 07:30 in New York (EST, UTC-5): not yet
  assert.equal(dueDigestPeriod(ny, new Date("2026-11-24T12:30:00Z")), null);
  const due = dueDigestPeriod(ny, new Date("2026-11-24T13:05:00Z"));
  assert.equal(due?.period, "daily:2026-11-24");
  assert.equal(due?.windowEnd.toISOString(), "2026-11-24T13:00:00.000Z");
  // 03:00 UTC on Wednesday is still Tuesday evening in New York
  assert.equal(dueDigestPeriod(ny, new Date("2026-11-25T03:00:00Z"))?.period, "daily:2026-11-24");
});

test("weekly digests go out on Mondays with an ISO week key", () => {
  const weekly = { ...daily, frequency: "weekly" as const };
  assert.equal(dueDigestPeriod(weekly, new Date("2026-11-24T09:00:00Z")), null);
  const due = dueDigestPeriod(weekly, new Date("2026-11-30T09:00:00Z"));
  assert.equal(due?.period, "weekly:2026-W49");
  assert.equal(due?.windowStart.toISOString(), "2026-11-23T08:00:00.000Z");
  assert.equal(isoWeek(2027, 1, 1), "2026-W53");
  assert.equal(isoWeek(2024, 12, 30), "2025-W01");
});

test("time zones are validated", () => {
  assert.equal(isValidTimeZone("Europe/Paris"), true);
  assert.equal(isValidTimeZone("Mars/Olympus"), false);
});

test("across DST changes the windows follow local days and still meet end to end", () => {
  const ny = { ...daily, timeZone: "America/New_York", weekdaysOnly: false };
  // US clocks go forward on Sunday 2026-03-08: 08:00 EST Saturday to 08:00 EDT Sunday is 23 hours
  const sunday = dueDigestPeriod(ny, new Date("2026-03-08T12:30:00Z"));
  assert.equal(sunday?.windowStart.toISOString(), "2026-03-07T13:00:00.000Z");
  assert.equal(sunday?.windowEnd.toISOString(), "2026-03-08T12:00:00.000Z");
  const monday = dueDigestPeriod(ny, new Date("2026-03-09T12:30:00Z"));
  assert.equal(monday?.windowStart.toISOString(), sunday?.windowEnd.toISOString());
  // and back on Sunday 2026-11-01: 25 hours
  const fallBack = dueDigestPeriod(ny, new Date("2026-11-01T13:30:00Z"));
  assert.equal(fallBack?.windowStart.toISOString(), "2026-10-31T12:00:00.000Z");
  assert.equal(fallBack?.windowEnd.toISOString(), "2026-11-01T13:00:00.000Z");
  // 12:30 UTC that Sunday is 07:30 EST: not yet due
  assert.equal(dueDigestPeriod(ny, new Date("2026-11-01T12:30:00Z")), null);
  // a weekly digest's window spans the change in local days too
  const weekly = dueDigestPeriod({ ...ny, frequency: "weekly" }, new Date("2026-03-09T12:30:00Z"));
  assert.equal(weekly?.windowStart.toISOString(), "2026-03-02T13:00:00.000Z");
  assert.equal(weekly?.period, "weekly:2026-W11");
});
