import pRetry from "p-retry";
import { type Clock, systemClock } from "../clock.ts";

/**
 * How every outbound client of Daily Papers retries (arXiv, the embeddings endpoint, the LLM):
 * p-retry counts the attempts and decides when to stop; the waits go through the injectable
 * clock (clock.ts), so tests and benchmarks move time instead of sleeping.
 */
export interface RetryPolicy {
  /** Retries after the first try. */
  retries: number;
  /** The first backoff; it doubles with each retry, up to capMs. */
  backoffMs: number;
  capMs?: number;
  clock?: Clock;
  /** Whether a failure is worth another try (a 5xx, a 429, a dropped connection). */
  retryable(err: unknown): boolean;
  /** A wait the server asked for (Retry-After), instead of the backoff. */
  waitAskedMs?(err: unknown): number | undefined;
  /**
   * How to wait before the next try; defaults to the clock's sleep. A paced client takes the
   * wait over into its own pause before the next request, so the two are not added up.
   */
  wait?(ms: number): Promise<void>;
}

export async function withRetries<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  const clock = policy.clock ?? systemClock;
  const cap = policy.capMs ?? Number.POSITIVE_INFINITY;
  return pRetry(attempt, {
    retries: policy.retries,
    // p-retry's own timer is off: the clock waits, in onFailedAttempt, only when a retry follows.
    minTimeout: 0,
    maxTimeout: 0,
    randomize: false,
    shouldRetry: ({ error }) => policy.retryable(error),
    async onFailedAttempt({ error, attemptNumber, retriesLeft }) {
      if (retriesLeft === 0 || !policy.retryable(error)) return;
      const asked = policy.waitAskedMs?.(error);
      const backoff = Math.min(cap, policy.backoffMs * 2 ** (attemptNumber - 1));
      const ms = asked ?? backoff;
      await (policy.wait ? policy.wait(ms) : clock.sleep(ms));
    },
  });
}

/** Retry-After is either seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(
  header: string | string[] | null | undefined,
  nowMs: number,
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
