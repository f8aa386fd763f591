import path from "node:path";

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
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: string;
  embeddingUrl: string | undefined;
  embeddingModel: string | undefined;
  embeddingApiKey: string | undefined;
}

function intFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
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
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || "Daily Papers <papers@localhost>",
    logLevel: env.LOG_LEVEL || "info",
    embeddingUrl: env.EMBEDDING_URL || undefined,
    embeddingModel: env.EMBEDDING_MODEL || undefined,
    embeddingApiKey: env.EMBEDDING_API_KEY || undefined,
  };
}
