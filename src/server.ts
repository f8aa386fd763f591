import type { FastifyInstance } from "fastify";
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import { buildServices } from "./services.ts";
import { buildApp } from "./web/app.ts";
import { startWorkers } from "./workers.ts";

export interface RunningServer {
  app: FastifyInstance;
  db: Db;
  url: string;
  close(): Promise<void>;
}

/** Builds the services (opening and migrating the database), the app and the workers, and listens. */
export async function startServer(config: Config): Promise<RunningServer> {
  const services = await buildServices(config);
  const app = await buildApp(services);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  const workers = startWorkers(services);
  return {
    app,
    db: services.db,
    url,
    async close() {
      await workers.stop();
      await app.close();
      await services.close();
    },
  };
}
