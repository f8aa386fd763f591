import type { Queryable } from "../../db/client.ts";

/** One run of the daily arXiv sync, as `dailypapers status` and /admin/status show it. */
export interface SyncRun {
  id: number;
  startedAt: Date;
  finishedAt: Date | null;
  status: "running" | "ok" | "failed" | "skipped";
  sets: string[];
  records: number;
  inserted: number;
  updated: number;
  deleted: number;
  feedAdded: number;
  error: string | null;
  nextRunAt: Date | null;
}

const COLS = `id, started_at as "startedAt", finished_at as "finishedAt", status, sets, records, inserted, updated,
  deleted, feed_added as "feedAdded", error, next_run_at as "nextRunAt"`;

export async function syncRunStart(db: Queryable, sets: string[]): Promise<number> {
  const [row] = await db.query<{ id: number }>("insert into sync_runs (sets) values ($1) returning id", [
    sets,
  ]);
  return row.id;
}

export async function syncRunFinish(
  db: Queryable,
  id: number,
  r: Pick<
    SyncRun,
    "status" | "records" | "inserted" | "updated" | "deleted" | "feedAdded" | "error" | "nextRunAt"
  >,
): Promise<void> {
  await db.query(
    `update sync_runs set finished_at = now(), status = $2, records = $3, inserted = $4, updated = $5,
       deleted = $6, feed_added = $7, error = $8, next_run_at = $9 where id = $1`,
    [id, r.status, r.records, r.inserted, r.updated, r.deleted, r.feedAdded, r.error, r.nextRunAt],
  );
}

export async function syncRunsRecent(db: Queryable, limit = 10): Promise<SyncRun[]> {
  return db.query<SyncRun>(`select ${COLS} from sync_runs order by started_at desc, id desc limit $1`, [
    limit,
  ]);
}
