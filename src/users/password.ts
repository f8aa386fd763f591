import { hash, verify } from "@node-rs/argon2";

/** Argon2id with the library's defaults (OWASP-level memory cost). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verifying against a real hash when no account matches keeps "no such user" and "wrong
// password" equally slow, so timing does not reveal which usernames exist.
let dummy: Promise<string> | null = null;

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    dummy ??= hash("no-such-account-placeholder");
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
