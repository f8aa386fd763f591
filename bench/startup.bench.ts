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
 * minutes of CPU. A reused build says so in the results, with the date, load and nice it was built
 * at. The two parts are cached apart: `--build-only keyword` builds the keyword file and stops (run
 * it niced in the background), a vector graph built with other settings than the code's is built
 * again (timed), `--rebuild-vectors` forces that. `--keyword-file F` takes a keyword file another
 * benchmark built from the same papers, `--no-keyword` opens the vector index alone, and
 * `--no-keyword-reference` leaves the keyword rebuild's timing out when the run measures other things;
 * `--no-recall` and `--no-queries` leave out the recall measurement and the query load.
 * The papers table's catch-up query at start is left out (it reads only rows changed since the
 * files' watermarks), and so is loading the embedding model.
 * Appends a section to bench/results/startup.md.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_BM25 } from "../src/search/bm25.ts";
import { KeywordIndex } from "../src/search/keyword-index.ts";
import { loadKeywordIndex, saveKeywordIndex } from "../src/search/keyword-index-file.ts";
import { parseQuery } from "../src/search/query.ts";
import { analyze } from "../src/search/text.ts";
import { GRAPH_BUILD, GRAPH_DESCRIPTION, VectorIndex } from "../src/search/vector-index.ts";
import { loadAverage, machineLine, resultsSection } from "./results-log.ts";
import { benchQueries, generatePapers, indexDoc, rankOptions, topicVectors } from "./search-corpus.ts";
import { paperVectors, recallQueries } from "./vector-recall.ts";

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
  /** Null when the run has no keyword index file (the vector side is measured alone). */
  keywordMs: number | null;
  semanticMs: number;
  rssReady: number;
  cpuReadyS: number;
  keywordLoadMs: number | null;
  vectorLoadMs: number;
  /** When the opened copy's background checks (graph and codes checksums, codes read in) ended. */
  verifiedMs: number;
  rssVerified: number;
  queries?: {
    keyword?: { wall: number[]; cpu: number[] };
    common?: { wall: number[]; cpu: number[] };
    keywordExhaustive?: { wall: number[]; cpu: number[] };
    commonExhaustive?: { wall: number[]; cpu: number[] };
    semantic: { wall: number[]; cpu: number[] };
    rssAfter: number;
  };
}

if (arg("--child")) {
  // One process start. performance.now() counts from the process's start, so Node's and tsx's
  // own start-up is inside every figure.
  const dir = arg("--child") as string;
  const keywordPath = arg("--keyword") as string;
  const loaded = keywordPath === "none" ? null : loadKeywordIndex(keywordPath, DEFAULT_BM25);
  if (loaded && !loaded.ok) throw new Error(loaded.reason);
  const keywordLoadMs = loaded ? performance.now() : null;
  loaded?.index.rank({ terms: FIRST_QUERY, k: 20 });
  const keywordMs = loaded ? performance.now() : null;
  const t0 = performance.now();
  const opened = VectorIndex.open(path.join(dir, "vectors"), MODEL_ID, DIMS);
  if (!opened.ok) throw new Error(`vector index file not usable: ${opened.reason}`);
  const vectors = opened.index;
  const vectorLoadMs = performance.now() - t0;
  const queryVectors = topicVectors(DIMS, 11, 99);
  vectors.search(queryVectors(), 20);
  const semanticMs = performance.now();
  const rssReady = process.memoryUsage().rss;
  const cpuReadyS = cpuS(process.cpuUsage());
  // The checks a web process runs in the background after its first answers.
  const bad = await vectors.verify();
  if (bad) throw new Error(`vector index copy failed its check: ${bad}`);
  const report: ChildReport = {
    keywordMs,
    semanticMs,
    keywordLoadMs,
    vectorLoadMs,
    rssReady,
    cpuReadyS,
    verifiedMs: performance.now(),
    rssVerified: process.memoryUsage().rss,
  };
  if (process.argv.includes("--queries") && !loaded)
    report.queries = {
      semantic: timeEach(
        Array.from({ length: 300 }, () => queryVectors()),
        (v) => vectors.search(v, 20),
      ),
      rssAfter: process.memoryUsage().rss,
    };
  if (process.argv.includes("--queries") && loaded) {
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
const keywordFile = path.join(dir, "keyword.idx");
const vectorDir = path.join(dir, "vectors");
// `--build-only keyword|all`: build the missing cache parts and stop (a niced background job).
const buildOnly = arg("--build-only");
if (buildOnly !== undefined && buildOnly !== "keyword" && buildOnly !== "all")
  throw new Error(`--build-only takes keyword or all, not ${buildOnly}`);
// The keyword rebuild's timing is left out of the results: its cache was built in another run
// (often niced, in the background), and this run measures something else.
const noKeywordReference = process.argv.includes("--no-keyword-reference");
const results = resultsSection(
  "startup.md",
  "# Web process start at scale\n\nGenerated by `npm run bench:startup -- --docs N` (bench/startup.bench.ts); papers from bench/search-corpus.ts, synthetic 256-dimension vectors. Each section is one run on the shared 2-core machine.\n",
);
const say = results.say;
if (!buildOnly) {
  say(`\n## ${DOCS.toLocaleString("en")} papers, ${new Date().toISOString().slice(0, 16)}Z`);
  say(machineLine());
}

/** When and how loaded a cache part was built, and at which scheduling priority (nice). */
interface BuiltAt {
  at: string;
  loadAtStart: string;
  loadAtEnd: string;
  nice: number;
}
interface BuildReport {
  keyword?: BuiltAt & { wallMs: number; cpuS: number; heapBytes: number; saveMs: number; fileBytes: number };
  vector?: BuiltAt & { wallMs: number; cpuS: number; fileBytes: number; graph: string };
}

const builtAt = (loadAtStart: string): BuiltAt => ({
  at: new Date().toISOString().slice(0, 16),
  loadAtStart,
  loadAtEnd: load(),
  nice: os.getPriority(),
});

/** Reference: what a process without the file does, analysing every paper's text. */
function buildKeyword(): NonNullable<BuildReport["keyword"]> {
  const loadAtStart = load();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const cpu = process.cpuUsage();
  let t = performance.now();
  let ix: KeywordIndex | null = new KeywordIndex();
  for (const p of generatePapers(DOCS)) ix.add(indexDoc(p));
  ix.rank({ terms: FIRST_QUERY, k: 20 });
  const wallMs = performance.now() - t;
  const keywordCpu = cpuS(process.cpuUsage(cpu));
  gc?.();
  const heapBytes = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heap0;
  t = performance.now();
  saveKeywordIndex(ix, Date.now(), keywordFile);
  const saveMs = performance.now() - t;
  ix = null;
  gc?.();
  return {
    ...builtAt(loadAtStart),
    wallMs,
    cpuS: keywordCpu,
    heapBytes,
    saveMs,
    fileBytes: fs.statSync(keywordFile).size,
  };
}

/** A first start's bulk build: pages of vectors streamed to the off-thread graph builder. */
async function buildVectors(): Promise<NonNullable<BuildReport["vector"]>> {
  fs.rmSync(vectorDir, { recursive: true, force: true });
  const loadAtStart = load();
  const all = paperVectors(DOCS, DIMS);
  const cpu = process.cpuUsage();
  const t = performance.now();
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
  const wallMs = performance.now() - t;
  // The worker's CPU is this process's too.
  const vectorCpu = cpuS(process.cpuUsage(cpu));
  vi.save(vectorDir);
  return {
    ...builtAt(loadAtStart),
    wallMs,
    cpuS: vectorCpu,
    graph: GRAPH_BUILD,
    fileBytes: fs.readdirSync(vectorDir).reduce((s, f) => s + fs.statSync(path.join(vectorDir, f)).size, 0),
  };
}

fs.mkdirSync(dir, { recursive: true });
const fresh = process.argv.includes("--fresh");
const b: BuildReport =
  !fresh && fs.existsSync(buildFile) ? JSON.parse(fs.readFileSync(buildFile, "utf8")) : {};
const saveBuild = () => fs.writeFileSync(buildFile, JSON.stringify(b));
// `--keyword-file F`: a keyword index file built elsewhere from the same generated papers (another
// bench's cache); `--no-keyword`: children open the vector index alone.
const keywordElsewhere = arg("--keyword-file");
const noKeyword = process.argv.includes("--no-keyword");
const keywordPath = noKeyword ? "none" : (keywordElsewhere ?? keywordFile);
if (keywordElsewhere && !fs.existsSync(keywordElsewhere))
  throw new Error(`no keyword file ${keywordElsewhere}`);
const keywordBuilt = !noKeyword && !keywordElsewhere && (!b.keyword || !fs.existsSync(keywordFile));
if (keywordBuilt) {
  b.keyword = buildKeyword();
  saveBuild();
}
if (buildOnly === "keyword") process.exit(0);
// A cached graph built with other settings than the code's is built again, timed in this run.
const vectorBuilt =
  !b.vector ||
  b.vector.graph !== GRAPH_BUILD ||
  process.argv.includes("--rebuild-vectors") ||
  !fs.existsSync(vectorDir);
if (vectorBuilt) {
  b.vector = await buildVectors();
  saveBuild();
}
if (buildOnly) process.exit(0);
const kb = keywordElsewhere || noKeyword ? undefined : b.keyword;
const vb = b.vector as NonNullable<BuildReport["vector"]>;
const niceNote = (x: BuiltAt) => (x.nice !== 0 ? `, at nice ${x.nice}: not a timed figure` : "");

// Recall@10 of the saved index against exact float32 search (usearch's brute force), for queries
// around the papers' topics; the vectors are generated again, as the build did.
// `--no-recall`: not measured again (a run that only re-measures the starts says so).
const noRecall = process.argv.includes("--no-recall");
const recall10 = (() => {
  if (noRecall) return null;
  const recall = recallQueries(paperVectors(DOCS, DIMS), DIMS, RECALL_QUERIES);
  const vi = VectorIndex.load(vectorDir, MODEL_ID, DIMS);
  if (!vi) throw new Error("vector index file not usable");
  let found = 0;
  for (let q = 0; q < RECALL_QUERIES; q++) {
    const want = new Set(recall.nearest(q).map((k) => `p${k}`));
    for (const h of vi.search(recall.query(q), 10)) if (want.has(h.arxivId)) found++;
  }
  vi.close();
  return found / (RECALL_QUERIES * 10);
})();

const where = (built: boolean, x: BuiltAt) =>
  built
    ? `built in this run (load average ${x.loadAtStart} to ${x.loadAtEnd}${niceNote(x)})`
    : `reused from a build at ${x.at}Z (load average ${x.loadAtStart} to ${x.loadAtEnd}${niceNote(x)}) in ${dir}`;
const keywordSource = noKeyword
  ? "not used (--no-keyword: the children open the vector index alone)"
  : keywordElsewhere
    ? `${keywordElsewhere}, built by another benchmark from the same generated papers`
    : where(keywordBuilt, kb as BuiltAt);
say(`- Keyword index file: ${keywordSource}; vector index files ${where(vectorBuilt, vb)}.`);
if (!kb || noKeywordReference)
  say(
    `- Keyword index rebuilt from the text (the reference): not measured in this run${noKeywordReference ? " (--no-keyword-reference)" : ""}.`,
  );
else
  say(
    `- Keyword index rebuilt from the text (the reference, in-process): ${secs(kb.wallMs)} wall, ${kb.cpuS.toFixed(1)} s CPU${niceNote(kb)}; index memory (heap + typed arrays) ${mib(kb.heapBytes)}. Save ${secs(kb.saveMs)}, file ${mib(kb.fileBytes)}.`,
  );
say(
  `- Vector index bulk build (${vb.graph}; searched as ${GRAPH_DESCRIPTION}; on a worker thread, ${os.availableParallelism()} insertion threads): ${secs(vb.wallMs)} wall, ${vb.cpuS.toFixed(1)} s CPU${niceNote(vb)} (${Math.round(DOCS / (vb.wallMs / 1000)).toLocaleString("en")} vectors/s); ${recall10 === null ? "recall not measured in this run (--no-recall)" : `recall@10 ${recall10.toFixed(3)} against exact float32 search (${RECALL_QUERIES} queries around the papers' own topic centres, measured on the saved copy)`}; files ${mib(vb.fileBytes)}.`,
);

const starts: ChildReport[] = [];
for (let i = 0; i < 3; i++) {
  const out = execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "bench/startup.bench.ts",
      "--child",
      dir,
      "--keyword",
      keywordPath,
      ...(i === 0 && !process.argv.includes("--no-queries") ? ["--queries"] : []),
    ],
    { encoding: "utf8", maxBuffer: 64 << 20 },
  );
  starts.push(JSON.parse(out));
}
const list = (f: (s: ChildReport) => string) => starts.map(f).join(", ");
const maybe = (ms: number | null) => (ms === null ? "-" : secs(ms));
say(
  `- Fresh process, from its start (Node and tsx included)${noKeyword ? "" : ` to the first keyword answer: ${list((s) => maybe(s.keywordMs))} (keyword file loaded at ${list((s) => maybe(s.keywordLoadMs))}); then`}: the vector copy opened (graph mapped, usearch view) in ${list((s) => secs(s.vectorLoadMs))}; first semantic answer at ${list((s) => secs(s.semanticMs))}; CPU to that point ${list((s) => `${s.cpuReadyS.toFixed(1)} s`)}. The copy's background checks (graph and codes CRC-32, codes read in) ended at ${list((s) => secs(s.verifiedMs))}.`,
);
const best = starts.reduce((a, c) => (a.semanticMs < c.semanticMs ? a : c));
say(
  `- RSS ${noKeyword ? "with the vector index" : "with both indexes"} at the first semantic answer: ${list((s) => mib(s.rssReady))}; after the background checks ${list((s) => mib(s.rssVerified))}${starts[0].queries ? `; after the queries ${mib(starts[0].queries.rssAfter)}` : ""}.`,
);
if (kb && !noKeywordReference && best.keywordMs !== null)
  say(
    `- Ratio, time to the first keyword answer against rebuilding it from the text: ${(best.keywordMs / kb.wallMs).toFixed(3)}× wall (${(kb.wallMs / best.keywordMs).toFixed(0)}× faster).`,
  );
const q = starts[0].queries;
if (q?.keyword && q.common && q.keywordExhaustive && q.commonExhaustive) {
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
}
if (q)
  say(
    `- Semantic (HNSW top-20 with int8 re-scoring, query embedding excluded; base graph mapped), 300 queries after the checks: ${fmt(pct(q.semantic.wall))} (CPU ${fmt(pct(q.semantic.cpu))}).`,
  );
say(
  `- Load average at end ${load()}; it includes other helpers' niced background work (this run was at nice ${os.getPriority()}).`,
);

results.write();
