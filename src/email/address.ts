/**
 * The one email-address validator: sign-up, password reset, subscribe, settings and the CLI all
 * use it, so an address refused in one place is refused everywhere and stored the same way.
 *
 * Strict on purpose. An address goes into a mail header and is compared for uniqueness, so
 * anything invisible or ambiguous is refused rather than cleaned: control characters (ESC,
 * U+0085), format characters (zero-width space and joiners, bidi marks, BOM), and any other
 * non-ASCII character (the mail server might drop or fold it, and `victim\x1b@…` would then reach
 * `victim@…` while counting as another address). Internationalised domains work in their
 * punycode form (xn--…). Delivery proves the rest.
 */
const EMAIL_MAX = 254;

export type EmailResult = { ok: true; email: string } | { ok: false; error: string };

const INVALID = "That is not a valid email address.";
// RFC 5321 dot-atom local part of printable ASCII, at most 64 characters.
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// DNS labels of letters, digits and inner hyphens; a top-level label that is not all digits.
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Normalises an address typed into a form (trimmed, domain lower-cased) or says why it is refused. */
export function parseEmail(input: unknown): EmailResult {
  if (typeof input !== "string" || input.trim() === "")
    return { ok: false, error: "Enter an email address." };
  if (input.length > EMAIL_MAX + 20) return { ok: false, error: "That email address is too long." };
  // Surrounding spaces are a typing slip; anything else outside printable ASCII is not.
  const email = input.replace(/^[ \t]+|[ \t]+$/g, "");
  if (email.length > EMAIL_MAX) return { ok: false, error: "That email address is too long." };
  if (!/^[\x21-\x7e]+$/.test(email)) return { ok: false, error: INVALID };
  const at = email.lastIndexOf("@");
  if (at < 1 || at !== email.indexOf("@")) return { ok: false, error: INVALID };
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  if (local.length > 64 || !LOCAL.test(local)) return { ok: false, error: INVALID };
  const labels = domain.split(".");
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels.at(-1) ?? ""))
    return { ok: false, error: INVALID };
  return { ok: true, email: `${local}@${domain}` };
}
