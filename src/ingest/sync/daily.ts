import type { Clock } from "../../clock.ts";
import { localDate } from "../../dates.ts";
import type { Db } from "../../db/client.ts";
import { HarvestError, harvest } from "../oai/harvest.ts";
import type { OaiFormat } from "../oai/parse.ts";
import { type SyncRun, syncRunFinish, syncRunStart } from "./store.ts";

/**
 * The daily sync: an incremental harvest of each configured set, with papers announced since
 * the last run put on today's feed. Every run leaves a row in sync_runs, failed ones included.
 */
export interface SyncDeps {
  oaiUrl: string;
  delayMs: number;
  tz: string;
  clock?: Clock;
  now?: () => Date;
  maxTries?: number;
  backoffBaseMs?: number;
  log?: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** True once the server is shutting down: the harvest stops between pages. */
  shouldStop?: () => boolean;
}

export async function runDailySync(
  db: Db,
  sets: string[],
  deps: SyncDeps,
  nextRunAt: Date | null = null,
  format: OaiFormat = "arXivRaw",
): Promise<Omit<SyncRun, "id" | "startedAt" | "finishedAt" | "sets">> {
  const now = deps.now?.() ?? new Date();
  const feedDate = localDate(deps.tz, now.getTime());
  const runId = await syncRunStart(db, sets);
  const totals = { records: 0, inserted: 0, updated: 0, deleted: 0, feedAdded: 0 };
  const errors: string[] = [];
  let locked = 0;
  for (const set of sets) {
    if (deps.shouldStop?.()) {
      errors.push(`${set || "all"}: not started (stopping)`);
      continue;
    }
    try {
      const r = await harvest(db, { set: set || undefined, format }, { ...deps, feed: { date: feedDate } });
      totals.records += r.records;
      totals.inserted += r.inserted;
      totals.updated += r.updated;
      totals.deleted += r.deleted;
      totals.feedAdded += r.feedAdded;
      deps.log?.info({ ...r, set }, "arxiv sync: set harvested");
    } catch (err) {
      const message =
        err instanceof HarvestError ? err.message : `unexpected error: ${(err as Error).message}`;
      if (/another harvest .* is running/.test(message)) locked++;
      errors.push(`${set || "all"}: ${message}`);
      deps.log?.error({ set, err: message }, "arxiv sync: set failed");
    }
  }
  const status: SyncRun["status"] =
    errors.length === 0 ? "ok" : locked === sets.length ? "skipped" : "failed";
  const result = { status, ...totals, error: errors.length ? errors.join("\n") : null, nextRunAt };
  await syncRunFinish(db, runId, result);
  return result;
}
