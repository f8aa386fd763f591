/**
 * Time as the harvesters see it. Pacing and backoff go through this, so tests replace it with
 * a fake that records every wait instead of sleeping through it.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
