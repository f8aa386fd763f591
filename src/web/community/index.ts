import type { FastifyInstance } from "fastify";
import type { AccountDeps } from "../../users/commands.ts";
import { registerAccountRoutes } from "../accounts/routes.ts";
import { installSessions } from "../accounts/session.ts";
import { registerAccountSettings } from "../accounts/settings.ts";
import type { AppDeps } from "../app.ts";
import { registerCommentRoutes } from "./comments.ts";
import { registerModerationRoutes } from "./moderation.ts";
import { registerProfileRoutes } from "./profile.ts";
import { registerSubmitRoutes } from "./submit.ts";
import { registerVoteRoutes } from "./votes.ts";

/**
 * Accounts and community: sessions and CSRF for every request first, then the account, vote,
 * comment, submission, profile and moderation routes.
 */
export async function registerCommunityRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { secret, mailer, background } = deps;
  // Mail still in flight goes out before the app closes (the services close the mailer after).
  app.addHook("onClose", async () => background.drain());
  const acc: AccountDeps = {
    db: deps.db,
    secret,
    mailer,
    baseUrl: deps.config.baseUrl,
    now: deps.now,
    background,
  };

  // Expired sessions and rate-limit windows are swept by the scheduler (src/scheduler/jobs.ts).
  await installSessions(app, deps, secret);
  registerAccountRoutes(app, deps, acc);
  registerAccountSettings(app, deps, acc);
  registerVoteRoutes(app, deps);
  registerCommentRoutes(app, deps);
  registerSubmitRoutes(app, deps);
  registerProfileRoutes(app, deps);
  registerModerationRoutes(app, deps);
}
