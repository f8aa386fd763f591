import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type Subjects, type ThrottleAction, throttleHit } from "../../community/throttle.ts";
import type { Queryable } from "../../db/client.ts";
import { HttpError } from "../errors.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The rate limit (community/throttle.ts) every request to this route counts against. */
    throttle?: ThrottleAction;
  }
}

/**
 * Routes declare their limit (`{ config: { throttle: "vote" } }`); this hook counts each request
 * by client IP and signed-in user before its body is parsed, so a flood costs no parsing, and
 * in one fixed place: after the session (onRequest), before auth checks and validation.
 */
export function installThrottles(app: FastifyInstance, deps: { db: Queryable; now: () => Date }): void {
  app.addHook("preParsing", async (req, reply, payload) => {
    const action = req.routeOptions.config?.throttle;
    if (action) await enforce(deps.db, reply, action, { ip: req.ip, user: req.user?.id }, deps.now());
    return payload;
  });
}

/**
 * Counts an attempt against the rules whose subject only the body names (the login name of a
 * login, the address of a password reset); the route's own declaration counted IP and user.
 */
export function throttleBy(
  db: Queryable,
  reply: FastifyReply,
  action: ThrottleAction,
  subjects: Omit<Subjects, "ip" | "user">,
  now: Date,
): Promise<void> {
  return enforce(db, reply, action, subjects, now);
}

/** Past a limit, answers 429 with Retry-After and a friendly page. */
async function enforce(
  db: Queryable,
  reply: FastifyReply,
  action: ThrottleAction,
  subjects: Subjects,
  now: Date,
): Promise<void> {
  const res = await throttleHit(db, action, subjects, now);
  if (res.ok) return;
  reply.header("retry-after", String(res.retryAfterSec));
  const minutes = Math.ceil(res.retryAfterSec / 60);
  throw new HttpError(
    429,
    `You have done that too often for now. Please wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again.`,
  );
}

/**
 * Counts an attempt from inside a handler, by IP and user (and any subjects given). Prefer the
 * route declaration above, which counts before parsing; routes not yet moved to it use this.
 */
export function throttle(
  db: Queryable,
  req: FastifyRequest,
  reply: FastifyReply,
  action: ThrottleAction,
  now: Date,
  subjects: Subjects = {},
): Promise<void> {
  return enforce(db, reply, action, { ip: req.ip, user: req.user?.id, ...subjects }, now);
}
