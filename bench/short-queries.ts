/**
 * The short-query proxy end to end (`node --import tsx bench/short-queries.ts`): every paper of
 * the Hugging Face daily files goes into a fresh PGlite, the built-in model is trained and every
 * paper embedded, acronyms are learned, and the 300 proxy queries (bench/short-queries/README.md)
 * run through the real search service in each mode: nDCG@10 and recall@100, beside the same
 * measures on SciFact from bench/results/scifact.json. Writes bench/results/short-queries.json.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../src/config.ts";
import { openPglite } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { upsertPapers } from "../src/papers/store.ts";
import { refreshAcronyms } from "../src/search/acronyms/refresh.ts";
import { runEmbedding } from "../src/search/embed/jobs.ts";
import { DEFAULT_FUSION } from "../src/search/fusion.ts";
import { createSearchService } from "../src/search/service.ts";
import type { SearchMode } from "../src/search/types.ts";
import { mean, ndcgAt, recallAt } from "./scifact/metrics.ts";
import { hfCorpus, shortQueryProxy } from "./short-queries/data.ts";

const RESULTS = path.resolve("bench/results");
const config = loadConfig({});
const db = await openPglite(undefined);
await migrate(db);
const corpus = hfCorpus();
const proxy = shortQueryProxy(corpus);
for (let i = 0; i < corpus.length; i += 1000)
  await upsertPapers(
    db,
    corpus.slice(i, i + 1000).map((p) => ({
      arxivId: p.id,
      title: p.title,
      abstract: p.abstract,
      authors: p.authors ? p.authors.split(", ").map((name) => ({ name })) : [],
      source: "hf-daily" as const,
    })),
  );
let t = performance.now();
const embedded = await runEmbedding(db, config);
const embedMs = performance.now() - t;
t = performance.now();
const acronyms = await refreshAcronyms(db);
const acronymMs = performance.now() - t;
const search = createSearchService({ db, semantic: { indexDir: undefined, config } });
await search.semantic?.settled(db);

const summary: Record<string, { ndcg10: number; recall100: number }> = {};
// Hybrid is also scored at the other semantic weights of bench/scifact.ts --tune's grid, so the
// weight chosen on SciFact's train split can be read here without another run (never chosen here).
const weighted = (w: number) =>
  createSearchService({
    db,
    semantic: search.semantic ?? undefined,
    fusion: { ...DEFAULT_FUSION, semanticWeight: w },
  });
const variants: [string, SearchMode, boolean, typeof search][] = [
  ["keyword", "keyword", true, search],
  ["semantic", "semantic", true, search],
  [`hybrid (w=${DEFAULT_FUSION.semanticWeight})`, "hybrid", true, search],
  ["keyword, no acronyms", "keyword", false, search],
  ["hybrid, no acronyms", "hybrid", false, search],
  ...[0.2, 0.5, 0.8]
    .filter((w) => w !== DEFAULT_FUSION.semanticWeight)
    .map((w): [string, SearchMode, boolean, typeof search] => [
      `hybrid (w=${w})`,
      "hybrid",
      true,
      weighted(w),
    ]),
];
for (const [name, mode, expand, service] of variants) {
  const nd: number[] = [];
  const rc: number[] = [];
  for (const [qid, rel] of proxy.qrels) {
    const r = await service.search({ q: proxy.queries.get(qid) ?? "", mode, limit: 100, expand });
    const ids = r.hits.map((h) => h.arxivId);
    nd.push(ndcgAt(ids, rel, 10));
    rc.push(recallAt(ids, rel, 100));
  }
  summary[name] = { ndcg10: mean(nd), recall100: mean(rc) };
  console.log(
    `${name.padEnd(22)} load ${os.loadavg()[0].toFixed(1)} nDCG@10 ${mean(nd).toFixed(4)}  recall@100 ${mean(rc).toFixed(4)}`,
  );
}
const out = {
  date: new Date().toISOString(),
  loadAverage: os.loadavg(),
  node: process.version,
  papers: corpus.length,
  queries: proxy.queries.size,
  trainAndEmbedMs: Math.round(embedMs),
  embeddedPapers: embedded.embedded,
  acronyms: { ...acronyms, ms: Math.round(acronymMs) },
  results: summary,
};
fs.writeFileSync(path.join(RESULTS, "short-queries.json"), `${JSON.stringify(out, null, 2)}\n`);
await db.close();
