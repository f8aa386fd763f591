import { createHash, randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Queryable } from "../db/client.ts";

/**
 * Anonymous pages rendered once and served from memory until something they show changes.
 * Rendering a feed or paper page costs several queries and milliseconds of templating; most
 * visitors are anonymous and see the same bytes. Each request still asks the database for one
 * number, `site_version` (a one-row table that writers bump at commit, see migration 0035), so
 * a vote or a comment committed on any web node is on the next anonymous page load everywhere.
 *
 * What stays personal: a signed-in visitor (or one holding a session cookie) is never served
 * from or stored in the cache; the CSRF token in a page's forms is replaced by a marker when
 * stored and by the visitor's own token when served; other cookies (theme, layout) are part of
 * the key. Entries also expire after `ttlMs`, which bounds what the number does not track
 * (time passing on the trending page, similar papers as vectors arrive).
 */
export interface PageCacheOptions {
  db: Queryable;
  /** Route patterns (as registered) whose GET responses may be cached. */
  routes: readonly string[];
  maxBytes?: number;
  ttlMs?: number;
  now?: () => number;
}

interface Entry {
  version: number;
  storedAt: number;
  body: string;
  headers: Record<string, string>;
  etag: string;
}

/** The read-only pages and API reads that anonymous visitors load most. */
export const CACHEABLE_ROUTES = [
  "/",
  "/papers/date/:date",
  "/papers/week/:week",
  "/papers/month/:month",
  "/papers/date",
  "/papers/week",
  "/papers/month",
  "/papers/trending",
  "/papers/*",
  "/search",
  "/api/daily_papers",
  "/api/papers/search",
  "/api/papers/*",
] as const;

const SESSION_COOKIE = "dp_session";
const CSRF_COOKIE = "dp_csrf";
// Headers a cached response must not replay: they belong to the request that rendered it.
const PER_RESPONSE = new Set(["set-cookie", "content-length", "date", "connection", "x-cache", "etag"]);

declare module "fastify" {
  interface FastifyRequest {
    pageCacheSlot: { key: string; version: number } | null;
  }
}

export async function registerPageCache(app: FastifyInstance, opts: PageCacheOptions): Promise<void> {
  const cache = new Lru(opts.maxBytes ?? 64 * 1024 * 1024);
  const ttl = opts.ttlMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const routes = new Set(opts.routes);
  // Unguessable, so no page content can contain it by accident or on purpose.
  const marker = `dp-csrf-${randomBytes(12).toString("hex")}`;

  app.decorateRequest("pageCacheSlot", null);

  // Added after the session hook, so by now the request knows who is asking.
  app.addHook("onRequest", async (req, reply) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || !routes.has(req.routeOptions.url ?? "")) return;
    if (req.cookies?.[SESSION_COOKIE] || req.pageContext?.user) return;
    const version = await siteVersion(opts.db);
    const key = cacheKey(req);
    const hit = cache.get(key);
    if (hit && hit.version === version && now() - hit.storedAt < ttl) {
      reply.header("etag", hit.etag).header("x-cache", "hit");
      for (const [k, v] of Object.entries(hit.headers)) reply.header(k, v);
      if (req.headers["if-none-match"] === hit.etag) return reply.code(304).send();
      const token = req.pageContext?.csrfToken ?? "";
      return reply.code(200).send(hit.body.replaceAll(marker, token));
    }
    req.pageCacheSlot = { key, version };
  });

  app.addHook("onSend", async (req, reply, payload) => {
    const slot = req.pageCacheSlot;
    if (!slot || reply.statusCode !== 200 || typeof payload !== "string") return payload;
    const token = req.pageContext?.csrfToken;
    const body = token ? payload.replaceAll(token, marker) : payload;
    const etag = `W/"${slot.version}-${createHash("sha1").update(body).digest("base64url").slice(0, 16)}"`;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(reply.getHeaders()))
      if (v !== undefined && !PER_RESPONSE.has(k)) headers[k] = Array.isArray(v) ? v.join(", ") : String(v);
    cache.set(slot.key, { version: slot.version, storedAt: now(), body, headers, etag }, body.length);
    reply.header("etag", etag).header("x-cache", "miss");
    return payload;
  });
}

async function siteVersion(db: Queryable): Promise<number> {
  const [row] = await db.query<{ version: number }>("select version from site_version");
  return row?.version ?? 0;
}

/** The URL as the visitor asked for it, and every cookie that can change the page (not the session or CSRF ones). */
function cacheKey(req: FastifyRequest): string {
  const cookies = Object.entries(req.cookies ?? {})
    .filter(([k]) => k !== CSRF_COOKIE && k !== SESSION_COOKIE)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(";");
  // Host and protocol: absolute links (the API's Link header, feed URLs) are made from them.
  const method = req.method === "HEAD" ? "GET" : req.method;
  return `${method} ${req.protocol}://${req.host}${req.url} ${req.headers.accept ?? ""} ${cookies}`;
}

/** Least recently used first out, bounded by the bytes of the bodies it holds. */
class Lru {
  private map = new Map<string, { entry: Entry; bytes: number }>();
  private bytes = 0;
  constructor(private readonly maxBytes: number) {}

  get(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.entry;
  }

  set(key: string, entry: Entry, bytes: number): void {
    if (bytes > this.maxBytes / 8) return;
    const old = this.map.get(key);
    if (old) {
      this.bytes -= old.bytes;
      this.map.delete(key);
    }
    this.map.set(key, { entry, bytes });
    this.bytes += bytes;
    for (const [k, e] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= e.bytes;
    }
  }
}
