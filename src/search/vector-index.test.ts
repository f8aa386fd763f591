import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { VectorIndex } from "./vector-index.ts";

const DIMS = 32;

function unitVectors(n: number, seed: number): Float32Array[] {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  return Array.from({ length: n }, () => {
    const v = Float32Array.from({ length: DIMS }, rand);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

const rows = (vs: Float32Array[], from = 0) =>
  vs.map((vector, i) => ({ arxivId: `p${from + i}`, vector, seq: from + i + 1 }));

test("a bulk load builds the graph off-thread, answers by scan meanwhile, then agrees with exact search", async () => {
  const vectors = unitVectors(3000, 7);
  const queries = unitVectors(20, 99);
  const exact = new VectorIndex(1, DIMS, { exactLimit: Number.POSITIVE_INFINITY });
  exact.upsert(rows(vectors));

  const bulk = new VectorIndex(1, DIMS, { exactLimit: 100 });
  bulk.beginBulk();
  bulk.upsert(rows(vectors.slice(0, 2000)));
  bulk.upsert(rows(vectors.slice(2000), 2000));
  // Re-embedded while the graph is built: the old slot must not come back from the graph.
  bulk.upsert([{ arxivId: "p5", vector: vectors[6], seq: 3001 }]);
  exact.upsert([{ arxivId: "p5", vector: vectors[6], seq: 3001 }]);
  assert.equal(bulk.building, true);
  assert.deepEqual(
    bulk.search(queries[0], 10).map((h) => h.arxivId),
    exact.search(queries[0], 10).map((h) => h.arxivId),
    "while building, search is an exact scan",
  );
  await bulk.finishBulk();
  assert.equal(bulk.building, false);

  let found = 0;
  for (const q of queries) {
    const want = new Set(exact.search(q, 10).map((h) => h.arxivId));
    const got = bulk.search(q, 10);
    assert.equal(
      new Set(got.map((h) => h.arxivId)).size,
      got.length,
      "no paper twice (the replaced slot is gone)",
    );
    found += got.filter((h) => want.has(h.arxivId)).length;
    for (let i = 1; i < got.length; i++) assert.ok(got[i - 1].score >= got[i].score, "re-scored best first");
  }
  assert.ok(found / (queries.length * 10) >= 0.95, `graph recall@10 ${found / (queries.length * 10)}`);

  // Saved and loaded, it answers the same; a copy saved in another graph format is not used.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-vi-"));
  try {
    bulk.save(dir);
    const again = VectorIndex.load(dir, 1, DIMS);
    assert.ok(again);
    assert.equal(again.size, 3000);
    const meta = path.join(dir, "vectors-1.json");
    fs.writeFileSync(meta, fs.readFileSync(meta, "utf8").replace('"graph":"hnsw-i8-1"', '"graph":"old"'));
    assert.equal(VectorIndex.load(dir, 1, DIMS), null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
