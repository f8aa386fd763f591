import pino, { type Logger } from "pino";

/**
 * Logs are JSON lines on stderr, so CLI output on stdout stays clean. Anything that could
 * carry a secret is redacted by path, whatever the module that logged it.
 */
export function createLogger(
  level: string,
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return pino(
    {
      level,
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
    destination,
  );
}

const SECRET_PARAMS = /([?&](?:token|password|key|secret)=)[^&#]*/gi;

/** A URL as it may be logged: the values of token-like query parameters replaced. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, "$1[redacted]");
}

function serializeRequest(req: { method?: string; url?: string; hostname?: string; ip?: string }) {
  return { method: req.method, url: redactUrl(req.url ?? ""), host: req.hostname, remoteAddress: req.ip };
}
