import type { Queryable } from "../db/client.ts";
import { type IndexStatus, indexLag } from "./indexes.ts";
import { createMetrics, type Metrics } from "./registry.ts";
import { storedFigures } from "./stored.ts";

/** A process's metrics over its database and its search indexes. */
export function processMetrics(db: Queryable, indexes: IndexStatus): Metrics {
  return createMetrics({ stored: () => storedFigures(db), indexLag: () => indexLag(db, indexes) });
}
