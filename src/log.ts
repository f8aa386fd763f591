import pino, { type Logger } from "pino";

/**
 * Logs are JSON lines on stderr, so CLI output on stdout stays clean. Anything that could
 * carry a secret is redacted by path, whatever the module that logged it.
 */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
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
    pino.destination(2),
  );
}
