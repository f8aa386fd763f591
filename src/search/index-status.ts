import type { Queryable } from "../db/client.ts";
import type { IndexStatus } from "../metrics/indexes.ts";
import { keywordSearcherFor } from "./keyword.ts";
import { semanticSearcherIfConfigured } from "./semantic-modes.ts";

/** The state of this process's search indexes for `db`, as readiness and metrics see it. */
export function processIndexStatus(db: Queryable): IndexStatus {
  return {
    keywordSyncedAt() {
      const s = keywordSearcherFor(db).status();
      return s.state === "ready" ? s.watermarkMs : null;
    },
    vector() {
      const s = semanticSearcherIfConfigured(db);
      return s ? { modelId: s.modelId, watermark: s.watermark } : null;
    },
  };
}

/** Brings this process's indexes up to date with the tables (the scheduler's per-node job). */
export async function refreshSearchIndexes(db: Queryable): Promise<void> {
  await keywordSearcherFor(db).sync(db);
  await semanticSearcherIfConfigured(db)?.sync(db);
}
