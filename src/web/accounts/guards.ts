import type { FastifyReply, FastifyRequest } from "fastify";
import { allows, POLICY_ROLES, type RolePolicy } from "../../users/policies.ts";
import type { SessionUser } from "../../users/types.ts";
import { HttpError, isApiRequest } from "../errors.ts";
import { isLocalPath } from "../fields.ts";

/** `next` when it is a local path (fields.ts says which are), else the fallback. */
export function safeNext(next: unknown, fallback = "/"): string {
  return isLocalPath(next) ? next : fallback;
}

/** Route guard (a preValidation hook, so it runs before the body is checked): pages send visitors to log in and come back; API calls and form posts get 401. */
export async function requireUser(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (req.user) return;
  if (req.method === "GET" && !isApiRequest(req)) {
    return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
  }
  throw new HttpError(401, "Log in to do this.");
}

/** preHandler factory: the signed-in user must be allowed by this policy (users/policies.ts). */
export function requirePolicy(policy: RolePolicy) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!req.user) return requireUser(req, reply);
    if (!allows(policy, req.user)) throw new HttpError(403, `Only a ${POLICY_ROLES[policy]} can do this.`);
  };
}

/** For handlers behind requireUser: the user, typed as present. */
export function currentUser(req: FastifyRequest): SessionUser {
  if (!req.user) throw new HttpError(401, "Log in to do this.");
  return req.user;
}
