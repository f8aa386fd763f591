import type { FastifyInstance } from "fastify";
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import { openDatabase } from "./db/open.ts";
import { createLogger } from "./log.ts";
import { processMetrics } from "./metrics/index.ts";
import { startJobs } from "./scheduler/index.ts";
import { processIndexStatus, refreshSearchIndexes } from "./search/index-status.ts";
import { buildApp } from "./web/app.ts";

export interface RunningServer {
  app: FastifyInstance;
  db: Db;
  url: string;
  close(): Promise<void>;
}

/** Opens the database (migrating it), builds the app and listens. */
export async function startServer(config: Config): Promise<RunningServer> {
  const log = createLogger(config.logLevel);
  const db = await openDatabase(config);
  const indexStatus = processIndexStatus(db);
  const metrics = processMetrics(db, indexStatus);
  const app = await buildApp({ db, config, log, now: () => new Date(), metrics, indexStatus });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  // Every recurring job (arXiv sync, embeddings, digests, sweeps, index top-ups): src/scheduler/jobs.ts.
  const jobs = await startJobs({ config, db, log, metrics, refreshIndexes: () => refreshSearchIndexes(db) });
  return {
    app,
    db,
    url,
    async close() {
      await jobs.stop();
      await app.close();
      await db.close();
    },
  };
}
