import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signed tokens for links in mail: confirming a subscription and unsubscribing work without a
 * login, so the link itself is the proof. The payload is readable (base64url JSON) but any
 * change breaks the HMAC. Each purpose has its own key derivation, so a confirm token can never
 * be replayed as an unsubscribe token or the other way round.
 */
export type TokenPurpose = "confirm" | "unsubscribe" | "manage";

export interface TokenPayload {
  /** subscriber id */
  s: number;
  /** lower-cased email the token was made for: a changed address invalidates old links */
  e: string;
  /** topic to follow on confirmation */
  t?: number;
  /** expiry, seconds since the epoch; absent for links that must keep working (unsubscribe) */
  x?: number;
}

function key(secret: string, purpose: TokenPurpose): Buffer {
  return createHmac("sha256", secret).update(`dailypapers-delivery-${purpose}`).digest();
}

export function signToken(secret: string, purpose: TokenPurpose, payload: TokenPayload): string {
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  const mac = createHmac("sha256", key(secret, purpose)).update(body).digest("base64url");
  return `${body}.${mac}`;
}

export type TokenCheck = { ok: true; payload: TokenPayload } | { ok: false; reason: "invalid" | "expired" };

export function verifyToken(secret: string, purpose: TokenPurpose, token: unknown, now: Date): TokenCheck {
  if (typeof token !== "string" || token.length > 2000) return { ok: false, reason: "invalid" };
  const [body, mac, extra] = token.split(".");
  if (!body || !mac || extra !== undefined) return { ok: false, reason: "invalid" };
  const want = createHmac("sha256", key(secret, purpose)).update(body).digest();
  const got = Buffer.from(mac, "base64url");
  if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, reason: "invalid" };
  let payload: TokenPayload;
  try {
    payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "invalid" };
  }
  if (!Number.isInteger(payload.s) || typeof payload.e !== "string") return { ok: false, reason: "invalid" };
  if (payload.x !== undefined && payload.x * 1000 < now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, payload };
}
