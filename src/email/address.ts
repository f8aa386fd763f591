import { z } from "zod";

const MAX_EMAIL = 254;
const emailSchema = z.email();

/**
 * Normalises an address typed into a form, or explains what is wrong with it. CR/LF and other
 * control characters are refused outright: the address ends up in a mail header.
 */
export function parseEmail(input: unknown): { ok: true; email: string } | { ok: false; error: string } {
  if (typeof input !== "string" || input.trim() === "")
    return { ok: false, error: "Enter an email address." };
  if (input.length > MAX_EMAIL) return { ok: false, error: "That email address is too long." };
  if (/[\u0000-\u001f\u007f]/.test(input)) return { ok: false, error: "That is not a valid email address." };
  const email = input.trim();
  if (!emailSchema.safeParse(email).success)
    return { ok: false, error: "That is not a valid email address." };
  const at = email.lastIndexOf("@");
  return { ok: true, email: `${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}` };
}
