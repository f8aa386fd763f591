/**
 * Usernames are NFKC-normalised (fullwidth "ａｌｉｃｅ" becomes "alice") and then limited to
 * ASCII letters, digits, "_" and "-", so look-alikes from other scripts ("аlice" with a
 * Cyrillic а) are refused rather than allowed to impersonate. Uniqueness ignores case.
 */
export const USERNAME_RULE =
  "2–30 characters: letters a–z, digits, '_' or '-', starting with a letter or digit";

export function normalizeUsername(
  input: string,
): { ok: true; username: string } | { ok: false; error: string } {
  const name = input.normalize("NFKC").trim();
  if (name.length === 0) return { ok: false, error: "Choose a username." };
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{1,29}$/.test(name)) {
    return { ok: false, error: `That username is not allowed. Usernames are ${USERNAME_RULE}.` };
  }
  return { ok: true, username: name };
}

export const PASSWORD_MIN = 10;
const PASSWORD_MAX = 200;

export function checkPassword(pw: string): string | null {
  if (pw.length < PASSWORD_MIN) return `Use a password of at least ${PASSWORD_MIN} characters.`;
  if (pw.length > PASSWORD_MAX) return `Use a password of at most ${PASSWORD_MAX} characters.`;
  return null;
}
