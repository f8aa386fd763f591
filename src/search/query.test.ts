import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_QUERY_CHARS, parseQuery } from "./query.ts";

test("words are normalised, stemmed and stop words dropped", () => {
  const q = parseQuery("The Medical Benchmarks of GMAI");
  assert.deepEqual(q.terms, ["medical", "benchmark", "gmai"]);
  assert.equal(q.text, "The Medical Benchmarks of GMAI");
  assert.deepEqual(q.errors, []);
});

test("phrases, exclusions and every filter", () => {
  const q = parseQuery(
    '"state-of-the-art" vision author:"Yann LeCun" category:cs.CV after:2024 before:2024-08-09 -GAN',
  );
  assert.deepEqual(q.phrases, [{ text: "state-of-the-art", tokens: ["state", "of", "the", "art"] }]);
  assert.deepEqual(q.terms, ["state", "art", "stateoftheart", "vision"]);
  assert.deepEqual(q.excluded, ["gan"]);
  assert.deepEqual(q.filters, {
    authors: ["Yann LeCun"],
    categories: ["cs.cv"],
    after: "2024-01-01",
    before: "2024-08-09",
  });
  assert.equal(q.text, "state-of-the-art vision");
  assert.deepEqual(q.errors, []);
});

test("filters alone are a valid query; cat: is category:", () => {
  const q = parseQuery("cat:hep-th author:witten");
  assert.deepEqual(q.terms, []);
  assert.deepEqual(q.filters.categories, ["hep-th"]);
  assert.deepEqual(q.filters.authors, ["witten"]);
  assert.deepEqual(q.errors, []);
});

test("an arXiv id or URL as the whole query names the paper", () => {
  assert.equal(parseQuery("2408.03361").arxivId, "2408.03361");
  assert.equal(parseQuery(" arXiv:2408.03361v2 ").arxivId, "2408.03361");
  assert.equal(parseQuery("https://arxiv.org/abs/2408.03361v1").arxivId, "2408.03361");
  assert.equal(parseQuery("https://huggingface.co/papers/2408.03361").arxivId, "2408.03361");
  assert.equal(parseQuery("hep-th/9901001").arxivId, "hep-th/9901001");
  assert.equal(parseQuery("2408.03361 benchmark").arxivId, null);
});

test("TeX, accents and hyphenation normalise the same on both sides", () => {
  assert.deepEqual(parseQuery("$\\pi$-Net").terms, ["pi", "net", "pinet"]);
  assert.deepEqual(parseQuery("\\emph{Über} Schrödinger").terms, ["uber", "schrodinger"]);
  assert.deepEqual(parseQuery("pre-training").terms, ["pre", "train", "pretrain"]);
  assert.deepEqual(parseQuery("pretraining").terms, ["pretrain"]);
});

test("empty, operator-only and stop-word-only queries get one clear error", () => {
  assert.match(parseQuery("").errors[0], /^Type something to search for/);
  assert.match(parseQuery("   ").errors[0], /^Type something to search for/);
  assert.deepEqual(parseQuery('AND OR -"" author:').errors, [
    "author: needs a value, for example author:lecun.",
  ]);
  assert.match(parseQuery('AND OR NOT "" - ||').errors[0], /only operators or very common words/);
  assert.match(parseQuery("the of and").errors[0], /only operators or very common words/);
  assert.match(parseQuery("-gan").errors[0], /besides the excluded ones/);
});

test("bad filter values are named", () => {
  assert.deepEqual(parseQuery("after:2024-13").errors, [
    'after: "2024-13" is not a date; use YYYY, YYYY-MM or YYYY-MM-DD.',
  ]);
  assert.deepEqual(parseQuery("before:2024-02-30 x").errors, [
    'before: "2024-02-30" is not a date; use YYYY, YYYY-MM or YYYY-MM-DD.',
  ]);
  assert.deepEqual(parseQuery("category:<script>").errors, [
    'category: "<script>" is not an arXiv category such as cs.CV or hep-th.',
  ]);
});

test("a 10,000-character query is cut with a notice, not refused", () => {
  const long = "benchmark ".repeat(1000);
  assert.equal(long.length, 10_000);
  const q = parseQuery(long);
  assert.equal(q.raw.length, MAX_QUERY_CHARS);
  assert.deepEqual(q.terms, ["benchmark"]);
  assert.deepEqual(q.notices, [`Your query was cut to its first ${MAX_QUERY_CHARS} characters.`]);
  const distinct = Array.from({ length: 200 }, (_, i) => `w${i}`).join(" ");
  const many = parseQuery(distinct);
  assert.equal(many.terms.length, 64);
  assert.deepEqual(many.notices, ["Only the first 64 distinct words were used."]);
});
