import assert from "node:assert/strict";
import { test } from "node:test";
import { diversify } from "./diversify.ts";
import type { ScoredPaper } from "./rank-pool.ts";

// Interest 0 (five saves) has the 30 best papers; interest 1 (one save) has 30 below them.
const papers: ScoredPaper[] = [
  ...Array.from({ length: 30 }, (_, i) => ({ index: i, score: 2 - i / 100, interest: 0 })),
  ...Array.from({ length: 30 }, (_, i) => ({ index: 30 + i, score: 1 - i / 100, interest: 1 })),
];
const placesOf = (top: ScoredPaper[], interest: number) => top.filter((s) => s.interest === interest).length;

test("equal turns give each interest half of the top places, whatever its size", () => {
  const top = diversify(papers, 20, 20);
  assert.equal(placesOf(top, 0), 10);
  assert.equal(placesOf(top, 1), 10);
  assert.deepEqual(
    top.slice(0, 4).map((s) => s.index),
    [0, 30, 1, 31],
  );
});

test("turns weighted by share give an interest of five saves five places for every one of a single save", () => {
  const top = diversify(papers, 20, 20, { turns: "share", interestWeights: [5, 1] });
  // One place each first, then by weight / (places + 1): 17 and 3 of the 20 (5:1 would be 16.7 and 3.3).
  assert.equal(placesOf(top, 0), 17);
  assert.equal(placesOf(top, 1), 3);
  // Within an interest, papers keep their score order; below the top, plain score order.
  assert.deepEqual(
    top.filter((s) => s.interest === 0).map((s) => s.index),
    Array.from({ length: 17 }, (_, i) => i),
  );
  const all = diversify(papers, 40, 20, { turns: "share", interestWeights: [5, 1] });
  assert.deepEqual(
    all.slice(20).map((s) => s.index),
    [17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 33, 34, 35, 36, 37, 38, 39],
  );
});

test("weighted turns still give a tiny interest a place at the top", () => {
  const top = diversify(papers, 20, 20, { turns: "share", interestWeights: [1000, 1] });
  assert.equal(placesOf(top, 1), 1);
  assert.equal(top[0].index, 0);
});

test("turns by the square root of the weight sit between equal and shared turns", () => {
  const top = diversify(papers, 20, 20, { turns: "sqrt", interestWeights: [9, 1] });
  // Weights 3 : 1 → 15 and 5.
  assert.equal(placesOf(top, 0), 15);
  assert.equal(placesOf(top, 1), 5);
});

test("weighted turns without the interests' weights are refused", () => {
  assert.throws(() => diversify(papers, 20, 20, { turns: "share" }), /need the interests' weights/);
});

test("an interest whose best paper scores far below the others' waits for their papers to fall to it", () => {
  // Interest 1's papers score 0.05 and less, a twentieth of interest 0's best (1.0, falling by 0.05).
  const mixed: ScoredPaper[] = [
    ...Array.from({ length: 20 }, (_, i) => ({ index: i, score: 1 - i * 0.05, interest: 0 })),
    ...Array.from({ length: 3 }, (_, i) => ({ index: 20 + i, score: 0.05 - i * 0.01, interest: 1 })),
  ];
  const anyScore = diversify(mixed, 10, 20);
  assert.equal(anyScore[1].index, 20, "without a floor, its best paper takes the second place");
  const top = diversify(mixed, 10, 20, { turnScoreShare: 0.25 });
  // Its first paper (0.05) is placed once the best left is 0.2 or less (index 16, 0.2), not before.
  assert.deepEqual(
    top.map((s) => s.index),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  const all = diversify(mixed, 23, 20, { turnScoreShare: 0.25 });
  assert.ok(all.indexOf(all.find((s) => s.index === 20) as ScoredPaper) > 15);
  assert.equal(new Set(all.slice(0, 20).map((s) => s.interest)).size, 2, "it is still in the top 20");
  // Scores at or below 0 (the weaker matches, taking turns of their own) have no floor.
  const below = mixed.map((s) => ({ ...s, score: s.score - 2 }));
  assert.equal(diversify(below, 10, 20, { turnScoreShare: 0.25 })[1].index, 20);
});

test("a followed author's bonus neither raises the floor for the rest nor keeps its own papers out", () => {
  // Interest 0: 25 papers of a followed topic, their scores 0.02 to 0.07 plus the bonus of 0.5;
  // interest 1 (five times the weight): 10 papers the saves found, 0.10 down to 0.055.
  const boosted = new Set(Array.from({ length: 25 }, (_, i) => i));
  const mixed: ScoredPaper[] = [
    ...Array.from({ length: 25 }, (_, i) => ({ index: i, score: 0.57 - i * 0.002, interest: 0 })),
    ...Array.from({ length: 10 }, (_, i) => ({ index: 25 + i, score: 0.1 - i * 0.005, interest: 1 })),
  ];
  const options = { turns: "share" as const, interestWeights: [1, 5], turnScoreShare: 0.25 };
  const blind = diversify(mixed, 20, 20, options);
  assert.equal(placesOf(blind, 1), 0, "counting the bonus, the saves' papers never reach the floor");
  const top = diversify(mixed, 20, 20, { ...options, isBoosted: (s) => boosted.has(s.index) });
  assert.equal(placesOf(top, 1), 10);
  assert.ok(placesOf(top, 0) >= 1, "the followed topic keeps its place");
});
