import type { FastifyInstance } from "fastify";
import pino from "pino";
import { type Config, loadConfig } from "../../src/config.ts";
import { buildServices, type Services } from "../../src/services.ts";
import { buildApp } from "../../src/web/app.ts";
import type { PageParts } from "../../src/web/page-parts.ts";
import { type Backend, openTestDb, type TestDb } from "./db.ts";

export interface TestApp {
  app: FastifyInstance;
  db: TestDb;
  config: Config;
  services: Services;
  /** Listens on a loopback port, for browser tests and real HTTP clients. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** The real app on a fresh database, with a fixed clock and quiet logs unless LOG_LEVEL is set. */
export async function openTestApp(
  backend: Backend,
  opts: { env?: Record<string, string>; now?: () => Date; parts?: PageParts } = {},
): Promise<TestApp> {
  const db = await openTestDb(backend);
  const config = loadConfig({ SECRET: "test-secret-not-for-production", ...opts.env });
  const log = pino({ level: process.env.LOG_LEVEL ?? "silent" });
  // Index copies go to the test's own DATA_DIR when it sets one, never to the checkout's ./data.
  const indexDir = opts.env?.DATA_DIR ? undefined : null;
  const services = await buildServices(config, { db, log, now: opts.now, indexDir });
  const app = await buildApp(services, { parts: opts.parts });
  return {
    app,
    db,
    config,
    services,
    async listen() {
      await app.listen({ port: 0, host: "127.0.0.1" });
      const addr = app.server.address();
      if (!addr || typeof addr === "string") throw new Error("not listening");
      return `http://127.0.0.1:${addr.port}`;
    },
    async close() {
      await app.close();
      await services.close();
      await db.close();
    },
  };
}
