import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { BUILTIN_MODEL_VERSION } from "../../src/search/embed/builtin.ts";
import { needsRetraining } from "../../src/search/embed/jobs.ts";
import type { EmbeddingModelRow } from "../../src/search/embedding-store.ts";
import { feedbackQuery, fuseScores } from "../../src/search/fusion.ts";

describe("hybrid fusion", () => {
  test("BM25 normalised by the best score plus the weighted cosine, over both candidate lists", () => {
    const fused = fuseScores(
      [
        { arxivId: "a", score: 10 },
        { arxivId: "b", score: 5 },
      ],
      new Map([
        ["a", 0.1],
        ["b", 0.9],
        ["c", 0.95],
      ]),
      0.5,
    );
    assert.deepEqual(
      fused.map((f) => [f.arxivId, Math.round(f.score * 1e6) / 1e6, f.inKeyword]),
      [
        ["a", 1.05, true],
        ["b", 0.95, true],
        ["c", 0.475, false],
      ],
    );
  });

  test("equal scores order by id, and a paper without a vector keeps its keyword part", () => {
    const fused = fuseScores(
      [
        { arxivId: "y", score: 2 },
        { arxivId: "x", score: 2 },
      ],
      new Map(),
      0.2,
    );
    assert.deepEqual(
      fused.map((f) => [f.arxivId, f.score]),
      [
        ["x", 1],
        ["y", 1],
      ],
    );
  });

  test("feedback moves the query towards the mean of the best hits and renormalises", () => {
    const q = feedbackQuery(
      Float32Array.from([1, 0]),
      [Float32Array.from([0, 1]), Float32Array.from([0, 1])],
      1,
    );
    assert.deepEqual(
      [...q].map((x) => Math.round(x * 1e5)),
      [70711, 70711],
    );
    assert.deepEqual(
      [...feedbackQuery(Float32Array.from([3, 4]), [], 1)],
      [0.6000000238418579, 0.800000011920929],
    );
  });
});

describe("retraining the built-in model", () => {
  const model = (
    params: Record<string, unknown>,
    kind: EmbeddingModelRow["kind"] = "builtin-lsa",
  ): EmbeddingModelRow => ({
    id: 1,
    kind,
    name: "lsa-256",
    dims: 256,
    params,
    status: "active",
    createdAt: new Date(0),
    activatedAt: null,
  });

  test("retrains once the corpus has doubled, unless the sample was already full or the model is remote", () => {
    const v = BUILTIN_MODEL_VERSION;
    assert.equal(needsRetraining(model({ version: v, trainedOn: 1000, maxTrainDocs: 60000 }), 1999), false);
    assert.equal(needsRetraining(model({ version: v, trainedOn: 1000, maxTrainDocs: 60000 }), 2000), true);
    assert.equal(
      needsRetraining(model({ version: v, trainedOn: 60000, maxTrainDocs: 60000 }), 500000),
      false,
    );
    assert.equal(needsRetraining(model({ trainedOn: 10 }, "remote"), 500000), false);
  });

  test("retrains a built-in model of an older version (LSA alone, stored without a version)", () => {
    assert.equal(needsRetraining(model({ trainedOn: 60000, maxTrainDocs: 60000 }), 60000), true);
    assert.equal(needsRetraining(model({ version: 1, trainedOn: 500, maxTrainDocs: 60000 }), 500), true);
    assert.equal(
      needsRetraining(model({ version: BUILTIN_MODEL_VERSION, trainedOn: 500, maxTrainDocs: 60000 }), 500),
      false,
    );
  });
});
