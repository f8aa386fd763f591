import type { FastifyInstance } from "fastify";
import { registerAdminStatus } from "./admin/status.ts";
import { registerSearchApi } from "./api/search.ts";
import { registerSuggestApi } from "./api/suggest.ts";
import type { AppDeps } from "./app.ts";
import { registerCommunityRoutes } from "./community/index.ts";
import { registerDeliveryRoutes } from "./delivery/index.ts";
import { registerFeedRoutes } from "./feed-routes.ts";
import { registerForYouRoutes } from "./foryou/index.ts";
import { registerKeysPage } from "./pages/keys.ts";
import { registerSearchPage } from "./pages/search.ts";
import { registerPrefs } from "./prefs.ts";
import { registerSimilarRoutes } from "./search/similar.ts";

/**
 * The one route table: each capability registers its own routes from its web module, in this
 * order. Keep handlers thin: read params, call a store function or a command, render.
 */
export async function registerRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  // First: installs the session and CSRF hooks every later route relies on.
  await registerCommunityRoutes(app, deps);
  registerPrefs(app);
  registerKeysPage(app);
  await registerFeedRoutes(app, deps);
  await registerDeliveryRoutes(app, deps);
  registerSearchPage(app, deps);
  registerSearchApi(app, deps);
  registerSuggestApi(app, deps);
  registerSimilarRoutes(app, deps);
  registerAdminStatus(app, deps);
  registerForYouRoutes(app, deps);
}
