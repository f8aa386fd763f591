import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { openDatabase } from "../db/open.ts";
import { createLogger } from "../log.ts";
import { appSecret } from "../users/secret.ts";
import { DEFAULT_POLICY, type DeliveryDeps } from "./deps.ts";
import { createMailer, type Mailer } from "./mailer.ts";

/** Builds the delivery dependencies from configuration: the one place the web app, the CLI and the scheduler share. */
export async function deliveryDeps(
  config: Config,
  db: Db,
  opts: { log?: Logger; now?: () => Date; mailer?: Mailer } = {},
): Promise<DeliveryDeps> {
  const log = opts.log;
  const mailer =
    opts.mailer ??
    createMailer({
      smtpUrl: config.smtpUrl,
      from: config.mailFrom,
      // Without SMTP the mail goes to the log (subject and recipient only: links carry tokens).
      onUnsent: (m) => log?.info({ to: m.to, subject: m.subject }, "SMTP_URL is not set; mail not sent"),
    });
  return {
    db,
    mailer,
    secret: await appSecret(db, config.secret),
    baseUrl: config.baseUrl,
    mailFrom: config.mailFrom,
    now: opts.now ?? (() => new Date()),
    log,
    policy: {
      ...DEFAULT_POLICY,
      sendRatePerSecond: config.digestSendRate,
      maxBounces: config.digestMaxBounces,
      leaseMs: config.digestLeaseSeconds * 1000,
    },
  };
}

/** Opens the database, builds the delivery dependencies, runs `fn`, and closes everything (CLI). */
export async function setupDelivery<T>(
  config: Config,
  opts: { now?: () => Date },
  fn: (d: DeliveryDeps) => Promise<T>,
): Promise<T> {
  const db = await openDatabase(config);
  const d = await deliveryDeps(config, db, { log: createLogger(config.logLevel), now: opts.now });
  try {
    return await fn(d);
  } finally {
    d.mailer.close();
    await db.close();
  }
}
