import type { FastifyInstance } from "fastify";
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import { openDatabase } from "./db/open.ts";
import { createLogger } from "./log.ts";
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
  return {
    app,
    db,
    url,
    async close() {
      await app.close();
      await db.close();
    },
  };
}
