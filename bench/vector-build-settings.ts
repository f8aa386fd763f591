/**
 * Vector graph build settings (`node --import tsx bench/vector-build-settings.ts N [M:ef_add:ef_search,...]`):
 * wall time, CPU time and recall@10 of a bulk build for each connectivity (M), build expansion
 * and search expansion, on the same synthetic vectors in one run. Each build is the app's own:
 * VectorIndex's bulk load (int8 HNSW on a worker thread, every core inserting), and recall is
 * what VectorIndex.search returns (graph candidates re-scored on the int8 codes) against exact
 * float32 search (usearch's brute force), for queries around the papers' topic centres.
 * Appends a section to bench/results/vector-graph.md.
 */
import os from "node:os";
import { describeGraph, type GraphSettings, VectorIndex } from "../src/search/vector-index.ts";
import { loadAverage, machineLine, resultsSection } from "./results-log.ts";
import { paperVectors, recallQueries } from "./vector-recall.ts";

const N = Number(process.argv[2] ?? 100_000);
const DIMS = 256;
const QUERIES = 200;
const PAGE = 5000;
const settings: Partial<GraphSettings>[] = (process.argv[3] ?? "16:64:128,16:32:128,12:32:128,12:32:256")
  .split(",")
  .map((s) => {
    const [connectivity, expansionAdd, expansionSearch] = s.split(":").map(Number);
    if (!(connectivity > 1 && expansionAdd > 0 && expansionSearch > 0))
      throw new Error(`a setting is M:ef_add:ef_search (16:64:128), not ${s}`);
    return { connectivity, expansionAdd, expansionSearch };
  });
const results = resultsSection(
  "vector-graph.md",
  "# Vector index build\n\nEach section is one run on the shared machine; every side runs in the same process on the same vectors.\n",
);
results.say(
  `\n## Build settings, ${N.toLocaleString("en")} vectors of ${DIMS} dimensions, ${new Date().toISOString().slice(0, 16)}Z (bench/vector-build-settings.ts)`,
);
results.say(machineLine());
const all = paperVectors(N, DIMS);
const recall = recallQueries(all, DIMS, QUERIES);
const first: { cpu: number; wall: number }[] = [];
for (const g of settings) {
  const loadBefore = loadAverage();
  const cpu = process.cpuUsage();
  const t = performance.now();
  const ix = new VectorIndex(1, DIMS, { graph: g });
  ix.beginBulk();
  for (let i = 0; i < N; i += PAGE) {
    const to = Math.min(N, i + PAGE);
    ix.upsert(
      Array.from({ length: to - i }, (_, j) => ({
        arxivId: String(i + j),
        vector: all.subarray((i + j) * DIMS, (i + j + 1) * DIMS),
      })),
    );
    await new Promise((r) => setImmediate(r));
  }
  await ix.finishBulk();
  const wallS = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuS = (used.user + used.system) / 1e6;
  let found = 0;
  const ms: number[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const want = new Set(recall.nearest(q).map(String));
    const s = performance.now();
    const hits = ix.search(recall.query(q), 10);
    ms.push(performance.now() - s);
    for (const h of hits) if (want.has(h.arxivId)) found++;
  }
  ms.sort((a, b) => a - b);
  first.push({ cpu: cpuS, wall: wallS });
  const ref = first[0];
  results.say(
    `- ${describeGraph(g)}: ${wallS.toFixed(1)} s wall, ${cpuS.toFixed(1)} s CPU (${(cpuS / ref.cpu).toFixed(2)}× the first line's CPU, ${(wallS / ref.wall).toFixed(2)}× its wall), ${os.availableParallelism()} insertion threads; recall@10 ${(found / (QUERIES * 10)).toFixed(3)} (${QUERIES} queries); query p50 ${ms[ms.length >> 1].toFixed(2)} ms, p95 ${ms[Math.floor(ms.length * 0.95)].toFixed(2)} ms; load average ${loadBefore} before, ${loadAverage()} after.`,
  );
}
results.say(
  "- The load average includes other helpers' niced background work; CPU seconds are this process's own (the worker thread's included), so they compare across lines better than wall time.",
);
results.write();
