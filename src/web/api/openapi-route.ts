import type { FastifyInstance } from "fastify";
import type { AppDeps } from "../app.ts";
import { openApiDocument } from "./openapi.ts";

export function registerOpenApiRoute(app: FastifyInstance, deps: AppDeps): void {
  // Built per request: every capability has registered its paths by the time anyone asks.
  app.get("/api/openapi.json", async () => openApiDocument(deps.config.baseUrl));
}
