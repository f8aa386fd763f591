/**
 * Ranking speed (`npm run bench:recommend-speed`): one person with 200 signals over 100,000
 * candidate papers, in process, as /for-you and the API rank. The pool holds generated papers
 * (recombined SciFact sentences, bench/search-corpus.ts) with structured 256-dim vectors (64
 * cluster centres plus noise), so retrieval has neighbourhoods to find. Reference in the same
 * run: the same ranking scoring every candidate (no retrieval). Appends to bench/results/recommend-speed.md.
 */
import { execSync } from "node:child_process";
import fs from "node:fs";
import { CandidatePool } from "../src/recommend/pool.ts";
import { positivesFrom } from "../src/recommend/profile.ts";
import { rankPool } from "../src/recommend/rank-pool.ts";
import type { CandidateRow } from "../src/recommend/store.ts";
import { vectorBytes } from "../src/search/embedding-store.ts";
import { generatePapers, rng } from "./search-corpus.ts";

const N = Number(process.env.CANDIDATES ?? 100_000);
const DIMS = 256;
const CLUSTERS = 64;
const SIGNALS = 200;
const RUNS = Number(process.env.RUNS ?? 30);
const rand = rng(11);
const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
const unit = (v: Float32Array) => {
  const n = Math.hypot(...v) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
};
const centres = Array.from({ length: CLUSTERS }, () => unit(Float32Array.from({ length: DIMS }, gauss)));
const clusterOf: number[] = [];
let t = performance.now();
const rows: CandidateRow[] = [];
for (const p of generatePapers(N, 5)) {
  const c = Math.floor(rand() * CLUSTERS);
  clusterOf.push(c);
  const v = unit(Float32Array.from(centres[c], (x) => x + 0.08 * gauss()));
  rows.push({
    arxivId: p.arxivId,
    title: p.title,
    abstract: p.abstract ?? "",
    authorNames: (p.authors ?? []).map((a) => a.name),
    vector: vectorBytes(v),
  });
}
const genMs = performance.now() - t;
t = performance.now();
const pool = new CandidatePool(DIMS, rows);
const buildMs = performance.now() - t;
console.log(
  `generated ${N} in ${(genMs / 1000).toFixed(1)} s, pool built in ${(buildMs / 1000).toFixed(1)} s`,
);

/** A person with SIGNALS saves spread over 4 clusters (several interests). */
function person(seed: number) {
  const r = rng(seed);
  const mine = Array.from({ length: 4 }, () => Math.floor(r() * CLUSTERS));
  const ids: string[] = [];
  while (ids.length < SIGNALS) {
    const i = Math.floor(r() * N);
    if (mine.includes(clusterOf[i])) ids.push(pool.ids[i]);
  }
  const feats = new Map(
    ids.map((id) => {
      const i = pool.indexOf(id) as number;
      return [id, { title: pool.titles[i], features: pool.features(i) }];
    }),
  );
  const positives = positivesFrom(
    ids.map((arxivId) => ({ arxivId, kind: "saved" as const })),
    feats,
  );
  return { positives, negatives: [], boosts: new Map(), skip: new Set(ids) };
}

function measure(retrieveAbove: number, runs: number): number[] {
  const ms: number[] = [];
  for (let k = 0; k < runs; k++) {
    const p = person(100 + k);
    const t0 = performance.now();
    rankPool(pool, p, { skip: p.skip, limit: 30, retrieveAbove });
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b);
}
const pct = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
measure(Number.POSITIVE_INFINITY, 2); // warm-up
const ours = measure(3000, RUNS);
const exhaustive = measure(Number.POSITIVE_INFINITY, Math.max(3, Math.floor(RUNS / 6)));
const line = `| ${new Date().toISOString().slice(0, 16)} | ${N} | ${SIGNALS} | ${pct(ours, 0.5).toFixed(1)} / ${pct(ours, 0.95).toFixed(1)} ms | ${pct(exhaustive, 0.5).toFixed(0)} / ${pct(exhaustive, 0.95).toFixed(0)} ms | ${(pct(ours, 0.95) / pct(exhaustive, 0.95)).toFixed(3)} | ${(buildMs / 1000).toFixed(1)} s | ${execSync(
  "uptime",
)
  .toString()
  .trim()
  .replace(/.*load/, "load")} |`;
console.log(line);
const file = "bench/results/recommend-speed.md";
if (!fs.existsSync(file))
  fs.writeFileSync(
    file,
    `# Ranking speed: one person, 200 signals, in process\n\nRun by \`npm run bench:recommend-speed\`. Goal: p95 ≤ 50 ms over 100k candidates. Reference in the same run: the same ranking scoring every candidate instead of retrieving each interest's nearest papers first.\n\n| when | candidates | signals | ours p50 / p95 | exhaustive p50 / p95 | p95 ratio | pool build | machine |\n|---|---|---|---|---|---|---|---|\n`,
  );
fs.appendFileSync(file, `${line}\n`);
