import type { Logger } from "pino";
import type { EmbedRunReport } from "./jobs.ts";

/**
 * The server's background embedder: every interval it embeds papers that arrived (or changed)
 * and finishes a pending model switch. Runs one pass at a time; stop() lets the current batch
 * end and prevents the next.
 */
export function startEmbeddingLoop(opts: {
  embeddings: { run(o: { shouldStop: () => boolean }): Promise<EmbedRunReport> };
  log: Logger;
  intervalMs?: number;
}): {
  stop(): Promise<void>;
} {
  const interval = opts.intervalMs ?? 30_000;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = opts.embeddings
      .run({ shouldStop: () => stopped })
      .then((r) => {
        if (r.embedded > 0 || r.switchedTo) opts.log.info({ ...r }, "embedded papers");
      })
      .catch((err) => opts.log.error({ err }, "background embedding failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, interval);
      });
  };
  timer = setTimeout(tick, Math.min(interval, 5_000));
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
