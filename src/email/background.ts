import type { Logger } from "pino";

/**
 * Work a request starts but does not wait for: account mail. Answering first keeps the answer's
 * timing the same whether or not an account exists (no enumeration by stopwatch), and an SMTP
 * refusal is logged instead of failing the request. Pending work is awaited when the server
 * closes; a crash loses it, and the person asks again (the page says the link may take a minute).
 */
export interface BackgroundJobs {
  run(name: string, task: () => Promise<unknown>): void;
  /** Resolves when everything started so far has finished. */
  drain(): Promise<void>;
}

export function createBackgroundJobs(log: Pick<Logger, "warn">): BackgroundJobs {
  const pending = new Set<Promise<void>>();
  return {
    run(name, task) {
      const p: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(task)
        .then(
          () => undefined,
          (err) => log.warn({ err, job: name }, "background job failed"),
        )
        .finally(() => pending.delete(p));
      pending.add(p);
    },
    async drain() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
