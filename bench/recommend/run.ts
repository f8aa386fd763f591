import fs from "node:fs";
import { mulberry32 } from "../../src/search/embed/random.ts";
import { linearSvcScores, type tfidfMatrix } from "./sanity-baseline.ts";

/** k ids drawn from the pool by a seeded shuffle: the same seed gives both recommenders the same seeds. */
export function draw(pool: string[], k: number, seed: number): string[] {
  const rand = mulberry32(seed);
  const a = pool.slice();
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (a.length - i));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k);
}

/** arxiv-sanity-lite's ranking of every paper but the seeds. */
export function baselineRanking(ids: string[], x: ReturnType<typeof tfidfMatrix>, seeds: string[]): string[] {
  const seedSet = new Set(seeds);
  const scores = linearSvcScores(
    x,
    ids.map((id) => seedSet.has(id)),
  );
  return ids
    .map((id, i) => ({ id, s: scores[i] }))
    .filter((r) => !seedSet.has(r.id))
    .sort((a, b) => b.s - a.s || (a.id < b.id ? -1 : 1))
    .map((r) => r.id);
}

/** Where `--reuse-vectors` keeps a file's stored vectors between runs. */
export const vectorFile = (name: string) => `/tmp/recommend-bench-${name}.json`;

export function storedVectors(name: string): Map<string, Float32Array> {
  return new Map(
    (JSON.parse(fs.readFileSync(vectorFile(name), "utf8")) as [string, number[]][]).map(([id, v]) => [
      id,
      Float32Array.from(v),
    ]),
  );
}
