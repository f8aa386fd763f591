import path from "node:path";
import type { Logger } from "pino";
import { type Clock, systemClock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import { openDatabase } from "./db/open.ts";
import { type BackgroundJobs, createBackgroundJobs } from "./email/background.ts";
import { createMailer, type Mailer } from "./email/mailer.ts";
import { createLogger } from "./log.ts";
import { processMetrics } from "./metrics/index.ts";
import type { IndexStatus } from "./metrics/indexes.ts";
import type { Metrics } from "./metrics/registry.ts";
import { CandidatePools } from "./recommend/pools.ts";
import { type EmbedRunReport, runEmbedding } from "./search/embed/jobs.ts";
import { searchIndexStatus } from "./search/index-status.ts";
import { indexDirOf } from "./search/semantic.ts";
import { createSearchService, type SearchService } from "./search/service.ts";
import { appSecret } from "./users/secret.ts";

/**
 * The composition root: every long-lived service of a process, built once from the config.
 * The web app (web/app.ts `buildApp`), the CLI (cli/services.ts) and the background workers
 * (workers.ts) all receive this same object, so no module keeps state of its own and no
 * behaviour depends on which file happened to register first. Each consumer takes only the
 * fields it uses.
 */
export interface Services {
  config: Config;
  db: Db;
  log: Logger;
  /** "Today" as pages, digests and commands see it; tests fix it. */
  now: () => Date;
  /** Pacing, backoff and retries wait through this (clock.ts). */
  clock: Clock;
  /** The signing secret, loaded (or created) once. */
  secret: string;
  /** The one mailer: SMTP_URL, or the log when it is unset. */
  mailer: Mailer;
  /** Mail a request starts but does not wait for (no enumeration by stopwatch); drained on close. */
  background: BackgroundJobs;
  /** Search with all its modes (keyword, semantic, hybrid), for pages, API, CLI and digests. */
  search: SearchService;
  embeddings: Embeddings;
  /** This process's Prometheus registry (/metrics), fed by the web app, the search and the jobs. */
  metrics: Metrics;
  /** How current this process's search indexes are, for readiness and the lag metrics. */
  indexStatus: IndexStatus;
  /** "For you": the candidate pools and each person's trained ranking, shared by page and API. */
  forYouPools: CandidatePools;
  /** Closes what buildServices opened (the database only when it opened it). */
  close(): Promise<void>;
}

/** The background embedding work: embeds new papers and finishes a pending model switch. */
interface Embeddings {
  run(opts?: Parameters<typeof runEmbedding>[2]): Promise<EmbedRunReport>;
}

export interface ServiceOverrides {
  /** An open database (tests, or a CLI helper that connects its own way); otherwise opened from config. */
  db?: Db;
  log?: Logger;
  now?: () => Date;
  clock?: Clock;
  mailer?: Mailer;
  /** Where the vector index keeps its copy; defaults to DATA_DIR/index, null for memory only. */
  indexDir?: string | null;
}

export async function buildServices(config: Config, over: ServiceOverrides = {}): Promise<Services> {
  const log = over.log ?? createLogger(config.logLevel);
  const db = over.db ?? (await openDatabase(config));
  try {
    const secret = await appSecret(db, config.secret);
    const mailer =
      over.mailer ??
      createMailer({
        smtpUrl: config.smtpUrl,
        from: config.mailFrom,
        // Only the recipient and subject: bodies carry one-time links.
        onUnsent: (m) => log.info({ to: m.to, subject: m.subject }, "SMTP_URL is not set; mail not sent"),
      });
    const background = createBackgroundJobs(log);
    const indexDir = over.indexDir === undefined ? indexDirOf(config) : (over.indexDir ?? undefined);
    // The registry reads the search's index status, and the search reports its timings to the
    // registry: the search gets a forwarder, the registry the finished service.
    let metrics: Metrics | undefined;
    const search = createSearchService({
      db,
      metrics: { observeSearch: (mode, seconds) => metrics?.observeSearch(mode, seconds) },
      keyword: {
        file: indexDir ? path.join(indexDir, "keyword.idx") : undefined,
        onEvent: (message) => log.info(message),
      },
      semantic: { indexDir, config },
    });
    const indexStatus = searchIndexStatus(search);
    metrics = processMetrics(db, indexStatus);
    return {
      config,
      db,
      log,
      now: over.now ?? (() => new Date()),
      clock: over.clock ?? systemClock,
      secret,
      mailer,
      search,
      background,
      embeddings: { run: (opts = {}) => runEmbedding(db, config, opts) },
      metrics,
      indexStatus,
      forYouPools: new CandidatePools(db),
      async close() {
        try {
          search.save();
        } catch (err) {
          log.error({ err }, "could not save the search indexes");
        }
        await background.drain();
        if (!over.mailer) mailer.close();
        if (!over.db) await db.close();
      },
    };
  } catch (err) {
    if (!over.db) await db.close();
    throw err;
  }
}
