import type { FastifyInstance } from "fastify";
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import { openDatabase } from "./db/open.ts";
import { startDigestScheduler } from "./email/scheduler.ts";
import { deliveryDeps } from "./email/setup.ts";
import { createLogger } from "./log.ts";
import { schedules, startSchedules } from "./schedules.ts";
import { startEmbeddingLoop } from "./search/embed/loop.ts";
import { recordPublicUrl } from "./site-settings.ts";
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
  const app = await buildApp({ db, config, log, now: () => new Date() });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  // The CLI (digest previews and sends) links to the server as it really runs.
  await recordPublicUrl(db, config.baseUrlFromEnv ? config.baseUrl : url, new Date());
  const scheduler = startSchedules(schedules(config, db, log), log);
  // Papers are embedded in the background as they arrive; search never waits for it.
  const embedder = startEmbeddingLoop({ db, config, log });
  // Digests are due per subscriber (own hour and time zone), so they run on an interval, not at one clock time.
  const digests = config.digestScheduler
    ? startDigestScheduler(await deliveryDeps(config, db, { log }), config.digestIntervalSeconds * 1000)
    : null;
  return {
    app,
    db,
    url,
    async close() {
      scheduler.stop();
      await embedder.stop();
      await digests?.stop();
      await app.close();
      await db.close();
    },
  };
}
