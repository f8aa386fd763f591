import type { Queryable } from "../db/client.ts";
import { bytesVector } from "../search/embedding-store.ts";
import type { CandidatePool } from "./pool.ts";
import type { Features, NegativeSignal, PositiveKind, PositiveSignal } from "./types.ts";

/** A paper as a signal: its features, and its abstract when it was read from the database. */
export interface PaperFeatures {
  title: string;
  /** Set for a paper outside the pool (the pool keeps no abstracts). */
  abstract?: string;
  features: Features;
}

/** Feature rows for papers that may lie outside the pool (a person's old saves). */
export async function featuresOf(
  db: Queryable,
  pool: CandidatePool,
  modelId: number | null,
  ids: string[],
): Promise<Map<string, PaperFeatures>> {
  const out = new Map<string, PaperFeatures>();
  const missing: string[] = [];
  for (const id of ids) {
    const i = pool.indexOf(id);
    if (i === undefined) missing.push(id);
    else out.set(id, { title: pool.titles[i], features: pool.features(i) });
  }
  if (missing.length > 0) {
    const rows = await db.query<{
      arxiv_id: string;
      title: string;
      abstract: string;
      vector: Uint8Array | null;
    }>(
      `select p.arxiv_id, p.title, p.abstract, e.vector from papers p
       left join paper_embeddings e on e.model_id = $1 and e.arxiv_id = p.arxiv_id
       where p.arxiv_id = any($2::text[])`,
      [modelId, missing],
    );
    for (const r of rows)
      out.set(r.arxiv_id, {
        title: r.title,
        abstract: r.abstract,
        features: pool.outsideFeatures(
          { title: r.title, abstract: r.abstract },
          r.vector ? bytesVector(r.vector) : null,
        ),
      });
  }
  return out;
}

/**
 * Recent signals weigh more: the n-th newest counts 1/(1 + log10(n + 1)), as zotero-arxiv-daily
 * weighs a library; an explicit save or collection counts a little more than an upvote, which
 * is also a vote on the feed's order rather than only on the reader's taste.
 */
const KIND_WEIGHT: Record<PositiveKind, number> = {
  saved: 1,
  collected: 1,
  picked: 1,
  upvoted: 0.8,
  author: 0.7,
  topic: 0.7,
};

function recencyWeight(rank: number): number {
  return 1 / (1 + Math.log10(rank + 1));
}

/** The abstracts of the given papers (those of the pool: featuresOf read the others'), to name interests. */
export async function abstractsOf(db: Queryable, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<{ arxiv_id: string; abstract: string }>(
    "select arxiv_id, abstract from papers where arxiv_id = any($1::text[])",
    [ids],
  );
  return new Map(rows.map((r) => [r.arxiv_id, r.abstract]));
}

export function positivesFrom(
  rows: { arxivId: string; kind: PositiveKind; group?: PositiveSignal["group"] }[],
  feats: Map<string, PaperFeatures>,
): PositiveSignal[] {
  return rows.flatMap((r, rank) => {
    const f = feats.get(r.arxivId);
    return f
      ? [
          {
            id: r.arxivId,
            title: f.title,
            abstract: f.abstract,
            kind: r.kind,
            weight: KIND_WEIGHT[r.kind] * recencyWeight(rank),
            features: f.features,
            group: r.group,
          },
        ]
      : [];
  });
}

export function negativesFrom(ids: string[], feats: Map<string, PaperFeatures>): NegativeSignal[] {
  return ids.flatMap((id, rank) => {
    const f = feats.get(id);
    return f ? [{ id, weight: recencyWeight(rank), features: f.features }] : [];
  });
}
