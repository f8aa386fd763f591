import { createHash, randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Queryable } from "../db/client.ts";
import { ANY_VOTE, type Seen, SiteChanges } from "./site-changes.ts";

/**
 * Anonymous pages rendered once and served from memory until something they show changes.
 * Rendering a feed or paper page costs several queries and milliseconds of templating; most
 * visitors are anonymous and see the same bytes. Writers record, at commit, what each change
 * touched (migration 0250: the whole site, or one paper, its feed days and the vote rankings);
 * before serving a stored page this node reads the changes made since it last looked
 * (site-changes.ts, one shared read for all the requests waiting), so a vote or a comment
 * committed on any web node is on the next anonymous page load everywhere, while a vote on one
 * paper leaves the other papers' pages and the other days' feeds cached.
 *
 * What a page depends on is declared by its handler (`pageDependsOn`): a paper page on its
 * paper, a feed on its days, search results on the papers they list. A page that declares
 * nothing depends on every vote, which is right for rankings by votes and safe for the rest.
 *
 * What stays personal: a signed-in visitor (or one holding a session cookie) is never served
 * from or stored in the cache; the CSRF token in a page's forms is replaced by a marker when
 * stored and by the visitor's own token when served; other cookies (theme, layout) are part of
 * the key. Entries also expire after `ttlMs`, which bounds what the changes do not track
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
  seen: Seen;
  scopes: readonly string[];
  storedAt: number;
  /** The body as bytes, cut where the visitor's CSRF token goes: served without re-encoding. */
  parts: Buffer[];
  /** A body with no token in it (API answers), compressed once for clients that accept gzip. */
  gzip: Buffer | null;
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
    pageCacheSlot: { key: string; seen: Seen; scopes: string[] | null } | null;
  }
}

export async function registerPageCache(app: FastifyInstance, opts: PageCacheOptions): Promise<void> {
  const cache = new Lru(opts.maxBytes ?? 64 * 1024 * 1024);
  const ttl = opts.ttlMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const routes = new Set(opts.routes);
  // Unguessable, so no page content can contain it by accident or on purpose.
  const marker = `dp-csrf-${randomBytes(12).toString("hex")}`;
  const changes = new SiteChanges(opts.db);

  app.decorateRequest("pageCacheSlot", null);

  // Added after the session hook, so by now the request knows who is asking.
  app.addHook("onRequest", async (req, reply) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || !routes.has(req.routeOptions.url ?? "")) return;
    if (req.cookies?.[SESSION_COOKIE] || req.pageContext?.user) return;
    let seen: Seen;
    try {
      seen = await changes.seen();
    } catch (err) {
      // Without knowing what changed, render this page afresh and keep nothing.
      req.log.warn({ err }, "page cache: could not read the site's changes");
      return;
    }
    const key = cacheKey(req);
    const hit = cache.get(key);
    if (hit && now() - hit.storedAt < ttl && changes.unchangedSince(hit.seen, hit.scopes)) {
      reply.header("etag", hit.etag).header("x-cache", "hit");
      for (const [k, v] of Object.entries(hit.headers)) reply.header(k, v);
      if (req.headers["if-none-match"] === hit.etag) return reply.code(304).send();
      if (hit.gzip) {
        reply.header("vary", "accept-encoding");
        if (acceptsGzip(req)) return reply.code(200).header("content-encoding", "gzip").send(hit.gzip);
      }
      return reply.code(200).send(withToken(hit.parts, req.pageContext?.csrfToken ?? ""));
    }
    req.pageCacheSlot = { key, seen, scopes: null };
  });

  app.addHook("onSend", async (req, reply, payload) => {
    const slot = req.pageCacheSlot;
    if (!slot || reply.statusCode !== 200 || typeof payload !== "string") return payload;
    const token = req.pageContext?.csrfToken;
    const body = token ? payload.replaceAll(token, marker) : payload;
    const etag = `W/"${slot.seen.version}-${createHash("sha1").update(body).digest("base64url").slice(0, 16)}"`;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(reply.getHeaders()))
      if (v !== undefined && !PER_RESPONSE.has(k)) headers[k] = Array.isArray(v) ? v.join(", ") : String(v);
    const scopes = slot.scopes ?? [ANY_VOTE];
    const parts = body.split(marker).map((p) => Buffer.from(p));
    const gzip = parts.length === 1 && parts[0].length >= GZIP_FROM_BYTES ? gzipSync(parts[0]) : null;
    const bytes = parts.reduce((n, p) => n + p.length, 0) + (gzip?.length ?? 0);
    cache.set(slot.key, { seen: slot.seen, scopes, storedAt: now(), parts, gzip, headers, etag }, bytes);
    reply.header("etag", etag).header("x-cache", "miss");
    if (gzip) reply.header("vary", "accept-encoding");
    return payload;
  });
}

// Below this, compressing saves less than it costs the client to inflate.
const GZIP_FROM_BYTES = 4096;

function acceptsGzip(req: FastifyRequest): boolean {
  const accept = req.headers["accept-encoding"];
  return typeof accept === "string" && /(^|,)\s*gzip\s*(,|$|;(?!\s*q=0(\.0*)?\s*(,|$)))/i.test(accept);
}

function withToken(parts: Buffer[], token: string): Buffer {
  if (parts.length === 1) return parts[0];
  const t = Buffer.from(token);
  return Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [t, p])));
}

/**
 * Says what the page being rendered shows (scopes from site-changes.ts), so that it stays
 * cached through changes elsewhere. Call it with everything the page shows; calls add up.
 */
export function pageDependsOn(req: FastifyRequest, scopes: Iterable<string>): void {
  const slot = req.pageCacheSlot;
  if (slot) slot.scopes = [...(slot.scopes ?? []), ...scopes];
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
