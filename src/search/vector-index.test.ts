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
    const again = loaded(dir);
    assert.equal(again.size, 3000);
    assert.equal(again.mapped, true);
    assert.deepEqual(again.search(queries[1], 10), bulk.search(queries[1], 10));
    assert.equal(await again.verify(), null);
    const meta = path.join(dir, "vectors-1.json");
    fs.writeFileSync(
      meta,
      fs.readFileSync(meta, "utf8").replace('"format":"hnsw-i8-2"', '"format":"hnsw-i8-1"'),
    );
    assert.deepEqual(VectorIndex.open(dir, 1, DIMS), {
      ok: false,
      reason: "format hnsw-i8-1, not hnsw-i8-2",
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Opened with the codes left on disk, as a large copy's are: read as needed, then in the background. */
function loaded(dir: string, exactLimit = 100): VectorIndex {
  const r = VectorIndex.open(dir, 1, DIMS, { exactLimit, eagerCodesBytes: 0 });
  assert.ok(r.ok, r.ok ? "" : r.reason);
  return r.index;
}

/** The ids of the top 10 of each query, as exact search over the same live vectors gives them. */
function assertAgrees(ix: VectorIndex, live: Map<string, Float32Array>, queries: Float32Array[]): void {
  const exact = new VectorIndex(1, DIMS, { exactLimit: Number.POSITIVE_INFINITY });
  exact.upsert([...live].map(([arxivId, vector]) => ({ arxivId, vector })));
  let found = 0;
  for (const q of queries) {
    const want = new Set(exact.search(q, 10).map((h) => h.arxivId));
    const got = ix.search(q, 10).map((h) => h.arxivId);
    for (const id of got) assert.ok(live.has(id), `${id} is not live`);
    assert.equal(new Set(got).size, got.length, "no paper twice");
    found += got.filter((id) => want.has(id)).length;
  }
  assert.ok(found / (queries.length * 10) >= 0.95, `recall@10 ${found / (queries.length * 10)}`);
}

test("an opened copy maps its graph and takes new, replaced and deleted papers beside it, across restarts", async () => {
  const vectors = unitVectors(3000, 11);
  const queries = unitVectors(20, 5);
  const live = new Map<string, Float32Array>();
  const first = new VectorIndex(1, DIMS, { exactLimit: 100 });
  first.upsert(rows(vectors.slice(0, 2500)));
  for (const [i, v] of vectors.slice(0, 2500).entries()) live.set(`p${i}`, v);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-vi-"));
  try {
    first.save(dir);
    const graphWritten = fs.statSync(path.join(dir, "vectors-1.usearch")).mtimeMs;

    // Restart 1: mapped; new papers go to the delta, a re-embedded and a deleted one leave the base.
    const a = loaded(dir);
    assert.equal(a.mapped, true);
    // Before the codes are read in, re-scoring pages the candidates' codes from the file.
    assert.deepEqual(a.search(queries[2], 10), first.search(queries[2], 10));
    assert.equal(await a.verify(), null);
    a.upsert(rows(vectors.slice(2500), 2500));
    for (const [i, v] of vectors.slice(2500).entries()) live.set(`p${2500 + i}`, v);
    // Given twice in one call (the last vector counts): the saved copy must still open.
    a.upsert([
      { arxivId: "p7", vector: queries[3] },
      { arxivId: "p7", vector: queries[0], seq: 3001 },
    ]);
    live.set("p7", queries[0]);
    assert.equal(a.remove(["p8", "p2600", "nope"]), 2);
    live.delete("p8");
    live.delete("p2600");
    assert.equal(a.size, live.size);
    assert.equal(
      a.search(queries[0], 1)[0].arxivId,
      "p7",
      "the re-embedded paper is found by its new vector",
    );
    assert.equal(a.vectorOf("p8"), null);
    assert.ok(a.cosines(queries[0], ["p7", "p8", "p2601"]).has("p2601"));
    assertAgrees(a, live, queries);
    a.save(dir);
    assert.equal(
      fs.statSync(path.join(dir, "vectors-1.usearch")).mtimeMs,
      graphWritten,
      "the mapped base graph is not written again",
    );
    assert.ok(fs.existsSync(path.join(dir, "vectors-1.delta.usearch")));

    // Restart 2: the same answers from the base, the saved delta and the saved removals.
    const b = loaded(dir);
    assert.equal(b.size, live.size);
    assert.equal(b.watermark, 3001);
    assert.equal(b.vectorOf("p8"), null);
    assert.equal(b.search(queries[0], 1)[0].arxivId, "p7");
    for (const q of queries) assert.deepEqual(b.search(q, 10), a.search(q, 10));
    assertAgrees(b, live, queries);
    // A delta paper replaced and one deleted after restart 2, then saved again.
    b.upsert([{ arxivId: "p2601", vector: queries[1], seq: 3002 }]);
    live.set("p2601", queries[1]);
    b.remove(["p2602"]);
    live.delete("p2602");
    b.save(dir);
    const c = loaded(dir);
    assert.equal(c.size, live.size);
    assert.equal(c.search(queries[1], 1)[0].arxivId, "p2601");
    assertAgrees(c, live, queries);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a truncated, altered or partly replaced copy is refused, before use or by the check after", async () => {
  const vectors = unitVectors(3000, 3);
  const ix = new VectorIndex(1, DIMS, { exactLimit: 100 });
  ix.upsert(rows(vectors));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-vi-"));
  const file = (suffix: string) => path.join(dir, `vectors-1.${suffix}`);
  const flipByte = (f: string, at: number) => {
    const b = fs.readFileSync(f);
    b[at] ^= 0xff;
    fs.writeFileSync(f, b);
  };
  try {
    ix.save(dir);
    const pristine = new Map(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f))]));
    const restore = () => {
      for (const [f, b] of pristine) fs.writeFileSync(path.join(dir, f), b);
    };

    fs.truncateSync(file("usearch"), fs.statSync(file("usearch")).size - 100);
    let r = VectorIndex.open(dir, 1, DIMS);
    assert.ok(!r.ok && /usearch file is \d+ bytes/.test(r.reason), JSON.stringify(r));
    restore();

    flipByte(file("ids"), 3);
    r = VectorIndex.open(dir, 1, DIMS);
    assert.deepEqual(r, { ok: false, reason: "ids checksum mismatch" });
    restore();

    // The graph's and the (large) codes' checksums are read after opening, in the background.
    flipByte(file("usearch"), fs.statSync(file("usearch")).size - 10);
    assert.equal(await loaded(dir).verify(), "graph checksum mismatch");
    restore();

    flipByte(file("codes"), 1000);
    assert.equal(await loaded(dir).verify(), "codes checksum mismatch");
    // Also when an exact scan read every code before the check got to them.
    const scanned = loaded(dir, Number.POSITIVE_INFINITY);
    assert.equal(scanned.search(vectors[0], 5).length, 5);
    assert.equal(await scanned.verify(), "codes checksum mismatch");
    restore();

    fs.rmSync(file("order"));
    r = VectorIndex.open(dir, 1, DIMS);
    assert.deepEqual(r, { ok: false, reason: "order file missing" });
    restore();

    fs.rmSync(file("json"));
    assert.deepEqual(VectorIndex.open(dir, 1, DIMS), { ok: false, reason: "no saved copy" });
    restore();
    assert.equal(await loaded(dir).verify(), null);

    // Another process writes a new copy over this one's before the check: not a damaged copy.
    const opened = loaded(dir);
    const other = new VectorIndex(1, DIMS, { exactLimit: 100 });
    other.upsert(rows(unitVectors(3000, 4)));
    other.save(dir);
    assert.equal(await opened.verify(), null);
    assert.equal(await loaded(dir).verify(), null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a mapped copy with hundreds or thousands of removed papers near the query still answers k live ones", () => {
  const vectors = unitVectors(6000, 23);
  const query = unitVectors(1, 41)[0];
  const first = new VectorIndex(1, DIMS, { exactLimit: 100 });
  first.upsert(rows(vectors));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-vi-"));
  try {
    first.save(dir);
    const exact = new VectorIndex(1, DIMS, { exactLimit: Number.POSITIVE_INFINITY });
    exact.upsert(rows(vectors));
    const nearest = exact.search(query, 6000).map((h) => h.arxivId);
    // 400 removed: more than the extra candidates a first search asks for (256 beyond 64).
    // 5,000 removed: more than any widened graph search allows for, answered by the exact scan.
    for (const removed of [400, 5000]) {
      const ix = loaded(dir);
      assert.equal(ix.mapped, true);
      const gone = nearest.slice(0, removed);
      assert.equal(ix.remove(gone), removed);
      const goneSet = new Set(gone);
      const want = nearest.filter((id) => !goneSet.has(id)).slice(0, 10);
      const got = ix.search(query, 10).map((h) => h.arxivId);
      assert.equal(got.length, 10, `${removed} removed: ${got.length} hits`);
      for (const id of got) assert.ok(!goneSet.has(id), `${id} was removed`);
      const found = got.filter((id) => want.includes(id)).length;
      assert.ok(found >= 9, `${removed} removed: ${found} of the 10 nearest live papers`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
