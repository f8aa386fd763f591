import type { Queryable } from "../db/client.ts";
import type { StoredFigures } from "./registry.ts";

/** The figures /metrics reads from the database at scrape time: a few grouped counts. */
export async function storedFigures(db: Queryable): Promise<StoredFigures> {
  const [outbox, imports, harvests, syncRuns, [sync]] = await Promise.all([
    db.query<{ status: string; count: number }>(
      "select status, count(*)::int as count from digest_outbox group by status",
    ),
    db.query<{ kind: string; outcome: string; count: number }>(
      `select c.kind, e.key as outcome, sum(e.value::numeric)::float8 as count
       from import_checkpoints c, jsonb_each_text(c.counts) e
       where e.value ~ '^[0-9]+$' group by c.kind, e.key`,
    ),
    db.query<{ set: string; records: number; inserted: number; updated: number; deleted: number }>(
      `select coalesce(nullif(set_spec, ''), 'all') as set, sum(records)::int as records,
         sum(inserted)::int as inserted, sum(updated)::int as updated, sum(deleted)::int as deleted
       from harvest_state group by 1`,
    ),
    db.query<{ status: string; count: number }>(
      "select status, count(*)::int as count from sync_runs group by status",
    ),
    db.query<Record<string, number | null>>(
      `select sum(records)::float8 as records, sum(inserted)::float8 as inserted, sum(updated)::float8 as updated,
         sum(deleted)::float8 as deleted, sum(feed_added)::float8 as feed_added from sync_runs`,
    ),
  ]);
  const outcomes = ["records", "inserted", "updated", "deleted"] as const;
  return {
    outbox,
    outboxFailed: outbox.find((r) => r.status === "failed")?.count ?? 0,
    imports,
    harvests: harvests.flatMap((h) => outcomes.map((o) => ({ set: h.set, outcome: o, count: h[o] }))),
    syncRuns,
    syncRecords: Object.entries(sync).map(([outcome, count]) => ({ outcome, count: count ?? 0 })),
  };
}
