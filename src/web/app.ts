import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import formbody from "@fastify/formbody";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import { z } from "zod";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { processMetrics } from "../metrics/index.ts";
import type { IndexStatus } from "../metrics/indexes.ts";
import type { Metrics } from "../metrics/registry.ts";
import type { CandidatePools } from "../recommend/pools.ts";
import { processIndexStatus } from "../search/index-status.ts";
import { registerApiReference, registerOpenApi } from "./api/reference.ts";
import { installPageContext } from "./context.ts";
import { HttpError, sendError } from "./errors.ts";
import { text } from "./fields.ts";
import { registerOpsRoutes } from "./ops.ts";
import { CACHEABLE_ROUTES, registerPageCache } from "./page-cache.ts";
import { installRouteTable } from "./route-table.ts";
import { registerRoutes } from "./routes.ts";
import { plainJsonSerializerCompiler, validationFailure, zodValidatorCompiler } from "./validation.ts";

/** What route handlers may use. Each handler takes only what it needs from here. */
export interface AppDeps {
  db: Db;
  config: Config;
  log: Logger;
  /** Injectable clock, so tests can fix "today". */
  now: () => Date;
  /** This process's metrics; an app built without them gets a registry of its own. */
  metrics?: Metrics;
  indexStatus?: IndexStatus;
  /** "For you" candidate pools and trained rankings; an app built without them makes its own. */
  forYouPools?: CandidatePools;
}

const STATIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "static");
const STATIC_TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
};

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-frame-options": "DENY",
};

export async function buildApp(given: AppDeps): Promise<FastifyInstance> {
  const indexStatus = given.indexStatus ?? processIndexStatus(given.db);
  const metrics = given.metrics ?? processMetrics(given.db, indexStatus);
  const deps: AppDeps = { ...given, metrics, indexStatus };
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    // Forms and API bodies are small; anything bigger is refused before it is parsed.
    bodyLimit: 256 * 1024,
    trustProxy: trustProxyOption(deps.config.trustProxy),
  });
  installRouteTable(app);
  // Every route declares its params, query string and body with zod (fields.ts).
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(plainJsonSerializerCompiler);
  await registerOpenApi(app, deps.config.baseUrl);
  await app.register(formbody);
  // RFC 8058 one-click unsubscribe posts arrive as multipart/form-data, and no form of ours
  // uploads files: the body is read (within bodyLimit) and dropped. Routes then see no fields,
  // so a multipart post anywhere else fails its CSRF check or validation as it should.
  app.addContentTypeParser("multipart/form-data", { parseAs: "buffer" }, (_req, _body, done) =>
    done(null, {}),
  );
  installPageContext(app);

  app.addHook("onSend", async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(k)) reply.header(k, v);
    return payload;
  });

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
    const invalid = validationFailure(err, req.routeOptions.config?.wildcardParam);
    if (invalid) return sendError(req, reply, invalid.statusCode, invalid.message, invalid.param);
    if (err instanceof HttpError) return sendError(req, reply, err.statusCode, err.message, err.param);
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      req.log.error({ err }, "request failed");
      return sendError(req, reply, 500, "An unexpected error happened. It has been logged.");
    }
    const message = status === 413 ? "The request body is too large." : err.message;
    return sendError(req, reply, status, message);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(req, reply, 404, isApi(req.url) ? "No such endpoint." : "There is no page at this address."),
  );

  const staticFiles = new Map(
    fs
      .readdirSync(STATIC_DIR)
      .map((f) => [
        f,
        { body: fs.readFileSync(path.join(STATIC_DIR, f)), type: STATIC_TYPES[path.extname(f)] },
      ]),
  );
  const staticRoute = { schema: { params: z.object({ file: text(100) }) } };
  app.withTypeProvider<ZodTypeProvider>().get("/static/:file", staticRoute, async (req, reply) => {
    const file = staticFiles.get(req.params.file);
    if (!file?.type) throw new HttpError(404, "No such file.");
    return reply.type(file.type).header("cache-control", "public, max-age=3600").send(file.body);
  });
  registerOpsRoutes(app, { db: deps.db, metrics, indexStatus });

  await registerRoutes(app, deps);
  await registerApiReference(app);
  // Last: its hooks must run after the session hook has said who is asking.
  if (deps.config.pageCache)
    await registerPageCache(app, { db: deps.db, routes: CACHEABLE_ROUTES, now: () => deps.now().getTime() });
  return app;
}

/** Fastify takes a hop count as a function: trust the nearest n proxies. */
function trustProxyOption(
  t: Config["trustProxy"],
): boolean | string[] | ((addr: string, hop: number) => boolean) {
  return typeof t === "number" ? (_addr, hop) => hop < t : t;
}

function isApi(url: string): boolean {
  return url.startsWith("/api/");
}
