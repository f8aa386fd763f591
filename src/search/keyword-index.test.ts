import assert from "node:assert/strict";
import { test } from "node:test";
import { type IndexDoc, KeywordIndex } from "./keyword-index.ts";
import { analyze } from "./text.ts";

const doc = (arxivId: string, abstract: string, extra: Partial<IndexDoc> = {}): IndexDoc => ({
  arxivId,
  title: "",
  authors: "",
  abstract,
  categories: [],
  publishedDay: null,
  modifiedMs: 1,
  ...extra,
});

// Float32 accumulation: scores agree with the double-precision formula to about 1e-7.
const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-6, `${a} != ${b}`);

// Fixed parameters, so the expected numbers do not move when the defaults are retuned.
const CLASSIC = {
  k1: 1.2,
  b: { title: 0.75, authors: 0.75, abstract: 0.75 },
  weight: { title: 2, authors: 1.5, abstract: 1 },
};

test("scores are BM25 with idf, saturation and length normalisation, exactly", () => {
  const ix = new KeywordIndex(CLASSIC);
  ix.add(doc("A", "apple banana"));
  ix.add(doc("B", "apple apple apple cherry"));
  ix.add(doc("C", "cherry date"));
  // N = 3, df(apple) = 2: idf = ln(1 + 1.5 / 2.5). Average abstract length 8/3.
  // A: tf 1, norm 0.25 + 0.75 * 2 / (8/3) = 0.8125; B: tf 3, norm 0.25 + 0.75 * 4 / (8/3) = 1.375.
  const r = ix.rank({ terms: analyze("apple"), k: 10 });
  assert.equal(r.total, 2);
  assert.deepEqual(
    r.docs.map((d) => d.arxivId),
    ["B", "A"],
  );
  near(r.docs[0].score, 0.6671019253810442);
  near(r.docs[1].score, 0.5235483465015789);
});

test("a rarer term weighs more, and a title match more than an abstract match", () => {
  const ix = new KeywordIndex();
  ix.add(doc("title", "a study of things", { title: "Transformers" }));
  ix.add(doc("abstract", "we study transformers", { title: "Attention" }));
  ix.add(doc("other", "we study graphs", { title: "Graphs" }));
  const r = ix.rank({ terms: analyze("transformers study"), k: 10 });
  assert.deepEqual(
    r.docs.map((d) => d.arxivId),
    ["title", "abstract", "other"],
  );
  assert.equal(ix.docFreq("studi"), 3);
});

test("filters, required and excluded terms, and top-k with the full count", () => {
  const ix = new KeywordIndex();
  ix.add(
    doc("1", "graph neural network", {
      categories: ["cs.LG"],
      publishedDay: "2024-07-31",
      authors: "Ada Lovelace",
    }),
  );
  ix.add(
    doc("2", "graph network", { categories: ["cs.CV"], publishedDay: "2024-08-01", authors: "Alan Turing" }),
  );
  ix.add(doc("3", "neural graph", { categories: ["math.AG"], publishedDay: null, authors: "Ada Turing" }));
  const ids = (o: Parameters<KeywordIndex["rank"]>[0]) =>
    ix
      .rank(o)
      .docs.map((d) => d.arxivId)
      .sort();
  const terms = analyze("graph");
  assert.deepEqual(ids({ terms, k: 10, categories: ["cs"] }), ["1", "2"]);
  assert.deepEqual(ids({ terms, k: 10, categories: ["cs.cv"] }), ["2"]);
  assert.deepEqual(ids({ terms, k: 10, after: "2024-08-01" }), ["2"]);
  assert.deepEqual(ids({ terms, k: 10, before: "2024-08-01" }), ["1"]);
  // Whole years of a window come from kept bitmaps, its edges from the papers' days.
  assert.deepEqual(ids({ terms, k: 10, after: "2024-01-01" }), ["1", "2"]);
  assert.deepEqual(ids({ terms, k: 10, after: "2023-06-01", before: "2025-01-01" }), ["1", "2"]);
  assert.deepEqual(ids({ terms, k: 10, after: "2025-01-01" }), []);
  ix.add(doc("4", "graph", { categories: ["cs.CV"], publishedDay: "2024-03-01" }));
  assert.deepEqual(ids({ terms, k: 10, after: "2024-01-01", categories: ["cs.cv"] }), ["2", "4"]);
  ix.remove("4");
  assert.deepEqual(ids({ terms, k: 10, after: "2024-01-01", categories: ["cs.cv"] }), ["2"]);
  assert.deepEqual(ids({ terms, k: 10, authorTerms: [analyze("turing")] }), ["2", "3"]);
  assert.deepEqual(ids({ terms, k: 10, authorTerms: [analyze("ada turing")] }), ["3"]);
  assert.deepEqual(ids({ terms, k: 10, excluded: analyze("neural") }), ["2"]);
  assert.deepEqual(ids({ terms: analyze("graph neural"), required: analyze("neural"), k: 10 }), ["1", "3"]);
  const top1 = ix.rank({ terms, k: 1 });
  assert.equal(top1.total, 3);
  assert.equal(top1.docs.length, 1);
  // Filters only: newest first, undated last.
  assert.deepEqual(
    ix.rank({ terms: [], categories: ["cs", "math"], k: 10 }).docs.map((d) => d.arxivId),
    ["2", "1", "3"],
  );
});

test("a paper with an empty abstract or title is found by its other fields", () => {
  // Both fields have b = 1, where an empty field's length norm is 0.
  const ix = new KeywordIndex();
  ix.add(doc("no-abstract", "", { title: "Protein folding" }));
  ix.add(doc("no-title", "protein structure"));
  ix.add(doc("both", "protein", { title: "Protein" }));
  const r = ix.rank({ terms: analyze("protein"), k: 10 });
  assert.equal(r.total, 3);
  assert.ok(r.docs.every((d) => Number.isFinite(d.score) && d.score > 0));
});

test("an updated paper replaces its old version; an unchanged one is skipped", () => {
  const ix = new KeywordIndex();
  ix.add(doc("1", "old words"));
  assert.equal(ix.add(doc("1", "old words")), false);
  assert.equal(ix.add(doc("1", "new words", { modifiedMs: 2 })), true);
  assert.equal(ix.size, 1);
  assert.equal(ix.rank({ terms: analyze("old"), k: 5 }).total, 0);
  assert.deepEqual(
    ix.rank({ terms: analyze("new"), k: 5 }).docs.map((d) => d.arxivId),
    ["1"],
  );
});

test("MaxScore pruning returns the same top k, scores and count as scoring every posting", () => {
  // A Zipf-like vocabulary, so queries mix words in most papers with rare ones: the case where
  // pruning skips most postings, and where a wrong bound would drop a paper from the top k.
  // Common words have thousands of postings, so dozens of blocks each.
  let seed = 1;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const word = () => `w${Math.floor(400 * random() ** 3)}`;
  const words = (n: number) => Array.from({ length: n }, word).join(" ");
  const ix = new KeywordIndex();
  for (let i = 0; i < 3000; i++)
    ix.add(
      doc(`p${i}`, words(5 + Math.floor(random() * 60)), {
        title: words(1 + Math.floor(random() * 6)),
        authors: i % 7 === 0 ? "w1 w2" : "",
        categories: [i % 3 === 0 ? "cs.LG" : "math.AG"],
        publishedDay: `20${10 + (i % 14)}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`,
      }),
    );
  // Superseded and deleted papers must be skipped by both.
  for (let i = 0; i < 3000; i += 11) ix.add(doc(`p${i}`, words(20), { modifiedMs: 2 }));
  for (let i = 5; i < 3000; i += 13) ix.remove(`p${i}`);
  let pruned = 0;
  for (let q = 0; q < 200; q++) {
    // Halfway, papers change under the counting bitmaps kept from earlier queries (few enough
    // that the bitmaps keep their length: 3,273 paper numbers so far, room for 3,296).
    if (q === 100) for (let i = 1; i < 3000; i += 150) ix.add(doc(`p${i}`, words(30), { modifiedMs: 3 }));
    if (q === 150) for (let i = 2; i < 3000; i += 19) ix.remove(`p${i}`);
    // Long papers of words no query has raise the average abstract length, which raises every
    // other paper's scores: a little at a time (block maxima kept and scaled up), then by more
    // than they may be scaled for (recomputed); short ones lower it.
    if (q >= 160 && q < 190 && q % 2 === 0)
      for (let i = 0; i < 30; i++)
        ix.add(doc(`long${q}-${i}`, Array.from({ length: 60 }, (_, j) => `filler${j}`).join(" ")));
    if (q === 190) for (let i = 0; i < 300; i++) ix.add(doc(`long${i}`, words(300), { title: words(3) }));
    if (q === 195) for (let i = 0; i < 300; i++) ix.add(doc(`short${i}`, words(3), { title: words(1) }));
    const terms = analyze(words(2 + (q % 5)));
    const opts = {
      terms,
      k: [1, 5, 20, 100, 200][q % 5],
      categories: q % 6 === 0 ? ["cs"] : undefined,
      after: q % 8 === 0 ? "2016-01-01" : q % 8 === 4 ? "2015-07-15" : null,
      before: q % 9 === 0 ? "2020-01-01" : null,
      authorTerms: q % 10 === 3 ? [analyze("w2")] : undefined,
      weights: q % 7 === 0 ? new Map([[terms[0], 0.2]]) : undefined,
    };
    const fast = ix.rank(opts);
    const full = ix.rank({ ...opts, exhaustive: true });
    assert.equal(fast.total, full.total, `count for ${terms.join(" ")}`);
    assert.deepEqual(fast.docs, full.docs, `top ${opts.k} for ${terms.join(" ")}`);
    if (new Set(terms).size > 1) pruned++;
  }
  assert.ok(pruned > 150);
});
