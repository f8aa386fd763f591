/**
 * Hybrid fusion candidates side by side, in memory (`node --import tsx bench/hybrid-fusion.ts
 * [--model v2|lsa] [--test]`): the built-in model (cached on disk, bench/scifact/model-cache.ts)
 * trained on the 5,183 SciFact abstracts, the BM25F index that serves /search, and for every
 * query of SciFact's TRAIN split each way of combining the two rankings at a grid of weights:
 *
 * - `max`: bm25 / max bm25 + w · cos (the service's fusion until now);
 * - `z`: each half as a z-score over its own top K (Kamps et al.'s score normalisation);
 * - `minmax`: each half scaled to [0, 1] over its own top K;
 * - `rrf`: reciprocal-rank fusion, 1 / (k + rank) with the semantic half weighted by w;
 *
 * each over the union of both top-200 lists, or as a reranker of the keyword top D only. The
 * choice is made on train; `--test` prints the test split for the best configuration of each
 * family (chosen on train), never used to choose.
 *
 * Encoder candidates, on the same grid: `--model lsa` (version 1), contrastive options
 * (`--epochs`, `--lr`, `--sents`, `--tau`, `--topical` for topic-aware batches), `--lexical β`
 * (a random component added to every term vector) and `--sentences γ` (passage scoring,
 * src/search/embed/passages.ts, applied to every paper).
 */
import os from "node:os";
import { type ContrastiveParams, refineContrastive, sentences } from "../src/search/embed/contrastive.ts";
import { paperText } from "../src/search/embed/embedder.ts";
import { embedLsa, trainLsa } from "../src/search/embed/lsa.ts";
import { mulberry32 } from "../src/search/embed/random.ts";
import { feedbackQuery } from "../src/search/fusion.ts";
import { analyze } from "../src/search/text.ts";
import { scifactCorpus, scifactKeywordIndex, scifactQrels, scifactQueries } from "./scifact/data.ts";
import { mean, ndcgAt } from "./scifact/metrics.ts";
import { cachedModel } from "./scifact/model-cache.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const docs = scifactCorpus();
const queries = scifactQueries();
const texts = docs.map((d) => paperText(d.title, d.text));
let t = performance.now();
const lsa = cachedModel("scifact-lsa-256", () => trainLsa(texts)).model;
const which = arg("--model") ?? "contrastive";
// Contrastive options from the command line; the defaults are the built-in model's (version 2).
const options: Partial<ContrastiveParams> = {
  ...(arg("--epochs") ? { epochs: Number(arg("--epochs")) } : {}),
  ...(arg("--lr") ? { learningRate: Number(arg("--lr")) } : {}),
  ...(arg("--sents") ? { sentencesPerPaper: Number(arg("--sents")) } : {}),
  ...(arg("--tau") ? { temperature: Number(arg("--tau")) } : {}),
  ...(process.argv.includes("--topical") ? { topicalBatches: true } : {}),
};
const model =
  which === "lsa"
    ? lsa
    : cachedModel(`scifact-contrastive-256-${Object.entries(options).flat().join("-") || "v2"}`, () => {
        const refined = { ...lsa, vectors: Float32Array.from(lsa.vectors) };
        const report = refineContrastive(
          refined,
          docs.map((d) => ({ title: d.title, abstract: d.text })),
          options,
        );
        console.log(`refined ${JSON.stringify(options)}: ${JSON.stringify(report)}`);
        return refined;
      }).model;
// `--lexical β`: each term vector also gets a random one of β times the mean norm. Random vectors
// are nearly orthogonal, so their part of a cosine counts shared words (what BM25 sees and LSA's
// 256 directions blur for rare words) and the LSA part the rest.
const lexical = Number(arg("--lexical") ?? 0);
if (lexical > 0) addLexical(model, lexical);
function addLexical(m: typeof model, beta: number) {
  const d = m.params.dims;
  let meanNorm = 0;
  for (let i = 0; i < m.vocab.length; i++) meanNorm += Math.hypot(...m.vectors.subarray(i * d, (i + 1) * d));
  meanNorm /= m.vocab.length;
  const rand = mulberry32(7);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
  const scale = (beta * meanNorm) / Math.sqrt(d);
  for (let i = 0; i < m.vectors.length; i++) m.vectors[i] += scale * gauss();
}
console.log(
  `model ${which} ${JSON.stringify(options)} ready in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);

const dims = model.params.dims;
t = performance.now();
const docVectors = new Float32Array(docs.length * dims);
for (let i = 0; i < docs.length; i++) docVectors.set(embedLsa(model, texts[i]), i * dims);
console.log(`embedded ${docs.length} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
// `--sentences γ`: a paper's cosine becomes (1 − γ) · cos(q, paper) + γ · max over its sentences
// of cos(q, sentence): a claim usually restates one sentence of the abstract that supports it.
const gamma = Number(arg("--sentences") ?? 0);
const sentenceOwner: number[] = [];
const sentenceRows: Float32Array[] = [];
if (gamma > 0)
  docs.forEach((d, i) => {
    for (const s of [d.title, ...sentences(d.text)]) {
      sentenceRows.push(embedLsa(model, s));
      sentenceOwner.push(i);
    }
  });
const sentenceVectors = new Float32Array(sentenceRows.length * dims);
for (const [i, v] of sentenceRows.entries()) sentenceVectors.set(v, i * dims);
console.log(`${sentenceRows.length} sentences embedded`);
const indexOf = new Map(docs.map((d, i) => [d.id, i]));
const keyword = scifactKeywordIndex(docs);
const DEPTH = 200;

interface Prepared {
  rel: Map<string, number>;
  /** Keyword top DEPTH as document indexes, best first, with their BM25F scores. */
  kw: { doc: number; score: number }[];
  /** Cosine of every document with the feedback query, and with the plain query. */
  cosFb: Float32Array;
  cosPlain: Float32Array;
  /** The semantic top DEPTH of each query vector. */
  topFb: number[];
  topPlain: number[];
}

function cosines(q: Float32Array): Float32Array {
  const out = new Float32Array(docs.length);
  for (let i = 0; i < docs.length; i++) {
    let s = 0;
    const o = i * dims;
    for (let c = 0; c < dims; c++) s += q[c] * docVectors[o + c];
    out[i] = s;
  }
  if (gamma > 0) {
    const best = new Float32Array(docs.length).fill(-1);
    for (let j = 0; j < sentenceOwner.length; j++) {
      let s = 0;
      const o = j * dims;
      for (let c = 0; c < dims; c++) s += q[c] * sentenceVectors[o + c];
      if (s > best[sentenceOwner[j]]) best[sentenceOwner[j]] = s;
    }
    for (let i = 0; i < docs.length; i++) out[i] = (1 - gamma) * out[i] + gamma * best[i];
  }
  return out;
}

function prepare(split: "train" | "test"): Prepared[] {
  return [...scifactQrels(split)].map(([qid, rel]) => {
    const text = queries.get(qid)!;
    const kw = keyword
      .rank({ terms: [...new Set(analyze(text))], k: DEPTH })
      .docs.map((h) => ({ doc: indexOf.get(h.arxivId)!, score: h.score }));
    const q = embedLsa(model, text, true);
    const fb = feedbackQuery(
      q,
      kw.slice(0, 3).map((h) => docVectors.subarray(h.doc * dims, (h.doc + 1) * dims)),
      1,
    );
    const cosFb = cosines(fb);
    const cosPlain = cosines(q);
    return { rel, kw, cosFb, cosPlain, topFb: topByCos(cosFb, DEPTH), topPlain: topByCos(cosPlain, DEPTH) };
  });
}

function topByCos(cos: Float32Array, k: number): number[] {
  const idx = Array.from({ length: cos.length }, (_, i) => i);
  idx.sort((a, b) => cos[b] - cos[a]);
  return idx.slice(0, k);
}

interface Config {
  family: "max" | "z" | "minmax" | "rrf";
  pool: "union" | "rerank";
  /** Keyword candidates kept (rerank), or the top K each normalisation is computed over. */
  depth: number;
  w: number;
  feedback: boolean;
  rrfK?: number;
}

function stats(xs: number[]): { mean: number; std: number; min: number; max: number } {
  const m = mean(xs);
  const v = mean(xs.map((x) => (x - m) ** 2));
  return { mean: m, std: Math.sqrt(v) || 1, min: Math.min(...xs), max: Math.max(...xs) };
}

function fuse(p: Prepared, c: Config, semTop: number[]): number[] {
  const cos = c.feedback ? p.cosFb : p.cosPlain;
  const kw = p.kw.slice(0, c.pool === "rerank" ? c.depth : DEPTH);
  const bm = new Map(kw.map((h) => [h.doc, h.score]));
  const pool = new Set(kw.map((h) => h.doc));
  if (c.pool === "union") for (const d of semTop) pool.add(d);
  const scored: [number, number][] = [];
  if (c.family === "rrf") {
    const kwRank = new Map(kw.map((h, i) => [h.doc, i + 1]));
    const semRank = new Map(
      (c.pool === "rerank" ? [...pool].sort((a, b) => cos[b] - cos[a]) : semTop).map((d, i) => [d, i + 1]),
    );
    const k = c.rrfK ?? 60;
    for (const d of pool) {
      const r1 = kwRank.get(d);
      const r2 = semRank.get(d);
      scored.push([d, (r1 ? 1 / (k + r1) : 0) + (r2 ? c.w / (k + r2) : 0)]);
    }
  } else {
    if (kw.length === 0) return semTop.slice(0, 10);
    // Statistics over each half's own top K (union), or over the keyword candidates (rerank).
    const k = c.pool === "union" ? c.depth : kw.length;
    const kwStats = stats(kw.slice(0, k).map((h) => h.score));
    const semStats = stats(
      c.pool === "union" ? semTop.slice(0, k).map((d) => cos[d]) : kw.map((h) => cos[h.doc]),
    );
    // A paper outside the keyword top 200 scores at most the 200th: that bound stands in for it.
    const floorBm = kw[kw.length - 1].score;
    for (const d of pool) {
      const b = bm.get(d) ?? (c.family === "max" ? 0 : floorBm);
      const s = cos[d];
      let score: number;
      if (c.family === "max") score = b / kwStats.max + c.w * s;
      else if (c.family === "z")
        score = (b - kwStats.mean) / kwStats.std + (c.w * (s - semStats.mean)) / semStats.std;
      else
        score =
          (b - kwStats.min) / (kwStats.max - kwStats.min || 1) +
          (c.w * (s - semStats.min)) / (semStats.max - semStats.min || 1);
      scored.push([d, score]);
    }
  }
  scored.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  return scored.slice(0, 10).map(([d]) => d);
}

function score(prepared: Prepared[], c: Config): number {
  return mean(
    prepared.map((p) => {
      const semTop = c.feedback ? p.topFb : p.topPlain;
      return ndcgAt(
        fuse(p, c, semTop).map((d) => docs[d].id),
        p.rel,
        10,
      );
    }),
  );
}

const configs: Config[] = [];
const weights = [0.1, 0.2, 0.3, 0.5, 0.8, 1, 1.5];
for (const feedback of [true, false]) {
  for (const w of weights) {
    configs.push({ family: "max", pool: "union", depth: DEPTH, w, feedback });
    for (const depth of [50, 100, 200]) configs.push({ family: "max", pool: "rerank", depth, w, feedback });
    for (const family of ["z", "minmax"] as const) {
      for (const depth of [20, 100]) configs.push({ family, pool: "union", depth, w, feedback });
      for (const depth of [50, 100, 200]) configs.push({ family, pool: "rerank", depth, w, feedback });
    }
  }
  for (const w of [0.3, 0.5, 0.8, 1])
    for (const rrfK of [5, 20, 60]) {
      configs.push({ family: "rrf", pool: "union", depth: DEPTH, w, feedback, rrfK });
      configs.push({ family: "rrf", pool: "rerank", depth: 100, w, feedback, rrfK });
    }
}

t = performance.now();
const train = prepare("train");
const keywordTrain = mean(
  train.map((p) =>
    ndcgAt(
      p.kw.slice(0, 10).map((h) => docs[h.doc].id),
      p.rel,
      10,
    ),
  ),
);
const semanticTrain = mean(
  train.map((p) =>
    ndcgAt(
      p.topPlain.slice(0, 10).map((d) => docs[d].id),
      p.rel,
      10,
    ),
  ),
);
console.log(
  `train (${train.length} queries): keyword ${keywordTrain.toFixed(4)} semantic ${semanticTrain.toFixed(4)}; load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}`,
);
const results = configs.map((c) => ({ c, ndcg: score(train, c) }));
results.sort((a, b) => b.ndcg - a.ndcg);
const label = (c: Config) =>
  `${c.family}${c.rrfK ? ` k=${c.rrfK}` : ""} ${c.pool} ${c.pool === "rerank" ? `D=${c.depth}` : `K=${c.depth}`} w=${c.w} ${c.feedback ? "feedback" : "plain"}`;
console.log("top 15 on train:");
for (const r of results.slice(0, 15)) console.log(`  ${r.ndcg.toFixed(4)}  ${label(r.c)}`);
const bestOf = new Map<string, { c: Config; ndcg: number }>();
for (const r of results) {
  const key = `${r.c.family} ${r.c.pool}`;
  if (!bestOf.has(key)) bestOf.set(key, r);
}
const test = process.argv.includes("--test") ? prepare("test") : null;
console.log("best of each family on train (and its test figure):");
for (const [key, r] of bestOf)
  console.log(
    `  ${key.padEnd(14)} train ${r.ndcg.toFixed(4)}${test ? ` test ${score(test, r.c).toFixed(4)}` : ""}  ${label(r.c)}`,
  );
if (test)
  console.log(
    `test semantic ${mean(
      test.map((p) =>
        ndcgAt(
          p.topPlain.slice(0, 10).map((d) => docs[d].id),
          p.rel,
          10,
        ),
      ),
    ).toFixed(4)} keyword ${mean(
      test.map((p) =>
        ndcgAt(
          p.kw.slice(0, 10).map((h) => docs[h.doc].id),
          p.rel,
          10,
        ),
      ),
    ).toFixed(4)}`,
  );
console.log(
  `${((performance.now() - t) / 1000).toFixed(0)} s; load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}`,
);
