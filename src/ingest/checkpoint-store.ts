import type { Queryable } from "../db/client.ts";

export type ImportKind = "arxiv-snapshot" | "hf-daily";

export interface Checkpoint {
  fingerprint: string;
  position: number;
  counts: Record<string, number>;
  finished: boolean;
}

export async function checkpointFor(
  db: Queryable,
  kind: ImportKind,
  path: string,
): Promise<Checkpoint | null> {
  const rows = await db.query<{
    fingerprint: string;
    position: number;
    counts: Record<string, number>;
    finished_at: Date | null;
  }>(
    "select fingerprint, position, counts, finished_at from import_checkpoints where kind = $1 and path = $2",
    [kind, path],
  );
  const r = rows[0];
  return r
    ? { fingerprint: r.fingerprint, position: r.position, counts: r.counts, finished: r.finished_at !== null }
    : null;
}

/** Starts (or restarts) an import at position 0. */
export async function checkpointStart(
  db: Queryable,
  kind: ImportKind,
  path: string,
  fingerprint: string,
): Promise<void> {
  await db.query(
    `insert into import_checkpoints (kind, path, fingerprint) values ($1, $2, $3)
     on conflict (kind, path) do update set fingerprint = excluded.fingerprint, position = 0, counts = '{}',
       started_at = now(), updated_at = now(), finished_at = null`,
    [kind, path, fingerprint],
  );
}

/** Records progress; call inside the transaction that wrote the records it counts. */
export async function checkpointAdvance(
  db: Queryable,
  kind: ImportKind,
  path: string,
  position: number,
  counts: object,
  finished = false,
): Promise<void> {
  await db.query(
    `update import_checkpoints set position = $3, counts = $4::jsonb, updated_at = now(),
       finished_at = case when $5::boolean then now() else null end
     where kind = $1 and path = $2`,
    [kind, path, position, JSON.stringify(counts), finished],
  );
}
