import type { Clock } from "../../src/clock.ts";

/** A clock whose sleeps return at once and are recorded, so tests assert waits without waiting. */
export interface FakeClock extends Clock {
  waits: number[];
}

export function fakeClock(start = Date.parse("2026-11-24T02:00:00Z")): FakeClock {
  let t = start;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    async sleep(ms: number) {
      waits.push(ms);
      t += ms;
    },
  };
}
