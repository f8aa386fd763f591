import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { safeNext } from "./accounts/guards.ts";
import { oneOf, text } from "./fields.ts";
import type { FeedView, Theme } from "./layout.ts";

const THEME_COOKIE = "dp_theme";
const VIEW_COOKIE = "dp_view";
const YEAR = 365 * 86_400;

const PrefsForm = z.object({
  theme: oneOf(["light", "dark", "system"]).optional(),
  view: oneOf(["grid", "list"]).optional(),
  // Any text: safeNext sends anything but a local path home, and the choice is still kept.
  next: text(2000).optional(),
});

function themeOf(v: string | undefined): Theme | undefined {
  return v === "light" || v === "dark" ? v : undefined;
}

function viewOf(v: string | undefined): FeedView {
  return v === "list" ? "list" : "grid";
}

/**
 * Display choices (theme, grid or list) kept in plain cookies, so they work without JavaScript
 * and without an account. They are not secrets: readable by scripts, SameSite=Lax.
 */
export function registerPrefs(fastify: FastifyInstance): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook("onRequest", async (req: FastifyRequest) => {
    if (req.url.startsWith("/static/")) return;
    req.pageContext = {
      ...req.pageContext,
      prefs: { theme: themeOf(req.cookies?.[THEME_COOKIE]), view: viewOf(req.cookies?.[VIEW_COOKIE]) },
    };
  });

  app.post("/prefs", { schema: { body: PrefsForm } }, async (req, reply) => {
    const form = req.body;
    const opts = { path: "/", sameSite: "lax" as const, secure: req.protocol === "https", maxAge: YEAR };
    if (form.theme === "system") reply.clearCookie(THEME_COOKIE, { path: "/" });
    else if (form.theme) reply.setCookie(THEME_COOKIE, form.theme, opts);
    if (form.view) reply.setCookie(VIEW_COOKIE, form.view, opts);
    if ((req.headers.accept ?? "").includes("application/json")) return { ok: true };
    return reply.redirect(safeNext(form.next), 303);
  });
}
