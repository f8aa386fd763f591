import type { DeliveryDeps } from "./deps.ts";
import { enqueueDueDigests } from "./enqueue.ts";
import { runDigestWorker } from "./worker.ts";

/**
 * The in-server digest schedule (DIGEST_SCHEDULER=true): every interval, queue what is due and
 * send it. Runs never overlap in one process; across processes the outbox keeps them apart.
 */
export function startDigestScheduler(deps: DeliveryDeps, intervalMs: number): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = (async () => {
      try {
        const queued = await enqueueDueDigests(deps.db, deps.now());
        const stats = await runDigestWorker(deps);
        if (queued > 0 || stats.sent + stats.failed + stats.retried > 0)
          deps.log?.info({ queued, ...stats }, "digest run");
      } catch (err) {
        deps.log?.error({ err }, "digest run failed");
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  setTimeout(tick, 1000).unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
