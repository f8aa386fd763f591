import type { Queryable } from "../db/client.ts";
import type { Role } from "./types.ts";

export interface UserRow {
  id: number;
  username: string;
  displayName: string | null;
  email: string | null;
  emailVerifiedAt: Date | null;
  /** An address asked for in settings, not confirmed yet (the account keeps `email` until then). */
  pendingEmail: string | null;
  passwordHash: string | null;
  role: Role;
  origin: "local" | "hf";
  avatarUrl: string | null;
  suspendedAt: Date | null;
  suspendedReason: string | null;
  createdAt: Date;
}

const COLUMNS = `id, username, display_name as "displayName", email, email_verified_at as "emailVerifiedAt",
  pending_email as "pendingEmail", password_hash as "passwordHash", role, origin, avatar_url as "avatarUrl", suspended_at as "suspendedAt",
  suspended_reason as "suspendedReason", created_at as "createdAt"`;

export async function userById(db: Queryable, id: number): Promise<UserRow | null> {
  const rows = await db.query<UserRow>(`select ${COLUMNS} from users where id = $1`, [id]);
  return rows[0] ?? null;
}

export async function userByUsername(db: Queryable, username: string): Promise<UserRow | null> {
  const rows = await db.query<UserRow>(`select ${COLUMNS} from users where lower(username) = lower($1)`, [
    username,
  ]);
  return rows[0] ?? null;
}

/** A login name may be a username or an email address. */
export async function userByLogin(db: Queryable, login: string): Promise<UserRow | null> {
  const rows = await db.query<UserRow>(
    `select ${COLUMNS} from users where lower(username) = lower($1) or lower(email) = lower($1)
      order by (lower(username) = lower($1)) desc limit 1`,
    [login],
  );
  return rows[0] ?? null;
}

export async function userByEmail(db: Queryable, email: string): Promise<UserRow | null> {
  const rows = await db.query<UserRow>(`select ${COLUMNS} from users where lower(email) = lower($1)`, [
    email,
  ]);
  return rows[0] ?? null;
}

export type NewUser = {
  username: string;
  email: string;
  passwordHash: string;
  role?: Role;
  verified?: boolean;
};

/** Inserts a local account; null when the username or email is taken (by anyone, imported or local). */
export async function insertUser(db: Queryable, u: NewUser, now: Date): Promise<number | null> {
  const rows = await db.query<{ id: number }>(
    `insert into users (username, email, password_hash, role, origin, email_verified_at, created_at)
     values ($1, $2, $3, $4, 'local', $5, $6)
     on conflict do nothing returning id`,
    [u.username, u.email, u.passwordHash, u.role ?? "user", u.verified ? now : null, now],
  );
  return rows[0]?.id ?? null;
}

export async function userPasswordSet(db: Queryable, userId: number, passwordHash: string): Promise<void> {
  await db.query(`update users set password_hash = $2 where id = $1 and origin = 'local'`, [
    userId,
    passwordHash,
  ]);
}

export async function userEmailVerified(db: Queryable, userId: number, now: Date): Promise<void> {
  await db.query(`update users set email_verified_at = coalesce(email_verified_at, $2) where id = $1`, [
    userId,
    now,
  ]);
}

export async function userRoleSet(db: Queryable, userId: number, role: Role): Promise<void> {
  await db.query(`update users set role = $2 where id = $1`, [userId, role]);
}

export async function userSuspensionSet(
  db: Queryable,
  userId: number,
  at: Date | null,
  reason: string | null,
): Promise<void> {
  await db.query(`update users set suspended_at = $2, suspended_reason = $3 where id = $1`, [
    userId,
    at,
    reason,
  ]);
}

/** A submitter named in imported Hugging Face data. Such rows have no password and cannot log in. */
export interface ImportedUser {
  username: string;
  displayName: string | null;
  avatarUrl: string | null;
}

/**
 * Creates or refreshes imported (origin 'hf') users and returns their ids keyed by lower-cased
 * username. The newest name and avatar win. A local account that already holds the name is
 * never touched: the imported user is stored as "NAME-hf" instead.
 */
export async function upsertImportedUsers(
  db: Queryable,
  users: ImportedUser[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const byKey = new Map(users.map((u) => [u.username.toLowerCase(), u]));
  if (byKey.size === 0) return ids;
  const upsert = (list: ImportedUser[]) =>
    db.query<{ id: number; key: string; origin: string }>(
      `with x as (
         select * from jsonb_to_recordset($1::jsonb) as x(username text, display_name text, avatar_url text)
       ), up as (
         insert into users (username, display_name, avatar_url, origin)
         select username, display_name, avatar_url, 'hf' from x
         on conflict ((lower(username))) do update
           set display_name = excluded.display_name, avatar_url = excluded.avatar_url
           where users.origin = 'hf'
             and (users.display_name, users.avatar_url) is distinct from (excluded.display_name, excluded.avatar_url)
         returning id, lower(username) as key, origin
       )
       select id, key, origin from up
       union all
       select u.id, lower(u.username), u.origin from users u join x on lower(u.username) = lower(x.username)
       where lower(u.username) not in (select key from up)`,
      [
        JSON.stringify(
          list.map((u) => ({ username: u.username, display_name: u.displayName, avatar_url: u.avatarUrl })),
        ),
      ],
    );
  const taken: ImportedUser[] = [];
  for (const r of await upsert([...byKey.values()])) {
    if (r.origin === "hf") ids.set(r.key, r.id);
    else taken.push({ ...(byKey.get(r.key) as ImportedUser), username: `${byKey.get(r.key)?.username}-hf` });
  }
  for (const r of taken.length > 0 ? await upsert(taken) : []) {
    if (r.origin === "hf") ids.set(r.key.replace(/-hf$/, ""), r.id);
  }
  return ids;
}

export async function userPendingEmailSet(db: Queryable, userId: number, email: string): Promise<void> {
  await db.query("update users set pending_email = $2 where id = $1", [userId, email]);
}

/** The account takes the address it was waiting for, confirmed by the link that was opened. */
export async function userEmailMoved(db: Queryable, userId: number, email: string, now: Date): Promise<void> {
  await db.query("update users set email = $2, email_verified_at = $3, pending_email = null where id = $1", [
    userId,
    email,
    now,
  ]);
}

/** What is left of a deleted account: its id, behind a placeholder name, so threads keep their shape. */
export async function userAnonymise(db: Queryable, userId: number): Promise<void> {
  await db.query(
    `update users set username = 'deleted-' || id, display_name = null, email = null,
       email_verified_at = null, pending_email = null, password_hash = null, avatar_url = null, role = 'user'
     where id = $1`,
    [userId],
  );
}
