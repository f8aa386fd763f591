import { startDigestScheduler } from "./email/scheduler.ts";
import { deliveryDeps } from "./email/setup.ts";
import { schedules, startSchedules } from "./schedules.ts";
import { startEmbeddingLoop } from "./search/embed/loop.ts";
import type { Services } from "./services.ts";

export interface Workers {
  /** Lets running work reach a safe point, then stops. */
  stop(): Promise<void>;
}

/**
 * The background work of a server process, started from the same services as its web app.
 * Recurring jobs at a clock time are declared in schedules.ts and run by its scheduler: that is
 * the one place a scheduler plugs in (a croner-based one with leases in the database replaces
 * `startSchedules` there, taking the same list).
 */
export function startWorkers(services: Services): Workers {
  const { config, log } = services;
  const scheduler = startSchedules(schedules(services), log);
  // Papers are embedded in the background as they arrive; search never waits for it.
  const embedder = startEmbeddingLoop({
    db: services.db,
    config,
    log,
    embeddings: services.embeddings,
    keyword: services.search.keyword,
  });
  // Digests are due per subscriber (own hour and time zone), so they run on an interval, not at one clock time.
  const digests = config.digestScheduler
    ? startDigestScheduler(deliveryDeps(services), config.digestIntervalSeconds * 1000)
    : null;
  return {
    async stop() {
      scheduler.stop();
      await embedder.stop();
      await digests?.stop();
    },
  };
}
