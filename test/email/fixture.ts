import type { Db, Queryable } from "../../src/db/client.ts";
import { createBackgroundJobs } from "../../src/email/background.ts";
import { DEFAULT_POLICY, type DeliveryDeps } from "../../src/email/deps.ts";
import { createMailer } from "../../src/email/mailer.ts";
import { createSearchService } from "../../src/search/service.ts";
import { insertEntry, insertPapers, makePaper } from "../helpers/factories.ts";

export const TEST_SECRET = "test-secret-not-for-production";
export const BASE_URL = "http://papers.test";

/** Tuesday 2026-11-24, 09:00 UTC: a daily digest (08:00 UTC, weekdays) is due, covering Monday 08:00 on. */
export const TUESDAY = new Date("2026-11-24T09:00:00Z");

/**
 * A day of papers: two on Monday's feed (one of them about medical AI), one medical-AI paper
 * published Monday but never on the feed, and an old medical-AI paper that must not count as new.
 */
export async function seedPapers(db: Queryable) {
  const trending = makePaper({
    arxivId: "2611.00001",
    title: "Scaling Laws for Sparse Transformers",
    abstract: "We study how sparse transformers scale with data and compute. ".repeat(8),
    authors: [
      { name: "Ada Lovelace" },
      { name: "Alan Turing" },
      { name: "Grace Hopper" },
      { name: "Edsger Dijkstra" },
      { name: "Barbara Liskov" },
      { name: "Donald Knuth" },
    ],
    categories: ["cs.LG"],
    publishedAt: new Date("2026-11-23T10:00:00Z"),
    importedUpvotes: 57,
  });
  const medicalOnFeed = makePaper({
    arxivId: "2611.00002",
    title: "Medical AI for Radiology Report Generation",
    abstract:
      "A medical vision-language model that writes radiology reports <script>alert(1)</script> & more.",
    categories: ["cs.CV", "cs.AI"],
    publishedAt: new Date("2026-11-23T11:00:00Z"),
    importedUpvotes: 12,
  });
  const medicalNew = makePaper({
    arxivId: "2611.00003",
    title: "Segmentation Benchmarks for Medical AI",
    abstract: "A benchmark of medical image segmentation models.",
    categories: ["cs.CV"],
    publishedAt: new Date("2026-11-23T15:00:00Z"),
    importedUpvotes: 0,
  });
  const medicalOld = makePaper({
    arxivId: "2501.00004",
    title: "An Old Survey of Medical AI",
    abstract: "A survey.",
    publishedAt: new Date("2025-01-10T00:00:00Z"),
  });
  await insertPapers(db, [trending, medicalOnFeed, medicalNew, medicalOld]);
  await insertEntry(db, {
    arxivId: trending.arxivId,
    feedDate: "2026-11-23",
    submittedAt: new Date("2026-11-23T13:00:00Z"),
    importedUpvotes: 57,
  });
  await insertEntry(db, {
    arxivId: medicalOnFeed.arxivId,
    feedDate: "2026-11-23",
    submittedAt: new Date("2026-11-23T14:00:00Z"),
    importedUpvotes: 12,
  });
  return { trending, medicalOnFeed, medicalNew, medicalOld };
}

/** Delivery dependencies for a test: the real SMTP mailer, a movable clock, no throttling. */
export function testDelivery(
  db: Db,
  smtpUrl: string,
  clock: { now: Date },
  over: Partial<DeliveryDeps["policy"]> = {},
): DeliveryDeps {
  return {
    db,
    // a pooled transport, as production should use (SMTP_URL=...?pool=true): one connection, many messages
    mailer: createMailer({ smtpUrl: `${smtpUrl}/?pool=true`, from: "Daily Papers <papers@papers.test>" }),
    search: createSearchService({ db }),
    secret: TEST_SECRET,
    baseUrl: BASE_URL,
    mailFrom: "Daily Papers <papers@papers.test>",
    now: () => clock.now,
    background: createBackgroundJobs(console),
    policy: { ...DEFAULT_POLICY, sendRatePerSecond: 1000, retryBaseMs: 60_000, ...over },
  };
}

/** The first link in a text that starts with the base URL, as a path on the app. */
export function linkPath(text: string, prefix: string): string {
  const m = new RegExp(
    `${BASE_URL.replace(/\./g, "\\.")}(${prefix.replace(/[?.]/g, "\\$&")}[^\\s"<>]*)`,
  ).exec(text);
  if (!m) throw new Error(`no ${prefix} link in: ${text.slice(0, 500)}`);
  return m[1].replace(/&amp;/g, "&");
}
