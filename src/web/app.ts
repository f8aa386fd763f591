import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import formbody from "@fastify/formbody";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AUTHOR_NAME_MAX } from "../authors/names.ts";
import type { Config } from "../config.ts";
import type { Services } from "../services.ts";
import { UserError } from "../user-error.ts";
import { registerApiReference, registerOpenApi } from "./api/reference.ts";
import { installThrottles } from "./community/throttle.ts";
import { installPageContext } from "./context.ts";
import { HttpError, sendError } from "./errors.ts";
import { text } from "./fields.ts";
import { registerOpsRoutes } from "./ops.ts";
import { CACHEABLE_ROUTES, registerPageCache } from "./page-cache.ts";
import { defaultPageParts, type PageParts } from "./page-parts.ts";
import { registerRenderGate } from "./render-gate.ts";
import { installRouteTable } from "./route-table.ts";
import { registerRoutes } from "./routes.ts";
import { plainJsonSerializerCompiler, validationFailure, zodValidatorCompiler } from "./validation.ts";

/**
 * What route handlers may use: the process's services, built by the composition root
 * (src/services.ts). Each handler takes only what it needs from here.
 */
export type AppDeps = Services;

export interface AppOptions {
  /** What capabilities contribute to shared pages; defaults to page-parts.ts. */
  parts?: PageParts;
}

const STATIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "static");
const STATIC_TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
};

// Renders at once per process: more only interleave (PGlite runs every query on this thread;
// Postgres gains little past a few on 2 cores) and make each one finish later.
const RENDER_CONCURRENCY = 4;

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-frame-options": "DENY",
};

const MAX_PARAM_LENGTH = AUTHOR_NAME_MAX * 12;

/** The web app over the given services. Closing it leaves the services open: their owner closes them. */
export async function buildApp(deps: AppDeps, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    // Forms and API bodies are small; anything bigger is refused before it is parsed.
    bodyLimit: 256 * 1024,
    // A path parameter may be as long as its route's own limit (an author name: AUTHOR_NAME_MAX
    // characters, each up to 12 once percent-encoded), so the route's clear message is the one
    // shown rather than the router's bare 414.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    trustProxy: trustProxyOption(deps.config.trustProxy),
  });
  app.decorate("pageParts", opts.parts ?? defaultPageParts());
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
  installPageContext(app, { name: deps.config.siteName, tagline: deps.config.siteTagline });
  installThrottles(app, deps);

  app.addHook("onSend", async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(k)) reply.header(k, v);
    return payload;
  });

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
    const invalid = validationFailure(err, req.routeOptions.config?.wildcardParam);
    if (invalid) return sendError(req, reply, invalid.status, invalid.message, invalid.field);
    // Every refusal a capability or handler explains to the person, mapped here and only here.
    if (err instanceof UserError) return sendError(req, reply, err.status, err.message, err.field);
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
  registerOpsRoutes(app, deps);

  await registerRoutes(app, deps);
  await registerApiReference(app);
  // A listening server loads its search indexes at once, not on the first query.
  app.addHook("onListen", async () => {
    deps.search.warm().catch((err) => deps.log.error({ err }, "could not load the search indexes"));
  });
  // Last: its hooks must run after the session hook has said who is asking.
  if (deps.config.pageCache)
    await registerPageCache(app, { db: deps.db, routes: CACHEABLE_ROUTES, now: () => deps.now().getTime() });
  // After the cache: only pages rendered anew take turns.
  registerRenderGate(app, { routes: CACHEABLE_ROUTES, concurrency: RENDER_CONCURRENCY });
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
