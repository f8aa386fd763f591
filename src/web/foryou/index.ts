import type { FastifyInstance } from "fastify";
import type { AppDeps } from "../app.ts";
import { registerAuthorRoutes } from "../authors/routes.ts";
import { html } from "../html.ts";
import type { PageContext } from "../layout.ts";
import { registerCollectionRoutes } from "../library/collections.ts";
import { librarySection } from "../library/paper-section.ts";
import { registerLibraryRoutes } from "../library/routes.ts";
import type { PaperSection } from "../paper-sections.ts";
import { registerForYouApi } from "./api.ts";
import { registerOnboarding } from "./onboarding.ts";
import { registerForYouPage } from "./routes.ts";
import { registerTokenRoutes } from "./tokens.ts";

/** The header's personal links (a layout slot in page-parts.ts). */
export function forYouLink(ctx: PageContext) {
  return ctx.user
    ? html`<nav class="foryou-nav" aria-label="Personal"><a href="/for-you">For you</a> <a class="saved-link" href="/saves">Saved</a></nav>`
    : html``;
}

/** The save-to-library box in the paper page's sidebar. */
export const libraryPaperSection: PaperSection = {
  id: "library",
  order: 5,
  place: "side",
  render: librarySection,
};

/** Saves, collections, not-interested, authors, the For-you page, onboarding, tokens and the API. */
export function registerForYouRoutes(app: FastifyInstance, deps: AppDeps, pools = deps.forYouPools): void {
  registerLibraryRoutes(app, deps);
  registerCollectionRoutes(app, deps);
  registerAuthorRoutes(app, deps);
  registerForYouPage(app, deps, pools);
  registerOnboarding(app, deps);
  registerTokenRoutes(app, deps);
  registerForYouApi(app, deps, pools);
}
