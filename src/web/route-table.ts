import type { FastifyInstance, RouteOptions } from "fastify";

export type RouteEntry = Pick<RouteOptions, "method" | "url" | "schema" | "config">;

declare module "fastify" {
  interface FastifyInstance {
    /** Every route registered on this app, with its declarations, as Fastify saw it. */
    routeTable: RouteEntry[];
  }
}

/**
 * Records routes as they are registered, so tests can go over every one of them (the route
 * fuzzer) without a list kept by hand. Installed before any route is added.
 */
export function installRouteTable(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  app.decorate("routeTable", table);
  app.addHook("onRoute", (route) => {
    table.push({ method: route.method, url: route.url, schema: route.schema, config: route.config });
  });
}
