import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * Answers a GET with validators, and with 304 when the client's copy is current. If-None-Match
 * wins over If-Modified-Since (RFC 9110 13.2.2): the ETag also changes when only vote counts
 * do, which the date cannot tell.
 */
export function sendCacheable(
  req: FastifyRequest,
  reply: FastifyReply,
  opts: { body: string; type: string; lastModified: Date; maxAgeSeconds?: number },
) {
  const etag = `"${createHash("sha256").update(opts.body).digest("base64url").slice(0, 32)}"`;
  const lastModified = new Date(Math.floor(opts.lastModified.getTime() / 1000) * 1000);
  reply
    .header("etag", etag)
    .header("last-modified", lastModified.toUTCString())
    .header("cache-control", `public, max-age=${opts.maxAgeSeconds ?? 300}`)
    .header("vary", "accept-encoding");
  if (notModified(req, etag, lastModified)) return reply.code(304).send();
  return reply.type(opts.type).send(opts.body);
}

function notModified(req: FastifyRequest, etag: string, lastModified: Date): boolean {
  const inm = req.headers["if-none-match"];
  if (typeof inm === "string" && inm.trim()) {
    return inm.split(",").some((t) => {
      const tag = t.trim();
      return tag === "*" || tag === etag || tag === `W/${etag}`;
    });
  }
  const ims = req.headers["if-modified-since"];
  if (typeof ims !== "string") return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && lastModified.getTime() <= since;
}
