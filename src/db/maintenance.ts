import type { Queryable } from "./client.ts";

/**
 * Refreshes the planner's statistics after a bulk load. PGlite never runs autovacuum, so
 * without this its planner keeps assuming near-empty tables and picks plans 3–10× slower.
 */
export async function refreshPlannerStatistics(db: Queryable): Promise<void> {
  await db.exec("analyze papers; analyze feed_entries; analyze users");
}
