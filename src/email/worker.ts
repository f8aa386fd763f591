import { randomUUID } from "node:crypto";
import { systemClock } from "../clock.ts";
import { recordDigestsShown } from "../recommend/store.ts";
import { topicIdsFollowedBy } from "../topics/store.ts";
import type { DeliveryDeps } from "./deps.ts";
import { digestIsEmpty, digestPaperIds } from "./digest-content.ts";
import { renderDigest } from "./digest-render.ts";
import { DigestSources } from "./digest-sources.ts";
import { listUnsubscribeHeaders, mailboxOf, manageUrl, unsubscribeUrl } from "./links.ts";
import { MailError } from "./mailer.ts";
import {
  claimOutboxRows,
  finishOutboxRow,
  type OutboxOutcome,
  type OutboxRow,
  renewOutboxLease,
} from "./outbox-store.ts";
import { clearBounces, recordBounce, type Subscriber, subscribersByIds } from "./subscribers-store.ts";

export interface WorkerStats {
  sent: number;
  skipped: number;
  failed: number;
  retried: number;
  /** claims lost because the lease ran out while sending (the row went to another worker) */
  lost: number;
}

export interface WorkerOptions {
  batchSize?: number;
  /** Stop after this many rows (the CLI's and the scheduler's budget per run). */
  maxRows?: number;
  /** Called right before a claimed row is sent; tests throw here to simulate a crash. */
  beforeSend?: (row: OutboxRow, indexInRun: number) => void | Promise<void>;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Where digests' papers come from, shared by the workers of one process and the chunks of one
   * run (the "for you" candidate pool, topic searches, papers): one per call by default.
   */
  sources?: DigestSources;
}

/** A batch small enough that its last row is sent well within the lease at the throttled rate. */
function defaultBatch(deps: DeliveryDeps): number {
  return Math.max(1, Math.min(50, Math.floor((deps.policy.sendRatePerSecond * deps.policy.leaseMs) / 2000)));
}

/** Exponential backoff: base, 2×base, 4×base, … capped at a day. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 86_400_000);
}

/**
 * Sends due digests from the outbox until none are due. Each row is claimed (a lease) in one
 * statement, sent, then marked with the claim token as a fence: two workers never hold the
 * same row, a worker that dies leaves its rows to be reclaimed when the lease ends, and the
 * Message-ID is derived from the row, so a receiver can drop the copy if the worker died in
 * the short gap between SMTP accepting the message and the row being marked sent.
 */
export async function runDigestWorker(deps: DeliveryDeps, opts: WorkerOptions = {}): Promise<WorkerStats> {
  const stats: WorkerStats = { sent: 0, skipped: 0, failed: 0, retried: 0, lost: 0 };
  const sources = opts.sources ?? new DigestSources(deps.db, deps.search);
  const sleep = opts.sleep ?? systemClock.sleep;
  const gapMs = 1000 / Math.max(deps.policy.sendRatePerSecond, 0.001);
  let nextSendAt = 0;
  let index = 0;
  const budget = opts.maxRows ?? Number.POSITIVE_INFINITY;
  const claimToken = randomUUID();
  // Rows stay claimed only while this worker lives: the lease is short and renewed here.
  const heartbeat = setInterval(
    () => {
      renewOutboxLease(deps.db, claimToken, { now: deps.now(), leaseMs: deps.policy.leaseMs }).catch((err) =>
        deps.log?.warn({ err }, "renewing the digest lease failed"),
      );
    },
    Math.max(50, deps.policy.leaseMs / 3),
  );
  try {
    await sendDue();
  } finally {
    clearInterval(heartbeat);
  }
  return stats;

  async function sendDue() {
    while (index < budget) {
      const rows = await claimOutboxRows(deps.db, {
        now: deps.now(),
        limit: Math.min(opts.batchSize ?? defaultBatch(deps), budget - index),
        leaseMs: deps.policy.leaseMs,
        claimToken,
      });
      if (rows.length === 0) break;
      const subs = await subscribersByIds(
        deps.db,
        rows.map((r) => r.subscriberId),
      );
      const follows = await topicIdsFollowedBy(
        deps.db,
        rows.map((r) => r.subscriberId),
      );
      await sources.prefetchModels([...subs.values()].flatMap((s) => (s.userId ? [s.userId] : [])));
      // "For you" never offers again what a digest has shown the person: recorded for the whole
      // batch in one statement once it is sent (or when sending stops), not one per mail.
      const shown: Shown[] = [];
      try {
        await sendBatch(rows, subs, follows, shown);
      } catch (err) {
        // What was sent before the failure is still recorded; the failure is what the caller sees.
        await recordDigestsShown(deps.db, shown, deps.now()).catch(() => {});
        throw err;
      }
      await recordDigestsShown(deps.db, shown, deps.now());
    }
  }

  async function sendBatch(
    rows: OutboxRow[],
    subs: Map<number, Subscriber>,
    follows: Map<number, number[]>,
    shown: Shown[],
  ) {
    for (const row of rows) {
      await opts.beforeSend?.(row, index++);
      const sub = subs.get(row.subscriberId);
      const outcome = await deliver(
        deps,
        sources,
        row,
        sub,
        follows.get(row.subscriberId) ?? [],
        async () => {
          const wait = nextSendAt - Date.now();
          if (wait > 0) await sleep(wait);
          nextSendAt = Math.max(nextSendAt, Date.now()) + gapMs;
        },
      );
      // Recorded right after SMTP's acknowledgement; bookkeeping about the send comes after.
      const kept = await finishOutboxRow(deps.db, row, outcome, deps.now());
      if (outcome.status === "sent") {
        await outcome.afterSent();
        if (outcome.shown) shown.push(outcome.shown);
      }
      if (!kept) stats.lost++;
      else if (outcome.status === "sent") stats.sent++;
      else if (outcome.status === "skipped") stats.skipped++;
      else if (outcome.status === "failed") stats.failed++;
      else stats.retried++;
    }
  }
}

/** The papers a digest showed an account's owner. */
type Shown = { userId: number; arxivIds: string[] };

/** What a send did; a sent digest carries the bookkeeping to do once the outbox has recorded it. */
type Delivered =
  | Exclude<OutboxOutcome, { status: "sent" }>
  | {
      status: "sent";
      messageId: string;
      afterSent: () => Promise<void>;
      /** The papers it showed an account's owner, to record with the batch's. */
      shown: Shown | null;
    };

async function deliver(
  deps: DeliveryDeps,
  sources: DigestSources,
  row: OutboxRow,
  sub: Subscriber | undefined,
  topicIds: number[],
  pace: () => Promise<void>,
): Promise<Delivered> {
  // Checked at send time, so an unsubscribe takes effect for digests already queued.
  if (sub?.status !== "confirmed")
    return { status: "skipped", reason: `subscriber ${sub?.status ?? "deleted"}` };
  const content = await sources.digestFor({
    frequency: row.period.startsWith("weekly:") ? "weekly" : "daily",
    windowStart: row.windowStart,
    windowEnd: row.windowEnd,
    topicIds,
    userId: sub.userId,
  });
  if (digestIsEmpty(content) && !sub.sendEmpty) return { status: "skipped", reason: "nothing new" };
  const rendered = renderDigest(content, {
    baseUrl: deps.baseUrl,
    unsubscribeUrl: unsubscribeUrl(deps, sub),
    manageUrl: manageUrl(deps, sub),
  });
  const domain = mailboxOf(deps.mailFrom).split("@")[1] || "localhost";
  await pace();
  try {
    const info = await deps.mailer.send({
      to: sub.email,
      ...rendered,
      textEncoding: "base64",
      headers: {
        ...listUnsubscribeHeaders(deps, sub, deps.mailFrom),
        "Message-ID": `<digest-${row.id}.${row.subscriberId}@${domain}>`,
      },
    });
    const afterSent = async () => {
      if (sub.bounceCount > 0) await clearBounces(deps.db, sub.id);
    };
    const shown = sub.userId ? { userId: sub.userId, arxivIds: digestPaperIds(content) } : null;
    return { status: "sent", messageId: info.messageId, afterSent, shown };
  } catch (err) {
    const e =
      err instanceof MailError ? err : new MailError(String((err as Error).message ?? err), undefined);
    if (e.permanent) {
      await recordBounce(deps.db, sub.id, deps.policy.maxBounces, deps.now());
      deps.log?.warn({ subscriber: sub.id, code: e.responseCode }, "digest bounced");
      return { status: "failed", error: e.message };
    }
    if (row.attempts >= deps.policy.maxAttempts) return { status: "failed", error: `gave up: ${e.message}` };
    return {
      status: "retry",
      error: e.message,
      at: new Date(deps.now().getTime() + retryDelayMs(row.attempts, deps.policy.retryBaseMs)),
    };
  }
}
