import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_BM25, fieldedTf, idf, lengthNorm, saturate, termScore } from "./bm25.ts";

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);

test("idf is Lucene's ln(1 + (N - df + 0.5) / (df + 0.5)) and never negative", () => {
  close(idf(3, 1), Math.log(1 + 2.5 / 1.5));
  close(idf(3, 1), 0.9808292530117263);
  close(idf(3, 2), 0.47000362924573563);
  close(idf(100, 100), Math.log(1 + 0.5 / 100.5));
  assert.ok(idf(100, 100) > 0);
});

test("saturation: tf (k1 + 1) / (k1 + tf) approaches k1 + 1", () => {
  close(saturate(0, 1.2), 0);
  close(saturate(1, 1.2), 1);
  close(saturate(2, 1.2), 1.375);
  close(saturate(1000, 1.2), (1000 * 2.2) / 1001.2);
  assert.ok(saturate(10, 1.2) < 2 * saturate(1, 1.2));
});

test("length normalisation: 1 at average length, b scales its strength", () => {
  close(lengthNorm(5, 5, 0.75), 1);
  close(lengthNorm(10, 5, 0.75), 1.75);
  close(lengthNorm(10, 5, 0), 1);
  close(lengthNorm(2.5, 5, 1), 0.5);
  close(lengthNorm(3, 0, 0.75), 1);
});

test("BM25F adds weighted, normalised field counts before saturating once", () => {
  const params = { ...DEFAULT_BM25, k1: 1.2, weight: { title: 2, authors: 1.5, abstract: 1 } };
  const tf = { title: 1, authors: 0, abstract: 2 };
  const norm = { title: 0.5, authors: 1, abstract: 2 };
  close(fieldedTf(tf, norm, params), 2 / 0.5 + 2 / 2); // 5
  close(termScore(1.5, tf, norm, params), 1.5 * ((5 * 2.2) / 6.2));
});
