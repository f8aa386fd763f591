import type { FastifyInstance } from "fastify";
import { deliveryDeps } from "../../email/setup.ts";
import type { AppDeps } from "../app.ts";
import { registerFeedXmlRoutes } from "./feeds.ts";
import { registerManageRoutes } from "./manage.ts";
import { registerSubscribeRoutes } from "./subscribe.ts";
import { registerTopicRoutes } from "./topics.ts";

/** Delivery: subscribe / confirm / unsubscribe, digest settings, topics, and RSS/Atom feeds. */
export async function registerDeliveryRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const d = deliveryDeps(deps);
  registerSubscribeRoutes(app, d);
  registerManageRoutes(app, d);
  registerTopicRoutes(app, deps, d);
  registerFeedXmlRoutes(app, deps);
}
