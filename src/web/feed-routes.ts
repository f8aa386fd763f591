import type { FastifyInstance } from "fastify";
import { registerDailyPapersApi } from "./api/daily-papers.ts";
import { registerPaperApi } from "./api/paper.ts";
import type { AppDeps } from "./app.ts";
import { registerFeedPages } from "./pages/feed.ts";
import { registerPaperPages } from "./pages/paper.ts";
import { registerTrendingPage } from "./pages/trending.ts";

/** The read side of the feed: feed pages, paper pages, and their JSON API. */
export async function registerFeedRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  registerFeedPages(app, deps);
  registerTrendingPage(app, deps);
  registerPaperPages(app, deps);
  registerDailyPapersApi(app, deps);
  registerPaperApi(app, deps);
}
