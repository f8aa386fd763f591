import path from "node:path";
import { Cron } from "croner";
import { z } from "zod";
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
  /** BASE_URL was set explicitly (otherwise baseUrl is derived from HOST and PORT). */
  baseUrlFromEnv: boolean;
  /** The operator's site name and tagline, shown in the header, titles and feeds. */
  siteName: string;
  siteTagline: string;
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

/** A bad configuration value: one line per variable, naming it; the CLI prints it without a stack. */
export class ConfigError extends Error {}

// An empty variable counts as unset, as shells make `X=` easy to leave behind.
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

function bad(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
}

/** A whole number; values below `atLeast` are raised to it (the floor keeps a worker from spinning). */
function wholeNumber(name: string, fallback: number, opts: { max?: number; atLeast?: number } = {}) {
  const range = opts.max === undefined ? "of 0 or more" : `from 0 to ${opts.max}`;
  return optional.transform((v, ctx) => {
    if (v === undefined) return fallback;
    const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || (opts.max !== undefined && n > opts.max))
      return bad(ctx, `${name} must be a whole number ${range}, got "${v}"`);
    return Math.max(opts.atLeast ?? 0, n);
  });
}

const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;

/** Every on/off variable reads the same words. */
function flag(name: string, fallback: boolean) {
  return optional.transform((v, ctx) => {
    if (v === undefined) return fallback;
    if (TRUE.test(v)) return true;
    if (FALSE.test(v)) return false;
    return bad(ctx, `${name} must be true or false (or 1/0, yes/no, on/off), got "${v}"`);
  });
}

function url(name: string, protocols: string[]) {
  return optional.transform((v, ctx) => {
    if (v === undefined) return undefined;
    let parsed: URL | undefined;
    try {
      parsed = new URL(v);
    } catch {}
    if (!parsed || !protocols.includes(parsed.protocol))
      return bad(ctx, `${name} must be a ${protocols.map((p) => `${p}//`).join(" or ")} URL, got "${v}"`);
    return v;
  });
}

const text = (fallback: string) => optional.transform((v) => v ?? fallback);
const HTTP = ["http:", "https:"];
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

const syncTime = optional.transform((value, ctx) => {
  // arXiv announces at 20:00 US Eastern (about 00:00-01:00 UTC); 02:00 UTC leaves a margin.
  const v = value ?? "02:00";
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(v);
  if (!m) return bad(ctx, `SYNC_TIME must be HH:MM (24-hour), got "${v}"`);
  return `${m[1].padStart(2, "0")}:${m[2]}`;
});

const syncTz = optional.transform((value, ctx) => {
  const tz = value ?? "UTC";
  if (!isValidTimeZone(tz))
    return bad(ctx, `SYNC_TZ must be an IANA time zone such as Europe/Paris, got "${tz}"`);
  return tz;
});

const syncCron = optional.transform((value, ctx) => {
  if (value === undefined) return undefined;
  try {
    new Cron(value, { paused: true });
  } catch (err) {
    return bad(
      ctx,
      `SYNC_CRON must be a cron pattern such as "0 2 * * *", got "${value}": ${(err as Error).message}`,
    );
  }
  return value;
});

const trustProxy = optional.transform((v): boolean | number | string[] => {
  if (v === undefined || v === "false") return false;
  if (v === "true") return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
});

const list = (fallback: string) =>
  optional.transform((v) =>
    (v ?? fallback)
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  );

/** Neutral: the operator names their own community with SITE_TAGLINE. */
const DEFAULT_TAGLINE = "New research papers, ranked by the people who read them";

/** The environment, variable by variable, with the defaults of the README's configuration table. */
const envSchema = z.object({
  DATA_DIR: text("./data"),
  DATABASE_URL: optional,
  HOST: text("127.0.0.1"),
  PORT: wholeNumber("PORT", 3000, { max: 65535 }),
  BASE_URL: url("BASE_URL", HTTP),
  SITE_NAME: optional.transform((v) => (v ?? "Daily Papers").slice(0, 60)),
  // Set but empty means no tagline, unlike the other variables.
  SITE_TAGLINE: z
    .string()
    .optional()
    .transform((v) => (v ?? DEFAULT_TAGLINE).trim().slice(0, 160)),
  SECRET: optional,
  ARXIV_OAI_URL: url("ARXIV_OAI_URL", HTTP),
  ARXIV_API_URL: url("ARXIV_API_URL", HTTP),
  ARXIV_DELAY_MS: wholeNumber("ARXIV_DELAY_MS", 3000),
  SYNC_ENABLED: flag("SYNC_ENABLED", false),
  SYNC_SETS: list("cs"),
  SYNC_TIME: syncTime,
  SYNC_TZ: syncTz,
  SYNC_CRON: syncCron,
  JOB_LEASE_SECONDS: wholeNumber("JOB_LEASE_SECONDS", 15, { atLeast: 2 }),
  EMBED_INTERVAL_SECONDS: wholeNumber("EMBED_INTERVAL_SECONDS", 30, { atLeast: 1 }),
  SEARCH_SYNC_SECONDS: wholeNumber("SEARCH_SYNC_SECONDS", 5, { atLeast: 1 }),
  SMTP_URL: url("SMTP_URL", ["smtp:", "smtps:"]),
  MAIL_FROM: text("Daily Papers <papers@localhost>"),
  LOG_LEVEL: optional.transform((v, ctx) =>
    v === undefined || LOG_LEVELS.includes(v)
      ? (v ?? "info")
      : bad(ctx, `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${v}"`),
  ),
  TRUST_PROXY: trustProxy,
  EMBEDDING_URL: url("EMBEDDING_URL", HTTP),
  EMBEDDING_MODEL: optional,
  EMBEDDING_API_KEY: optional,
  LLM_URL: url("LLM_URL", HTTP),
  LLM_MODEL: optional,
  LLM_API_KEY: optional,
  DIGEST_SCHEDULER: flag("DIGEST_SCHEDULER", false),
  PAGE_CACHE: flag("PAGE_CACHE", true),
  DIGEST_INTERVAL_SECONDS: wholeNumber("DIGEST_INTERVAL_SECONDS", 300, { atLeast: 10 }),
  DIGEST_SEND_RATE: wholeNumber("DIGEST_SEND_RATE", 10, { atLeast: 1 }),
  DIGEST_MAX_BOUNCES: wholeNumber("DIGEST_MAX_BOUNCES", 3, { atLeast: 1 }),
  DIGEST_LEASE_SECONDS: wholeNumber("DIGEST_LEASE_SECONDS", 15, { atLeast: 1 }),
  SUBMIT_MAX_AGE_DAYS: wholeNumber("SUBMIT_MAX_AGE_DAYS", 14),
  SUBMIT_DAILY_LIMIT: wholeNumber("SUBMIT_DAILY_LIMIT", 3),
  SUBMIT_MIN_ACCOUNT_AGE_HOURS: wholeNumber("SUBMIT_MIN_ACCOUNT_AGE_HOURS", 72),
});

/** Reads the configuration, or throws a ConfigError naming every bad variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => i.message).join("\n"));
  const e = parsed.data;
  return {
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    host: e.HOST,
    port: e.PORT,
    baseUrl: (e.BASE_URL ?? `http://${e.HOST === "0.0.0.0" ? "localhost" : e.HOST}:${e.PORT}`).replace(
      /\/$/,
      "",
    ),
    baseUrlFromEnv: e.BASE_URL !== undefined,
    siteName: e.SITE_NAME,
    siteTagline: e.SITE_TAGLINE,
    secret: e.SECRET,
    arxivOaiUrl: e.ARXIV_OAI_URL ?? "https://oaipmh.arxiv.org/oai",
    arxivApiUrl: e.ARXIV_API_URL ?? "https://export.arxiv.org/api/query",
    arxivDelayMs: e.ARXIV_DELAY_MS,
    syncEnabled: e.SYNC_ENABLED,
    syncSets: e.SYNC_SETS,
    syncTime: e.SYNC_TIME,
    syncTz: e.SYNC_TZ,
    syncCron: e.SYNC_CRON,
    jobLeaseSeconds: e.JOB_LEASE_SECONDS,
    embedIntervalSeconds: e.EMBED_INTERVAL_SECONDS,
    searchSyncSeconds: e.SEARCH_SYNC_SECONDS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    embeddingUrl: e.EMBEDDING_URL,
    embeddingModel: e.EMBEDDING_MODEL,
    embeddingApiKey: e.EMBEDDING_API_KEY,
    llmUrl: e.LLM_URL,
    llmModel: e.LLM_MODEL,
    llmApiKey: e.LLM_API_KEY,
    digestScheduler: e.DIGEST_SCHEDULER,
    pageCache: e.PAGE_CACHE,
    digestIntervalSeconds: e.DIGEST_INTERVAL_SECONDS,
    digestSendRate: e.DIGEST_SEND_RATE,
    digestMaxBounces: e.DIGEST_MAX_BOUNCES,
    digestLeaseSeconds: e.DIGEST_LEASE_SECONDS,
    submitMaxAgeDays: e.SUBMIT_MAX_AGE_DAYS,
    submitDailyLimit: e.SUBMIT_DAILY_LIMIT,
    submitMinAccountAgeHours: e.SUBMIT_MIN_ACCOUNT_AGE_HOURS,
  };
}
