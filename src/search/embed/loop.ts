import type { Logger } from "pino";
import type { Config } from "../../config.ts";
import type { Db } from "../../db/client.ts";
import { refreshAcronymsIfGrown } from "../acronyms/refresh.ts";
import { runEmbedding } from "./jobs.ts";

/**
 * The server's background embedder: every interval it embeds papers that arrived (or changed),
 * finishes a pending model switch, and learns acronyms again once the corpus has grown. Runs one pass at a time; stop() lets the current batch
 * end and prevents the next.
 */
export function startEmbeddingLoop(opts: { db: Db; config: Config; log: Logger; intervalMs?: number }): {
  stop(): Promise<void>;
} {
  const interval = opts.intervalMs ?? 30_000;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = runEmbedding(opts.db, opts.config, { shouldStop: () => stopped })
      .then(async (r) => {
        if (r.embedded > 0 || r.switchedTo) opts.log.info({ ...r }, "embedded papers");
        // Acronyms are learned from the same growing corpus, on the same beat.
        const acronyms = await refreshAcronymsIfGrown(opts.db, { shouldStop: () => stopped });
        if (acronyms) opts.log.info(acronyms, "learned acronyms");
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
