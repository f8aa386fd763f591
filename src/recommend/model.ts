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
 * Keyword weights kept per model: the top 3,000 terms by |weight|, refitted (refitTerms). The
 * tail is the background sample's many tiny weights (some 208k terms at bench/recommend-speed's
 * 100k papers, 34k of them positive), and scoring costs a pass over each kept term's postings:
 * all of them cost 149 ms a request there, 3,000 its p95 of 31-36 ms.
 */
const MODEL_TERMS = 3000;
const CENTROID_TERMS = 200;
const MEMBERS_KEPT = 16;
/** Keywords kept per member (alike.ts reads other papers as if stored so). */
export const MEMBER_TERMS = 32;

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

/** Positions of a vector's `keep` largest entries by |value| (ties: the lower id first). */
function largest(v: SparseVector, keep: number): number[] {
  return Array.from(v.idx.keys())
    .sort((a, b) => Math.abs(v.val[b]) - Math.abs(v.val[a]) || v.idx[a] - v.idx[b])
    .slice(0, keep);
}

function topTerms(
  pool: CandidatePool,
  v: SparseVector,
  keep: number,
): { terms: Float64Array; weights: Float32Array } {
  const order = largest(v, keep);
  return {
    terms: Float64Array.from(order, (k) => pool.termKeyOf(v.idx[k])),
    weights: Float32Array.from(order, (k) => v.val[k]),
  };
}

/**
 * The refit's rows: the full model's REFIT_TOP best papers (the person's own left out), each at
 * REFIT_TOP_COST, and REFIT_SPREAD papers spread over the pool at 1, so that a paper below them
 * does not rise past them; a ridge of REFIT_RIDGE on the changes; REFIT_ITERATIONS steps of
 * conjugate gradient. Chosen offline (bench/recommend-prune.ts, 4 people at denseWeight 0.25,
 * share of the page's 30 kept / the speed bench's agreement; plain conjugate gradient, 40-100
 * steps): 2,000 best papers at cost 5 gave 0.89 / 0.72, at 20 0.93 / 0.77, at 50 0.93 / 0.78;
 * 1,000 or 3,000 at 20 0.93-0.95 / 0.76; a ridge of 0.1 0.76 / 0.59, 10⁻⁵ as 10⁻³; moving the
 * embedding's weights too (256 more unknowns) 0.82 / 0.65, less than the terms alone.
 * Preconditioned (below), 40 steps keep 0.980 of the page's 30 at 0.1 and 0.907 at 0.25 (10
 * people), where plain conjugate gradient's 100 kept 0.977 and 0.850 and cost some 100 ms more.
 */
const REFIT_TOP = 2000;
const REFIT_TOP_COST = 20;
const REFIT_SPREAD = 3000;
const REFIT_RIDGE = 0.001;
const REFIT_ITERATIONS = 40;

/** Per pool: vocabulary-long scratch, a kept term's column (else -1) and a dropped term's weight (else 0). */
const refitScratch = new WeakMap<CandidatePool, { column: Int32Array; dropped: Float32Array }>();

/**
 * The model's `keep` largest keyword weights, and the bias, moved so that they score the pool as
 * all the weights do (the embedding's part is the same in both): weighted least squares over the
 * full model's best papers and a spread of the others, the target each one's dropped terms'
 * part of its score. The dropped terms are not lost from the score, then, but folded into the
 * kept terms they co-occur with. Only the values change, not what is stored or how it is read.
 *
 * Measured offline on bench/recommend-speed's papers and people (bench/recommend-prune.ts, 10
 * people, 3,000 terms kept), the share of the full model's top 30 that the pruned one has, by
 * score / of the page's 30 (its turns) / as the speed bench's agreement (whose reference takes
 * equal turns, so that all terms reach 1.0 / 1.0 / 0.997 at denseWeight 0.1 and 1.0 / 1.0 /
 * 0.757 at 0.25): the top terms by |w| as they are 0.737 / 0.743 / 0.743 at 0.1 and 0.853 /
 * 0.680 / 0.490 at 0.25; other orders of the terms, kept as they are, do no better where it
 * counts: by |w| × the term's L2 norm over the pool 0.660 / 0.663 / 0.663 and 0.940 / 0.737 /
 * 0.543, by |w| × √df 0.633 / 0.633 / 0.633 and 0.930 / 0.750 / 0.550, by |w| × its sum over
 * the full model's best 1,000 papers 0.707 / 0.710 / 0.710 and 0.930 / 0.777 / 0.577, positive
 * weights first 0.740 / 0.743 / 0.743 and 0.853 / 0.673 / 0.483 (on 3 people, by |w| × df or ×
 * the sum over the pool 0.63-0.66 at 0.1, and a shift of the bias by the dropped terms' mean
 * over the pool changed no list). Refitted: 0.973 / 0.980 / 0.980 at 0.1 and 0.990 / 0.907 /
 * 0.730 at 0.25. On the speed bench itself (the app, 10 people; p50 / p95 of 200 requests):
 * agreement 0.743 → 0.980 at 0.1 (24 / 31 ms, unchanged: the same 3,000 terms), 0.490 → 0.730
 * at 0.25 (0.747 with plain conjugate gradient's 100 steps), 24 / 31 ms; training a person costs
 * some 200 ms more (887-936 against 700-904 ms: the full model's best papers cost some 95 ms of
 * it, gathering the rows 35).
 */
function refitTerms(
  pool: CandidatePool,
  w: PoolWeights,
  interests: Interest[],
  keep: number,
): { bias: number; termIds: Uint32Array; termWeights: Float32Array } {
  const order = largest({ idx: w.termIds, val: w.termWeights }, keep);
  const termIds = Uint32Array.from(order, (k) => w.termIds[k]);
  const termWeights = Float32Array.from(order, (k) => w.termWeights[k]);
  if (order.length === w.termIds.length || pool.size === 0) return { bias: w.bias, termIds, termWeights };
  let scratch = refitScratch.get(pool);
  if (!scratch) {
    scratch = {
      column: new Int32Array(pool.vocab.length).fill(-1),
      dropped: new Float32Array(pool.vocab.length),
    };
    refitScratch.set(pool, scratch);
  }
  // The person's own papers are never shown them: their scores need no fit. A followed author's
  // or topic's papers are shown (boosted), so they are fitted like any other.
  const own = new Set<number>();
  for (const i of interests) {
    if (i.kind !== "papers") continue;
    for (const m of i.members) {
      const at = pool.indexOf(m.id);
      if (at !== undefined) own.add(at);
    }
  }
  const top = pool
    .topScored(w, Math.min(REFIT_TOP, pool.size), undefined, (i) => own.has(i))
    .map((t) => t.index);
  const inTop = new Set([...top, ...own]);
  const rows = top.slice();
  // Spread evenly over the pool's indices (a pool of 3,000 to 6,000 papers took its first 3,000).
  const spread = Math.min(REFIT_SPREAD, pool.size);
  for (let k = 0; k < spread; k++) {
    const i = Math.floor((k * pool.size) / spread);
    if (!inTop.has(i)) rows.push(i);
  }
  // Each row's kept terms (compressed rows over the columns) and its dropped terms' part.
  const start = new Uint32Array(rows.length + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  const target = new Float64Array(rows.length);
  const cost = new Float64Array(rows.length);
  const { column, dropped } = scratch;
  try {
    for (let k = 0; k < w.termIds.length; k++) dropped[w.termIds[k]] = w.termWeights[k];
    for (let j = 0; j < termIds.length; j++) {
      column[termIds[j]] = j;
      dropped[termIds[j]] = 0;
    }
    rows.forEach((i, r) => {
      const { idx, val } = pool.keywords(i);
      let part = 0;
      for (let t = 0; t < idx.length; t++) {
        const j = column[idx[t]];
        if (j >= 0) {
          cols.push(j);
          vals.push(val[t]);
        } else part += dropped[idx[t]] * val[t];
      }
      start[r + 1] = cols.length;
      target[r] = part;
      cost[r] = r < top.length ? REFIT_TOP_COST : 1;
    });
  } finally {
    // The scratch is the pool's, for every later training: clean even if a row failed.
    for (const id of w.termIds) dropped[id] = 0;
    for (const id of termIds) column[id] = -1;
  }
  // Conjugate gradient on the normal equations (Xᵀ C X + ridge) Δ = Xᵀ C target, the bias last,
  // preconditioned by their diagonal (a term's weighted sum of squares: common terms' columns
  // are far longer than rare ones').
  const n = termIds.length + 1;
  const at = Uint32Array.from(cols);
  const x = Float64Array.from(vals);
  const diagonal = new Float64Array(n).fill(REFIT_RIDGE);
  const rhs = new Float64Array(n);
  for (let r = 0; r < rows.length; r++) {
    const c = target[r] * cost[r];
    for (let t = start[r]; t < start[r + 1]; t++) {
      rhs[at[t]] += x[t] * c;
      diagonal[at[t]] += x[t] * x[t] * cost[r];
    }
    rhs[n - 1] += c;
    diagonal[n - 1] += cost[r];
  }
  const xv = new Float64Array(rows.length);
  const times = (v: Float64Array, out: Float64Array) => {
    for (let r = 0; r < rows.length; r++) {
      let s = v[n - 1];
      for (let t = start[r]; t < start[r + 1]; t++) s += x[t] * v[at[t]];
      xv[r] = s * cost[r];
    }
    for (let j = 0; j < n; j++) out[j] = REFIT_RIDGE * v[j];
    for (let r = 0; r < rows.length; r++) {
      const c = xv[r];
      for (let t = start[r]; t < start[r + 1]; t++) out[at[t]] += x[t] * c;
      out[n - 1] += c;
    }
  };
  const delta = new Float64Array(n);
  const res = rhs;
  const z = Float64Array.from(res, (v, j) => v / diagonal[j]);
  const dir = Float64Array.from(z);
  const q = new Float64Array(n);
  let rz = 0;
  for (let j = 0; j < n; j++) rz += res[j] * z[j];
  for (let it = 0; it < REFIT_ITERATIONS && rz > 1e-24; it++) {
    times(dir, q);
    let dq = 0;
    for (let j = 0; j < n; j++) dq += dir[j] * q[j];
    const step = rz / dq;
    let next = 0;
    for (let j = 0; j < n; j++) {
      delta[j] += step * dir[j];
      res[j] -= step * q[j];
      z[j] = res[j] / diagonal[j];
      next += res[j] * z[j];
    }
    for (let j = 0; j < n; j++) dir[j] = z[j] + (next / rz) * dir[j];
    rz = next;
  }
  for (let j = 0; j < termWeights.length; j++) termWeights[j] += delta[j];
  return { bias: w.bias + delta[n - 1], termIds, termWeights };
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
  const kept = refitTerms(pool, weights, interests, MODEL_TERMS);
  return {
    cold: false,
    embeddingModelId,
    bias: kept.bias,
    dense: weights.dense,
    terms: Float64Array.from(kept.termIds, (id) => pool.termKeyOf(id)),
    weights: kept.termWeights,
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
 * first place and its last weight, as the Map did. Both arrays share one buffer: a digest run
 * makes a few of these per reader, and each buffer is memory outside the heap for the garbage
 * collector to track and free.
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
  const { metIn, at } = marks;
  const buffer = new ArrayBuffer(terms.length * 8);
  const ids = new Uint32Array(buffer, 0, terms.length);
  const kept = new Float32Array(buffer, terms.length * 4, terms.length);
  let n = 0;
  for (let k = 0; k < terms.length; k++) {
    const id = pool.termIdOfKey(terms[k]);
    if (id < 0) continue;
    if (metIn[id] === call) {
      kept[at[id]] = weights[k];
      continue;
    }
    metIn[id] = call;
    at[id] = n;
    ids[n] = id;
    kept[n++] = weights[k];
  }
  return { ids: ids.subarray(0, n), weights: kept.subarray(0, n) };
}

/** Stored terms and weights in the pool's keyword space, as a unit vector. */
function keywordsOnPool(pool: CandidatePool, terms: Float64Array, weights: Float32Array): SparseVector {
  const kept = inPool(pool, terms, weights);
  return unitSparseOf(kept.ids, kept.weights);
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
 * A stored member's features in the pool's space, worked out on first use: only the few cards a
 * view shows compare a paper with the members of its interest, so the 100-odd members' keyword
 * vectors are mostly never needed.
 */
function memberFeatures(pool: CandidatePool, m: ModelMember, denseFits: boolean): Features {
  let d: Float32Array | null | undefined;
  let k: SparseVector | undefined;
  return {
    get dense() {
      if (d === undefined)
        d = m.dense && denseFits && m.dense.length === pool.dims ? unitOfBytes(m.dense) : null;
      return d;
    },
    get keywords() {
      k ??= keywordsOnPool(pool, m.terms, m.weights);
      return k;
    },
  };
}

/** A stored embedding when it is in the pool's embedding space, else null. */
function denseOnPool(v: Float32Array | null, pool: CandidatePool, denseFits: boolean): Float32Array | null {
  return denseFits && v && v.length === pool.dims ? v : null;
}

/** The model applied to one pool: its weights in the pool's ids, its interests in the pool's space. */
export function modelOnPool(model: PersonModel, pool: CandidatePool, poolModelId: number | null) {
  const denseFits = model.embeddingModelId === poolModelId && pool.dims > 0;
  const terms = inPool(pool, model.terms, model.weights);
  const weights: PoolWeights = {
    bias: model.bias,
    dense: denseOnPool(model.dense, pool, denseFits),
    termIds: terms.ids,
    termWeights: terms.weights,
  };
  // Object literals with lazy getters, made in this one loop: the closures and factories made per
  // person and interest before were each also named under tsx (a property definition apiece).
  const interests: Interest[] = model.interests.map((i, index) => {
    // Only a shown paper's reasons compare it with members: most interests never need theirs.
    let members: PositiveSignal[] | undefined;
    let keywords: SparseVector | undefined;
    return {
      index,
      label: i.label,
      kind: i.kind,
      get members() {
        members ??= i.members.map((m) => ({
          id: m.id,
          title: m.title,
          kind: m.kind,
          weight: m.weight,
          features: memberFeatures(pool, m, denseFits),
        }));
        return members;
      },
      weight: i.size,
      dense: denseOnPool(i.dense, pool, denseFits),
      get keywords() {
        keywords ??= keywordsOnPool(pool, i.terms, i.weights);
        return keywords;
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

/**
 * Format 1 (terms as strings), 2 (weights learned over 1 + ln tf keyword features, before
 * BM25-saturated tf became the default, 0ccdb9f), 3 (before the interests' pull, rank.ts's
 * interestPull) and 4 (interests named by prose's function words, "Rather Than", or with an
 * abbreviation glued on, "Reinforcement Learning RL": interest-label.ts) are read as no model:
 * the person's is trained again, since old weights score on another scale or miss what the new
 * ones learn, and the interests' names are stored with them (migrations 0320, 0322 and 0323
 * delete stored ones of an older format, so the recommend-models job retrains them).
 */
const MODEL_FORMAT = 5;

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
  view.setUint32(0, MODEL_FORMAT, true);
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

const utf8 = new TextDecoder();

/**
 * Reads a stored model's arrays in the header's order, as views of its body: a cursor, not
 * closures made per model (under tsx each closure created is also named, a property definition
 * per closure and person that a digest run paid thousands of times).
 */
class BodyReader {
  private k = 0;

  constructor(
    private readonly body: ArrayBufferLike,
    private at: number,
    private readonly lengths: number[],
  ) {}

  /** Where the next array lies in the body, without reading it yet. */
  place(bytesPerItem: number): Place {
    const n = this.lengths[this.k++];
    if (n < 0) return null;
    const p = { at: this.at, n };
    this.at += (n * bytesPerItem + 7) & ~7;
    return p;
  }

  /** Passes over the next arrays (of these item sizes, in turn, `times` times) and returns where they began. */
  skip(bytesPerItem: number[], times: number): { k: number; at: number } {
    const from = { k: this.k, at: this.at };
    for (let t = 0; t < times; t++)
      for (const b of bytesPerItem) {
        const n = this.lengths[this.k++];
        if (n >= 0) this.at += (n * b + 7) & ~7;
      }
    return from;
  }

  /** A reader of the arrays `skip` passed over. */
  from(start: { k: number; at: number }): BodyReader {
    const r = new BodyReader(this.body, start.at, this.lengths);
    r.k = start.k;
    return r;
  }

  f32(): Float32Array | null {
    const p = this.place(4);
    return p ? new Float32Array(this.body, p.at, p.n) : null;
  }

  f64(): Float64Array | null {
    const p = this.place(8);
    return p ? new Float64Array(this.body, p.at, p.n) : null;
  }

  i8(): Int8Array | null {
    const p = this.place(1);
    return p ? new Int8Array(this.body, p.at, p.n) : null;
  }
}

/** The arrays stored for each member, by item size: its embedding's bytes, term keys and weights. */
const MEMBER_ARRAYS = [1, 8, 4];

/** An interest's stored members with their arrays, read from where `skip` passed over them. */
function readMembers(r: BodyReader, stored: Header["m"]["interests"][number]["members"]): ModelMember[] {
  return stored.map((x) => ({
    ...x,
    dense: r.i8(),
    terms: r.f64() ?? new Float64Array(0),
    weights: r.f32() ?? new Float32Array(0),
  }));
}

/** The stored bytes back as a model; null for another format (the model is then retrained). */
export function decodeModel(bytes: Uint8Array): PersonModel | null {
  if (bytes.length < 8) return null;
  const head = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (head.getUint32(0, true) !== MODEL_FORMAT) return null;
  const jsonLength = head.getUint32(4, true);
  const header = JSON.parse(utf8.decode(bytes.subarray(8, 8 + jsonLength))) as Header;
  // The arrays are views of the bytes' buffer at their own offset within it (a Node Buffer may be
  // a view into a larger one: reading its `.buffer` from 0 once read the header as weights, scores
  // of 1e36), when that offset is aligned for a Float64Array; else of one aligned copy. A digest
  // run's models arrive in their own buffers, and a 38 kB copy per person cost it more in
  // garbage collection (off-heap memory) than the rest of decoding.
  const start = (8 + jsonLength + 7) & ~7;
  const aligned = (bytes.byteOffset + start) % 8 === 0;
  const body: ArrayBufferLike = aligned ? bytes.buffer : new Uint8Array(bytes.subarray(start)).buffer;
  const reader = new BodyReader(body, aligned ? bytes.byteOffset + start : 0, header.lengths);
  const dense = reader.f32();
  const terms = reader.f64() ?? new Float64Array(0);
  const weights = reader.f32() ?? new Float32Array(0);
  const interests = header.m.interests.map((i) => {
    const own = {
      dense: reader.f32(),
      terms: reader.f64() ?? new Float64Array(0),
      weights: reader.f32() ?? new Float32Array(0),
    };
    // Only a shown paper's reasons read an interest's members: their arrays are made on first use,
    // and until then only passed over.
    const membersAt = reader.skip(MEMBER_ARRAYS, i.members.length);
    let members: ModelMember[] | undefined;
    return {
      ...i,
      ...own,
      get members() {
        members ??= readMembers(reader.from(membersAt), i.members);
        return members;
      },
    };
  });
  return { ...header.m, dense, terms, weights, interests };
}

/** An array's element offset and length in a stored model's body; null for a null array. */
type Place = { at: number; n: number } | null;
