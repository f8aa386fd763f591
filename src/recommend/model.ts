import type { CandidatePool, PoolWeights } from "./pool.ts";
import { type SparseVector, unitSparseOf } from "./sparse.ts";
import type { FollowedTopicRow } from "./store.ts";
import type { Features, Interest, PositiveKind, PositiveSignal } from "./types.ts";

/**
 * A person's trained model as it is stored (recommend_models, migration 0211): trained when
 * their signals change, then only applied. Keywords are kept by term key (pool.ts's termKey: a
 * number per term, the same in every pool), not by a pool's ids, so one model scores any
 * window's pool (the site's week, a digest's day) and survives the pool being rebuilt with new
 * papers, and applying it costs a table probe per term, not a string's parse and look-up; the
 * embedding weights belong to one embedding model.
 */
export interface PersonModel {
  /** No signal at all: the person sees trending papers. */
  cold: boolean;
  embeddingModelId: number | null;
  bias: number;
  dense: Float32Array | null;
  /** Term keys (termKey), each with its weight. */
  terms: Float64Array;
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
  terms: Float64Array;
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
  terms: Float64Array;
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
  terms: new Float64Array(0),
  weights: new Float32Array(0),
  interests: [],
  authors: [],
  topics: [],
};

function topTerms(
  pool: CandidatePool,
  v: SparseVector,
  keep: number,
): { terms: Float64Array; weights: Float32Array } {
  const order = Array.from(v.idx.keys())
    .sort((a, b) => Math.abs(v.val[b]) - Math.abs(v.val[a]) || v.idx[a] - v.idx[b])
    .slice(0, keep);
  return {
    terms: Float64Array.from(order, (k) => pool.termKeyOf(v.idx[k])),
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

/** Per pool: which keyword ids a call of inPool has met (by call number), and where it put them. */
const inPoolMarks = new WeakMap<CandidatePool, { call: number; metIn: Uint32Array; at: Uint32Array }>();

/**
 * The stored terms the pool has, as its keyword ids with their weights, in the stored order.
 * Typed arrays filled in one pass, where a Map per person cost a digest run a tenth of its
 * "for you" time. A key stored twice (two terms of the training pool with one key) keeps its
 * first place and its last weight, as the Map did.
 */
function inPool(
  pool: CandidatePool,
  terms: Float64Array,
  weights: Float32Array,
): { ids: Uint32Array; weights: Float32Array } {
  let marks = inPoolMarks.get(pool);
  if (!marks || marks.call === 0xffffffff) {
    marks = { call: 0, metIn: new Uint32Array(pool.vocab.length), at: new Uint32Array(pool.vocab.length) };
    inPoolMarks.set(pool, marks);
  }
  const call = ++marks.call;
  const ids = new Uint32Array(terms.length);
  const kept = new Float32Array(terms.length);
  let n = 0;
  for (let k = 0; k < terms.length; k++) {
    const id = pool.termIdOfKey(terms[k]);
    if (id < 0) continue;
    if (marks.metIn[id] === call) {
      kept[marks.at[id]] = weights[k];
      continue;
    }
    marks.metIn[id] = call;
    marks.at[id] = n;
    ids[n] = id;
    kept[n++] = weights[k];
  }
  return { ids: ids.subarray(0, n), weights: kept.subarray(0, n) };
}

/**
 * A stored member's quantised embedding as a unit float vector, in plain loops: a view's reasons
 * make a hundred of these, and Float32Array.from with a mapping callback cost several ms.
 */
function unitOfBytes(v: Int8Array): Float32Array {
  let n = 0;
  for (let j = 0; j < v.length; j++) n += v[j] * v[j];
  const s = n > 0 ? 1 / Math.sqrt(n) : 0;
  const out = new Float32Array(v.length);
  for (let j = 0; j < v.length; j++) out[j] = v[j] * s;
  return out;
}

/**
 * Features worked out on first use: a first view scores with the model's weights and assigns
 * interests by their embeddings, and only the few cards it shows compare a paper with the
 * members of its interest, so the 100-odd members' keyword vectors are mostly never needed.
 */
function lazyFeatures(dense: () => Float32Array | null, keywords: () => SparseVector): Features {
  let d: Float32Array | null | undefined;
  let k: SparseVector | undefined;
  return {
    get dense() {
      if (d === undefined) d = dense();
      return d;
    },
    get keywords() {
      k ??= keywords();
      return k;
    },
  };
}

/** The model applied to one pool: its weights in the pool's ids, its interests in the pool's space. */
export function modelOnPool(model: PersonModel, pool: CandidatePool, poolModelId: number | null) {
  const denseFits = model.embeddingModelId === poolModelId && pool.dims > 0;
  const dense = (v: Float32Array | null) => (denseFits && v && v.length === pool.dims ? v : null);
  const terms = inPool(pool, model.terms, model.weights);
  const weights: PoolWeights = {
    bias: model.bias,
    dense: dense(model.dense),
    termIds: terms.ids,
    termWeights: terms.weights,
  };
  const keywords = (t: Float64Array, w: Float32Array) => () => {
    const { ids, weights } = inPool(pool, t, w);
    return unitSparseOf(ids, weights);
  };
  const interests: Interest[] = model.interests.map((i, index) => {
    // Only a shown paper's reasons compare it with members: most interests never need theirs.
    let members: PositiveSignal[] | undefined;
    const membersOnPool = () =>
      i.members.map((m) => ({
        id: m.id,
        title: m.title,
        kind: m.kind,
        weight: m.weight,
        features: lazyFeatures(
          () => (m.dense && denseFits && m.dense.length === pool.dims ? unitOfBytes(m.dense) : null),
          keywords(m.terms, m.weights),
        ),
      }));
    const f = lazyFeatures(() => dense(i.dense), keywords(i.terms, i.weights));
    return {
      index,
      label: i.label,
      kind: i.kind,
      get members() {
        members ??= membersOnPool();
        return members;
      },
      weight: i.size,
      dense: f.dense,
      get keywords() {
        return f.keywords;
      },
    };
  });
  return { weights, interests };
}

/**
 * The model as stored (a bytea): a small JSON header with the labels and titles, then every typed
 * array's bytes (term keys included) in the header's order, each 8-byte aligned. Reading it is one
 * JSON.parse of a few kilobytes and array views, where the jsonb it replaces (arrays as base64
 * inside 60 kB of JSON) cost a jsonb-to-text conversion in the database and a parse of all of it
 * per request, and format 1's thousands of term strings a parse and a look-up each.
 */
interface Header {
  m: Omit<PersonModel, "dense" | "terms" | "weights" | "interests"> & {
    interests: (Omit<ModelInterest, "dense" | "terms" | "weights" | "members"> & {
      members: Omit<ModelMember, "dense" | "terms" | "weights">[];
    })[];
  };
  /** Length of each array in order; -1 for a null one. */
  lengths: number[];
}

/** Format 1 (terms as strings) is read as no model: the person's is trained again. */
const FORMAT = 2;

export function encodeModel(m: PersonModel): Uint8Array {
  const arrays: (Float32Array | Float64Array | Int8Array | null)[] = [m.dense, m.terms, m.weights];
  const interests = m.interests.map(({ dense, terms, weights, members, ...i }) => {
    arrays.push(dense, terms, weights);
    return {
      ...i,
      members: members.map(({ dense: d, terms: t, weights: w, ...x }) => {
        arrays.push(d, t, w);
        return x;
      }),
    };
  });
  const { dense: _d, terms: _t, weights: _w, interests: _i, ...rest } = m;
  const header: Header = { m: { ...rest, interests }, lengths: arrays.map((a) => (a ? a.length : -1)) };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const align = (n: number) => (n + 7) & ~7;
  let size = align(8 + json.length);
  for (const a of arrays) if (a) size += align(a.byteLength);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, FORMAT, true);
  view.setUint32(4, json.length, true);
  out.set(json, 8);
  let at = align(8 + json.length);
  for (const a of arrays) {
    if (!a) continue;
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += align(a.byteLength);
  }
  return out;
}

/** The stored bytes back as a model; null for another format (the model is then retrained). */
export function decodeModel(bytes: Uint8Array): PersonModel | null {
  if (bytes.length < 8) return null;
  const head = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (head.getUint32(0, true) !== FORMAT) return null;
  const jsonLength = head.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + jsonLength))) as Header;
  // The arrays are views of the bytes' buffer at their own offset within it (a Node Buffer may be
  // a view into a larger one: reading its `.buffer` from 0 once read the header as weights, scores
  // of 1e36), when that offset is aligned for a Float64Array; else of one aligned copy. A digest
  // run's models arrive in their own buffers, and a 38 kB copy per person cost it more in
  // garbage collection (off-heap memory) than the rest of decoding.
  const start = (8 + jsonLength + 7) & ~7;
  const aligned = (bytes.byteOffset + start) % 8 === 0;
  const body: ArrayBufferLike = aligned ? bytes.buffer : new Uint8Array(bytes.subarray(start)).buffer;
  let at = aligned ? bytes.byteOffset + start : 0;
  let k = 0;
  /** Where the next array lies in the body, from the header's lengths, without reading it yet. */
  const place = (bytesPerItem: number): Place => {
    const n = header.lengths[k++];
    if (n < 0) return null;
    const p = { at, n };
    at += (n * bytesPerItem + 7) & ~7;
    return p;
  };
  const view = <T>(make: new (b: ArrayBufferLike, o: number, n: number) => T, p: Place) =>
    p ? new make(body, p.at, p.n) : null;
  const dense = view(Float32Array, place(4));
  const terms = view(Float64Array, place(8)) ?? new Float64Array(0);
  const weights = view(Float32Array, place(4)) ?? new Float32Array(0);
  return {
    ...header.m,
    dense,
    terms,
    weights,
    interests: header.m.interests.map((i) => {
      const own = {
        dense: view(Float32Array, place(4)),
        terms: view(Float64Array, place(8)) ?? new Float64Array(0),
        weights: view(Float32Array, place(4)) ?? new Float32Array(0),
      };
      const stored = i.members.map((x) => ({ x, dense: place(1), terms: place(8), weights: place(4) }));
      // Only a shown paper's reasons read an interest's members: their arrays are made on first use.
      let members: ModelMember[] | undefined;
      return {
        ...i,
        ...own,
        get members() {
          members ??= stored.map((m) => ({
            ...m.x,
            dense: view(Int8Array, m.dense),
            terms: view(Float64Array, m.terms) ?? new Float64Array(0),
            weights: view(Float32Array, m.weights) ?? new Float32Array(0),
          }));
          return members;
        },
      };
    }),
  };
}

/** An array's element offset and length in a stored model's body; null for a null array. */
type Place = { at: number; n: number } | null;
