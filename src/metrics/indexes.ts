import type { Queryable } from "../db/client.ts";
import type { IndexLag } from "./registry.ts";

/** What readiness and the lag metrics need to know of this process's search indexes. */
export interface IndexStatus {
  /** The database time (ms) the keyword index last caught up from; null until first loaded. */
  keywordSyncedAt(): number | null;
  /**
   * The vector index's model and watermark, and a note when it is being rebuilt; null when this
   * process has no semantic search.
   */
  vector(): { modelId: number | null; watermark: number; note?: string | null } | null;
}

/**
 * How far each index is behind its table. The keyword index counts papers changed since its
 * last sync; the vector index counts the active model's vectors past its watermark (all of
 * them while it still serves, or loads, another model).
 */
export async function indexLag(db: Queryable, status: IndexStatus): Promise<IndexLag[]> {
  const syncedAt = status.keywordSyncedAt();
  const [kw] = await db.query<{ rows: number; seconds: number | null }>(
    `select count(*)::int as rows,
       extract(epoch from now() - to_timestamp($1::float8 / 1000))::float8 as seconds
     from papers where $1::float8 is null or modified_at >= to_timestamp($1::float8 / 1000)`,
    [syncedAt],
  );
  const lag: IndexLag[] = [
    { index: "keyword", rows: kw.rows, seconds: kw.rows > 0 && kw.seconds !== null ? kw.seconds : 0 },
  ];
  const vector = status.vector();
  if (vector) {
    const [v] = await db.query<{ rows: number }>(
      `select count(*)::int as rows from paper_embeddings e
       join embedding_models m on m.id = e.model_id and m.status = 'active'
       where m.id is distinct from $1::int or e.seq > $2::bigint`,
      [vector.modelId, vector.watermark],
    );
    lag.push({ index: "vector", rows: v.rows });
  }
  return lag;
}
