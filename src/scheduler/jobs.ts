import { Cron } from "croner";
import { deleteExpiredTokenReveals } from "../api-tokens/reveal.ts";
import { syncPaperAuthors } from "../authors/store.ts";
import { expiredBucketsDeleted } from "../community/throttle.ts";
import type { Config } from "../config.ts";
import type { DeliveryDeps } from "../email/deps.ts";
import { DigestSources } from "../email/digest-sources.ts";
import { enqueueDueDigests } from "../email/enqueue.ts";
import { runDigestWorker, type WorkerStats } from "../email/worker.ts";
import { runDailySync } from "../ingest/sync/daily.ts";
import { trainStaleModels } from "../recommend/service.ts";
import { refreshAcronymsIfGrown } from "../search/acronyms/refresh.ts";
import type { Services } from "../services.ts";
import { summarizePending } from "../summaries/jobs.ts";
import { llmClientFrom, runLlmSummaries } from "../summaries/llm-job.ts";
import { deleteExpiredSessions } from "../users/sessions.ts";
import { jobRunsPrune } from "./lease-store.ts";
import type { Job, JobSchedule } from "./scheduler.ts";

/** What the recurring jobs use: the process's services (src/services.ts) and its delivery. */
export interface JobDeps
  extends Pick<Services, "config" | "db" | "log" | "now" | "embeddings" | "search" | "forYouPools"> {
  /** Set when this server queues and sends digests (DIGEST_SCHEDULER=true). */
  delivery: DeliveryDeps | null;
  metrics?: { countDigestSends(stats: WorkerStats): void };
}

/** The daily sync's schedule: SYNC_CRON if set, else every day at SYNC_TIME, both in SYNC_TZ. */
function syncSchedule(config: Pick<Config, "syncCron" | "syncTime" | "syncTz">): {
  cron: string;
  tz: string;
} {
  const [hh, mm] = config.syncTime.split(":").map(Number);
  return { cron: config.syncCron ?? `0 ${mm} ${hh} * * *`, tz: config.syncTz };
}

export function nextSyncRun(
  config: Pick<Config, "syncCron" | "syncTime" | "syncTz">,
  after: Date = new Date(),
): Date | null {
  const s = syncSchedule(config);
  return new Cron(s.cron, { timezone: s.tz, paused: true }).nextRun(after);
}

/**
 * Every recurring job the server runs, declared here and nowhere else. "cluster" jobs run on
 * one node at a time (a lease in the database); "node" jobs run in every process.
 */
export function recurringJobs(deps: JobDeps): Job[] {
  const { config, db, log } = deps;
  const { now } = deps;
  const every = (seconds: number): JobSchedule => ({ everySeconds: seconds });
  const jobs: (Job & { enabled: boolean })[] = [
    {
      name: "arxiv-sync",
      enabled: config.syncEnabled,
      scope: "cluster",
      schedule: syncSchedule(config),
      run: ({ signal }) =>
        runDailySync(
          db,
          config.syncSets,
          {
            oaiUrl: config.arxivOaiUrl,
            delayMs: config.arxivDelayMs,
            tz: config.syncTz,
            log,
            shouldStop: () => signal.aborted,
          },
          nextSyncRun(config, new Date(Date.now() + 1000)),
        ),
    },
    {
      // Papers are embedded in the background as they arrive; search never waits for it.
      name: "embeddings",
      enabled: true,
      scope: "cluster",
      schedule: every(config.embedIntervalSeconds),
      async run({ signal }) {
        const r = await deps.embeddings.run({ shouldStop: () => signal.aborted });
        return r.embedded > 0 || r.switchedTo ? r : undefined;
      },
    },
    {
      // Acronyms are learned from the same growing corpus, on the same beat.
      name: "acronyms",
      enabled: true,
      scope: "cluster",
      schedule: every(config.embedIntervalSeconds),
      async run({ signal }) {
        return (await refreshAcronymsIfGrown(db, { shouldStop: () => signal.aborted })) || undefined;
      },
    },
    {
      // New papers get their extracted summaries, then the LLM's when LLM_URL is set.
      name: "summaries",
      enabled: true,
      scope: "cluster",
      schedule: every(config.embedIntervalSeconds),
      async run({ signal }) {
        const shouldStop = () => signal.aborted;
        const summarized = await summarizePending(db, {
          max: 2_000,
          shouldStop,
          keyword: deps.search.keyword,
        });
        const llm = llmClientFrom(config);
        const r = llm ? await runLlmSummaries(db, llm, { shouldStop }) : null;
        return summarized > 0 || (r && r.written + r.failed > 0) ? { summarized, llm: r } : undefined;
      },
    },
    {
      // "For you" models are trained when a person's signals change, not when they are read: a
      // page view, an API call or a digest only applies the stored model.
      name: "recommend-models",
      enabled: true,
      scope: "cluster",
      schedule: every(60),
      async run({ signal }) {
        const trained = await trainStaleModels(db, deps.forYouPools, {
          now: now(),
          search: deps.search,
          max: 500,
          shouldStop: () => signal.aborted,
        });
        return trained > 0 ? { trained } : undefined;
      },
    },
    {
      // Author pages and For-you read paper_authors, derived from papers: kept current here, so
      // that an import's backlog (or a re-key after a new authorKey) never waits in a request.
      name: "author-index",
      enabled: true,
      scope: "cluster",
      schedule: every(config.embedIntervalSeconds),
      async run() {
        const papers = await syncPaperAuthors(db);
        return papers > 0 ? { papers } : undefined;
      },
    },
    {
      // Digests are due per subscriber (own hour and time zone), so they are checked on an interval.
      name: "digests",
      enabled: deps.delivery !== null,
      scope: "cluster",
      schedule: every(config.digestIntervalSeconds),
      run: ({ signal }) =>
        deps.delivery ? sendDueDigests(deps.delivery, signal, deps.metrics) : Promise.resolve(),
    },
    {
      name: "sweep-expired",
      enabled: true,
      scope: "cluster",
      schedule: { cron: "0 7 * * * *" },
      async run() {
        const at = now();
        await deleteExpiredSessions(db, at);
        await deleteExpiredTokenReveals(db, at);
        await expiredBucketsDeleted(db, at);
        await jobRunsPrune(db);
      },
    },
    {
      // Searches top the indexes up themselves; this keeps them warm (and /readyz honest) between.
      name: "search-indexes",
      enabled: true,
      scope: "node",
      schedule: every(config.searchSyncSeconds),
      run: () => deps.search.warm(),
    },
  ];
  return jobs.filter((j) => j.enabled);
}

/**
 * Queues what is due, then sends in chunks of about ten seconds of sending each, so that a
 * stop request is honoured between chunks even with a long queue.
 */
async function sendDueDigests(
  d: DeliveryDeps,
  signal: AbortSignal,
  metrics: JobDeps["metrics"],
): Promise<object | undefined> {
  const queued = await enqueueDueDigests(d.db, d.now());
  const chunk = Math.max(1, Math.round(d.policy.sendRatePerSecond * 10));
  const total = { sent: 0, skipped: 0, failed: 0, retried: 0, lost: 0 };
  // One set of sources for the run's chunks: the "for you" pool is built once, not per chunk.
  const sources = new DigestSources(d.db, d.search);
  while (!signal.aborted) {
    const stats = await runDigestWorker(d, { maxRows: chunk, sources });
    metrics?.countDigestSends(stats);
    for (const k of Object.keys(total) as (keyof WorkerStats)[]) total[k] += stats[k];
    if (stats.sent + stats.skipped + stats.failed + stats.retried + stats.lost < chunk) break;
  }
  return queued > 0 || total.sent + total.failed + total.retried > 0 ? { queued, ...total } : undefined;
}
