import type { FastifyInstance } from "fastify";
import type { AppDeps } from "./app.ts";

/**
 * The one route table: each capability registers its own routes from its web module, in this
 * order. Keep handlers thin: read params, call a store function or a command, render.
 */
export async function registerRoutes(_app: FastifyInstance, _deps: AppDeps): Promise<void> {}
