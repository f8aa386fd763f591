import cookie from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Queryable } from "../../db/client.ts";
import { createSession, deleteSession, sessionUser } from "../../users/sessions.ts";
import type { SessionUser } from "../../users/types.ts";
import type { AppDeps } from "../app.ts";
import { csrfTokenFor, newCsrfNonce, verifyCsrf } from "./csrf.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in user, or null; set before any handler runs. */
    user: SessionUser | null;
  }
  interface FastifyContextConfig {
    /** false exempts a route from the CSRF check (only for requests that carry their own proof, like one-click unsubscribe). */
    csrf?: boolean;
  }
}

const SESSION_COOKIE = "dp_session";
const CSRF_COOKIE = "dp_csrf";
const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function cookieOptions(req: FastifyRequest, maxAgeDays: number) {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "lax" as const,
    secure: req.protocol === "https",
    maxAge: maxAgeDays * 86_400,
  };
}

/**
 * Fills req.user and req.pageContext for every request, and refuses state-changing requests
 * without a valid CSRF token. Anonymous visitors get a CSRF cookie too, so their forms (sign
 * up, subscribe) are protected the same way.
 */
export async function installSessions(app: FastifyInstance, deps: AppDeps, secret: string): Promise<void> {
  if (!app.hasRequestDecorator("cookies")) await app.register(cookie);
  app.decorateRequest("user", null);

  app.addHook("onRequest", async (req, reply) => {
    // Static files render no page: no session look-up for them.
    if (req.url.startsWith("/static/")) return;
    const sid = req.cookies[SESSION_COOKIE];
    req.user = sid ? await sessionUser(deps.db, sid, deps.now()) : null;
    if (sid && !req.user) reply.clearCookie(SESSION_COOKIE, { path: "/" });
    let nonce = req.cookies[CSRF_COOKIE];
    if (!nonce || nonce.length < 20 || nonce.length > 100) {
      nonce = newCsrfNonce();
      // Kept for the rest of this request, so the form it renders matches the cookie it sets.
      req.cookies[CSRF_COOKIE] = nonce;
      reply.setCookie(CSRF_COOKIE, nonce, cookieOptions(req, 365));
    }
    req.pageContext = {
      ...req.pageContext,
      user: req.user ? { id: req.user.id, username: req.user.username, role: req.user.role } : null,
      csrfToken: csrfTokenFor(secret, nonce, boundSession(req)),
    };
  });

  // Before validation: a forged request is refused as such, whatever its body holds.
  app.addHook("preValidation", async (req) => {
    if (!STATE_CHANGING.has(req.method) || req.routeOptions.config?.csrf === false) return;
    verifyCsrf(req, secret, acceptedBindings(req));
  });
}

/**
 * The signed-in request's session cookie: a secret only this browser holds (the database keeps
 * a hash), for sealing what only this session may read back (a new API token's one showing).
 */
export function sessionSecret(req: FastifyRequest): string | null {
  return req.user ? (req.cookies[SESSION_COOKIE] ?? null) : null;
}

/** Pages carry a token bound to the live session, or to "" for an anonymous visitor. */
function boundSession(req: FastifyRequest): string {
  return req.user ? (req.cookies[SESSION_COOKIE] ?? "") : "";
}

/**
 * A signed-in request needs a token bound to its own session. A request whose session just
 * ended (expiry, suspension) acts for nobody, so a token from the page it was on still passes
 * and the user is told to log in rather than that the form expired.
 */
function acceptedBindings(req: FastifyRequest): string[] {
  const sid = req.cookies[SESSION_COOKIE];
  if (req.user) return [sid ?? ""];
  return sid ? ["", sid] : [""];
}

/** Starts a fresh session (a new id: no fixation) and a fresh CSRF nonce. */
export async function startSession(
  db: Queryable,
  req: FastifyRequest,
  reply: FastifyReply,
  userId: number,
  now: Date,
): Promise<void> {
  const old = req.cookies[SESSION_COOKIE];
  if (old) await deleteSession(db, old);
  const sid = await createSession(db, userId, now);
  reply.setCookie(SESSION_COOKIE, sid, cookieOptions(req, 30));
  reply.setCookie(CSRF_COOKIE, newCsrfNonce(), cookieOptions(req, 365));
}

export async function endSession(db: Queryable, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const sid = req.cookies[SESSION_COOKIE];
  if (sid) await deleteSession(db, sid);
  reply.clearCookie(SESSION_COOKIE, { path: "/" });
  reply.setCookie(CSRF_COOKIE, newCsrfNonce(), cookieOptions(req, 365));
}
