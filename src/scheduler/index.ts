import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { deliveryDeps } from "../email/setup.ts";
import type { Metrics } from "../metrics/registry.ts";
import { recurringJobs } from "./jobs.ts";
import { createScheduler, type Scheduler } from "./scheduler.ts";

/**
 * Builds the server's recurring jobs and starts them. The search indexes are loaded at once
 * (readiness waits for them); everything else waits for its schedule.
 */
export async function startJobs(deps: {
  config: Config;
  db: Db;
  log: Logger;
  metrics: Metrics;
  refreshIndexes: () => Promise<void>;
}): Promise<Scheduler> {
  const { config, db, log, metrics } = deps;
  const delivery = config.digestScheduler ? await deliveryDeps(config, db, { log }) : null;
  const scheduler = createScheduler(
    recurringJobs({ config, db, log, delivery, refreshIndexes: deps.refreshIndexes, metrics }),
    { db, log, leaseMs: config.jobLeaseSeconds * 1000, observer: metrics.jobs },
  );
  scheduler.start();
  void scheduler.trigger("search-indexes");
  return {
    holder: scheduler.holder,
    start: () => scheduler.start(),
    trigger: (name) => scheduler.trigger(name),
    async stop() {
      await scheduler.stop();
      delivery?.mailer.close();
    },
  };
}
