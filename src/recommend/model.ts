import { Buffer } from "node:buffer";
import type { CandidatePool, PoolWeights } from "./pool.ts";
import { type SparseVector, sparseFrom } from "./sparse.ts";
import type { FollowedTopicRow } from "./store.ts";
import type { Features, Interest, PositiveKind, PositiveSignal } from "./types.ts";

/**
 * A person's trained model as it is stored (recommend_models, migration 0211): trained when
 * their signals change, then only applied. Keywords are kept by term, not by a pool's ids, so
 * one model scores any window's pool (the site's week, a digest's day) and survives the pool
 * being rebuilt with new papers; the embedding weights belong to one embedding model.
 */
export interface PersonModel {
  /** No signal at all: the person sees trending papers. */
  cold: boolean;
  embeddingModelId: number | null;
  bias: number;
  dense: Float32Array | null;
  terms: string[];
  weights: Float32Array;
  interests: ModelInterest[];
  /** Followed authors (by key) and topics: a paper they match gets a boost and the reason. */
  authors: { key: string; name: string }[];
  topics: FollowedTopicRow[];
}

interface ModelInterest {
  label: string;
  kind: Interest["kind"];
  size: number;
  dense: Float32Array | null;
  terms: string[];
  weights: Float32Array;
  /** The members a reason may name ("Because you saved X and Y"), newest first. */
  members: ModelMember[];
}

interface ModelMember {
  id: string;
  title: string;
  kind: PositiveKind;
  weight: number;
  /** The member's embedding, quantised to bytes: it only picks the nearest members for a reason. */
  dense: Int8Array | null;
  terms: string[];
  weights: Float32Array;
}

/**
 * Keyword weights kept per model. Measured on bench/recommend-speed's people (200 saves, 100k
 * papers): the top 3,000 terms by |weight| reproduce the full model's top 30 (see the bench's
 * agreement column); the tail is the background sample's many tiny negative weights.
 */
const MODEL_TERMS = 3000;
const CENTROID_TERMS = 200;
const MEMBERS_KEPT = 16;
const MEMBER_TERMS = 32;

export const COLD_MODEL: PersonModel = {
  cold: true,
  embeddingModelId: null,
  bias: 0,
  dense: null,
  terms: [],
  weights: new Float32Array(0),
  interests: [],
  authors: [],
  topics: [],
};

function topTerms(
  pool: CandidatePool,
  v: SparseVector,
  keep: number,
): { terms: string[]; weights: Float32Array } {
  const order = Array.from(v.idx.keys())
    .sort((a, b) => Math.abs(v.val[b]) - Math.abs(v.val[a]) || v.idx[a] - v.idx[b])
    .slice(0, keep);
  return {
    terms: order.map((k) => pool.vocab[v.idx[k]]),
    weights: Float32Array.from(order, (k) => v.val[k]),
  };
}

function quantise(v: Float32Array): Int8Array {
  let max = 0;
  for (const x of v) max = Math.max(max, Math.abs(x));
  const s = max > 0 ? 127 / max : 0;
  return Int8Array.from(v, (x) => Math.round(x * s));
}

/** The model to store, from what training produced over `pool`. */
export function personModel(
  pool: CandidatePool,
  embeddingModelId: number | null,
  weights: PoolWeights,
  interests: Interest[],
  follows: { authors: PersonModel["authors"]; topics: FollowedTopicRow[] },
): PersonModel {
  const kept = topTerms(pool, { idx: weights.termIds, val: weights.termWeights }, MODEL_TERMS);
  return {
    cold: false,
    embeddingModelId,
    bias: weights.bias,
    dense: weights.dense,
    terms: kept.terms,
    weights: kept.weights,
    interests: interests.map((i) => ({
      label: i.label,
      kind: i.kind,
      size: i.members.length,
      dense: i.dense,
      ...topTerms(pool, i.keywords, CENTROID_TERMS),
      members: i.members
        .slice()
        .sort((a, b) => b.weight - a.weight)
        .slice(0, MEMBERS_KEPT)
        .map((m) => ({
          id: m.id,
          title: m.title,
          kind: m.kind,
          weight: m.weight,
          dense: m.features.dense ? quantise(m.features.dense) : null,
          ...topTerms(pool, m.features.keywords, MEMBER_TERMS),
        })),
    })),
    authors: follows.authors,
    topics: follows.topics,
  };
}

function inPool(pool: CandidatePool, terms: string[], weights: Float32Array): Map<number, number> {
  const out = new Map<number, number>();
  terms.forEach((t, k) => {
    const id = pool.space.terms.get(t);
    if (id !== undefined) out.set(id, weights[k]);
  });
  return out;
}

function unit(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  const s = n > 0 ? 1 / Math.sqrt(n) : 0;
  return Float32Array.from(v, (x) => x * s);
}

/** The model applied to one pool: its weights in the pool's ids, its interests in the pool's space. */
export function modelOnPool(model: PersonModel, pool: CandidatePool, poolModelId: number | null) {
  const denseFits = model.embeddingModelId === poolModelId && pool.dims > 0;
  const dense = (v: Float32Array | null) => (denseFits && v && v.length === pool.dims ? v : null);
  const terms = inPool(pool, model.terms, model.weights);
  const weights: PoolWeights = {
    bias: model.bias,
    dense: dense(model.dense),
    termIds: Uint32Array.from(terms.keys()),
    termWeights: Float32Array.from(terms.values()),
  };
  const features = (d: Float32Array | null, t: string[], w: Float32Array): Features => ({
    dense: d,
    keywords: sparseFrom(inPool(pool, t, w)),
  });
  const interests: Interest[] = model.interests.map((i, index) => {
    const members: PositiveSignal[] = i.members.map((m) => ({
      id: m.id,
      title: m.title,
      kind: m.kind,
      weight: m.weight,
      features: features(m.dense && denseFits ? unit(Float32Array.from(m.dense)) : null, m.terms, m.weights),
    }));
    const f = features(dense(i.dense), i.terms, i.weights);
    return {
      index,
      label: i.label,
      kind: i.kind,
      members,
      weight: i.size,
      dense: f.dense,
      keywords: f.keywords,
    };
  });
  return { weights, interests };
}

const f32 = (a: Float32Array | null) =>
  a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64") : null;
const i8 = (a: Int8Array | null) =>
  a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64") : null;
function unf32(s: string | null): Float32Array | null {
  if (s === null) return null;
  const b = Buffer.from(s, "base64");
  const out = new Float32Array(b.length / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
function uni8(s: string | null): Int8Array | null {
  if (s === null) return null;
  const b = Buffer.from(s, "base64");
  return new Int8Array(b.buffer, b.byteOffset, b.length).slice();
}

/** The model as JSON for the jsonb column: typed arrays as base64. */
export function encodeModel(m: PersonModel): unknown {
  return {
    ...m,
    dense: f32(m.dense),
    weights: f32(m.weights),
    interests: m.interests.map((i) => ({
      ...i,
      dense: f32(i.dense),
      weights: f32(i.weights),
      members: i.members.map((x) => ({ ...x, dense: i8(x.dense), weights: f32(x.weights) })),
    })),
  };
}

interface Arrays {
  dense: string | null;
  weights: string;
}
type EncodedMember = Omit<ModelMember, keyof Arrays> & Arrays;
type EncodedInterest = Omit<ModelInterest, keyof Arrays | "members"> & Arrays & { members: EncodedMember[] };
type EncodedModel = Omit<PersonModel, keyof Arrays | "interests"> & Arrays & { interests: EncodedInterest[] };

export function decodeModel(json: unknown): PersonModel {
  const m = json as EncodedModel;
  return {
    ...m,
    dense: unf32(m.dense),
    weights: unf32(m.weights) ?? new Float32Array(0),
    interests: m.interests.map((i) => ({
      ...i,
      dense: unf32(i.dense),
      weights: unf32(i.weights) ?? new Float32Array(0),
      members: i.members.map((x) => ({
        ...x,
        dense: uni8(x.dense),
        weights: unf32(x.weights) ?? new Float32Array(0),
      })),
    })),
  };
}
