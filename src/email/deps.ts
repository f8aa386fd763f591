import type { Logger } from "pino";
import type { Db } from "../db/client.ts";
import type { TopicSearch } from "../topics/papers.ts";
import type { BackgroundJobs } from "./background.ts";
import type { Mailer } from "./mailer.ts";

/** What the delivery commands and the worker use; built once by the server, the CLI or a test. */
export interface DeliveryDeps {
  db: Db;
  mailer: Mailer;
  /** The search service: digest topic sections run each topic's search through it. */
  search: TopicSearch;
  secret: string;
  baseUrl: string;
  mailFrom: string;
  now: () => Date;
  log?: Logger;
  /** Confirmation mails leave after the answer (src/email/background.ts). */
  background: BackgroundJobs;
  policy: DeliveryPolicy;
}

export interface DeliveryPolicy {
  /** Messages per second the worker sends at most. */
  sendRatePerSecond: number;
  /** Permanent failures after which an address is suspended. */
  maxBounces: number;
  /** Temporary failures after which a digest is given up. */
  maxAttempts: number;
  /** First retry delay; doubles with each attempt. */
  retryBaseMs: number;
  /**
   * How long a claimed row stays with its worker unless renewed: a live worker renews it every
   * third of this (a heartbeat), so a killed worker's rows are taken over within this time.
   */
  leaseMs: number;
}

export const DEFAULT_POLICY: DeliveryPolicy = {
  sendRatePerSecond: 10,
  maxBounces: 3,
  maxAttempts: 8,
  retryBaseMs: 60_000,
  leaseMs: 15_000,
};
