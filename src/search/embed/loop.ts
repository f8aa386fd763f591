import type { Logger } from "pino";
import type { Config } from "../../config.ts";
import type { Db } from "../../db/client.ts";
import { summarizePending } from "../../summaries/jobs.ts";
import { llmClientFrom, runLlmSummaries } from "../../summaries/llm-job.ts";
import { refreshAcronymsIfGrown } from "../acronyms/refresh.ts";
import type { KeywordSearcher } from "../keyword-searcher.ts";
import type { EmbedRunReport } from "./jobs.ts";

/**
 * The server's background embedder: every interval it embeds papers that arrived (or changed),
 * finishes a pending model switch, learns acronyms again once the corpus has grown, and gives
 * new papers their extracted summaries (then the LLM's, when LLM_URL is set). Runs one pass at a time; stop() lets the current batch
 * end and prevents the next.
 */
export function startEmbeddingLoop(opts: {
  db: Db;
  config: Config;
  log: Logger;
  /** The services' embeddings (src/services.ts). */
  embeddings: { run(o: { shouldStop: () => boolean }): Promise<EmbedRunReport> };
  /** The search service's keyword searcher, for the summaries' corpus statistics. */
  keyword?: KeywordSearcher;
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
      .then(async (r) => {
        if (r.embedded > 0 || r.switchedTo) opts.log.info({ ...r }, "embedded papers");
        // Acronyms are learned from the same growing corpus, on the same beat.
        const acronyms = await refreshAcronymsIfGrown(opts.db, { shouldStop: () => stopped });
        if (acronyms) opts.log.info(acronyms, "learned acronyms");
        const summarized = await summarizePending(opts.db, {
          max: 2_000,
          shouldStop: () => stopped,
          keyword: opts.keyword,
        });
        if (summarized > 0) opts.log.info({ summarized }, "extracted summaries");
        const llm = llmClientFrom(opts.config);
        if (llm) {
          const r = await runLlmSummaries(opts.db, llm, { shouldStop: () => stopped });
          if (r.written + r.failed > 0) opts.log.info(r, "LLM summaries");
        }
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
