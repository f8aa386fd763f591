import type { FastifyRequest } from "fastify";

/**
 * The origin a client reached us at, for absolute URLs in API answers (the Link header,
 * thumbnails). Taken from the request rather than BASE_URL: clients follow `Link: rel=next`
 * literally, so it must point where they already are, whatever the configured name or the
 * port actually bound. Behind a proxy named in TRUST_PROXY, X-Forwarded-Proto/Host apply.
 */
export function requestOrigin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}
