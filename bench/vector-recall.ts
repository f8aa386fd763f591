import { createRequire } from "node:module";
import { topicVectors } from "./search-corpus.ts";

const usearch = createRequire(import.meta.url)("usearch") as typeof import("usearch");

/** The generated papers' vectors, row-major: the same on every call for the same count. */
export function paperVectors(count: number, dims: number): Float32Array {
  const next = topicVectors(dims);
  const all = new Float32Array(count * dims);
  for (let i = 0; i < count; i++) all.set(next(), i * dims);
  return all;
}

/**
 * Recall queries around the papers' own topic centres and their exact top 10 (float32 brute
 * force over `all`): `query(q)` is the q-th query, `nearest(q)` the row numbers of its top 10.
 */
export function recallQueries(all: Float32Array, dims: number, count: number) {
  const next = topicVectors(dims, 11, 5);
  const qs = new Float32Array(count * dims);
  for (let i = 0; i < count; i++) qs.set(next(), i * dims);
  const truth = usearch.exactSearch(all, qs, dims, 10, usearch.MetricKind.IP, 0) as InstanceType<
    typeof usearch.BatchMatches
  >;
  return {
    query: (q: number) => qs.subarray(q * dims, (q + 1) * dims),
    nearest: (q: number) => Array.from(truth.keys.subarray(q * 10, q * 10 + 10), Number),
  };
}
