/**
 * Keyword-only quality on SciFact, fast: builds the in-process BM25F index straight from the
 * corpus (the same code that serves /search) and scores the claims, parsed as the search box
 * parses them. `--tune` grid-searches k1, b and the title weight on the TRAIN split and prints
 * the best; without it, the default parameters (src/search/bm25.ts) are scored on the TEST split.
 * `npm run bench:scifact` runs the full keyword / semantic / hybrid evaluation through the DB.
 */
import { type Bm25Params, DEFAULT_BM25 } from "../src/search/bm25.ts";
import type { KeywordIndex } from "../src/search/keyword-index.ts";
import { parseQuery } from "../src/search/query.ts";
import { analyze } from "../src/search/text.ts";
import { scifactCorpus, scifactKeywordIndex, scifactQrels, scifactQueries } from "./scifact/data.ts";
import { mean, ndcgAt, recallAt } from "./scifact/metrics.ts";

const docs = scifactCorpus();
const queries = scifactQueries();

const buildIndex = (params: Bm25Params) => scifactKeywordIndex(docs, params);

function terms(text: string): string[] {
  const q = parseQuery(text);
  // A claim is prose: when it reads as operators (a leading "-", a "word:"), fall back to its words.
  return q.errors.length > 0 || q.excluded.length > 0 ? [...new Set(analyze(text))] : q.terms;
}

function evaluate(ix: KeywordIndex, split: "train" | "test") {
  const qrels = scifactQrels(split);
  const ndcg: number[] = [];
  const recall: number[] = [];
  for (const [qid, rel] of qrels) {
    const ranked = ix.rank({ terms: terms(queries.get(qid) ?? ""), k: 100 }).docs.map((d) => d.arxivId);
    ndcg.push(ndcgAt(ranked, rel, 10));
    recall.push(recallAt(ranked, rel, 100));
  }
  return { ndcg10: mean(ndcg), recall100: mean(recall), queries: qrels.size };
}

const withParams = (k1: number, b: number, title: number): Bm25Params => ({
  k1,
  b: { title: b, authors: b, abstract: b },
  weight: { ...DEFAULT_BM25.weight, title },
});

if (process.argv.includes("--tune")) {
  const results: { k1: number; b: number; title: number; ndcg10: number }[] = [];
  for (const k1 of [0.6, 0.9, 1.2, 1.5, 2.0])
    for (const b of [0.5, 0.65, 0.75, 0.85, 1.0])
      for (const title of [1, 1.5, 2, 3]) {
        const r = evaluate(buildIndex(withParams(k1, b, title)), "train");
        results.push({ k1, b, title, ndcg10: r.ndcg10 });
      }
  results.sort((x, y) => y.ndcg10 - x.ndcg10);
  console.log("best on train (nDCG@10):");
  for (const r of results.slice(0, 8))
    console.log(`  k1=${r.k1} b=${r.b} title=${r.title}: ${r.ndcg10.toFixed(4)}`);
} else {
  const t = performance.now();
  const ix = buildIndex(DEFAULT_BM25);
  const buildMs = performance.now() - t;
  const train = evaluate(ix, "train");
  const test = evaluate(ix, "test");
  console.log(
    `SciFact keyword BM25F (k1=${DEFAULT_BM25.k1}, b=${DEFAULT_BM25.b.abstract}, title weight ${DEFAULT_BM25.weight.title}); index ${docs.length} docs in ${buildMs.toFixed(0)} ms`,
  );
  console.log(
    `  train (${train.queries} queries): nDCG@10 ${train.ndcg10.toFixed(4)}  recall@100 ${train.recall100.toFixed(4)}`,
  );
  console.log(
    `  test  (${test.queries} queries): nDCG@10 ${test.ndcg10.toFixed(4)}  recall@100 ${test.recall100.toFixed(4)}`,
  );
}
