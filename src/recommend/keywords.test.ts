import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_KEYWORD_OPTIONS, type KeywordOptions, keywordVectors, TITLE_PREFIX } from "./keywords.ts";

// A small corpus: "estimation" said three times in the first paper, "review" once.
const docs = [
  { title: "Cost estimation", abstract: "estimation estimation review" },
  { title: "A review", abstract: "review of testing" },
  { title: "Testing", abstract: "unit testing tools" },
  { title: "Tools", abstract: "tools for estimation" },
];

function weightOf(opts: KeywordOptions, term: string): number {
  const { space, vectors } = keywordVectors(docs, opts);
  const id = space.terms.get(term) as number;
  const v = vectors[0];
  const k = Array.from(v.idx).indexOf(id);
  return k < 0 ? 0 : v.val[k];
}

test("saturated term frequency gives a repeated word less than sublinear tf does", () => {
  const ratio = (opts: KeywordOptions) => weightOf(opts, "estimat") / weightOf(opts, "review");
  const sublinear = ratio({ ...DEFAULT_KEYWORD_OPTIONS, tf: "sublinear" });
  const bm25 = ratio({ ...DEFAULT_KEYWORD_OPTIONS, tf: "bm25" });
  const binary = ratio({ ...DEFAULT_KEYWORD_OPTIONS, tf: "binary" });
  assert.ok(bm25 < sublinear, `${bm25} < ${sublinear}`);
  assert.ok(binary < bm25, `${binary} < ${bm25}`);
  assert.equal(DEFAULT_KEYWORD_OPTIONS.tf, "bm25");
});

test("title terms are features of their own only when asked for, kept when two papers share one", () => {
  const titled = [...docs, { title: "Review of tools", abstract: "tools" }];
  const plain = keywordVectors(titled).space;
  assert.ok(![...plain.terms.keys()].some((t) => t.startsWith(TITLE_PREFIX)));
  const space = keywordVectors(titled, { ...DEFAULT_KEYWORD_OPTIONS, titleWeight: 1 }).space;
  assert.ok(space.terms.has(`${TITLE_PREFIX}review`));
  assert.ok(!space.terms.has(`${TITLE_PREFIX}cost`));
  assert.ok(![...space.common].some((t) => t.startsWith(TITLE_PREFIX)));
});
