/**
 * Search settings on a saved 1M copy (`node --import tsx bench/vector-search-settings.ts DIR N [ef_search,...]`):
 * recall@10 and query time of VectorIndex.search for each search expansion, on the copy that
 * `npm run bench:startup -- --docs N --cache DIR` built (DIR/vectors), the graph mapped as a web
 * process opens it. A wider search costs query time, not build time: this is the other side of
 * the build settings in bench/vector-build-settings.ts. Appends a section to bench/results/vector-graph.md.
 */
import path from "node:path";
import { describeGraph, VectorIndex } from "../src/search/vector-index.ts";
import { loadAverage, machineLine, resultsSection } from "./results-log.ts";
import { paperVectors, recallQueries } from "./vector-recall.ts";

const dir = process.argv[2];
const N = Number(process.argv[3]);
if (!dir || !(N > 0)) throw new Error("usage: vector-search-settings.ts CACHE_DIR N [ef_search,...]");
// ef_search or ef_search:candidates (how many graph candidates are re-scored on the codes).
const settings = (process.argv[4] ?? "128,256,512,1024").split(",").map((s) => {
  const [expansionSearch, minCandidates] = s.split(":").map(Number);
  return minCandidates ? { expansionSearch, minCandidates } : { expansionSearch };
});
const DIMS = 256;
const QUERIES = 100;
const results = resultsSection("vector-graph.md", "# Vector index build\n");
results.say(
  `\n## Search settings on the saved ${N.toLocaleString("en")}-vector copy, ${new Date().toISOString().slice(0, 16)}Z (bench/vector-search-settings.ts)`,
);
results.say(machineLine());
// The papers' vectors and the queries, as bench/startup.bench.ts generates them.
const recall = recallQueries(paperVectors(N, DIMS), DIMS, QUERIES);
for (const g of settings) {
  const opened = VectorIndex.open(path.join(dir, "vectors"), 1, DIMS, { graph: g });
  if (!opened.ok) throw new Error(opened.reason);
  const vi = opened.index;
  await vi.verify();
  let found = 0;
  const ms: number[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const want = new Set(recall.nearest(q).map((k) => `p${k}`));
    const t = performance.now();
    const hits = vi.search(recall.query(q), 10);
    ms.push(performance.now() - t);
    for (const h of hits) if (want.has(h.arxivId)) found++;
  }
  ms.sort((a, b) => a - b);
  vi.close();
  results.say(
    `- ${describeGraph(g)} (the graph as built, searched with these settings): recall@10 ${(found / (QUERIES * 10)).toFixed(3)} (${QUERIES} queries around the papers' topic centres, against exact float32 search); query p50 ${ms[ms.length >> 1].toFixed(2)} ms, p95 ${ms[Math.floor(ms.length * 0.95)].toFixed(2)} ms; load average ${loadAverage()}.`,
  );
}
results.write();
