import type { FastifyInstance } from "fastify";
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import { openServerDatabase } from "./db/owner.ts";
import { createLogger } from "./log.ts";
import { startJobs } from "./scheduler/index.ts";
import { buildServices, type Services } from "./services.ts";
import { recordPublicUrl } from "./site-settings.ts";
import { buildApp } from "./web/app.ts";

export interface RunningServer {
  app: FastifyInstance;
  db: Db;
  url: string;
  /** Where the CLI reaches this server's PGlite (null on Postgres). */
  socketPath: string | null;
  close(): Promise<void>;
}

/** How long each step of a shutdown may take before it is cut short. */
const SHUTDOWN_BOUNDS = { requestsMs: 10_000, jobsMs: 5_000, socketClientsMs: 5_000 };

/**
 * Opens the database (taking the data directory's lock, migrating, serving the CLI socket),
 * builds the app and listens. An abort of `signal` during start-up stops at the next safe point
 * (between migrations, before listening), undoes what was opened and rejects with the abort.
 */
export async function startServer(
  config: Config,
  opts: {
    signal?: AbortSignal;
    command?: string;
    /** Runs on the freshly migrated database before the app loads it (start: the sample). */
    prepare?: (db: Db) => Promise<void>;
  } = {},
): Promise<RunningServer> {
  const { signal } = opts;
  const log = createLogger(config.logLevel);
  const owned = await openServerDatabase(config, {
    command: opts.command ?? "dailypapers serve",
    signal,
    onSocketError: (err) => log.warn({ err }, "database socket client failed"),
  });
  const db = owned.db;
  let app: FastifyInstance | undefined;
  let services: Services | undefined;
  try {
    signal?.throwIfAborted();
    await opts.prepare?.(db);
    signal?.throwIfAborted();
    // The composition root: the app and the workers get the same services.
    services = await buildServices(config, { db, log });
    app = await buildApp(services);
    signal?.throwIfAborted();
    await app.listen({ port: config.port, host: config.host });
    signal?.throwIfAborted();
  } catch (err) {
    await app?.close();
    await services?.close();
    await owned.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  // The CLI (digest previews and sends) links to the server as it really runs.
  await recordPublicUrl(db, config.baseUrlFromEnv ? config.baseUrl : url, new Date());
  // Every recurring job (arXiv sync, embeddings, digests, sweeps, index top-ups): src/scheduler/jobs.ts.
  const jobs = startJobs(services);
  const built = services;
  const server = app;
  let closing: Promise<void> | undefined;
  return {
    app: server,
    db,
    url,
    socketPath: owned.socket?.path ?? null,
    close() {
      closing ??= (async () => {
        // Requests in flight finish (new ones get 503), then stragglers are cut off.
        await within(server.close(), SHUTDOWN_BOUNDS.requestsMs, () => server.server.closeAllConnections());
        // Jobs stop at their next safe point; one that takes longer is abandoned: its writes are
        // transactions, and the database closes only between them.
        await within(jobs.stop(), SHUTDOWN_BOUNDS.jobsMs, () =>
          log.warn("background jobs did not stop in time; closing the database between their transactions"),
        );
        // Index copies are written out, the mailer closed; the database is the owner's to close.
        await built.close();
        await owned.close(SHUTDOWN_BOUNDS.socketClientsMs);
      })();
      return closing;
    },
  };
}

async function within(work: Promise<unknown>, ms: number, onTimeout: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), ms);
  });
  const outcome = await Promise.race([work.then(() => "done" as const), late]);
  clearTimeout(timer);
  if (outcome === "late") {
    onTimeout();
    await Promise.race([work, new Promise((r) => setTimeout(r, 1_000).unref())]).catch(() => {});
  }
}
