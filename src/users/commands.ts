import type { Db } from "../db/client.ts";
import type { Mailer } from "../email/mailer.ts";
import { UserError } from "../user-error.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { deleteUserSessions } from "./sessions.ts";
import {
  insertUser,
  type UserRow,
  userByEmail,
  userByLogin,
  userByUsername,
  userEmailVerified,
  userPasswordSet,
} from "./store.ts";
import { consumeToken, issueToken, tokensRevoked } from "./tokens.ts";
import type { Role } from "./types.ts";
import { checkPassword, normalizeEmail, normalizeUsername } from "./username.ts";

/** A refusal the person can act on; `field` names the form field at fault. */
export class AccountError extends UserError {
  constructor(message: string, field?: string) {
    super(400, message, field);
  }
}

export interface AccountDeps {
  db: Db;
  secret: string;
  mailer: Mailer;
  baseUrl: string;
  now: () => Date;
}

export interface SignUpInput {
  username: string;
  email: string;
  password: string;
}

/** Validates and creates a local account. Imported (Hugging Face) names stay with their owners. */
export async function createAccount(
  db: Db,
  input: SignUpInput,
  now: Date,
  opts: { role?: Role; verified?: boolean } = {},
): Promise<number> {
  const name = normalizeUsername(input.username);
  if (!name.ok) throw new AccountError(name.error, "username");
  const email = normalizeEmail(input.email);
  if (!email.ok) throw new AccountError(email.error, "email");
  const pwError = checkPassword(input.password);
  if (pwError) throw new AccountError(pwError, "password");
  const taken = await userByUsername(db, name.username);
  if (taken) {
    throw new AccountError(
      taken.origin === "hf"
        ? "That username belongs to an imported Hugging Face submitter. Choose another."
        : "That username is taken.",
      "username",
    );
  }
  if (await userByEmail(db, email.email)) {
    throw new AccountError("An account with that email exists. Log in or reset your password.", "email");
  }
  const passwordHash = await hashPassword(input.password);
  const id = await insertUser(
    db,
    { username: name.username, email: email.email, passwordHash, ...opts },
    now,
  );
  // Lost a race with a simultaneous sign-up for the same name or address.
  if (id === null)
    throw new AccountError("That username or email was just taken. Choose another.", "username");
  return id;
}

export async function signUp(deps: AccountDeps, input: SignUpInput): Promise<number> {
  const id = await createAccount(deps.db, input, deps.now());
  await sendVerification(deps, id, input.email.normalize("NFKC").trim());
  return id;
}

export async function sendVerification(deps: AccountDeps, userId: number, email: string): Promise<void> {
  const token = await issueToken(deps.db, deps.secret, userId, "verify_email", deps.now());
  const link = `${deps.baseUrl}/verify-email?token=${encodeURIComponent(token)}`;
  await deps.mailer.send({
    to: email,
    subject: "Confirm your email for Daily Papers",
    text: `Welcome to Daily Papers.\n\nConfirm your email address by opening this link within 48 hours:\n\n${link}\n\nIf you did not sign up, ignore this message.\n`,
  });
}

export async function verifyEmail(
  deps: Pick<AccountDeps, "db" | "secret" | "now">,
  token: string,
): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const userId = await consumeToken(tx, deps.secret, token, "verify_email", deps.now());
    if (userId === null) return false;
    await userEmailVerified(tx, userId, deps.now());
    return true;
  });
}

/** The account for a login and password, or null; imported and suspended accounts cannot log in. */
export async function authenticate(db: Db, login: string, password: string): Promise<UserRow | null> {
  const user = login ? await userByLogin(db, login.normalize("NFKC").trim()) : null;
  const ok = await verifyPassword(user?.origin === "local" ? user.passwordHash : null, password);
  if (!ok || !user) return null;
  if (user.suspendedAt)
    throw new AccountError(`This account is suspended: ${user.suspendedReason ?? "no reason given"}.`);
  return user;
}

/** Mails a reset link when the address has a local account; says nothing either way to the caller. */
export async function requestPasswordReset(deps: AccountDeps, emailInput: string): Promise<void> {
  const email = normalizeEmail(emailInput);
  if (!email.ok) throw new AccountError(email.error, "email");
  const user = await userByEmail(deps.db, email.email);
  if (user?.origin !== "local" || !user.email) return;
  const token = await issueToken(deps.db, deps.secret, user.id, "reset_password", deps.now());
  const link = `${deps.baseUrl}/reset-password?token=${encodeURIComponent(token)}`;
  await deps.mailer.send({
    to: user.email,
    subject: "Reset your Daily Papers password",
    text: `Someone asked to reset the password of ${user.username} on Daily Papers.\n\nChoose a new password within one hour here:\n\n${link}\n\nIf it was not you, ignore this message; your password stays as it is.\n`,
  });
}

/** Sets a new password, uses the token up, ends every session and voids other reset links. */
export async function resetPassword(
  deps: Pick<AccountDeps, "db" | "secret" | "now">,
  token: string,
  password: string,
): Promise<number> {
  const pwError = checkPassword(password);
  if (pwError) throw new AccountError(pwError, "password");
  const passwordHash = await hashPassword(password);
  return deps.db.transaction(async (tx) => {
    const now = deps.now();
    const userId = await consumeToken(tx, deps.secret, token, "reset_password", now);
    if (userId === null)
      throw new AccountError("This reset link has expired or was already used. Ask for a new one.");
    await userPasswordSet(tx, userId, passwordHash);
    // Whoever knew the link could read the mailbox, so the address counts as verified.
    await userEmailVerified(tx, userId, now);
    await deleteUserSessions(tx, userId);
    await tokensRevoked(tx, userId, "reset_password", now);
    return userId;
  });
}
