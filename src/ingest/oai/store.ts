import type { Queryable } from "../../db/client.ts";

/** Where one (set, format) harvest stands; see 0002_harvest.sql. */
export interface HarvestState {
  setSpec: string;
  format: "arXiv" | "arXivRaw";
  status: "idle" | "running" | "done";
  windowFrom: string | null;
  windowUntil: string | null;
  resumptionToken: string | null;
  cursor: number;
  completeListSize: number | null;
  windowMaxDatestamp: string | null;
  lastDatestamp: string | null;
  pages: number;
  records: number;
  inserted: number;
  updated: number;
  deleted: number;
  restarts: number;
  lastError: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  lockedBy: string | null;
  lockedUntil: Date | null;
}

const COLS = `set_spec as "setSpec", format, status, window_from as "windowFrom", window_until as "windowUntil",
  resumption_token as "resumptionToken", cursor, complete_list_size as "completeListSize",
  window_max_datestamp as "windowMaxDatestamp", last_datestamp as "lastDatestamp", pages, records, inserted,
  updated, deleted, restarts, last_error as "lastError", started_at as "startedAt", finished_at as "finishedAt",
  locked_by as "lockedBy", locked_until as "lockedUntil"`;

export async function harvestStateByKey(
  db: Queryable,
  setSpec: string,
  format: string,
): Promise<HarvestState | null> {
  const rows = await db.query<HarvestState>(
    `select ${COLS} from harvest_state where set_spec = $1 and format = $2`,
    [setSpec, format],
  );
  return rows[0] ?? null;
}

export async function harvestStates(db: Queryable): Promise<HarvestState[]> {
  return db.query<HarvestState>(`select ${COLS} from harvest_state order by set_spec, format`);
}

/**
 * Takes the lease on one (set, format) harvest. It succeeds when nobody holds it, the lease ran
 * out, or `takeOverFrom` names the holder (a process on this host found dead).
 */
export async function harvestLockAcquire(
  db: Queryable,
  key: { setSpec: string; format: string },
  owner: string,
  leaseSeconds: number,
  takeOverFrom: string | null = null,
): Promise<boolean> {
  await db.query("insert into harvest_state (set_spec, format) values ($1, $2) on conflict do nothing", [
    key.setSpec,
    key.format,
  ]);
  const rows = await db.query(
    `update harvest_state set locked_by = $3, locked_until = now() + make_interval(secs => $4)
     where set_spec = $1 and format = $2
       and (locked_by is null or locked_until < now() or locked_by = $3 or locked_by = $5)
     returning 1`,
    [key.setSpec, key.format, owner, leaseSeconds, takeOverFrom],
  );
  return rows.length === 1;
}

export async function harvestLockRelease(
  db: Queryable,
  key: { setSpec: string; format: string },
  owner: string,
) {
  await db.query(
    `update harvest_state set locked_by = null, locked_until = null
     where set_spec = $1 and format = $2 and locked_by = $3`,
    [key.setSpec, key.format, owner],
  );
}

/** Starts (or restarts) a window from its first page. */
export async function harvestWindowStart(
  db: Queryable,
  key: { setSpec: string; format: string },
  window: { from: string | null; until: string | null },
  restart: boolean,
): Promise<void> {
  await db.query(
    `update harvest_state set status = 'running', window_from = $3, window_until = $4, resumption_token = null,
       cursor = 0, complete_list_size = null, last_error = null, updated_at = now(),
       restarts = case when $5 then restarts + 1 else 0 end,
       window_max_datestamp = case when $5 then window_max_datestamp else null end,
       pages = case when $5 then pages else 0 end, records = case when $5 then records else 0 end,
       inserted = case when $5 then inserted else 0 end, updated = case when $5 then updated else 0 end,
       deleted = case when $5 then deleted else 0 end,
       started_at = case when $5 then started_at else now() end, finished_at = null
     where set_spec = $1 and format = $2`,
    [key.setSpec, key.format, window.from, window.until, restart],
  );
}

export interface PageProgress {
  token: string | null;
  cursor: number;
  completeListSize: number | null;
  maxDatestamp: string | null;
  records: number;
  inserted: number;
  updated: number;
  deleted: number;
  leaseSeconds: number;
}

/** Records a committed page; called inside the page's transaction. */
export async function harvestPageSave(
  db: Queryable,
  key: { setSpec: string; format: string },
  p: PageProgress,
) {
  await db.query(
    `update harvest_state set resumption_token = $3, cursor = $4, complete_list_size = coalesce($5, complete_list_size),
       window_max_datestamp = greatest(window_max_datestamp, $6::date), pages = pages + 1,
       records = records + $7, inserted = inserted + $8, updated = updated + $9, deleted = deleted + $10,
       updated_at = now(), locked_until = now() + make_interval(secs => $11)
     where set_spec = $1 and format = $2`,
    [
      key.setSpec,
      key.format,
      p.token,
      p.cursor,
      p.completeListSize,
      p.maxDatestamp,
      p.records,
      p.inserted,
      p.updated,
      p.deleted,
      p.leaseSeconds,
    ],
  );
}

export async function harvestWindowFinish(db: Queryable, key: { setSpec: string; format: string }) {
  await db.query(
    `update harvest_state set status = 'done', resumption_token = null, finished_at = now(), updated_at = now(),
       last_datestamp = greatest(last_datestamp, window_max_datestamp), last_error = null
     where set_spec = $1 and format = $2`,
    [key.setSpec, key.format],
  );
}

export async function harvestErrorSave(
  db: Queryable,
  key: { setSpec: string; format: string },
  error: string,
) {
  await db.query(
    "update harvest_state set last_error = $3, updated_at = now() where set_spec = $1 and format = $2",
    [key.setSpec, key.format, error],
  );
}

/** Which of these ids the store already has (to tell newly announced papers from updates). */
export async function paperIdsExisting(db: Queryable, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.query<{ arxiv_id: string }>(
    "select arxiv_id from papers where arxiv_id = any($1::text[])",
    [ids],
  );
  return new Set(rows.map((r) => r.arxiv_id));
}
