import type { Config } from "../../config.ts";
import type { Queryable } from "../../db/client.ts";
import { type EmbeddingModelRow, embeddingModelWeights } from "../embedding-store.ts";
import { embedLsa, type LsaModel, type LsaParams } from "./lsa.ts";
import { bestPassageCosines } from "./passages.ts";
import { RemoteEmbeddingClient } from "./remote.ts";

/** Anything that maps papers and queries into one vector space of `dims` unit vectors. */
export interface Embedder {
  modelId: number;
  dims: number;
  /** Cosines below this are chance, not similarity (floor.ts); 0 where it was never calibrated. */
  similarityFloor: number;
  embedDocuments(texts: string[]): Promise<Float32Array[]>;
  embedQuery(text: string): Promise<Float32Array>;
  /**
   * For each paper, the best cosine of the query vector with its title or one of its abstract's
   * sentences (passages.ts). Only a model that embeds locally offers it: for a remote one it
   * would mean a round trip with hundreds of sentences per query.
   */
  passageCosines?(query: Float32Array, papers: { title: string; abstract: string }[]): number[];
}

/** The text of a paper that gets embedded. */
export function paperText(title: string, abstract: string): string {
  return `${title}. ${abstract}`;
}

/** Packs the built-in model's numbers as float32: idf (vocab) then term vectors (vocab × dims). */
export function packLsa(model: LsaModel): Uint8Array {
  const all = new Float32Array(model.idf.length + model.vectors.length);
  all.set(model.idf, 0);
  all.set(model.vectors, model.idf.length);
  return new Uint8Array(all.buffer);
}

export function unpackLsa(
  params: LsaParams & { avgLen: number },
  vocab: string[],
  weights: Uint8Array,
): LsaModel {
  const copy = new Uint8Array(weights.byteLength);
  copy.set(weights);
  const all = new Float32Array(copy.buffer);
  const v = vocab.length;
  if (all.length !== v * (1 + params.dims))
    throw new Error("stored model weights do not match its vocabulary");
  const { avgLen, ...p } = params;
  return { params: p, vocab, idf: all.subarray(0, v), vectors: all.subarray(v), avgLen };
}

export function lsaEmbedder(modelId: number, model: LsaModel, similarityFloor = 0): Embedder {
  return {
    modelId,
    dims: model.params.dims,
    similarityFloor,
    embedDocuments: async (texts) => texts.map((t) => embedLsa(model, t)),
    embedQuery: async (text) => embedLsa(model, text, true),
    passageCosines: (query, papers) => bestPassageCosines(query, papers, (t) => embedLsa(model, t)),
  };
}

function floorOf(row: EmbeddingModelRow): number {
  const f = Number(row.params.similarityFloor ?? 0);
  return Number.isFinite(f) ? f : 0;
}

/** Loads the embedder of a stored model: the built-in one from its weights, a remote one from config. */
export async function loadEmbedder(db: Queryable, row: EmbeddingModelRow, config: Config): Promise<Embedder> {
  if (row.kind === "builtin-lsa") {
    const { vocab, weights } = await embeddingModelWeights(db, row.id);
    if (!vocab || !weights) throw new Error(`embedding model ${row.id} has no stored weights`);
    return lsaEmbedder(
      row.id,
      unpackLsa(row.params as unknown as LsaParams & { avgLen: number }, vocab, weights),
      floorOf(row),
    );
  }
  if (!config.embeddingUrl)
    throw new Error(`embedding model ${row.id} (${row.name}) needs EMBEDDING_URL to be set`);
  const common = { url: config.embeddingUrl, model: row.name, apiKey: config.embeddingApiKey };
  const client = new RemoteEmbeddingClient(common);
  // A person is waiting on a query: fail fast and fall back to keyword results instead.
  const queryClient = new RemoteEmbeddingClient({ ...common, timeoutMs: 5_000, retries: 1 });
  return {
    modelId: row.id,
    dims: row.dims,
    similarityFloor: floorOf(row),
    embedDocuments: (texts) => client.embed(texts),
    embedQuery: async (text) => (await queryClient.embed([text]))[0],
  };
}
