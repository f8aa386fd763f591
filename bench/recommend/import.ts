import { loadConfig } from "../../src/config.ts";
import { openPglite } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { upsertPapers } from "../../src/papers/store.ts";
import { loadEmbedder } from "../../src/search/embed/embedder.ts";
import { embedPending, trainBuiltinModel } from "../../src/search/embed/jobs.ts";
import { embeddingModelById, embeddingsAfter } from "../../src/search/embedding-store.ts";
import type { Review } from "./data.ts";

/**
 * Imports a review's records as papers into a fresh PGlite, trains the built-in embedding model
 * on them and embeds them, exactly as a site would; returns the stored vectors by id.
 */
export async function importAndEmbed(review: Review): Promise<Map<string, Float32Array>> {
  const db = await openPglite(undefined);
  try {
    await migrate(db);
    for (let i = 0; i < review.records.length; i += 500)
      await upsertPapers(
        db,
        review.records.slice(i, i + 500).map((r) => ({
          arxivId: r.id,
          title: r.title || "(untitled)",
          abstract: r.abstract,
          source: "recsys" as const,
        })),
      );
    const trained = await trainBuiltinModel(db);
    const row = await embeddingModelById(db, trained.modelId);
    if (!row) throw new Error("the trained model vanished");
    await embedPending(db, await loadEmbedder(db, row, loadConfig({})));
    const rows = await embeddingsAfter(db, trained.modelId, 0, review.records.length + 1);
    return new Map(rows.map((r) => [r.arxivId, r.vector]));
  } finally {
    await db.close();
  }
}
