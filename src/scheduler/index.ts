import { deliveryDeps } from "../email/setup.ts";
import type { Services } from "../services.ts";
import { recurringJobs } from "./jobs.ts";
import { createScheduler, type Scheduler } from "./scheduler.ts";

/**
 * The background work of a server process, started from the same services as its web app:
 * every recurring job of jobs.ts on one scheduler. The search indexes are loaded at once
 * (readiness waits for them); everything else waits for its schedule.
 */
export function startJobs(services: Services): Scheduler {
  const { config, db, log, metrics } = services;
  const delivery = config.digestScheduler ? deliveryDeps(services) : null;
  const scheduler = createScheduler(recurringJobs({ ...services, delivery }), {
    db,
    log,
    leaseMs: config.jobLeaseSeconds * 1000,
    observer: metrics.jobs,
  });
  scheduler.start();
  void scheduler.trigger("search-indexes");
  return scheduler;
}
