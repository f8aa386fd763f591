/**
 * Stemmers side by side (`node --import tsx bench/stemming.ts`): keyword-only BM25F nDCG@10 on
 * SciFact's TRAIN split (the choice is made there; test is printed for reference) and on the
 * short-query proxy (bench/short-queries/), each index built with the same code that serves
 * /search and a different stemmer; queries go through the same analyser as the papers.
 * Also prints which of the words the issue names each stemmer merges.
 */
import { DEFAULT_BM25 } from "../src/search/bm25.ts";
import { KeywordIndex } from "../src/search/keyword-index.ts";
import { STEMMERS } from "../src/search/stemmers.ts";
import { createAnalyzer } from "../src/search/text.ts";
import { scifactCorpus, scifactQrels, scifactQueries } from "./scifact/data.ts";
import { mean, ndcgAt } from "./scifact/metrics.ts";
import { hfCorpus, shortQueryProxy } from "./short-queries/data.ts";

type Doc = { id: string; title: string; authors: string; abstract: string };

function score(
  docs: Doc[],
  queries: Map<string, string>,
  qrels: Map<string, Map<string, number>>,
  analyze: (t: string) => string[],
) {
  const ix = new KeywordIndex(DEFAULT_BM25, analyze);
  for (const d of docs) ix.add({ arxivId: d.id, ...d, categories: [], publishedDay: null, modifiedMs: 0 });
  const nd: number[] = [];
  for (const [qid, rel] of qrels) {
    const terms = [...new Set(analyze(queries.get(qid) ?? ""))];
    nd.push(
      ndcgAt(
        ix.rank({ terms, k: 10 }).docs.map((d) => d.arxivId),
        rel,
        10,
      ),
    );
  }
  return mean(nd);
}

const sci = scifactCorpus().map((d) => ({ id: d.id, title: d.title, authors: "", abstract: d.text }));
const sciQueries = scifactQueries();
const hf = hfCorpus();
const proxy = shortQueryProxy(hf);
const probes = [
  "medical medication medicine medic",
  "university universe",
  "organ organization",
  "models trained training studies",
];
console.log("stemmer       scifact-train  scifact-test  short-queries  merges");
for (const [name, stemmer] of Object.entries(STEMMERS)) {
  const a = createAnalyzer(stemmer);
  const train = score(sci, sciQueries, scifactQrels("train"), a.analyze);
  const test = score(sci, sciQueries, scifactQrels("test"), a.analyze);
  const short = score(hf, proxy.queries, proxy.qrels, a.analyze);
  const merges = probes.map((p) => a.analyze(p).join("/")).join("  ");
  console.log(
    `${name.padEnd(13)} ${train.toFixed(4).padStart(13)} ${test.toFixed(4).padStart(13)} ${short.toFixed(4).padStart(14)}  ${merges}`,
  );
}
