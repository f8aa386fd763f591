/**
 * Vector index build (`npm run bench:vector-graph -- --docs N`): the index as it is now (int8
 * graph built on a worker thread, candidates re-scored on per-vector int8 codes) against the
 * previous one (float32 graph built on the calling thread), on the same vectors in the same run.
 * Reports build time, how long the event loop was blocked at worst during the build (what a
 * web request would wait), memory, recall@10 against an exact scan, and query latency.
 *
 * The vectors are synthetic but shaped like a text model's: unit vectors around 2,000 topic
 * centres with a Zipf-like topic size, which is harder for a graph than real, smoother data.
 * Appends a section to bench/results/vector-graph.md.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { GRAPH_DESCRIPTION, VectorIndex } from "../src/search/vector-index.ts";
import { topicVectors } from "./search-corpus.ts";

const usearch = createRequire(import.meta.url)("usearch") as typeof import("usearch");
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
const DOCS = Number(arg("--docs") ?? 100_000);
// The float32 reference is stopped after this many seconds and its rate extrapolated.
const REFERENCE_CAP_S = Number(arg("--reference-cap") ?? 900);
const DIMS = 256;
const PAGE = 5000;
const lines: string[] = [];
const say = (s: string) => {
  console.log(s);
  lines.push(s);
};
const mib = (b: number) => `${Math.round(b / 1024 / 1024)} MiB`;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(", ");

const vector = topicVectors(DIMS);

say(
  `\n## ${DOCS.toLocaleString("en")} vectors of ${DIMS} dimensions, ${new Date().toISOString().slice(0, 16)}Z`,
);
say(`Machine: ${os.cpus().length} cores, Node ${process.version}; load average at start ${load()}.`);
const all = new Float32Array(DOCS * DIMS);
for (let i = 0; i < DOCS; i++) all.set(vector(), i * DIMS);
const queries = Array.from({ length: 200 }, vector);
const rows = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({
    arxivId: `p${from + i}`,
    vector: all.subarray((from + i) * DIMS, (from + i + 1) * DIMS),
    seq: from + i + 1,
  }));

// Exact answers, from a scan (the codes), as the recall reference.
const truth = new VectorIndex(1, DIMS, { exactLimit: Number.POSITIVE_INFINITY });
for (let i = 0; i < DOCS; i += PAGE) truth.upsert(rows(i, Math.min(DOCS, i + PAGE)));
const exactIds = queries.map((q) => new Set(truth.search(q, 10).map((h) => h.arxivId)));
const recall = (search: (q: Float32Array) => string[]) =>
  queries.reduce((s, q, i) => s + search(q).filter((id) => exactIds[i].has(id)).length, 0) /
  (queries.length * 10);
function latency(search: (q: Float32Array) => unknown): string {
  const ms = queries.map((q) => {
    const t = performance.now();
    search(q);
    return performance.now() - t;
  });
  ms.sort((a, b) => a - b);
  return `p50 ${ms[ms.length >> 1].toFixed(2)} ms, p95 ${ms[Math.floor(ms.length * 0.95)].toFixed(2)} ms`;
}

// 1. Now: int8 graph on a worker thread, the event loop free meanwhile.
const delay = monitorEventLoopDelay({ resolution: 10 });
let rss0 = process.memoryUsage().rss;
let t = performance.now();
const now = new VectorIndex(1, DIMS);
now.beginBulk();
delay.enable();
for (let i = 0; i < DOCS; i += PAGE) {
  now.upsert(rows(i, Math.min(DOCS, i + PAGE)));
  await new Promise((r) => setImmediate(r));
}
await now.finishBulk();
delay.disable();
const nowBuildS = (performance.now() - t) / 1000;
const nowRss = process.memoryUsage().rss - rss0;
say(
  `- Now (${GRAPH_DESCRIPTION}, built on a worker thread): ${nowBuildS.toFixed(1)} s (${Math.round(DOCS / nowBuildS).toLocaleString("en")} vectors/s); event loop blocked at most ${(delay.max / 1e6).toFixed(0)} ms (p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms); RSS +${mib(nowRss)} (graph plus int8 codes).`,
);
say(
  `  recall@10 ${recall((q) => now.search(q, 10).map((h) => h.arxivId)).toFixed(3)}; query ${latency((q) => now.search(q, 10))}.`,
);

// 2. Before: float32 graph, inline, as the previous version built it.
rss0 = process.memoryUsage().rss;
const before = new usearch.Index({
  dimensions: DIMS,
  metric: usearch.MetricKind.IP,
  quantization: usearch.ScalarKind.F32,
  connectivity: 16,
  expansion_add: 128,
  expansion_search: 128,
  multi: false,
});
let worst = 0;
let added = 0;
t = performance.now();
for (let i = 0; i < DOCS; i += PAGE) {
  const to = Math.min(DOCS, i + PAGE);
  const s = performance.now();
  before.add(
    BigUint64Array.from({ length: to - i }, (_, j) => BigInt(i + j)),
    all.slice(i * DIMS, to * DIMS),
  );
  worst = Math.max(worst, performance.now() - s);
  added = to;
  if ((performance.now() - t) / 1000 > REFERENCE_CAP_S) break;
}
const beforeS = (performance.now() - t) / 1000;
const rate = added / beforeS;
const done = added === DOCS;
say(
  `- Before (float32 HNSW, same M and ef, on the calling thread): ${done ? `${beforeS.toFixed(1)} s` : `stopped after ${beforeS.toFixed(0)} s at ${added.toLocaleString("en")} vectors; at that rate the whole build takes ${(DOCS / rate).toFixed(0)} s`} (${Math.round(rate).toLocaleString("en")} vectors/s); each page of ${PAGE} blocked the event loop up to ${(worst / 1000).toFixed(1)} s; RSS +${mib(process.memoryUsage().rss - rss0)} (graph only${done ? "" : ", partial"}).`,
);
if (done) {
  const search = (q: Float32Array) => {
    const m = before.search(q, 10, 0) as InstanceType<typeof usearch.Matches>;
    return Array.from(m.keys, (k) => `p${k}`);
  };
  say(`  recall@10 ${recall(search).toFixed(3)}; query ${latency(search)}.`);
}
say(
  `- Ratio, build time now / before: ${(nowBuildS / (done ? beforeS : DOCS / rate)).toFixed(2)}×. Load average at end ${load()}.`,
);

const out = path.resolve("bench/results/vector-graph.md");
if (!fs.existsSync(out))
  fs.writeFileSync(
    out,
    "# Vector index build\n\nGenerated by `npm run bench:vector-graph` (bench/vector-graph.bench.ts). Each section is one run on the shared machine; both sides run in the same process on the same vectors.\n",
  );
fs.appendFileSync(out, `${lines.join("\n")}\n`);
