/**
 * Pruning rules for the stored model's keyword weights, offline (`node --max-old-space-size=8000
 * --import tsx bench/recommend-prune.ts`, 2-8 min): the papers, vectors and people of
 * bench/recommend-speed (the same generator and seeds), the pool built directly (no database, no
 * app), each person's model trained at each denseWeight, then its keyword weights pruned to KEEP
 * terms by each rule, and the model personModel stores (model.ts) applied as a request does.
 * Per rule: the share of the full model's top 30 in the pruned model's (plain score order), of
 * the full model's page (its turns, close matches first) in the pruned one's, and the speed
 * bench's agreement as closely as it can be had without the app (its reference takes equal
 * turns over the full model's scores; this one over its best 5,000). Its figures for the rules
 * by |w| match the bench's (0.743 at denseWeight 0.1, 0.490 at 0.25, all terms 0.757).
 * PEOPLE (10), DENSE (0.1,0.25), RULES (all), SHIFT=1 (also with the dropped terms' mean over the
 * pool added to the bias), REFITS (top:cost:dense 0/1:ridge:steps, e.g. 2000:20:0:0.001:100: the
 * script's own refit of each rule's terms, unpreconditioned) and SAMPLE (its spread rows, 5000).
 * Prints only.
 */
import { DEFAULT_TURN_SCORE_SHARE, DEFAULT_TURNS, diversify } from "../src/recommend/diversify.ts";
import { groupInterests } from "../src/recommend/interests.ts";
import { modelOnPool, personModel } from "../src/recommend/model.ts";
import { CandidatePool, type PoolPaper, type PoolWeights } from "../src/recommend/pool.ts";
import { DEFAULT_RANK_OPTIONS, trainPoolWeights } from "../src/recommend/rank.ts";
import { COVER_TOP, closestInterest, rankPoolWith } from "../src/recommend/rank-pool.ts";
import type { Interest, PositiveSignal } from "../src/recommend/types.ts";
import { generatePapers, rng } from "./search-corpus.ts";

const PAPERS = Number(process.env.PAPERS ?? 100_000);
const PEOPLE = Number(process.env.PEOPLE ?? 10);
const KEEP = Number(process.env.KEEP ?? 3000);
const DENSE = (process.env.DENSE ?? "0.1,0.25").split(",").map(Number);
const SIGNALS = 200;
const LIMIT = 30;
const DIMS = 256;
const CLUSTERS = 64;

// The speed bench's draws, in its order (the noise of a batch's vectors is drawn at its flush).
const rand = rng(11);
const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
const unit = (v: Float32Array) => {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
};
const t0 = performance.now();
const centres = Array.from({ length: CLUSTERS }, () => unit(Float32Array.from({ length: DIMS }, gauss)));
const clusterOf: number[] = [];
const rows: (PoolPaper & { cluster: number })[] = [];
let batch: (PoolPaper & { cluster: number })[] = [];
const flush = () => {
  for (const p of batch) p.vector = unit(Float32Array.from(centres[p.cluster], (x) => x + 0.08 * gauss()));
  rows.push(...batch);
  batch = [];
};
for (const p of generatePapers(PAPERS, 5)) {
  const cluster = Math.floor(rand() * CLUSTERS);
  clusterOf.push(cluster);
  rand(); // the publication time
  batch.push({
    arxivId: p.arxivId,
    title: p.title,
    abstract: p.abstract ?? "",
    authorNames: (p.authors ?? []).map((a) => a.name ?? ""),
    vector: null,
    cluster,
  });
  if (batch.length === 2000) flush();
}
if (batch.length > 0) flush();
const ids = rows.map((r) => r.arxivId);
// The pool reads candidates in arxiv id order.
rows.sort((a, b) => (a.arxivId < b.arxivId ? -1 : a.arxivId > b.arxivId ? 1 : 0));
const pool = new CandidatePool(DIMS, rows);
console.log(`pool of ${pool.size} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

// Per-term statistics over the pool: document frequency, sum and sum of squares of the values.
const terms = pool.vocab.length;
const df = new Float64Array(terms);
const mass = new Float64Array(terms);
const sq = new Float64Array(terms);
for (let i = 0; i < pool.size; i++) {
  const k = pool.keywords(i);
  for (let j = 0; j < k.idx.length; j++) {
    df[k.idx[j]]++;
    mass[k.idx[j]] += k.val[j];
    sq[k.idx[j]] += k.val[j] * k.val[j];
  }
}

/** A rule: term positions (into w.termIds) in the order to keep them. */
type Rule = (w: PoolWeights, top: number[]) => number[];
const byKey = (w: PoolWeights, key: (k: number) => number) =>
  Array.from(w.termIds.keys()).sort((a, b) => key(b) - key(a) || w.termIds[a] - w.termIds[b]);
const topMass = (w: PoolWeights, top: number[]) => {
  const m = new Map<number, number>();
  for (const i of top) {
    const k = pool.keywords(i);
    for (let j = 0; j < k.idx.length; j++) m.set(k.idx[j], (m.get(k.idx[j]) ?? 0) + k.val[j]);
  }
  return (k: number) => m.get(w.termIds[k]) ?? 0;
};
const topL2 = (w: PoolWeights, top: number[]) => {
  const m = new Map<number, number>();
  for (const i of top) {
    const k = pool.keywords(i);
    for (let j = 0; j < k.idx.length; j++) m.set(k.idx[j], (m.get(k.idx[j]) ?? 0) + k.val[j] * k.val[j]);
  }
  return (k: number) => Math.sqrt(m.get(w.termIds[k]) ?? 0);
};
const only = process.env.RULES?.split(",");
const allRules: Record<string, Rule> = {
  absw: (w) => byKey(w, (k) => Math.abs(w.termWeights[k])),
  wdf: (w) => byKey(w, (k) => Math.abs(w.termWeights[k]) * df[w.termIds[k]]),
  wmass: (w) => byKey(w, (k) => Math.abs(w.termWeights[k]) * mass[w.termIds[k]]),
  wl2: (w) => byKey(w, (k) => Math.abs(w.termWeights[k]) * Math.sqrt(sq[w.termIds[k]])),
  wsqrtdf: (w) => byKey(w, (k) => Math.abs(w.termWeights[k]) * Math.sqrt(df[w.termIds[k]])),
  pos: (w) => byKey(w, (k) => (w.termWeights[k] > 0 ? 1e9 : 0) + Math.abs(w.termWeights[k])),
  top500: (w, top) => {
    const m = topMass(w, top.slice(0, 500));
    return byKey(w, (k) => Math.abs(w.termWeights[k]) * m(k));
  },
  top1000: (w, top) => {
    const m = topMass(w, top.slice(0, 1000));
    return byKey(w, (k) => Math.abs(w.termWeights[k]) * m(k));
  },
  top2000: (w, top) => {
    const m = topMass(w, top.slice(0, 2000));
    return byKey(w, (k) => Math.abs(w.termWeights[k]) * m(k));
  },
  top1000l2: (w, top) => {
    const m = topL2(w, top.slice(0, 1000));
    return byKey(w, (k) => Math.abs(w.termWeights[k]) * m(k));
  },
  top1000df: (w, top) => {
    const m = new Map<number, number>();
    for (const i of top.slice(0, 1000)) for (const t of pool.keywords(i).idx) m.set(t, (m.get(t) ?? 0) + 1);
    return byKey(w, (k) => Math.abs(w.termWeights[k]) * (m.get(w.termIds[k]) ?? 0));
  },
};
const rules = Object.fromEntries(Object.entries(allRules).filter(([k]) => !only || only.includes(k)));

/** Keeps the first `keep` of the order; `shift` adds the dropped terms' mean over the pool to the bias. */
function pruned(w: PoolWeights, order: number[], keep: number, shift: boolean): PoolWeights {
  const kept = order.slice(0, keep);
  let bias = w.bias;
  if (shift) for (const k of order.slice(keep)) bias += (w.termWeights[k] * mass[w.termIds[k]]) / pool.size;
  return {
    bias,
    dense: w.dense,
    termIds: Uint32Array.from(kept, (k) => w.termIds[k]),
    termWeights: Float32Array.from(kept, (k) => w.termWeights[k]),
  };
}

/**
 * The pruned weights refitted to the full model's scores (weighted least squares by conjugate
 * gradient, ridge `lambda`): the kept terms' weights (and the embedding's and the bias, when
 * `dense`) move so that the pruned model scores `rows` as the full one does, each row at its cost.
 */
const column = new Int32Array(pool.vocab.length).fill(-1);
function refit(
  full: Float32Array,
  w: PoolWeights,
  rowsAt: number[],
  cost: number[],
  dense: boolean,
  lambda: number,
  iters: number,
): PoolWeights {
  const K = w.termIds.length;
  w.termIds.forEach((id, j) => {
    column[id] = j;
  });
  const D = dense && w.dense ? pool.dims : 0;
  const n = K + D + 1;
  const pr = pool.scoreAll(w);
  const starts = [0];
  const cols: number[] = [];
  const vals: number[] = [];
  const r = new Float64Array(rowsAt.length);
  rowsAt.forEach((i, k) => {
    const kw = pool.keywords(i);
    for (let t = 0; t < kw.idx.length; t++) {
      const j = column[kw.idx[t]];
      if (j >= 0) {
        cols.push(j);
        vals.push(kw.val[t]);
      }
    }
    starts.push(cols.length);
    r[k] = full[i] - pr[i];
  });
  const emb = (i: number) => pool.features(i).dense;
  const Ax = (x: Float64Array, out: Float64Array) => {
    rowsAt.forEach((i, k) => {
      let s = x[n - 1];
      for (let t = starts[k]; t < starts[k + 1]; t++) s += vals[t] * x[cols[t]];
      const e = D ? emb(i) : null;
      if (e) for (let j = 0; j < D; j++) s += e[j] * x[K + j];
      out[k] = s;
    });
  };
  const ATx = (y: Float64Array, out: Float64Array) => {
    out.fill(0);
    rowsAt.forEach((i, k) => {
      const c = y[k] * cost[k];
      for (let t = starts[k]; t < starts[k + 1]; t++) out[cols[t]] += vals[t] * c;
      const e = D ? emb(i) : null;
      if (e) for (let j = 0; j < D; j++) out[K + j] += e[j] * c;
      out[n - 1] += c;
    });
  };
  const tmp = new Float64Array(rowsAt.length);
  const normal = (x: Float64Array, out: Float64Array) => {
    Ax(x, tmp);
    ATx(tmp, out);
    for (let j = 0; j < n; j++) out[j] += lambda * x[j];
  };
  const x = new Float64Array(n);
  const b = new Float64Array(n);
  ATx(r, b);
  const res = Float64Array.from(b);
  const p = Float64Array.from(b);
  const q = new Float64Array(n);
  let rr = res.reduce((a, v) => a + v * v, 0);
  for (let it = 0; it < iters && rr > 1e-20; it++) {
    normal(p, q);
    let pq = 0;
    for (let j = 0; j < n; j++) pq += p[j] * q[j];
    const alpha = rr / pq;
    for (let j = 0; j < n; j++) {
      x[j] += alpha * p[j];
      res[j] -= alpha * q[j];
    }
    const next = res.reduce((a, v) => a + v * v, 0);
    for (let j = 0; j < n; j++) p[j] = res[j] + (next / rr) * p[j];
    rr = next;
  }
  w.termIds.forEach((id) => {
    column[id] = -1;
  });
  return {
    bias: w.bias + x[n - 1],
    dense: w.dense && D ? Float32Array.from(w.dense, (v, j) => v + x[K + j]) : w.dense,
    termIds: w.termIds,
    termWeights: Float32Array.from(w.termWeights, (v, j) => v + x[j]),
  };
}
const sampleRows = (() => {
  const r = rng(3);
  const out = new Set<number>();
  while (out.size < Number(process.env.SAMPLE ?? 5000)) out.add(Math.floor(r() * PAPERS));
  return [...out];
})();
const REFITS = (process.env.REFITS ?? "").split(",").filter(Boolean);

/** The page's list: close matches (above 0) take the page's turns first, then the weaker ones. */
function served(w: PoolWeights, interests: Interest[], seen: Set<number>): number[] {
  const scored = rankPoolWith(pool, w, interests, new Map(), 0, 400 + seen.size, 40 + seen.size).filter(
    (s) => !seen.has(s.index),
  );
  const turns = {
    turns: DEFAULT_TURNS,
    interestWeights: interests.map((i) => i.weight),
    turnScoreShare: DEFAULT_TURN_SCORE_SHARE,
  };
  const top = diversify(
    scored.filter((s) => s.score > 0),
    LIMIT,
    COVER_TOP,
    turns,
  );
  if (top.length < LIMIT)
    top.push(
      ...diversify(
        scored.filter((s) => !(s.score > 0)),
        LIMIT - top.length,
        COVER_TOP,
        turns,
      ),
    );
  return top.map((s) => s.index);
}

const overlap = (a: number[], b: number[]) => {
  const s = new Set(b);
  return a.filter((x) => s.has(x)).length / a.length;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const people = Array.from({ length: PEOPLE }, (_, u) => {
  const r = rng(100 + u);
  const clusters = Array.from({ length: 4 }, () => Math.floor(r() * CLUSTERS));
  const mine = ids.filter((_, i) => clusters.includes(clusterOf[i]));
  const saves = new Set<string>();
  while (saves.size < SIGNALS) saves.add(mine[Math.floor(r() * mine.length)]);
  // positiveSignalRows: all saved at one time, so in arxiv id order; the n-th weighs 1/(1 + log10(n + 1)).
  return [...saves].sort();
});

const results: Record<string, { plain: number[]; bench: number[]; line: number[]; page: number[] }> = {};
for (const d of DENSE) {
  const opts = { ...DEFAULT_RANK_OPTIONS, denseWeight: d };
  for (const [u, saves] of people.entries()) {
    const positives: PositiveSignal[] = saves.map((id, n) => {
      const i = pool.indexOf(id) as number;
      return {
        id,
        title: pool.titles[i],
        abstract: rows[i].abstract,
        kind: "saved",
        weight: 1 / (1 + Math.log10(n + 1)),
        features: pool.features(i),
      };
    });
    const seen = new Set(saves.map((id) => pool.indexOf(id) as number));
    const interests = groupInterests(positives, pool, opts.interests);
    const full = trainPoolWeights(pool, interests, [], opts);
    if (!full) throw new Error("no model");
    const t1 = performance.now();
    const stored = personModel(pool, 1, full, interests, { authors: [], topics: [] });
    const modelMs = performance.now() - t1;
    const { interests: applied, weights: model } = modelOnPool(stored, pool, 1);
    const scores = pool.scoreAll(full);
    const order = Array.from(scores.keys())
      .filter((i) => !seen.has(i))
      .sort((a, b) => scores[b] - scores[a] || a - b);
    const fullTop = order.slice(0, LIMIT);
    // The speed bench's reference: equal turns over every paper by the full model (the best 5,000 here).
    const reference = diversify(
      order.slice(0, 5000).map((i) => ({
        index: i,
        score: scores[i],
        interest: closestInterest(pool.features(i), applied),
      })),
      LIMIT,
      COVER_TOP,
    ).map((s) => s.index);
    const fullPage = served(full, applied, seen);
    results[`${d} all terms`] ??= { plain: [], bench: [], line: [], page: [] };
    results[`${d} all terms`].plain.push(1);
    results[`${d} all terms`].bench.push(overlap(reference, fullPage));
    results[`${d} all terms`].page.push(1);
    results[`${d} all terms`].line.push(1);
    const fullLine = scores.filter((s) => s > 0).length;
    let pos = 0;
    for (const x of full.termWeights) if (x > 0) pos++;
    if (u === 0)
      console.log(
        `d ${d}: ${full.termIds.length} terms (${pos} positive), ${fullLine} papers above 0; all terms served agreement ${overlap(reference, served(full, applied, seen)).toFixed(2)}`,
      );
    // One row of the table per key: the pruned weights' overlaps with the full model's lists, and
    // the last column's figure.
    const record = (
      key: string,
      w: PoolWeights,
      last: (scores: ReturnType<typeof pool.scoreAll>) => number,
    ) => {
      const s = pool.scoreAll(w);
      const top = Array.from(s.keys())
        .filter((i) => !seen.has(i))
        .sort((a, b) => s[b] - s[a] || a - b)
        .slice(0, LIMIT);
      results[key] ??= { plain: [], bench: [], line: [], page: [] };
      const page = served(w, applied, seen);
      results[key].plain.push(overlap(fullTop, top));
      results[key].bench.push(overlap(reference, page));
      results[key].page.push(overlap(fullPage, page));
      results[key].line.push(last(s));
    };
    {
      // What personModel stores (model.ts), applied as a request applies it.
      const key = `${d} stored model (model.ts)`;
      record(key, model, () => modelMs);
    }
    for (const [name, rule] of Object.entries(rules)) {
      const o = rule(full, order);
      for (const shift of process.env.SHIFT ? [false, true] : [false]) {
        const key = `${d} ${name}${shift ? "+shift" : ""}`;
        const w = pruned(full, o, KEEP, shift);
        record(key, w, (s) => s.filter((x) => x > 0).length / Math.max(1, fullLine));
      }
      // REFITS: top:topCost:dense(0/1):lambda:iters, e.g. 2000:5:1:0.001:40
      for (const spec of REFITS) {
        const [nTop, topCost, withDense, lambda, iters] = spec.split(":").map(Number);
        const key = `${d} ${name} refit ${spec}`;
        const topRows = order.slice(0, nTop);
        const inTop = new Set(topRows);
        const rowsAt = [...topRows, ...sampleRows.filter((i) => !inTop.has(i))];
        const cost = rowsAt.map((_, k) => (k < topRows.length ? topCost : 1));
        const t1 = performance.now();
        const w = refit(scores, pruned(full, o, KEEP, false), rowsAt, cost, withDense === 1, lambda, iters);
        const took = performance.now() - t1;
        record(key, w, () => took);
      }
    }
  }
}
console.log(
  "| denseWeight rule | top-30 overlap (score order) | page's 30 (÷ all terms' page) | agreement as the speed bench | papers above 0 (÷ full), or ms to make the model |",
);
console.log("|---|---|---|---|---|");
for (const [key, r] of Object.entries(results))
  console.log(
    `| ${key} | ${mean(r.plain).toFixed(3)} | ${mean(r.page).toFixed(3)} | ${mean(r.bench).toFixed(3)} | ${mean(r.line).toFixed(2)} |`,
  );
console.log(`${((performance.now() - t0) / 1000).toFixed(0)} s`);
