/**
 * Time as pacing, backoff and retries see it (harvesters, the embeddings client, the digest
 * worker). Everything waits through this, so tests replace it with
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
