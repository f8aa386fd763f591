import pino, { type Logger } from "pino";

// Fastify's two lines per request: what a log collector wants, noise to a person at a terminal.
const REQUEST_LINES = new Set(["incoming request", "request completed"]);

/**
 * Logs go to stderr, so CLI output on stdout stays clean: JSON lines when stderr is a file, a
 * pipe or journald, readable lines (pino-pretty) on a terminal, without the per-request lines,
 * so `npm start` shows its banner and one line per problem. Anything that could carry a secret
 * is redacted by path, whatever the module that logged it.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const pretty = destination === undefined && process.stderr.isTTY === true;
  return pino(
    {
      level,
      hooks: pretty
        ? {
            logMethod(args, method, lvl) {
              const msg = args.find((a) => typeof a === "string");
              if (lvl === 30 && msg !== undefined && REQUEST_LINES.has(msg)) return;
              return method.apply(this, args);
            },
          }
        : {},
      // Replaces Fastify's request serializer: emailed links carry one-time tokens in the query.
      serializers: { req: serializeRequest },
      redact: {
        paths: [
          "password",
          "*.password",
          "token",
          "*.token",
          "req.headers.cookie",
          "req.headers.authorization",
          'res.headers["set-cookie"]',
        ],
        censor: "[redacted]",
      },
    },
    destination ??
      (pretty
        ? pino.transport({
            target: "pino-pretty",
            options: { destination: 2, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" },
          })
        : pino.destination(2)),
  );
}

const SECRET_PARAMS = /([?&](?:token|password|key|secret)=)[^&#]*/gi;

/** A URL as it may be logged: the values of token-like query parameters replaced. */
function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, "$1[redacted]");
}

function serializeRequest(req: { method?: string; url?: string; hostname?: string; ip?: string }) {
  return { method: req.method, url: redactUrl(req.url ?? ""), host: req.hostname, remoteAddress: req.ip };
}
