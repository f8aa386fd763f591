import path from "node:path";
import { Cron } from "croner";
import { isValidTimeZone } from "./dates.ts";

/**
 * Everything configurable comes from the environment once, here, and is passed down
 * explicitly; no module reads process.env on its own (a lesson from miniflux's global config).
 */
export interface Config {
  dataDir: string;
  databaseUrl: string | undefined;
  host: string;
  port: number;
  /** Public base URL, used in emails, feeds and absolute links. */
  baseUrl: string;
  /** Secret for signing tokens and cookies. Generated and stored in the data dir when unset. */
  secret: string | undefined;
  arxivOaiUrl: string;
  arxivApiUrl: string;
  arxivDelayMs: number;
  /** The daily arXiv sync (off unless SYNC_ENABLED=true): which sets, at what local time. */
  syncEnabled: boolean;
  syncSets: string[];
  syncTime: string;
  syncTz: string;
  /** A croner pattern that replaces SYNC_TIME (for example every 6 hours: "0 0 *\/6 * * *"). */
  syncCron: string | undefined;
  /** Recurring jobs (src/scheduler/): the lease a node holds while it runs one, renewed every third. */
  jobLeaseSeconds: number;
  /** How often the server embeds new papers, and how often each process tops its search indexes up. */
  embedIntervalSeconds: number;
  searchSyncSeconds: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: string;
  /**
   * Which proxies may set X-Forwarded-For/-Proto/-Host: false (default: none, the socket's address
   * is the client's), true (any: only when nothing but the proxy can reach the app), a hop count,
   * or a list of proxy addresses/CIDRs. Per-IP rate limits depend on it.
   */
  trustProxy: boolean | number | string[];
  embeddingUrl: string | undefined;
  embeddingModel: string | undefined;
  embeddingApiKey: string | undefined;
  /** An OpenAI-compatible chat endpoint that writes paper summaries (src/summaries/llm.ts). */
  llmUrl: string | undefined;
  llmModel: string | undefined;
  llmApiKey: string | undefined;
  /** Email digests: the in-server scheduler (off unless DIGEST_SCHEDULER=true) and sending limits. */
  digestScheduler: boolean;
  /** Anonymous pages served from memory until the site changes (web/page-cache.ts). */
  pageCache: boolean;
  digestIntervalSeconds: number;
  digestSendRate: number;
  digestMaxBounces: number;
  /** How long a worker holds a claimed digest without renewing it; a killed worker's digests go out again after this. */
  digestLeaseSeconds: number;
  /** Paper submission rules, shown on the submit page. */
  submitMaxAgeDays: number;
  submitDailyLimit: number;
  /** A first submission needs a verified email or an account at least this old. */
  submitMinAccountAgeHours: number;
}

function intFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

function syncTimeFrom(value: string | undefined): string {
  // arXiv announces at 20:00 US Eastern (about 00:00-01:00 UTC); 02:00 UTC leaves a margin.
  const v = value || "02:00";
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(v);
  if (!m) throw new Error(`SYNC_TIME must be HH:MM (24-hour), got "${v}"`);
  return `${m[1].padStart(2, "0")}:${m[2]}`;
}

function syncTzFrom(value: string | undefined): string {
  const tz = value || "UTC";
  if (!isValidTimeZone(tz))
    throw new Error(`SYNC_TZ must be an IANA time zone such as Europe/Paris, got "${tz}"`);
  return tz;
}

function syncCronFrom(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    new Cron(value, { paused: true });
  } catch (err) {
    throw new Error(
      `SYNC_CRON must be a cron pattern such as "0 2 * * *", got "${value}": ${(err as Error).message}`,
    );
  }
  return value;
}

function trustProxyFrom(value: string | undefined): boolean | number | string[] {
  const v = (value ?? "").trim();
  if (v === "" || v === "false") return false;
  if (v === "true") return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = intFrom(env.PORT, 3000, "PORT");
  const host = env.HOST || "127.0.0.1";
  return {
    dataDir: path.resolve(env.DATA_DIR || "./data"),
    databaseUrl: env.DATABASE_URL || undefined,
    host,
    port,
    baseUrl: (env.BASE_URL || `http://${host === "0.0.0.0" ? "localhost" : host}:${port}`).replace(/\/$/, ""),
    secret: env.SECRET || undefined,
    arxivOaiUrl: env.ARXIV_OAI_URL || "https://oaipmh.arxiv.org/oai",
    arxivApiUrl: env.ARXIV_API_URL || "https://export.arxiv.org/api/query",
    arxivDelayMs: intFrom(env.ARXIV_DELAY_MS, 3000, "ARXIV_DELAY_MS"),
    syncEnabled: /^(1|true|yes|on)$/i.test(env.SYNC_ENABLED ?? ""),
    syncSets: (env.SYNC_SETS || "cs")
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
    syncTime: syncTimeFrom(env.SYNC_TIME),
    syncTz: syncTzFrom(env.SYNC_TZ),
    syncCron: syncCronFrom(env.SYNC_CRON),
    jobLeaseSeconds: Math.max(2, intFrom(env.JOB_LEASE_SECONDS, 15, "JOB_LEASE_SECONDS")),
    embedIntervalSeconds: Math.max(1, intFrom(env.EMBED_INTERVAL_SECONDS, 30, "EMBED_INTERVAL_SECONDS")),
    searchSyncSeconds: Math.max(1, intFrom(env.SEARCH_SYNC_SECONDS, 5, "SEARCH_SYNC_SECONDS")),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || "Daily Papers <papers@localhost>",
    logLevel: env.LOG_LEVEL || "info",
    trustProxy: trustProxyFrom(env.TRUST_PROXY),
    embeddingUrl: env.EMBEDDING_URL || undefined,
    embeddingModel: env.EMBEDDING_MODEL || undefined,
    embeddingApiKey: env.EMBEDDING_API_KEY || undefined,
    llmUrl: env.LLM_URL || undefined,
    llmModel: env.LLM_MODEL || undefined,
    llmApiKey: env.LLM_API_KEY || undefined,
    digestScheduler: env.DIGEST_SCHEDULER === "true" || env.DIGEST_SCHEDULER === "1",
    pageCache: env.PAGE_CACHE !== "false" && env.PAGE_CACHE !== "0",
    digestIntervalSeconds: Math.max(10, intFrom(env.DIGEST_INTERVAL_SECONDS, 300, "DIGEST_INTERVAL_SECONDS")),
    digestSendRate: Math.max(1, intFrom(env.DIGEST_SEND_RATE, 10, "DIGEST_SEND_RATE")),
    digestMaxBounces: Math.max(1, intFrom(env.DIGEST_MAX_BOUNCES, 3, "DIGEST_MAX_BOUNCES")),
    digestLeaseSeconds: Math.max(1, intFrom(env.DIGEST_LEASE_SECONDS, 15, "DIGEST_LEASE_SECONDS")),
    submitMaxAgeDays: intFrom(env.SUBMIT_MAX_AGE_DAYS, 14, "SUBMIT_MAX_AGE_DAYS"),
    submitDailyLimit: intFrom(env.SUBMIT_DAILY_LIMIT, 3, "SUBMIT_DAILY_LIMIT"),
    submitMinAccountAgeHours: intFrom(env.SUBMIT_MIN_ACCOUNT_AGE_HOURS, 72, "SUBMIT_MIN_ACCOUNT_AGE_HOURS"),
  };
}
