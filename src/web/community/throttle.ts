import type { FastifyReply, FastifyRequest } from "fastify";
import { type Subjects, type ThrottleAction, throttleHit } from "../../community/throttle.ts";
import type { Queryable } from "../../db/client.ts";
import { HttpError } from "../errors.ts";

/** Counts the attempt; past a limit, answers 429 with Retry-After and a friendly page. */
export async function throttle(
  db: Queryable,
  req: FastifyRequest,
  reply: FastifyReply,
  action: ThrottleAction,
  now: Date,
  subjects: Subjects = {},
): Promise<void> {
  const res = await throttleHit(db, action, { ip: req.ip, user: req.user?.id, ...subjects }, now);
  if (res.ok) return;
  reply.header("retry-after", String(res.retryAfterSec));
  const minutes = Math.ceil(res.retryAfterSec / 60);
  throw new HttpError(
    429,
    `You have done that too often for now. Please wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again.`,
  );
}
