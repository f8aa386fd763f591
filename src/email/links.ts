import { signToken } from "./tokens.ts";

/** Confirmation links are good for two days; unsubscribe and manage links never expire. */
const CONFIRM_TTL_SECONDS = 48 * 3600;

export interface LinkDeps {
  secret: string;
  baseUrl: string;
}

type Who = { id: number; email: string };

export function confirmUrl(d: LinkDeps, who: Who, now: Date, topicId?: number): string {
  const token = signToken(d.secret, "confirm", {
    s: who.id,
    e: who.email.toLowerCase(),
    ...(topicId ? { t: topicId } : {}),
    x: Math.floor(now.getTime() / 1000) + CONFIRM_TTL_SECONDS,
  });
  return `${d.baseUrl}/subscribe/confirm?token=${encodeURIComponent(token)}`;
}

function unsubscribeToken(d: LinkDeps, who: Who): string {
  return signToken(d.secret, "unsubscribe", { s: who.id, e: who.email.toLowerCase() });
}

export function unsubscribeUrl(d: LinkDeps, who: Who): string {
  return `${d.baseUrl}/unsubscribe?token=${encodeURIComponent(unsubscribeToken(d, who))}`;
}

export function manageToken(d: LinkDeps, who: Who): string {
  return signToken(d.secret, "manage", { s: who.id, e: who.email.toLowerCase() });
}

export function manageUrl(d: LinkDeps, who: Who): string {
  return `${d.baseUrl}/subscription?token=${encodeURIComponent(manageToken(d, who))}`;
}

/** The bare address of a From header like `Daily Papers <papers@example.org>`. */
export function mailboxOf(from: string): string {
  const m = /<([^>]+)>/.exec(from);
  return (m ? m[1] : from).trim();
}

/**
 * RFC 2369 / RFC 8058 headers: mail clients show an unsubscribe button and POST
 * "List-Unsubscribe=One-Click" to the URL, without cookies or a CSRF token.
 */
export function listUnsubscribeHeaders(d: LinkDeps, who: Who, from: string): Record<string, string> {
  const token = unsubscribeToken(d, who);
  const mailto = `mailto:${mailboxOf(from)}?subject=unsubscribe&body=${encodeURIComponent(token)}`;
  return {
    "List-Unsubscribe": `<${d.baseUrl}/unsubscribe?token=${encodeURIComponent(token)}>, <${mailto}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    "List-Id": `Daily Papers digest <digest.${new URL(d.baseUrl).hostname}>`,
  };
}
