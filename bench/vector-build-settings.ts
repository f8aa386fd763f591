/**
 * usearch build settings (`node --import tsx bench/vector-build-settings.ts N [ef:threads,...]`):
 * build time, CPU time and recall@10 of the int8 HNSW graph for each pair of expansion_add and
 * insertion threads, on the same synthetic vectors in one run. Recall is the graph's top 10 of
 * 40 candidates against exact float32 search (usearch's brute force), before the re-scoring on
 * per-vector int8 codes that VectorIndex adds. Prints one line per setting.
 */
import { createRequire } from "node:module";
import { loadAverage } from "./results-log.ts";
import { topicVectors } from "./search-corpus.ts";

const usearch = createRequire(import.meta.url)("usearch") as typeof import("usearch");
const N = Number(process.argv[2] ?? 100_000);
const DIMS = 256;
const QUERIES = 100;
const settings = (process.argv[3] ?? "128:1,128:2,64:2,40:2").split(",").map((s) => s.split(":").map(Number));
const next = topicVectors(DIMS);
const all = new Float32Array(N * DIMS);
for (let i = 0; i < N; i++) all.set(next(), i * DIMS);
const qs = new Float32Array(QUERIES * DIMS);
for (let i = 0; i < QUERIES; i++) qs.set(next(), i * DIMS);
const truth = usearch.exactSearch(all, qs, DIMS, 10, usearch.MetricKind.IP, 2) as InstanceType<
  typeof usearch.BatchMatches
>;
console.log(
  `${N.toLocaleString("en")} vectors of ${DIMS} dimensions; load average at start ${loadAverage()}.`,
);
for (const [ef, threads] of settings) {
  const index = new usearch.Index({
    dimensions: DIMS,
    metric: usearch.MetricKind.IP,
    quantization: usearch.ScalarKind.I8,
    connectivity: 16,
    expansion_add: ef,
    expansion_search: 128,
    multi: false,
  });
  const cpu = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < N; i += 5000) {
    const to = Math.min(N, i + 5000);
    index.add(
      BigUint64Array.from({ length: to - i }, (_, j) => BigInt(i + j)),
      all.subarray(i * DIMS, to * DIMS),
      threads,
    );
  }
  const wallS = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  let found = 0;
  for (let q = 0; q < QUERIES; q++) {
    const m = index.search(qs.slice(q * DIMS, (q + 1) * DIMS), 40, 0) as InstanceType<typeof usearch.Matches>;
    const want = new Set(Array.from(truth.keys.subarray(q * 10, q * 10 + 10)));
    for (const k of Array.from(m.keys).slice(0, 10)) if (want.has(k)) found++;
  }
  console.log(
    `- expansion_add ${ef}, ${threads} thread(s): ${wallS.toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU (${Math.round(N / wallS).toLocaleString("en")} vectors/s), recall@10 ${(found / (QUERIES * 10)).toFixed(3)}.`,
  );
}
console.log(`Load average at end ${loadAverage()}.`);
