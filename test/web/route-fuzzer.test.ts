import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, test } from "node:test";
import type { InjectOptions } from "fastify";
import { postComment } from "../../src/community/comments.ts";
import { saveTopic } from "../../src/topics/commands.ts";
import type { RouteEntry } from "../../src/web/route-table.ts";
import { cookiesAfter, makeUser } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { IDS, seedFeed } from "../helpers/feed-fixture.ts";

/**
 * Issue 10, finding 6: odd input must never be a 500. Goes over every route the app registered
 * (its route table, so routes added later are covered without touching this file) and sends
 * each attack vector of fixtures/fuzz-vectors.json in each declared parameter, query field and
 * body field (plus one undeclared field), anonymously and signed in as an admin, with a valid
 * CSRF token, as a form and as JSON.
 */
interface Vector {
  name: string;
  text?: string;
  times?: number;
  raw?: string;
  json?: unknown;
  repeat?: string[];
  rawKeySuffix?: string;
  /** Also sent anonymously and in undeclared fields. */
  core?: boolean;
}

const { vectors } = JSON.parse(
  fs.readFileSync(new URL("./fixtures/fuzz-vectors.json", import.meta.url), "utf8"),
) as { vectors: Vector[] };

type Part = "params" | "querystring" | "body";
interface Client {
  name: string;
  cookie: string;
  csrf: string;
}

const UNDECLARED = "unexpected_field";

/** Plausible values, so that a request with one bad field gets past the others. */
function baseline(field: string, fixtures: Record<string, string>): string {
  const known: Record<string, string> = {
    "*": IDS.A,
    id: fixtures.commentId,
    archive: "hep-th",
    num: "9901001",
    slug: fixtures.topicSlug,
    username: "victim",
    file: "app.css",
    date: "2024-08-09",
    week: "2024-W32",
    month: "2024-08",
    arxiv_id: IDS.A,
    arxiv: IDS.A,
    vote: "1",
    body: "A comment.",
    reason: "Fuzzing",
    role: "user",
    email: "someone@example.com",
    login: "victim",
    // Too short for an account: refused before any slow password hashing.
    password: "short",
    next: "/",
    q: "benchmark",
    name: "A topic",
    frequency: "daily",
    send_hour: "7",
    time_zone: "UTC",
    mode: "keyword",
    sort: "trending",
  };
  return known[field] ?? "1";
}

/** The path's parameters, from its pattern: `:name` segments and a `*` wildcard. */
function pathParams(url: string): string[] {
  return [...url.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? "*");
}

function declaredFields(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

/** Text as a URL or form would carry it: percent-encoded text, or raw bytes left as they are. */
function encoded(v: Vector): string | null {
  if (v.raw !== undefined) return v.raw;
  if (v.text !== undefined) return encodeURIComponent(v.text.repeat(v.times ?? 1));
  return null;
}

function pairs(fields: Record<string, string>, targets: string[], v: Vector): string {
  const out: string[] = [];
  for (const [k, value] of Object.entries(fields)) {
    const key = encodeURIComponent(k);
    if (!targets.includes(k)) out.push(`${key}=${encodeURIComponent(value)}`);
    else if (v.repeat) for (const r of v.repeat) out.push(`${key}=${encodeURIComponent(r)}`);
    else out.push(`${key}${v.rawKeySuffix ?? ""}=${encoded(v)}`);
  }
  return out.join("&");
}

/**
 * One request putting vector v in the target fields of one part of the route (the others keep
 * plausible values), or null if v cannot go there.
 */
function request(
  route: RouteEntry & { method: string },
  part: Part,
  targets: string[],
  v: Vector,
  client: Client,
  fixtures: Record<string, string>,
  ip: string,
): InjectOptions | null {
  const json = part === "body" && v.json !== undefined;
  if (!json && encoded(v) === null && !v.repeat) return null;
  if (part === "params" && (v.repeat || v.rawKeySuffix)) return null;
  if (part !== "body" && v.json !== undefined) return null;
  const values = (declared: string[], extra: string[]) =>
    Object.fromEntries([...new Set([...declared, ...extra])].map((f) => [f, baseline(f, fixtures)]));
  const query = values(declaredFields(route.schema?.querystring), part === "querystring" ? targets : []);
  const body = values(declaredFields(route.schema?.body), part === "body" ? targets : []);

  let url = route.url;
  for (const p of pathParams(route.url)) {
    const value =
      part === "params" && targets.includes(p)
        ? (encoded(v) as string)
        : encodeURIComponent(baseline(p, fixtures));
    url = p === "*" ? url.replace("*", value) : url.replace(`:${p}`, value);
  }
  url += `?${pairs(query, part === "querystring" ? targets : [], v)}`;

  const headers: Record<string, string> = { cookie: client.cookie, "x-csrf-token": client.csrf };
  const opts: InjectOptions = {
    method: route.method as InjectOptions["method"],
    url,
    headers,
    remoteAddress: ip,
  };
  if (route.method === "GET") return opts;
  if (json) {
    headers["content-type"] = "application/json";
    const bad = Object.fromEntries(targets.map((f) => [f, v.json]));
    opts.payload = JSON.stringify({ ...body, _csrf: client.csrf, ...bad });
  } else {
    headers["content-type"] = "application/x-www-form-urlencoded";
    opts.payload = pairs({ ...body, _csrf: client.csrf }, part === "body" ? targets : [], v);
  }
  return opts;
}

/** The session and CSRF cookies and the token a page's forms carry, as a browser would have them. */
async function browserClient(t: TestApp, name: string, cookie: string): Promise<Client> {
  const page = await t.app.inject({ url: "/login", headers: cookie ? { cookie } : {} });
  const jar = cookiesAfter(cookie, page.headers["set-cookie"]);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(csrf, "the login page carries a CSRF token");
  return { name, cookie: jar, csrf };
}

describe("route fuzzer", () => {
  let t: TestApp;
  const fixtures: Record<string, string> = {};
  const clients: Client[] = [];

  before(async () => {
    t = await openTestApp("pglite");
    await seedFeed(t.db);
    const admin = await makeUser(t.db, { username: "fuzzadmin", role: "admin" });
    await makeUser(t.db, { username: "victim" });
    const topic = await saveTopic(t.db, { query: "benchmark", name: "Benchmarks" });
    assert.ok(topic.ok);
    fixtures.topicSlug = topic.topic.slug;
    fixtures.commentId = String(
      await postComment(
        t.db,
        { userId: admin.userId, arxivId: IDS.A, parentId: null, body: "First" },
        new Date(),
      ),
    );
    await t.app.ready();
    clients.push(await browserClient(t, "anonymous", ""));
    clients.push(await browserClient(t, "admin", admin.cookie));
  });
  after(async () => {
    await t?.close();
  });

  test("no route answers 500 to odd input, signed in or not", async () => {
    const routes = t.app.routeTable
      .flatMap((r) => [r.method].flat().map((method) => ({ ...r, method })))
      .filter((r) => r.method !== "HEAD")
      // Logging out ends the session the rest of the run uses.
      .sort((a, b) => Number(a.url === "/logout") - Number(b.url === "/logout"));
    assert.ok(routes.length >= 50, `the route table lists every route (${routes.length})`);

    // A route may still read a field by hand that it does not declare: every field name some
    // route declares, and one nobody does, get the core vectors all at once.
    const known = (part: Part) => [...new Set(routes.flatMap((r) => declaredFields(r.schema?.[part])))];
    const guessed = {
      querystring: [...known("querystring"), UNDECLARED],
      body: [...known("body"), UNDECLARED],
    };
    const failures: string[] = [];
    const unclear: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    for (const client of clients) {
      for (const route of routes) {
        const declared = (part: "querystring" | "body") => declaredFields(route.schema?.[part]);
        const undeclared = (part: "querystring" | "body") =>
          guessed[part].filter((f) => !declared(part).includes(f));
        // [part, target fields, whether the field is declared (and so gets every vector)]
        const targets: [Part, string[], boolean][] = [
          ...pathParams(route.url).map((f): [Part, string[], boolean] => ["params", [f], true]),
          ...declared("querystring").map((f): [Part, string[], boolean] => ["querystring", [f], true]),
          ["querystring", undeclared("querystring"), false],
        ];
        if (route.method !== "GET")
          targets.push(...declared("body").map((f): [Part, string[], boolean] => ["body", [f], true]), [
            "body",
            undeclared("body"),
            false,
          ]);
        const batch: Promise<void>[] = [];
        for (const [part, fields, isDeclared] of targets) {
          const full = client.name === "admin" && isDeclared;
          // Rate limits count before a body is parsed, so the admin's quota for a route runs out
          // part-way through its vectors: the NUL probe goes first, alone, on fresh windows.
          if (full) {
            await Promise.all(batch.splice(0));
            await t.db.query("delete from rate_buckets");
          }
          const order = full
            ? [...vectors].sort((a, b) => Number(b.name === "NUL") - Number(a.name === "NUL"))
            : vectors.filter((x) => x.core);
          for (const [i, v] of order.entries()) {
            if (full && i === 1) await Promise.all(batch.splice(0));
            const ip = `10.77.${Math.floor(sent / 250) % 250}.${sent % 250}`;
            const opts = request(route, part, fields, v, client, fixtures, ip);
            if (!opts) continue;
            sent += 1;
            const what = `${route.method} ${route.url} ${part}.${fields.length > 1 ? "(undeclared fields)" : fields[0]} = ${v.name} (${client.name})`;
            batch.push(
              t.app.inject(opts).then((res) => {
                statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
                // /readyz answers 503 with its checks while an index is still loading: that is its
                // answer, not a failure (this app has not loaded its keyword index yet).
                const notReady =
                  route.url === "/readyz" && res.statusCode === 503 && /"ready":false/.test(res.body);
                if (res.statusCode >= 500 && !notReady)
                  failures.push(`${what}: ${res.statusCode} ${res.body.slice(0, 200)}`);
                // A NUL in a declared field is a 400 (the admin passes every guard, and fields
                // are checked before any handler runs).
                if (isDeclared && client.name === "admin" && v.name === "NUL" && res.statusCode !== 400)
                  unclear.push(`${what}: ${res.statusCode}`);
              }),
            );
          }
        }
        const started = Date.now();
        await Promise.all(batch);
        if (process.env.FUZZ_TIMING)
          console.log(Date.now() - started, route.method, route.url, client.name, batch.length);
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${sent} requests failed with 5xx`);
    assert.deepEqual(unclear, [], "NUL in a declared field is a 400");
    // Not a vacuous pass: odd input was refused as such.
    assert.ok((statuses.get(400) ?? 0) > sent / 5, JSON.stringify(Object.fromEntries(statuses)));
  });
});
