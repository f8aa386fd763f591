import type { Queryable } from "../db/client.ts";
import { yieldToEventLoop } from "../event-loop.ts";

/** All SQL of semantic search: embedding models and the stored paper vectors. */

export type ModelKind = "builtin-lsa" | "remote";
type ModelStatus = "embedding" | "active" | "retired";

export interface EmbeddingModelRow {
  id: number;
  kind: ModelKind;
  name: string;
  dims: number;
  params: Record<string, unknown>;
  status: ModelStatus;
  createdAt: Date;
  activatedAt: Date | null;
}

const MODEL_COLUMNS = "id, kind, name, dims, params, status, created_at, activated_at";
interface ModelDbRow {
  id: number;
  kind: ModelKind;
  name: string;
  dims: number;
  params: Record<string, unknown>;
  status: ModelStatus;
  created_at: Date;
  activated_at: Date | null;
}
const modelFromRow = (r: ModelDbRow): EmbeddingModelRow => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  dims: r.dims,
  params: r.params,
  status: r.status,
  createdAt: r.created_at,
  activatedAt: r.activated_at,
});

/** Float32 vectors travel as little-endian bytea. */
function vectorBytes(v: Float32Array): Uint8Array {
  return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
}

export function bytesVector(b: Uint8Array): Float32Array {
  // A copy: the driver's buffer may be a view at an odd offset into a larger one.
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
}

export async function insertEmbeddingModel(
  db: Queryable,
  m: { kind: ModelKind; name: string; dims: number; params: object; vocab?: string[]; weights?: Uint8Array },
): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `insert into embedding_models (kind, name, dims, params, vocab, weights) values ($1, $2, $3, $4, $5, $6)
     returning id`,
    [m.kind, m.name, m.dims, JSON.stringify(m.params), m.vocab ?? null, m.weights ?? null],
  );
  return row.id;
}

export async function embeddingModels(db: Queryable): Promise<EmbeddingModelRow[]> {
  const rows = await db.query<ModelDbRow>(`select ${MODEL_COLUMNS} from embedding_models order by id`);
  return rows.map(modelFromRow);
}

export async function embeddingModelById(db: Queryable, id: number): Promise<EmbeddingModelRow | null> {
  const rows = await db.query<ModelDbRow>(`select ${MODEL_COLUMNS} from embedding_models where id = $1`, [
    id,
  ]);
  return rows[0] ? modelFromRow(rows[0]) : null;
}

export async function activeEmbeddingModel(db: Queryable): Promise<EmbeddingModelRow | null> {
  const rows = await db.query<ModelDbRow>(
    `select ${MODEL_COLUMNS} from embedding_models where status = 'active'`,
  );
  return rows[0] ? modelFromRow(rows[0]) : null;
}

/** The newest model still being embedded, which becomes active once every paper has a vector. */
export async function pendingEmbeddingModel(db: Queryable): Promise<EmbeddingModelRow | null> {
  const rows = await db.query<ModelDbRow>(
    `select ${MODEL_COLUMNS} from embedding_models where status = 'embedding' order by id desc limit 1`,
  );
  return rows[0] ? modelFromRow(rows[0]) : null;
}

// A model's weights (17 MB at 10k papers) are read in slices, with requests answered between.
const WEIGHTS_SLICE = 2 * 1024 * 1024;

export async function embeddingModelWeights(
  db: Queryable,
  id: number,
): Promise<{ vocab: string[] | null; weights: Uint8Array | null }> {
  const [row] = await db.query<{ vocab: string[] | null; size: number | null }>(
    "select vocab, octet_length(weights) as size from embedding_models where id = $1",
    [id],
  );
  if (!row || row.size === null) return { vocab: row?.vocab ?? null, weights: null };
  const weights = new Uint8Array(row.size);
  for (let at = 0; at < row.size; at += WEIGHTS_SLICE) {
    await yieldToEventLoop();
    const [part] = await db.query<{ bytes: Uint8Array | null }>(
      "select substring(weights from $2 for $3) as bytes from embedding_models where id = $1",
      [id, at + 1, WEIGHTS_SLICE],
    );
    // Retired meanwhile (its weights deleted): as if it had none.
    if (!part?.bytes) return { vocab: row.vocab, weights: null };
    weights.set(part.bytes, at);
  }
  return { vocab: row.vocab, weights };
}

// Serialises model switches between processes; any constant shared by all of them works.
const ACTIVATION_LOCK_KEY = 7_461_004;

/**
 * Makes a model the one search uses: the previous active model and any older pending ones are
 * retired and their vectors deleted in the same transaction, so the switch is atomic for every
 * process (each sees either the old model with its vectors or the new one with its vectors).
 * Several web processes may each have trained and embedded a model at once: the switches are
 * serialised, and a model that another process retired meanwhile is not brought back (it has no
 * weights any more); its late vectors are dropped instead. Returns whether the switch happened.
 */
export async function activateEmbeddingModel(db: Queryable, id: number): Promise<boolean> {
  await db.query("select pg_advisory_xact_lock($1)", [ACTIVATION_LOCK_KEY]);
  const [model] = await db.query<{ status: string }>("select status from embedding_models where id = $1", [
    id,
  ]);
  if (model?.status !== "embedding") {
    if (model?.status === "retired") await db.query("delete from paper_embeddings where model_id = $1", [id]);
    return false;
  }
  await db.query("delete from paper_embeddings where model_id <> $1", [id]);
  await db.query(
    "update embedding_models set status = 'retired', weights = null, vocab = null where id <> $1 and status <> 'retired'",
    [id],
  );
  await db.query("update embedding_models set status = 'active', activated_at = now() where id = $1", [id]);
  return true;
}

const TEXT_HASH = "md5(p.title || E'\\n' || p.abstract)";

export interface TextToEmbed {
  arxivId: string;
  title: string;
  abstract: string;
  hash: string;
}

/**
 * Papers without a current vector for the model (new, or their title or abstract changed),
 * in id order after `afterId`: a job pages through with keyset pagination, so a full pass
 * reads the table once instead of once per batch.
 */
export async function papersToEmbed(
  db: Queryable,
  modelId: number,
  limit: number,
  afterId = "",
): Promise<TextToEmbed[]> {
  const rows = await db.query<{ arxiv_id: string; title: string; abstract: string; hash: string }>(
    `select p.arxiv_id, p.title, p.abstract, ${TEXT_HASH} as hash
     from papers p left join paper_embeddings e on e.model_id = $1 and e.arxiv_id = p.arxiv_id
     where p.arxiv_id > $3 and (e.arxiv_id is null or e.content_hash <> ${TEXT_HASH})
     order by p.arxiv_id limit $2`,
    [modelId, limit, afterId],
  );
  return rows.map((r) => ({ arxivId: r.arxiv_id, title: r.title, abstract: r.abstract, hash: r.hash }));
}

export async function pendingEmbeddingCount(db: Queryable, modelId: number): Promise<number> {
  const [{ n }] = await db.query<{ n: number }>(
    `select count(*)::int as n from papers p left join paper_embeddings e on e.model_id = $1 and e.arxiv_id = p.arxiv_id
     where e.arxiv_id is null or e.content_hash <> ${TEXT_HASH}`,
    [modelId],
  );
  return n;
}

/**
 * Stores a batch of vectors in one statement. They travel as one concatenated bytea cut apart
 * in SQL, which both drivers pass the same way (bytea[] parameters they do not).
 */
export async function upsertPaperEmbeddings(
  db: Queryable,
  modelId: number,
  dims: number,
  rows: { arxivId: string; hash: string; vector: Float32Array }[],
): Promise<void> {
  if (rows.length === 0) return;
  const all = new Float32Array(rows.length * dims);
  for (const [i, r] of rows.entries()) all.set(r.vector, i * dims);
  await db.query(
    `insert into paper_embeddings (model_id, arxiv_id, content_hash, vector)
     select $1, x.id, x.hash, substring($4::bytea from ((x.n - 1) * $5 + 1)::int for $5::int)
     from unnest($2::text[], $3::text[]) with ordinality as x(id, hash, n)
     join papers p on p.arxiv_id = x.id
     on conflict (model_id, arxiv_id) do update set
       content_hash = excluded.content_hash, vector = excluded.vector,
       seq = nextval('paper_embeddings_seq'), embedded_at = now()`,
    [modelId, rows.map((r) => r.arxivId), rows.map((r) => r.hash), vectorBytes(all), dims * 4],
  );
}

export interface StoredEmbedding {
  arxivId: string;
  seq: number;
  vector: Float32Array;
}

/** Vectors written after a watermark, in write order: what an index copy still lacks. */
export async function embeddingsAfter(
  db: Queryable,
  modelId: number,
  afterSeq: number,
  limit: number,
): Promise<StoredEmbedding[]> {
  const rows = await db.query<{ arxiv_id: string; seq: number; vector: Uint8Array }>(
    `select arxiv_id, seq, vector from paper_embeddings where model_id = $1 and seq > $2 order by seq limit $3`,
    [modelId, afterSeq, limit],
  );
  return rows.map((r) => ({ arxivId: r.arxiv_id, seq: r.seq, vector: bytesVector(r.vector) }));
}

/**
 * Papers deleted at or after a database time (ms) that have no vector for the model any more
 * (a paper deleted and imported again keeps its new one), with the database's clock now: what
 * a vector index must drop, and where the next check starts.
 */
export async function embeddingDeletionsSince(
  db: Queryable,
  modelId: number,
  sinceMs: number,
): Promise<{ arxivIds: string[]; nowMs: number }> {
  const [row] = await db.query<{ ids: string[]; now_ms: number }>(
    `select (extract(epoch from now()) * 1000)::float8 as now_ms,
       coalesce((select array_agg(distinct d.arxiv_id) from paper_deletions d
         where d.deleted_at >= to_timestamp($2::float8 / 1000)
           and not exists (select 1 from paper_embeddings e where e.model_id = $1 and e.arxiv_id = d.arxiv_id)),
         '{}') as ids`,
    [modelId, sinceMs],
  );
  return { arxivIds: row.ids, nowMs: row.now_ms };
}

export async function embeddingMaxSeq(
  db: Queryable,
  modelId: number,
): Promise<{ maxSeq: number; count: number }> {
  const [row] = await db.query<{ max_seq: number | null; n: number }>(
    "select max(seq) as max_seq, count(*)::int as n from paper_embeddings where model_id = $1",
    [modelId],
  );
  return { maxSeq: row.max_seq ?? 0, count: row.n };
}

export async function paperEmbedding(
  db: Queryable,
  modelId: number,
  arxivId: string,
): Promise<Float32Array | null> {
  const rows = await db.query<{ vector: Uint8Array }>(
    "select vector from paper_embeddings where model_id = $1 and arxiv_id = $2",
    [modelId, arxivId],
  );
  return rows[0] ? bytesVector(rows[0].vector) : null;
}

export interface FilterFacts {
  arxivId: string;
  authors: string;
  categories: string[];
  day: string | null;
  title: string;
  abstract: string;
}

/** What filters look at, for the semantic candidates of a filtered query. */
export async function filterFactsByIds(db: Queryable, arxivIds: string[]): Promise<Map<string, FilterFacts>> {
  if (arxivIds.length === 0) return new Map();
  const rows = await db.query<{
    arxiv_id: string;
    authors_text: string;
    categories: string[];
    day: string | null;
    title: string;
    abstract: string;
  }>(
    `select arxiv_id, authors_text, categories, title, abstract,
       to_char(published_at at time zone 'UTC', 'YYYY-MM-DD') as day
     from papers where arxiv_id = any($1::text[])`,
    [arxivIds],
  );
  return new Map(
    rows.map((r) => [
      r.arxiv_id,
      {
        arxivId: r.arxiv_id,
        authors: r.authors_text,
        categories: r.categories,
        day: r.day,
        title: r.title,
        abstract: r.abstract,
      },
    ]),
  );
}

/** A deterministic sample of paper texts for training (the same seed and corpus, the same sample). */
export async function paperTextsSample(db: Queryable, limit: number, seed: number): Promise<string[][]> {
  const rows = await db.query<{ title: string; abstract: string }>(
    "select title, abstract from papers order by md5(arxiv_id || $2::text), arxiv_id limit $1",
    [limit, String(seed)],
  );
  return rows.map((r) => [r.title, r.abstract]);
}
