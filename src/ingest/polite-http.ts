import http from "node:http";
import https from "node:https";
import { type Clock, systemClock } from "../clock.ts";
import { retryAfterMs, withRetries } from "../http/retry.ts";

/**
 * The one way Daily Papers talks to arXiv: a single keep-alive connection, a pause between
 * requests, 503 + Retry-After honoured, and capped exponential backoff on network errors and
 * 5xx. arXiv's terms ask for exactly this, and blocks harvesters that ignore it.
 */
export interface PoliteOptions {
  /** Minimum pause between the end of one response and the next request. */
  delayMs: number;
  clock?: Clock;
  /** Tries per request before giving up (the first try counts). */
  maxTries?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  timeoutMs?: number;
  userAgent?: string;
}

interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A failure worth retrying: the connection dropped, the body was cut, or a 5xx came back. */
export class TransientError extends Error {
  /** Set when the server said how long to wait (503 Retry-After). */
  retryAfterMs?: number;
  constructor(message: string, retryAfterMs?: number) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}

/** The request kept failing after every try; the message says what happened last. */
export class HttpGiveUpError extends Error {}

export interface PoliteClient {
  /**
   * GETs the URL, paced and retried. `check` may throw TransientError to have a bad body (not
   * XML, cut short) retried like a network error. Non-5xx statuses are returned to the caller.
   */
  get<T = HttpResponse>(url: string, check?: (res: HttpResponse) => T): Promise<T>;
  close(): void;
}

const DEFAULTS = { maxTries: 5, backoffBaseMs: 5_000, backoffCapMs: 120_000, timeoutMs: 120_000 };

export function createPoliteClient(options: PoliteOptions): PoliteClient {
  const clock = options.clock ?? systemClock;
  const maxTries = options.maxTries ?? DEFAULTS.maxTries;
  const base = options.backoffBaseMs ?? DEFAULTS.backoffBaseMs;
  const cap = options.backoffCapMs ?? DEFAULTS.backoffCapMs;
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 1 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 1 }),
  };
  let lastDone: number | null = null;

  async function pace(extraWaitMs = 0): Promise<void> {
    const sinceLast = lastDone === null ? Number.POSITIVE_INFINITY : clock.now() - lastDone;
    const wait = Math.max(extraWaitMs, options.delayMs - sinceLast);
    if (wait > 0) await clock.sleep(wait);
  }

  async function get<T>(url: string, check?: (res: HttpResponse) => T): Promise<T> {
    let extraWait = 0;
    try {
      return await withRetries(
        async () => {
          await pace(extraWait);
          try {
            const res = await requestOnce(url, agents, options);
            if (res.status >= 500)
              throw new TransientError(
                `HTTP ${res.status}${res.status === 503 ? " (service unavailable)" : ""}`,
                retryAfterMs(res.headers["retry-after"], clock.now()),
              );
            return check ? check(res) : (res as T);
          } finally {
            lastDone = clock.now();
          }
        },
        {
          retries: maxTries - 1,
          backoffMs: base,
          capMs: cap,
          clock,
          wait: async (ms) => {
            extraWait = ms;
          },
          retryable: (err) => err instanceof TransientError,
          // A server's own wait replaces the backoff (within reason), after the usual pause.
          waitAskedMs: (err) =>
            err instanceof TransientError && err.retryAfterMs !== undefined
              ? Math.min(err.retryAfterMs, cap * 10)
              : undefined,
        },
      );
    } catch (err) {
      if (!(err instanceof TransientError)) throw err;
      throw new HttpGiveUpError(
        `${hostOf(url)} failed ${maxTries} times in a row; last error: ${err.message}`,
      );
    }
  }

  return {
    get,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function requestOnce(
  url: string,
  agents: { http: http.Agent; https: https.Agent },
  options: PoliteOptions,
): Promise<HttpResponse> {
  const u = new URL(url);
  const lib = u.protocol === "https:" ? https : http;
  const agent = u.protocol === "https:" ? agents.https : agents.http;
  return new Promise((resolve, reject) => {
    const req = lib.get(
      u,
      {
        agent,
        headers: { "user-agent": options.userAgent ?? "DailyPapers/0.1 (self-hosted; OAI-PMH harvester)" },
        timeout: options.timeoutMs ?? DEFAULTS.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let failed = false;
        const fail = (why: string) => {
          if (failed) return;
          failed = true;
          reject(new TransientError(why));
        };
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("aborted", () => fail("the connection closed before the response was complete"));
        res.on("error", () => fail("the connection closed before the response was complete"));
        res.on("end", () => {
          if (failed) return;
          const body = Buffer.concat(chunks);
          const expected = Number(res.headers["content-length"]);
          if (Number.isFinite(expected) && body.length < expected) {
            fail(`the response was cut short (${body.length} of ${expected} bytes)`);
            return;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body.toString("utf8") });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (err: NodeJS.ErrnoException) => {
      // A name that does not resolve is a wrong URL, not a blip: say so at once.
      if (err.code === "ENOTFOUND")
        reject(new HttpGiveUpError(`${u.host} does not resolve (ENOTFOUND): check the URL`));
      else reject(new TransientError(`network error: ${err.code ?? err.message}`));
    });
  });
}
