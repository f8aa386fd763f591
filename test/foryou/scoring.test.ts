import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  COLD_MODEL,
  decodeModel,
  encodeModel,
  modelOnPool,
  type PersonModel,
} from "../../src/recommend/model.ts";
import { CandidatePool, type PoolWeights, termKey } from "../../src/recommend/pool.ts";
import { PostingsKernel, SimdMatrix } from "../../src/recommend/simd.ts";
import { sparseFrom } from "../../src/recommend/sparse.ts";
import { mulberry32 } from "../../src/search/embed/random.ts";

const WORDS = [
  "graph",
  "neural",
  "protein",
  "fold",
  "speech",
  "robot",
  "grasp",
  "vision",
  "reward",
  "policy",
];

function randomPool(rows: number, dims: number, seed: number) {
  const rand = mulberry32(seed);
  const papers = Array.from({ length: rows }, (_, i) => {
    const words = Array.from({ length: 6 }, () => WORDS[Math.floor(rand() * WORDS.length)]);
    const vector = Float32Array.from({ length: dims }, () => rand() - 0.5);
    return { arxivId: `2601.${10000 + i}`, title: words.join(" "), abstract: "", authorNames: [], vector };
  });
  const weights: PoolWeights = {
    bias: 0.25,
    dense: Float32Array.from({ length: dims }, () => rand() - 0.5),
    termIds: Uint32Array.of(0, 2, 3),
    termWeights: Float32Array.of(0.5, -0.75, 1.5),
  };
  return { pool: new CandidatePool(dims, papers), weights };
}

describe("scoring a pool in one pass", () => {
  test("the SIMD kernel dots every row with each query, as a scalar loop does", (t) => {
    const simd = SimdMatrix.create(37, 24);
    if (!simd) return t.skip("no WebAssembly SIMD in this runtime");
    const rand = mulberry32(3);
    for (let i = 0; i < simd.matrix.length; i++) simd.matrix[i] = rand() - 0.5;
    for (const nq of [1, 3, SimdMatrix.MAX_QUERIES]) {
      const qs = Array.from({ length: nq }, () => Float32Array.from({ length: 24 }, () => rand() - 0.5));
      const dots = simd.dotsWith(qs);
      assert.equal(dots.length, 37 * nq);
      for (let r = 0; r < 37; r++)
        for (let k = 0; k < nq; k++) {
          let s = 0;
          for (let j = 0; j < 24; j++) s += simd.matrix[r * 24 + j] * qs[k][j];
          assert.ok(
            Math.abs(dots[r * nq + k] - s) < 1e-5,
            `row ${r}, query ${k}: ${dots[r * nq + k]} against ${s}`,
          );
        }
    }
    assert.throws(() =>
      simd.dotsWith(Array.from({ length: SimdMatrix.MAX_QUERIES + 1 }, () => new Float32Array(24))),
    );
  });

  test("the int8 kernel's products stay within the bound it gives, and the top is exact", (t) => {
    const dims = 48;
    const simd = SimdMatrix.create(500, dims);
    if (!simd) return t.skip("no WebAssembly SIMD in this runtime");
    const rand = mulberry32(5);
    for (let i = 0; i < simd.matrix.length; i++) simd.matrix[i] = rand() - 0.5;
    simd.matrix.fill(0, 7 * dims, 8 * dims); // a paper without a vector
    simd.quantize();
    const qs = [4, 0.01, 1].map((size) => Float32Array.from({ length: dims }, () => size * (rand() - 0.5)));
    assert.ok(simd.approximate(qs));
    for (let k = 0; k < qs.length; k++) {
      for (let r = 0; r < 500; r++) {
        let s = 0;
        for (let j = 0; j < dims; j++) s += simd.matrix[r * dims + j] * qs[k][j];
        const { dot, bound } = simd.approximation(k, r);
        assert.ok(Math.abs(dot - s) <= bound, `query ${k}, row ${r}: ${dot} against ${s} ± ${bound}`);
      }
      assert.equal(simd.approximation(k, 7).dot, 0);
    }
    assert.throws(() => simd.approximation(3, 0));
    // Near-ties: many papers close to one direction, some skipped, some boosted.
    const papers = Array.from({ length: 2000 }, (_, i) => ({
      arxivId: `2601.${10000 + i}`,
      title: WORDS[i % WORDS.length],
      abstract: "",
      authorNames: [],
      vector: Float32Array.from({ length: dims }, (_, j) => (j === 0 ? 1 : 0) + 0.01 * (rand() - 0.5)),
    }));
    const pool = new CandidatePool(dims, papers);
    const weights: PoolWeights = {
      bias: 0,
      dense: Float32Array.from({ length: dims }, (_, j) => (j === 0 ? 2 : rand() - 0.5)),
      termIds: Uint32Array.of(0, 1),
      termWeights: Float32Array.of(0.01, -0.02),
    };
    const extra = new Map([
      [5, 0.5],
      [1999, 0.001],
    ]);
    const skip = (i: number) => i % 7 === 3;
    const all = pool.scoreAll(weights);
    for (const [i, b] of extra) all[i] += b;
    const expected = Array.from(all.keys())
      .filter((i) => !skip(i))
      .sort((a, b) => all[b] - all[a] || a - b)
      .slice(0, 60);
    const top = pool.topScored(weights, 60, extra, skip);
    assert.deepEqual(
      top.map((s) => s.index),
      expected,
    );
    for (const s of top) assert.ok(Math.abs(s.score - all[s.index]) < 1e-4);
  });

  test("the int8 kernel's products are the plain integer loop's, for 1 to 9 queries a pass", (t) => {
    for (const dims of [16, 48]) {
      const rows = 61;
      const simd = SimdMatrix.create(rows, dims);
      if (!simd) return t.skip("no WebAssembly SIMD in this runtime");
      const rand = mulberry32(dims);
      for (let i = 0; i < simd.matrix.length; i++) simd.matrix[i] = rand() - 0.5;
      simd.quantize();
      // The quantisation as the kernel's doc gives it, then the products in a plain loop.
      const top = Math.min(32767, Math.floor(2 ** 31 / (127 * dims)) - 1);
      const rowScale = Array.from({ length: rows }, (_, r) => {
        let max = 0;
        for (let j = 0; j < dims; j++) max = Math.max(max, Math.abs(simd.matrix[r * dims + j]));
        return max / 127;
      });
      for (const nq of [1, 2, 3, 4, 5, 8, SimdMatrix.MAX_QUERIES]) {
        const qs = Array.from({ length: nq }, () => Float32Array.from({ length: dims }, () => rand() - 0.5));
        assert.ok(simd.approximate(qs));
        qs.forEach((q, k) => {
          const step = Math.max(...q.map(Math.abs)) / top;
          for (let r = 0; r < rows; r++) {
            const scale = rowScale[r];
            let s = 0;
            for (let j = 0; j < dims; j++)
              s += Math.round(simd.matrix[r * dims + j] / scale) * Math.round(q[j] / step);
            const product = Math.fround(s * Math.fround(scale) * step);
            assert.equal(simd.approximation(k, r).dot, product, `${nq}: ${k}, ${r}`);
          }
        });
      }
    }
  });

  test("the int8 pass's candidates for a top k are the two-pass loop's: floor, then upper bounds", (t) => {
    const dims = 32;
    const rows = 3000;
    const simd = SimdMatrix.create(rows, dims);
    if (!simd) return t.skip("no WebAssembly SIMD in this runtime");
    const rand = mulberry32(17);
    // Near-ties: rows close to one direction.
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < dims; j++) simd.matrix[r * dims + j] = (j === 0 ? 1 : 0) + 0.02 * (rand() - 0.5);
    simd.quantize();
    const qs = [0, 1].map(() => Float32Array.from({ length: dims }, (_, j) => (j === 0 ? 1 : rand() - 0.5)));
    const base = Float32Array.from({ length: rows }, () => 0.01 * rand());
    const skip = (r: number) => r % 11 === 4;
    assert.ok(simd.approximate(qs));
    for (const [k, keep, b, sk] of [
      [0, 50, null, undefined],
      [1, 50, base, skip],
      [1, 1, base, undefined],
      [0, 4000, null, undefined],
      [1, 0, null, undefined],
    ] as const) {
      // The loop it replaces: every row's lower bound, the keep-th best of them, then the rows
      // whose upper bound reaches it.
      const lower = new Float32Array(rows);
      const bounds = new Float32Array(rows);
      for (let r = 0; r < rows; r++) {
        const { dot, bound } = simd.approximation(k, r);
        bounds[r] = bound;
        lower[r] = (b ? b[r] : 0) + dot - bound;
      }
      const order = Array.from(lower.keys())
        .filter((r) => !sk?.(r))
        .sort((x, y) => lower[y] - lower[x] || x - y);
      const floor = order.length < keep || keep === 0 ? Number.NEGATIVE_INFINITY : lower[order[keep - 1]];
      const expected =
        keep === 0 ? [] : order.filter((r) => !(lower[r] + 2 * bounds[r] < floor)).sort((x, y) => x - y);
      const got = simd.candidates(k, keep, b, rows, sk);
      assert.deepEqual(Array.from(got ?? []), expected, `query ${k}, keep ${keep}`);
      if (expected.length > 1) assert.equal(simd.candidates(k, keep, b, expected.length - 1, sk), null);
    }
  });

  test("the postings kernel adds a term's postings into the scores with the same bits as JavaScript", (t) => {
    const rows = 300;
    const entries = 5000;
    const kernel = PostingsKernel.create(rows, entries);
    if (!kernel) return t.skip("no WebAssembly in this runtime");
    const rand = mulberry32(9);
    for (let k = 0; k < entries; k++) {
      kernel.doc[k] = Math.floor(rand() * rows);
      kernel.val[k] = rand() * 0.3;
    }
    const expected = new Float32Array(rows).fill(0.1);
    kernel.scores.fill(0.1);
    // Terms of one posting, of none, and long ones; weights of every sign and size.
    const cuts = [0, 1, 1, 40, 2000, 2001, 4600, entries];
    for (let c = 0; c + 1 < cuts.length; c++) {
      const w = Math.fround((rand() - 0.5) * 10 ** Math.floor(rand() * 4 - 2));
      for (let k = cuts[c]; k < cuts[c + 1]; k++) expected[kernel.doc[k]] += w * kernel.val[k];
      kernel.addTerm(cuts[c], cuts[c + 1], w);
    }
    assert.deepEqual(Array.from(kernel.scores), Array.from(expected));
  });

  test("scoreSome's scores are those of the loop over a Map of the weights, bit for bit", () => {
    const { pool, weights } = randomPool(300, 16, 4);
    // A term given twice keeps its last weight.
    const w = {
      ...weights,
      termIds: Uint32Array.of(0, 2, 3, 2),
      termWeights: Float32Array.of(0.5, -0.75, 1.5, 0.3),
    };
    const all = Array.from({ length: pool.size }, (_, i) => i);
    const at = new Map<number, number>();
    w.termIds.forEach((id, k) => {
      at.set(id, w.termWeights[k]);
    });
    const dense = w.dense as Float32Array;
    // denseDot's four sums.
    const denseOf = (i: number) => {
      const v = pool.features(i).dense as Float32Array;
      const s4 = [0, 0, 0, 0];
      for (let j = 0; j < 16; j++) s4[j % 4] += v[j] * dense[j];
      return s4[0] + s4[1] + s4[2] + s4[3];
    };
    const expected = all.map((i) => {
      let s = w.bias + denseOf(i);
      const kw = pool.keywords(i);
      for (let k = 0; k < kw.idx.length; k++) s += (at.get(kw.idx[k]) ?? 0) * kw.val[k];
      return s;
    });
    assert.deepEqual(pool.scoreSome(w, all), expected);
    // Nothing is left behind for the next model.
    const none = { ...w, termIds: new Uint32Array(0), termWeights: new Float32Array(0) };
    assert.deepEqual(pool.scoreSome(none, [5]), [w.bias + denseOf(5)]);
  });

  test("a term key finds the term's keyword id in any pool, and no other term's", () => {
    const a = randomPool(200, 16, 1).pool;
    const b = new CandidatePool(0, [
      { arxivId: "2601.1", title: "protein fold graph", abstract: "", authorNames: [], vector: null },
      { arxivId: "2601.2", title: "graph neural speech", abstract: "", authorNames: [], vector: null },
    ]);
    for (const pool of [a, b])
      pool.vocab.forEach((term, id) => {
        assert.equal(pool.termIdOfKey(termKey(term)), id, term);
        assert.equal(pool.termKeyOf(id), termKey(term));
      });
    assert.equal(b.termIdOfKey(termKey("robot")), -1);
    const keys = new Set(a.vocab.map(termKey));
    assert.equal(keys.size, a.vocab.length);
    assert.notEqual(termKey("ab"), termKey("ba"));
  });

  test("rows that are not a multiple of 8 floats, or none, stay an ordinary array", () => {
    assert.equal(SimdMatrix.create(10, 12), null);
    assert.equal(SimdMatrix.create(0, 16), null);
    assert.equal(SimdMatrix.create(10, 0), null);
  });

  for (const dims of [16, 12]) {
    test(`every paper's score is the one scored alone (${dims} dimensions)`, () => {
      const { pool, weights } = randomPool(300, dims, dims);
      const all = pool.scoreAll(weights);
      const one = pool.scoreSome(
        weights,
        Array.from({ length: pool.size }, (_, i) => i),
      );
      for (let i = 0; i < pool.size; i++) assert.ok(Math.abs(all[i] - one[i]) < 1e-4, `paper ${i}`);
      const top = pool.topScored(weights, 5).map((s) => s.index);
      const sorted = one
        .map((s, i) => ({ s, i }))
        .sort((a, b) => b.s - a.s || a.i - b.i)
        .slice(0, 5)
        .map((x) => x.i);
      assert.deepEqual(top, sorted);
      // The nearest papers to a query vector are those with the largest inner product.
      const q = pool.features(7).dense as Float32Array;
      const byDot = Array.from({ length: pool.size }, (_, i) => i)
        .map((i) => {
          const v = pool.features(i).dense as Float32Array;
          let s = 0;
          for (let j = 0; j < dims; j++) s += v[j] * q[j];
          return { i, s };
        })
        .sort((a, b) => b.s - a.s || a.i - b.i)
        .slice(0, 4)
        .map((x) => x.i);
      assert.deepEqual([...pool.nearest([q, q], 4)].sort(), byDot.sort());
    });
  }
});

describe("a stored model's bytes", () => {
  test("give back the same model, arrays, nulls and texts included", () => {
    const model: PersonModel = {
      cold: false,
      embeddingModelId: 4,
      bias: -0.5,
      dense: Float32Array.of(0.1, -0.2, 0.3),
      terms: Float64Array.from(["graph", "graph neural", 'é \\ "q"'], termKey),
      weights: Float32Array.of(1, -2, 3),
      interests: [
        {
          label: "Graphs “quoted”",
          kind: "papers",
          size: 2,
          dense: null,
          terms: Float64Array.of(termKey("graph")),
          weights: Float32Array.of(0.5),
          members: [
            {
              id: "2601.00001",
              title: "On graphs",
              kind: "saved",
              weight: 1,
              dense: Int8Array.of(-128, 0, 127),
              terms: new Float64Array(0),
              weights: new Float32Array(0),
            },
            {
              id: "2601.00002",
              title: "On more graphs",
              kind: "upvoted",
              weight: 0.5,
              dense: null,
              terms: Float64Array.of(termKey("neural")),
              weights: Float32Array.of(0.25),
            },
          ],
        },
      ],
      authors: [{ key: "ada lovelace", name: "Ada Lovelace" }],
      topics: [{ id: 1, slug: "graphs", name: "Graphs", query: "graph", mode: "keyword" }],
    };
    assert.deepEqual(decodeModel(encodeModel(model)), model);
    assert.deepEqual(decodeModel(encodeModel(COLD_MODEL)), COLD_MODEL);
  });

  test("read from an unaligned buffer, as a database driver may hand it over", () => {
    const bytes = encodeModel({ ...COLD_MODEL, cold: false, dense: Float32Array.of(1, 2) });
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    assert.deepEqual(decodeModel(shifted.subarray(1))?.dense, Float32Array.of(1, 2));
  });
});

describe("a stored model applied to a pool", () => {
  test("keeps the weights of the terms the pool has, in stored order, and the interests' unit keyword vectors", () => {
    const { pool } = randomPool(30, 0, 5);
    const id = (term: string) => pool.termIdOfKey(termKey(term));
    // "graph" is stored twice (two terms of the training pool with one key): first place, last weight.
    const terms = Float64Array.from(["speech", "not in this pool", "graph", "robot", "graph"], termKey);
    const weights = Float32Array.of(0.5, 9, -0.25, 0, 0.75);
    const model: PersonModel = {
      ...COLD_MODEL,
      cold: false,
      terms,
      weights,
      interests: [
        {
          label: "Speech",
          kind: "papers",
          size: 1,
          dense: null,
          terms,
          weights,
          members: [
            {
              id: "2601.00001",
              title: "On speech",
              kind: "saved",
              weight: 1,
              dense: null,
              terms: Float64Array.of(termKey("vision"), termKey("speech")),
              weights: Float32Array.of(0.3, 0.4),
            },
          ],
        },
      ],
    };
    for (const t of ["speech", "graph", "robot", "vision"]) assert.ok(id(t) >= 0, `${t} is in the pool`);
    const applied = modelOnPool(model, pool, null);
    assert.deepEqual([...applied.weights.termIds], [id("speech"), id("graph"), id("robot")]);
    assert.deepEqual([...applied.weights.termWeights], [0.5, 0.75, 0]);
    const [interest] = applied.interests;
    const asMap = new Map([
      [id("speech"), 0.5],
      [id("graph"), 0.75],
      [id("robot"), 0],
    ]);
    assert.deepEqual(interest.keywords, sparseFrom(asMap));
    assert.equal(interest.members.length, 1);
    assert.deepEqual(
      interest.members[0].features.keywords,
      sparseFrom(
        new Map([
          [id("vision"), 0.30000001192092896],
          [id("speech"), 0.4000000059604645],
        ]),
      ),
    );
  });
});
