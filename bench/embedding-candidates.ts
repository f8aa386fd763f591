/**
 * Built-in model candidates side by side, in memory (`node --import tsx bench/embedding-candidates.ts
 * [--test] [--candidates lsa,contrastive]`): each candidate is trained on the 5,183 SciFact
 * abstracts (the instance's "own papers"), then scored semantic-only (exact cosine, no floor)
 * and hybrid (the service's fusion: BM25F top 200 + cosine with feedback) on SciFact's TRAIN
 * split, where choices are made; `--test` prints the test split too. The end-to-end figures
 * through the real service come from bench/scifact.ts.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { refineContrastive } from "../src/search/embed/contrastive.ts";
import { paperText } from "../src/search/embed/embedder.ts";
import { embedLsa, type LsaModel, trainLsa } from "../src/search/embed/lsa.ts";
import { DEFAULT_FUSION, feedbackQuery, fuseScores } from "../src/search/fusion.ts";
import { analyze } from "../src/search/text.ts";
import { scifactCorpus, scifactKeywordIndex, scifactQrels, scifactQueries } from "./scifact/data.ts";
import { mean, ndcgAt } from "./scifact/metrics.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const withTest = process.argv.includes("--test");
const docs = scifactCorpus();
const queries = scifactQueries();
const splits = (withTest ? (["train", "test"] as const) : (["train"] as const)).map(
  (s) => [s, scifactQrels(s)] as const,
);

const keyword = scifactKeywordIndex(docs);
const plainKeyword = (q: string, k: number) =>
  keyword
    .rank({ terms: [...new Set(analyze(q))], k })
    .docs.map((h) => ({ arxivId: h.arxivId, score: h.score }));
const rm3Arg = arg("--rm3"); // docs,terms,originalWeight e.g. 10,10,0.5
const keywordHits = rm3Arg ? rm3Keyword(rm3Arg.split(",").map(Number)) : plainKeyword;

/** RM3 (Lavrenko & Croft's relevance model, interpolated with the query) over the BM25F index. */
function rm3Keyword([fbDocs, fbTerms, originalWeight]: number[]) {
  const termsOf = new Map(docs.map((d) => [d.id, analyze(`${d.title}. ${d.text}`)]));
  return (q: string, k: number) => {
    const qTerms = analyze(q);
    const first = keyword.rank({ terms: [...new Set(qTerms)], k: fbDocs }).docs;
    if (first.length === 0) return [];
    const rel = new Map<string, number>();
    const total = first.reduce((s, h) => s + h.score, 0);
    for (const h of first) {
      const ts = termsOf.get(h.arxivId)!;
      for (const t of ts) rel.set(t, (rel.get(t) ?? 0) + h.score / total / ts.length);
    }
    const expansion = [...rel].sort((a, b) => b[1] - a[1]).slice(0, fbTerms);
    const expNorm = expansion.reduce((s, [, w]) => s + w, 0) || 1;
    const weights = new Map<string, number>();
    for (const t of qTerms) weights.set(t, (weights.get(t) ?? 0) + originalWeight / qTerms.length);
    for (const [t, w] of expansion)
      weights.set(t, (weights.get(t) ?? 0) + ((1 - originalWeight) * w) / expNorm);
    // Weights multiply idf; scaled so one original term of a plain query keeps weight 1.
    const scale = qTerms.length / originalWeight;
    for (const [t, w] of weights) weights.set(t, w * scale);
    return keyword
      .rank({ terms: [...weights.keys()], weights, k })
      .docs.map((h) => ({ arxivId: h.arxivId, score: h.score }));
  };
}

function evaluate(
  name: string,
  embedQueryIn: (q: string) => Float32Array,
  embedDoc: (t: string) => Float32Array,
) {
  let embedQuery = embedQueryIn;
  let t = performance.now();
  let vectors = docs.map((d) => embedDoc(paperText(d.title, d.text)));
  const rate = docs.length / ((performance.now() - t) / 1000);
  if (process.argv.includes("--pc1")) {
    // SIF's common-component removal: the direction every long text leans towards carries no meaning.
    const u = new Float32Array(vectors[0].length);
    for (const v of vectors) for (let c = 0; c < u.length; c++) u[c] += v[c];
    const un = Math.hypot(...u);
    for (let c = 0; c < u.length; c++) u[c] /= un;
    const strip = (v: Float32Array) => {
      const out = Float32Array.from(v);
      let d = 0;
      for (let c = 0; c < u.length; c++) d += v[c] * u[c];
      for (let c = 0; c < u.length; c++) out[c] -= d * u[c];
      const n = Math.hypot(...out) || 1;
      for (let c = 0; c < u.length; c++) out[c] /= n;
      return out;
    };
    vectors = vectors.map(strip);
    const eq = embedQuery;
    embedQuery = (q) => strip(eq(q));
  }
  const byId = new Map(docs.map((d, i) => [d.id, vectors[i]]));
  const dot = (a: Float32Array, b: Float32Array) => {
    let s = 0;
    for (let c = 0; c < a.length; c++) s += a[c] * b[c];
    return s;
  };
  const nearest = (q: Float32Array, k: number) =>
    vectors
      .map((v, i) => ({ arxivId: docs[i].id, score: dot(q, v) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
  const line: string[] = [];
  for (const [split, qrels] of splits) {
    const sem: number[] = [];
    const kw: number[] = [];
    const hyb = new Map<number, number[]>();
    for (const [qid, rel] of qrels) {
      const text = queries.get(qid)!;
      const q = embedQuery(text);
      sem.push(
        ndcgAt(
          nearest(q, 10).map((h) => h.arxivId),
          rel,
          10,
        ),
      );
      const k = keywordHits(text, DEFAULT_FUSION.depth);
      kw.push(
        ndcgAt(
          k.map((h) => h.arxivId),
          rel,
          10,
        ),
      );
      const fb = feedbackQuery(
        q,
        k.slice(0, DEFAULT_FUSION.feedbackDocs).map((h) => byId.get(h.arxivId)!),
        DEFAULT_FUSION.feedbackWeight,
      );
      const cos = new Map(nearest(fb, DEFAULT_FUSION.depth).map((h) => [h.arxivId, h.score]));
      for (const h of k) cos.set(h.arxivId, dot(fb, byId.get(h.arxivId)!));
      for (const w of [0.1, 0.2, 0.3, 0.5, 0.8]) {
        const fused = fuseScores(k, cos, w).slice(0, 10);
        hyb.set(w, [
          ...(hyb.get(w) ?? []),
          ndcgAt(
            fused.map((f) => f.arxivId),
            rel,
            10,
          ),
        ]);
      }
    }
    const hybrid = [...hyb].map(([w, xs]) => `${w}:${mean(xs).toFixed(4)}`).join(" ");
    line.push(`${split}: semantic ${mean(sem).toFixed(4)} keyword ${mean(kw).toFixed(4)} hybrid w=${hybrid}`);
  }
  t = performance.now();
  console.log(
    `${name} (embed ${Math.round(rate)}/s, load ${os.loadavg()[0].toFixed(1)})\n  ${line.join("\n  ")}`,
  );
}

const which = (arg("--candidates") ?? "lsa,contrastive").split(",");
const dims = Number(arg("--dims") ?? 256);
let t = performance.now();
// Candidates start from the same LSA model: cached between runs (in the OS temp dir) to save minutes.
const cache = path.join(os.tmpdir(), `scifact-lsa-${dims}.json`);
const lsa: LsaModel = fs.existsSync(cache)
  ? (({ vectors, idf, ...rest }) => ({
      ...rest,
      vectors: Float32Array.from(vectors),
      idf: Float32Array.from(idf),
    }))(JSON.parse(fs.readFileSync(cache, "utf8")))
  : trainLsa(
      docs.map((d) => paperText(d.title, d.text)),
      { dims },
    );
if (!fs.existsSync(cache))
  fs.writeFileSync(cache, JSON.stringify({ ...lsa, vectors: [...lsa.vectors], idf: [...lsa.idf] }));
console.log(`LSA trained in ${((performance.now() - t) / 1000).toFixed(1)} s, vocab ${lsa.vocab.length}`);
if (which.includes("lsa"))
  evaluate(
    "lsa",
    (q) => embedLsa(lsa, q, true),
    (d) => embedLsa(lsa, d),
  );
if (which.includes("contrastive")) {
  const epochs = Number(arg("--epochs") ?? 3);
  const opts = {
    epochs,
    temperature: Number(arg("--tau") ?? 0.05),
    learningRate: Number(arg("--lr") ?? 0.05),
    sentencesPerPaper: Number(arg("--sents") ?? 2),
    batchSize: Number(arg("--batch") ?? 256),
  };
  const refined: LsaModel = { ...lsa, vectors: Float32Array.from(lsa.vectors) };
  t = performance.now();
  const report = refineContrastive(
    refined,
    docs.map((d) => ({ title: d.title, abstract: d.text })),
    opts,
  );
  console.log(
    `contrastive ${JSON.stringify(opts)}: ${((performance.now() - t) / 1000).toFixed(1)} s, ${JSON.stringify(report)}`,
  );
  evaluate(
    "contrastive",
    (q) => embedLsa(refined, q, true),
    (d) => embedLsa(refined, d),
  );
}
