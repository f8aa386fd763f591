import type { FastifyInstance } from "fastify";
import pino from "pino";
import { type Config, loadConfig } from "../../src/config.ts";
import { buildApp } from "../../src/web/app.ts";
import { type Backend, openTestDb, type TestDb } from "./db.ts";

export interface TestApp {
  app: FastifyInstance;
  db: TestDb;
  config: Config;
  /** Listens on a loopback port, for browser tests and real HTTP clients. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** The real app on a fresh database, with a fixed clock and quiet logs unless LOG_LEVEL is set. */
export async function openTestApp(
  backend: Backend,
  opts: { env?: Record<string, string>; now?: () => Date } = {},
): Promise<TestApp> {
  const db = await openTestDb(backend);
  const config = loadConfig({ SECRET: "test-secret-not-for-production", ...opts.env });
  const log = pino({ level: process.env.LOG_LEVEL ?? "silent" });
  const app = await buildApp({ db, config, log, now: opts.now ?? (() => new Date()) });
  return {
    app,
    db,
    config,
    async listen() {
      await app.listen({ port: 0, host: "127.0.0.1" });
      const addr = app.server.address();
      if (!addr || typeof addr === "string") throw new Error("not listening");
      return `http://127.0.0.1:${addr.port}`;
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
}
