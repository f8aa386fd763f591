import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import type { TopicSearch } from "../topics/papers.ts";
import type { BackgroundJobs } from "./background.ts";
import { DEFAULT_POLICY, type DeliveryDeps } from "./deps.ts";
import type { Mailer } from "./mailer.ts";

/**
 * The delivery dependencies, taken from the composition root's services (src/services.ts):
 * the web app, the CLI and the digest scheduler all derive them from the same services.
 */
export function deliveryDeps(s: {
  config: Config;
  db: Db;
  mailer: Mailer;
  search: TopicSearch;
  secret: string;
  now: () => Date;
  log?: Logger;
  background: BackgroundJobs;
}): DeliveryDeps {
  return {
    db: s.db,
    mailer: s.mailer,
    search: s.search,
    secret: s.secret,
    baseUrl: s.config.baseUrl,
    mailFrom: s.config.mailFrom,
    now: s.now,
    log: s.log,
    background: s.background,
    policy: {
      ...DEFAULT_POLICY,
      sendRatePerSecond: s.config.digestSendRate,
      maxBounces: s.config.digestMaxBounces,
      leaseMs: s.config.digestLeaseSeconds * 1000,
    },
  };
}
