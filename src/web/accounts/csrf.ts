import { randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { hmac } from "../../users/secret.ts";
import { HttpError } from "../errors.ts";
import { html, type SafeHtml } from "../html.ts";
import type { PageContext } from "../layout.ts";

/**
 * Signed double submit bound to the session: the browser holds a random nonce in an HttpOnly
 * cookie, and forms carry HMAC(secret, nonce, session id). A cross-site page can make the browser
 * send the cookies but cannot read them, and cannot compute the token without the secret. The
 * session id in the MAC means a pair an attacker got for themselves (or planted as a cookie) is
 * worthless with anyone else's session, and a login (new session id) invalidates older tokens.
 */
const CSRF_FIELD = "_csrf";
const CSRF_HEADER = "x-csrf-token";

export function newCsrfNonce(): string {
  return randomBytes(24).toString("base64url");
}

/** `sessionId` is the signed-in session's cookie value, or "" for an anonymous visitor. */
export function csrfTokenFor(secret: string, nonce: string, sessionId: string): string {
  return hmac(secret, "csrf", `${nonce}.${sessionId}`);
}

/** The hidden input every state-changing form includes. */
export function csrfField(ctx: PageContext | undefined): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${ctx?.csrfToken ?? ""}">`;
}

function sentToken(req: FastifyRequest): string | undefined {
  const header = req.headers[CSRF_HEADER];
  if (typeof header === "string" && header) return header;
  const body = req.body as Record<string, unknown> | undefined;
  const field = body && typeof body === "object" ? body[CSRF_FIELD] : undefined;
  return typeof field === "string" ? field : undefined;
}

export function verifyCsrf(req: FastifyRequest, secret: string, sessionIds: string[]): void {
  const nonce = req.cookies?.dp_csrf;
  const sent = sentToken(req);
  if (!nonce || !sent) {
    throw new HttpError(
      403,
      "This form has expired or was sent from another site. Reload the page and try again.",
    );
  }
  const got = Buffer.from(sent);
  const matches = (sessionId: string) => {
    const want = Buffer.from(csrfTokenFor(secret, nonce, sessionId));
    return want.length === got.length && timingSafeEqual(want, got);
  };
  if (!sessionIds.some(matches)) {
    throw new HttpError(
      403,
      "This form has expired or was sent from another site. Reload the page and try again.",
    );
  }
}
