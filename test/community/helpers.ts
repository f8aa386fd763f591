import type { FastifyInstance } from "fastify";
import type { Queryable } from "../../src/db/client.ts";
import { upsertPapers } from "../../src/papers/store.ts";
import type { PaperInput } from "../../src/papers/types.ts";
import { createSession } from "../../src/users/sessions.ts";
import { insertUser } from "../../src/users/store.ts";
import type { Role } from "../../src/users/types.ts";
import { csrfTokenFor } from "../../src/web/accounts/csrf.ts";

export const TEST_SECRET = "test-secret-not-for-production";

/** What a browser would send: the session and CSRF cookies, and the token its forms carry. */
export interface Client {
  userId: number;
  cookie: string;
  csrf: string;
}

let seq = 0;

/** A verified account with a live session, made without the slow password hash. */
export async function makeUser(
  db: Queryable,
  opts: { username?: string; role?: Role; verified?: boolean; now?: Date } = {},
): Promise<Client> {
  const now = opts.now ?? new Date();
  seq += 1;
  const username = opts.username ?? `user${seq}_${process.pid}`;
  const id = await insertUser(
    db,
    {
      username,
      email: `${username}@example.com`,
      passwordHash: "x",
      role: opts.role,
      verified: opts.verified ?? true,
    },
    now,
  );
  if (id === null) throw new Error(`user ${username} exists`);
  const sid = await createSession(db, id, now);
  const nonce = `nonce-${seq}-abcdefghijklmnopqrstuvwxyz`;
  return {
    userId: id,
    cookie: `dp_session=${sid}; dp_csrf=${nonce}`,
    csrf: csrfTokenFor(TEST_SECRET, nonce, sid),
  };
}

export function anonymous(): { cookie: string; csrf: string } {
  const nonce = "anon-nonce-abcdefghijklmnopqrstuvwxyz";
  return { cookie: `dp_csrf=${nonce}`, csrf: csrfTokenFor(TEST_SECRET, nonce, "") };
}

export async function makePaper(db: Queryable, over: Partial<PaperInput> = {}): Promise<PaperInput> {
  seq += 1;
  const p: PaperInput = {
    arxivId: `2408.${String(10000 + seq).slice(-5)}`,
    version: 1,
    title: `A paper about things ${seq}`,
    abstract: "We study things.",
    authors: [{ name: "Ada Lovelace" }],
    categories: ["cs.LG"],
    primaryCategory: "cs.LG",
    publishedAt: new Date(),
    source: "sample",
    ...over,
  };
  await upsertPapers(db, [p]);
  return p;
}

/** Posts a form as this client. */
export function post(
  app: FastifyInstance,
  client: { cookie: string; csrf: string },
  url: string,
  fields: Record<string, string>,
  opts: { ip?: string; headers?: Record<string, string> } = {},
) {
  return app.inject({
    method: "POST",
    url,
    remoteAddress: opts.ip,
    headers: { cookie: client.cookie, "content-type": "application/x-www-form-urlencoded", ...opts.headers },
    payload: new URLSearchParams({ _csrf: client.csrf, ...fields }).toString(),
  });
}

/** The cookies a response set, as a Cookie header value merged over an old one. */
export function cookiesAfter(oldCookie: string, setCookie: string | string[] | undefined): string {
  const jar = new Map(
    oldCookie
      .split(/;\s*/)
      .filter(Boolean)
      .map((kv) => [kv.split("=")[0], kv.slice(kv.indexOf("=") + 1)] as [string, string]),
  );
  for (const c of [setCookie ?? []].flat()) {
    const [kv] = c.split(";");
    const name = kv.split("=")[0];
    const value = kv.slice(name.length + 1);
    if (/Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c) || value === "") jar.delete(name);
    else jar.set(name, value);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}
