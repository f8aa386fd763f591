import type { Queryable } from "../db/client.ts";

/**
 * Every rate limit in one table (after lobste.rs' rack_attack initializer). Each action has
 * rules per client IP and, once known, per user or per login name; a request must pass all.
 * Login is the strictest: per name it stops password guessing spread over many addresses.
 */
export type Scope = "ip" | "user" | "login" | "email";
interface ThrottleRule {
  scope: Scope;
  limit: number;
  windowSec: number;
}

const THROTTLES = {
  signup: [{ scope: "ip", limit: 5, windowSec: 3600 }],
  // "login" is the name *and the client's network* (see loginSubject): five wrong passwords from
  // one network stop that network guessing the name, not the owner logging in from elsewhere.
  login: [
    { scope: "ip", limit: 20, windowSec: 900 },
    { scope: "login", limit: 5, windowSec: 900 },
  ],
  password_reset: [
    { scope: "ip", limit: 5, windowSec: 3600 },
    { scope: "email", limit: 3, windowSec: 3600 },
  ],
  verify_resend: [{ scope: "user", limit: 3, windowSec: 3600 }],
  comment: [
    { scope: "ip", limit: 60, windowSec: 600 },
    { scope: "user", limit: 10, windowSec: 600 },
  ],
  submit: [
    { scope: "ip", limit: 30, windowSec: 3600 },
    { scope: "user", limit: 10, windowSec: 3600 },
  ],
  vote: [
    { scope: "ip", limit: 300, windowSec: 60 },
    { scope: "user", limit: 60, windowSec: 60 },
  ],
  // saves, collections, not-interested and author follows: cheap, undoable clicks
  library: [
    { scope: "ip", limit: 300, windowSec: 60 },
    { scope: "user", limit: 120, windowSec: 60 },
  ],
  api_token: [{ scope: "user", limit: 10, windowSec: 3600 }],
  // the subscribe and follow forms: each address also gets at most one mail an hour (email/subscription.ts)
  subscribe: [{ scope: "ip", limit: 20, windowSec: 3600 }],
} satisfies Record<string, ThrottleRule[]>;

export type ThrottleAction = keyof typeof THROTTLES;
export type Subjects = Partial<Record<Scope, string | number | null | undefined>>;

export interface ThrottleResult {
  ok: boolean;
  /** Seconds until the tightest exceeded window ends. */
  retryAfterSec: number;
}

/**
 * Counts one attempt against every rule of an action. A fixed window per key, advanced by a
 * single upsert, so concurrent requests from several processes count exactly.
 */
export async function throttleHit(
  db: Queryable,
  action: ThrottleAction,
  subjects: Subjects,
  now: Date,
): Promise<ThrottleResult> {
  let retry = 0;
  for (const rule of THROTTLES[action] as ThrottleRule[]) {
    const who = subjects[rule.scope];
    if (who === undefined || who === null || who === "") continue;
    const key = `${action}:${rule.scope}:${String(who).toLowerCase()}`;
    const rows = await db.query<{ hits: number; window_start: Date }>(
      `insert into rate_buckets as b (key, window_start, hits) values ($1, $2, 1)
       on conflict (key) do update set
         hits = case when b.window_start <= $2::timestamptz - make_interval(secs => $3) then 1 else b.hits + 1 end,
         window_start = case when b.window_start <= $2::timestamptz - make_interval(secs => $3) then $2 else b.window_start end
       returning hits, window_start`,
      [key, now, rule.windowSec],
    );
    const { hits, window_start } = rows[0];
    if (hits > rule.limit) {
      const left = Math.ceil((window_start.getTime() + rule.windowSec * 1000 - now.getTime()) / 1000);
      retry = Math.max(retry, left, 1);
    }
  }
  return { ok: retry === 0, retryAfterSec: retry };
}

/**
 * The network a client address belongs to: its /24 for IPv4 and its /48 for IPv6 (what one
 * customer of a provider usually holds), so the per-name login limit follows an attacker's
 * network rather than the name alone.
 */
function networkOf(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/i.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  const halves = ip.toLowerCase().split("::");
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length > 1 && halves[1] ? halves[1].split(":") : [];
  const groups = [...head, ...Array(Math.max(0, 8 - head.length - tail.length)).fill("0"), ...tail];
  return `${groups
    .slice(0, 3)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/48`;
}

/** The per-name login counter's subject: the name as typed, within the client's network. */
export function loginSubject(ip: string, login: string): string {
  return `${networkOf(ip)} ${login}`;
}

/** A successful login clears the per-name counter, so a user's own typos do not lock them out later. */
export async function throttleReset(
  db: Queryable,
  action: ThrottleAction,
  scope: Scope,
  who: string,
): Promise<void> {
  await db.query(`delete from rate_buckets where key = $1`, [`${action}:${scope}:${who.toLowerCase()}`]);
}

export async function expiredBucketsDeleted(db: Queryable, now: Date): Promise<void> {
  await db.query(`delete from rate_buckets where window_start < $1::timestamptz - interval '1 day'`, [now]);
}
