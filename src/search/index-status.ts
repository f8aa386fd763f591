import type { IndexStatus } from "../metrics/indexes.ts";
import type { SearchService } from "./service.ts";

/** The state of a search service's indexes, as readiness and metrics see it. */
export function searchIndexStatus(search: SearchService): IndexStatus {
  return {
    keywordSyncedAt() {
      const s = search.keyword.status();
      return s.state === "ready" ? s.watermarkMs : null;
    },
    vector() {
      const s = search.semantic;
      return s ? { modelId: s.modelId, watermark: s.watermark, note: s.note } : null;
    },
  };
}
