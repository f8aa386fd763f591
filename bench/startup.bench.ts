/**
 * A web process's start at N papers (`npm run bench:startup -- --docs N`): both indexes are built
 * and saved once (the keyword index from generated papers' text, the vector index from synthetic
 * vectors of the built-in model's 256 dimensions, bulk-built off-thread as a first start does),
 * then fresh processes load the two files and answer a keyword and a semantic query. Reports the
 * time from process start (Node and tsx included) to each first answer, the process RSS with both
 * indexes, then ranking speed and memory after a query load, against the reference of rebuilding
 * the keyword index from the text, timed in the build.
 *
 * The built files are cached in a temporary directory (`--cache DIR`, default
 * $TMPDIR/dp-startup-N) and reused by later runs unless `--fresh`: at a million papers the build is
 * minutes of CPU. A reused build says so in the results, with the date and load it was built at.
 * The papers table's catch-up query at start is left out (it reads only rows changed since the
 * files' watermarks), and so is loading the embedding model.
 * Appends a section to bench/results/startup.md.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { DEFAULT_BM25 } from "../src/search/bm25.ts";
import { KeywordIndex } from "../src/search/keyword-index.ts";
import { loadKeywordIndex, saveKeywordIndex } from "../src/search/keyword-index-file.ts";
import { parseQuery } from "../src/search/query.ts";
import { analyze } from "../src/search/text.ts";
import { VectorIndex } from "../src/search/vector-index.ts";
import { loadAverage, machineLine, resultsSection } from "./results-log.ts";
import { benchQueries, generatePapers, indexDoc, rankOptions, topicVectors } from "./search-corpus.ts";

const usearch = createRequire(import.meta.url)("usearch") as typeof import("usearch");
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
const DIMS = 256;
const MODEL_ID = 1;
const PAGE = 5000;
const RECALL_QUERIES = 100;
const FIRST_QUERY = analyze("graph neural networks for protein structure");
const COMMON = "the effect of cells in patients with high risk";
const cpuS = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const load = loadAverage;
function pct(ms: number[]): { p50: number; p95: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}
const fmt = (p: { p50: number; p95: number; max: number }) =>
  `p50 ${p.p50.toFixed(2)} ms, p95 ${p.p95.toFixed(2)} ms, max ${p.max.toFixed(2)} ms`;

/** Wall and CPU time of each call, after a warm-up. */
function timeEach<T>(items: T[], fn: (item: T) => unknown): { wall: number[]; cpu: number[] } {
  for (const it of items.slice(0, 20)) fn(it);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (const it of items) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn(it);
    wall.push(performance.now() - t);
    cpu.push(cpuS(process.cpuUsage(c)) * 1000);
  }
  return { wall, cpu };
}

interface ChildReport {
  keywordMs: number;
  semanticMs: number;
  rssReady: number;
  cpuReadyS: number;
  keywordLoadMs: number;
  vectorLoadMs: number;
  queries?: {
    keyword: { wall: number[]; cpu: number[] };
    common: { wall: number[]; cpu: number[] };
    keywordExhaustive: { wall: number[]; cpu: number[] };
    commonExhaustive: { wall: number[]; cpu: number[] };
    semantic: { wall: number[]; cpu: number[] };
    rssAfter: number;
  };
}

if (arg("--child")) {
  // One process start. performance.now() counts from the process's start, so Node's and tsx's
  // own start-up is inside every figure.
  const dir = arg("--child") as string;
  const loaded = loadKeywordIndex(path.join(dir, "keyword.idx"), DEFAULT_BM25);
  if (!loaded.ok) throw new Error(loaded.reason);
  const keywordLoadMs = performance.now();
  loaded.index.rank({ terms: FIRST_QUERY, k: 20 });
  const keywordMs = performance.now();
  const vectors = VectorIndex.load(path.join(dir, "vectors"), MODEL_ID, DIMS);
  if (!vectors) throw new Error("vector index file not usable");
  const vectorLoadMs = performance.now() - keywordMs;
  const queryVectors = topicVectors(DIMS, 11, 99);
  vectors.search(queryVectors(), 20);
  const semanticMs = performance.now();
  const report: ChildReport = {
    keywordMs,
    semanticMs,
    keywordLoadMs,
    vectorLoadMs,
    rssReady: process.memoryUsage().rss,
    cpuReadyS: cpuS(process.cpuUsage()),
  };
  if (process.argv.includes("--queries")) {
    const ix = loaded.index;
    report.queries = {
      keyword: timeEach(benchQueries(400), (q) => ix.rank(rankOptions(q))),
      common: timeEach(Array(100).fill(COMMON), (q) => ix.rank({ terms: parseQuery(q).terms, k: 20 })),
      // The reference: the same queries scoring every posting, as before pruning.
      keywordExhaustive: timeEach(benchQueries(400), (q) => ix.rank({ ...rankOptions(q), exhaustive: true })),
      commonExhaustive: timeEach(Array(100).fill(COMMON), (q) =>
        ix.rank({ terms: parseQuery(q).terms, k: 20, exhaustive: true }),
      ),
      semantic: timeEach(
        Array.from({ length: 300 }, () => queryVectors()),
        (v) => vectors.search(v, 20),
      ),
      rssAfter: process.memoryUsage().rss,
    };
  }
  process.stdout.write(JSON.stringify(report));
  process.exit(0);
}

const DOCS = Number(arg("--docs") ?? 100_000);
const dir = arg("--cache") ?? path.join(os.tmpdir(), `dp-startup-${DOCS}`);
const buildFile = path.join(dir, "build.json");
const results = resultsSection(
  "startup.md",
  "# Web process start at scale\n\nGenerated by `npm run bench:startup -- --docs N` (bench/startup.bench.ts); papers from bench/search-corpus.ts, synthetic 256-dimension vectors. Each section is one run on the shared 2-core machine.\n",
);
const say = results.say;
say(`\n## ${DOCS.toLocaleString("en")} papers, ${new Date().toISOString().slice(0, 16)}Z`);
say(machineLine());

interface BuildReport {
  at: string;
  loadAtStart: string;
  loadAtEnd: string;
  keyword: { wallMs: number; cpuS: number; heapBytes: number; saveMs: number; fileBytes: number };
  vector: { wallMs: number; cpuS: number; fileBytes: number };
}

async function build(): Promise<BuildReport> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const loadAtStart = load();
  // Reference: what a process without the file does, analysing every paper's text.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  let cpu = process.cpuUsage();
  let t = performance.now();
  let ix: KeywordIndex | null = new KeywordIndex();
  for (const p of generatePapers(DOCS)) ix.add(indexDoc(p));
  ix.rank({ terms: FIRST_QUERY, k: 20 });
  const keywordWall = performance.now() - t;
  const keywordCpu = cpuS(process.cpuUsage(cpu));
  gc?.();
  const heapBytes = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heap0;
  t = performance.now();
  saveKeywordIndex(ix, Date.now(), path.join(dir, "keyword.idx"));
  const saveMs = performance.now() - t;
  ix = null;
  gc?.();

  const next = topicVectors(DIMS);
  const all = new Float32Array(DOCS * DIMS);
  for (let i = 0; i < DOCS; i++) all.set(next(), i * DIMS);
  cpu = process.cpuUsage();
  t = performance.now();
  const vi = new VectorIndex(MODEL_ID, DIMS);
  vi.beginBulk();
  for (let i = 0; i < DOCS; i += PAGE) {
    const to = Math.min(DOCS, i + PAGE);
    vi.upsert(
      Array.from({ length: to - i }, (_, j) => ({
        arxivId: `p${i + j}`,
        vector: all.subarray((i + j) * DIMS, (i + j + 1) * DIMS),
        seq: i + j + 1,
      })),
    );
    await new Promise((r) => setImmediate(r));
  }
  await vi.finishBulk();
  const vectorWall = performance.now() - t;
  // The worker's CPU is this process's too.
  const vectorCpu = cpuS(process.cpuUsage(cpu));
  vi.save(path.join(dir, "vectors"));
  const size = (f: string) => fs.statSync(path.join(dir, f)).size;
  const report: BuildReport = {
    at: new Date().toISOString().slice(0, 16),
    loadAtStart,
    loadAtEnd: load(),
    keyword: { wallMs: keywordWall, cpuS: keywordCpu, heapBytes, saveMs, fileBytes: size("keyword.idx") },
    vector: {
      wallMs: vectorWall,
      cpuS: vectorCpu,
      fileBytes: fs
        .readdirSync(path.join(dir, "vectors"))
        .reduce((s, f) => s + size(path.join("vectors", f)), 0),
    },
  };
  fs.writeFileSync(buildFile, JSON.stringify(report));
  return report;
}

const reused = !process.argv.includes("--fresh") && fs.existsSync(buildFile);
const b: BuildReport = reused ? JSON.parse(fs.readFileSync(buildFile, "utf8")) : await build();
// Recall@10 of the saved index against exact float32 search (usearch's brute force), for queries
// around the papers' topics; the vectors are generated again, as the build did.
const recall10 = (() => {
  const next = topicVectors(DIMS);
  const all = new Float32Array(DOCS * DIMS);
  for (let i = 0; i < DOCS; i++) all.set(next(), i * DIMS);
  const queries = topicVectors(DIMS, 11, 5);
  const qs = new Float32Array(RECALL_QUERIES * DIMS);
  for (let i = 0; i < RECALL_QUERIES; i++) qs.set(queries(), i * DIMS);
  const truth = usearch.exactSearch(all, qs, DIMS, 10, usearch.MetricKind.IP) as InstanceType<
    typeof usearch.BatchMatches
  >;
  const vi = VectorIndex.load(path.join(dir, "vectors"), MODEL_ID, DIMS);
  if (!vi) throw new Error("vector index file not usable");
  let found = 0;
  for (let q = 0; q < RECALL_QUERIES; q++) {
    const want = new Set(Array.from(truth.keys.subarray(q * 10, q * 10 + 10), (k) => `p${k}`));
    for (const h of vi.search(qs.subarray(q * DIMS, (q + 1) * DIMS), 10)) if (want.has(h.arxivId)) found++;
  }
  return found / (RECALL_QUERIES * 10);
})();

say(
  reused
    ? `- Index files reused from a build at ${b.at}Z (load average ${b.loadAtStart} to ${b.loadAtEnd}) in ${dir}.`
    : `- Index files built in this run (load average ${b.loadAtStart} to ${b.loadAtEnd}).`,
);
say(
  `- Keyword index rebuilt from the text (the reference, in-process): ${secs(b.keyword.wallMs)} wall, ${b.keyword.cpuS.toFixed(1)} s CPU; index memory (heap + typed arrays) ${mib(b.keyword.heapBytes)}. Save ${secs(b.keyword.saveMs)}, file ${mib(b.keyword.fileBytes)}.`,
);
say(
  `- Vector index bulk build (int8 HNSW on a worker thread, ${os.availableParallelism()} insertion threads): ${secs(b.vector.wallMs)} wall, ${b.vector.cpuS.toFixed(1)} s CPU (${Math.round(DOCS / (b.vector.wallMs / 1000)).toLocaleString("en")} vectors/s); recall@10 ${recall10.toFixed(3)} against exact float32 search (${RECALL_QUERIES} queries); files ${mib(b.vector.fileBytes)}.`,
);

const starts: ChildReport[] = [];
for (let i = 0; i < 3; i++) {
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", "bench/startup.bench.ts", "--child", dir, ...(i === 0 ? ["--queries"] : [])],
    { encoding: "utf8", maxBuffer: 64 << 20 },
  );
  starts.push(JSON.parse(out));
}
say(
  `- Fresh process, from its start (Node and tsx included) to the first keyword answer: ${starts.map((s) => secs(s.keywordMs)).join(", ")} (keyword file loaded at ${starts.map((s) => secs(s.keywordLoadMs)).join(", ")}); then the vector file loaded in ${starts.map((s) => secs(s.vectorLoadMs)).join(", ")}; first semantic answer at ${starts.map((s) => secs(s.semanticMs)).join(", ")}; CPU to that point ${starts.map((s) => `${s.cpuReadyS.toFixed(1)} s`).join(", ")}.`,
);
const best = starts.reduce((a, c) => (a.semanticMs < c.semanticMs ? a : c));
say(
  `- RSS with both indexes loaded: ${starts.map((s) => mib(s.rssReady)).join(", ")}; after the queries ${mib(starts[0].queries?.rssAfter ?? 0)}.`,
);
say(
  `- Ratio, time to the first keyword answer against rebuilding it from the text: ${(best.keywordMs / b.keyword.wallMs).toFixed(3)}× wall (${(b.keyword.wallMs / best.keywordMs).toFixed(0)}× faster).`,
);
const q = starts[0].queries;
if (q) {
  say(
    `- Keyword ranking (parse + BM25F top-20, 400 queries, 1 in 5 with filters): ${fmt(pct(q.keyword.wall))} (CPU ${fmt(pct(q.keyword.cpu))}).`,
  );
  say(
    `- Common-words query ("effect cells patients high risk"), 100 runs: ${fmt(pct(q.common.wall))} (CPU ${fmt(pct(q.common.cpu))}).`,
  );
  const ratio = (a: number[], b: number[]) => (pct(a).p95 / pct(b).p95).toFixed(2);
  say(
    `- Reference, every posting scored (no pruning), same process: keyword ${fmt(pct(q.keywordExhaustive.wall))} (CPU ${fmt(pct(q.keywordExhaustive.cpu))}); common words ${fmt(pct(q.commonExhaustive.wall))} (CPU ${fmt(pct(q.commonExhaustive.cpu))}). Ratio of CPU p95, pruned / exhaustive: keyword ${ratio(q.keyword.cpu, q.keywordExhaustive.cpu)}×, common words ${ratio(q.common.cpu, q.commonExhaustive.cpu)}×.`,
  );
  say(
    `- Semantic (HNSW top-20 with int8 re-scoring, query embedding excluded), 300 queries: ${fmt(pct(q.semantic.wall))} (CPU ${fmt(pct(q.semantic.cpu))}).`,
  );
}
say(`- Load average at end ${load()}.`);

results.write();
