import type { Db } from "../db/client.ts";
import { parseEmail } from "../email/address.ts";
import type { BackgroundJobs } from "../email/background.ts";
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
import { checkPassword, normalizeUsername } from "./username.ts";

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
  /** Account mail is sent after the answer, so the answer cannot tell who has an account. */
  background: BackgroundJobs;
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
  const created = await createIfNew(db, input, now, opts);
  if (created.id === null)
    throw new AccountError("An account with that email exists. Log in or reset your password.", "email");
  return created.id;
}

/**
 * The checks a visitor may see the result of (username rules and whether it is taken: usernames
 * are public), then the account, or `id: null` when the address already has one. The password is
 * hashed either way, so both cases take the same time.
 */
async function createIfNew(
  db: Db,
  input: SignUpInput,
  now: Date,
  opts: { role?: Role; verified?: boolean },
): Promise<{ id: number | null; email: string }> {
  const name = normalizeUsername(input.username);
  if (!name.ok) throw new AccountError(name.error, "username");
  const email = parseEmail(input.email);
  if (!email.ok) throw new AccountError(email.error, "email");
  const pwError = checkPassword(input.password);
  if (pwError) throw new AccountError(pwError, "password");
  const usernameTaken = async () => {
    const taken = await userByUsername(db, name.username);
    if (taken)
      throw new AccountError(
        taken.origin === "hf"
          ? "That username belongs to an imported Hugging Face submitter. Choose another."
          : "That username is taken.",
        "username",
      );
  };
  await usernameTaken();
  const passwordHash = await hashPassword(input.password);
  if (await userByEmail(db, email.email)) return { id: null, email: email.email };
  const id = await insertUser(
    db,
    { username: name.username, email: email.email, passwordHash, ...opts },
    now,
  );
  // Lost a race with a simultaneous sign-up: for the same name (say so), or the same address.
  if (id === null) await usernameTaken();
  return { id, email: email.email };
}

/**
 * Signs up, answering the same way whether or not the address already has an account: a new
 * account gets a confirmation link, an existing one's owner is told someone tried (and how to
 * log in or reset). Either mail is sent after the answer.
 */
export async function signUp(deps: AccountDeps, input: SignUpInput): Promise<void> {
  const { id, email } = await createIfNew(deps.db, input, deps.now(), {});
  if (id !== null) {
    deps.background.run("verification mail", () => sendVerification(deps, id, email));
    return;
  }
  deps.background.run("sign-up notice", () =>
    deps.mailer.send({
      to: email,
      subject: "Someone tried to sign up for Daily Papers with your address",
      text: `Someone (perhaps you) tried to create a Daily Papers account with this email address, which already has one.

Log in: ${deps.baseUrl}/login
Forgot your password? ${deps.baseUrl}/forgot-password

If it was not you, ignore this message; nothing changed.
`,
    }),
  );
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

/** Confirms the address; returns the account, which the link signs in (sign-up did not). */
export async function verifyEmail(
  deps: Pick<AccountDeps, "db" | "secret" | "now">,
  token: string,
): Promise<number | null> {
  return deps.db.transaction(async (tx) => {
    const userId = await consumeToken(tx, deps.secret, token, "verify_email", deps.now());
    if (userId === null) return null;
    await userEmailVerified(tx, userId, deps.now());
    return userId;
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

/**
 * Checks the address's form, then looks it up and mails a reset link after the answer: the
 * request does the same work whether or not an account exists, and an SMTP refusal cannot
 * show in it either.
 */
export async function requestPasswordReset(deps: AccountDeps, emailInput: string): Promise<void> {
  const email = parseEmail(emailInput);
  if (!email.ok) throw new AccountError(email.error, "email");
  deps.background.run("password reset mail", () => mailResetLink(deps, email.email));
}

async function mailResetLink(deps: AccountDeps, email: string): Promise<void> {
  const user = await userByEmail(deps.db, email);
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
