import type { FastifyInstance } from "fastify";
import type { Queryable } from "../db/client.ts";
import { loadMigrations } from "../db/migrate.ts";
import type { IndexStatus } from "../metrics/indexes.ts";
import { checkReadiness } from "../metrics/readiness.ts";
import type { Metrics } from "../metrics/registry.ts";

/**
 * Operations endpoints: /healthz (the process answers), /readyz (it can serve: 503 with what
 * is missing until then) and /metrics (Prometheus text). Every request is timed by its route
 * pattern, so /papers/:id is one series whatever the id.
 */
export function registerOpsRoutes(
  app: FastifyInstance,
  deps: { db: Queryable; metrics: Metrics; indexStatus: IndexStatus },
): void {
  const expectedSchema = loadMigrations().map((m) => m.version);
  app.addHook("onResponse", async (req, reply) => {
    // Requests no route matched (404s, scanners) share one series instead of one per URL.
    const route = req.routeOptions.url ?? "unmatched";
    deps.metrics.observeRequest(route, req.method, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.get("/healthz", async () => ({ ok: true }));
  app.get("/readyz", async (_req, reply) => {
    const r = await checkReadiness(deps.db, expectedSchema, deps.indexStatus);
    return reply
      .code(r.ready ? 200 : 503)
      .header("cache-control", "no-store")
      .send(r);
  });
  app.get("/metrics", async (_req, reply) => {
    const { contentType, body } = await deps.metrics.render();
    return reply.type(contentType).header("cache-control", "no-store").send(body);
  });
}
