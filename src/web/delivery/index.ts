import type { FastifyInstance } from "fastify";
import { deliveryDeps } from "../../email/setup.ts";
import type { AppDeps } from "../app.ts";
import { addLayoutSlots } from "../layout.ts";
import { registerFeedXmlRoutes } from "./feeds.ts";
import { registerManageRoutes } from "./manage.ts";
import { registerSubscribeRoutes } from "./subscribe.ts";
import { registerTopicRoutes } from "./topics.ts";
import { subscribeBox } from "./views.ts";

let slotAdded = false;

/** Delivery: subscribe / confirm / unsubscribe, digest settings, topics, and RSS/Atom feeds. */
export async function registerDeliveryRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const d = await deliveryDeps(deps.config, deps.db, { log: deps.log, now: deps.now });
  app.addHook("onClose", async () => d.mailer.close());
  // Once per process: tests build many apps, and the layout's slots are module state.
  if (!slotAdded) {
    slotAdded = true;
    addLayoutSlots({ beforeFooter: subscribeBox });
  }
  registerSubscribeRoutes(app, d);
  registerManageRoutes(app, d);
  registerTopicRoutes(app, deps, d);
  registerFeedXmlRoutes(app, deps);
}
