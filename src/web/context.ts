import type { FastifyInstance, FastifyRequest } from "fastify";
import type { PageContext } from "./layout.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** Who is asking and the CSRF token for forms; filled by the accounts hooks. */
    pageContext: PageContext;
  }
}

export function installPageContext(app: FastifyInstance, site: { name: string; tagline: string }): void {
  app.decorateRequest("pageContext", null as unknown as PageContext);
  app.addHook("onRequest", async (req) => {
    req.pageContext = { site, path: req.url, layout: app.pageParts.layout };
  });
}

export function pageContext(req: FastifyRequest): PageContext {
  return req.pageContext ?? {};
}
