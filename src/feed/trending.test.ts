import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { rankTrending, trendingScore } from "./trending.ts";

const NOW = new Date("2024-08-12T12:00:00Z");
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

describe("trending score: upvotes / (age in hours + 2)^1.5", () => {
  test("exact values", () => {
    assert.equal(trendingScore(8, 2), 1); // 8 / 4^1.5 = 8 / 8
    assert.equal(trendingScore(27, 7), 1); // 27 / 9^1.5
    assert.equal(trendingScore(100, 98), 0.1); // 100 / 100^1.5
    assert.equal(trendingScore(0, 5), 0);
    assert.equal(trendingScore(10, 0), 10 / 2 ** 1.5);
    assert.ok(Math.abs(trendingScore(10, 0) - 3.5355339059327378) < 1e-12);
  });

  test("an entry stamped after now counts as brand new, not newer than new", () => {
    assert.equal(trendingScore(8, -5), trendingScore(8, 0));
  });

  test("negative upvotes never make a negative score", () => {
    assert.equal(trendingScore(-3, 1), 0);
  });
});

describe("rankTrending", () => {
  test("a fresh paper with fewer votes passes an older one with more", () => {
    const ranked = rankTrending(
      [
        { arxivId: "old", upvotes: 100, firstSubmittedAt: hoursAgo(98) }, // 0.1
        { arxivId: "fresh", upvotes: 8, firstSubmittedAt: hoursAgo(2) }, // 1
        { arxivId: "mid", upvotes: 27, firstSubmittedAt: hoursAgo(7) }, // 1
      ],
      NOW,
    );
    assert.deepEqual(
      ranked.map((r) => [r.arxivId, r.score]),
      [
        ["mid", 1], // ties with "fresh" on score; more upvotes wins
        ["fresh", 1],
        ["old", 0.1],
      ],
    );
  });

  test("equal score and votes: the newer paper first, then the id, so paging is stable", () => {
    const at = hoursAgo(10);
    const ranked = rankTrending(
      [
        { arxivId: "b", upvotes: 0, firstSubmittedAt: at },
        { arxivId: "a", upvotes: 0, firstSubmittedAt: at },
        { arxivId: "c", upvotes: 0, firstSubmittedAt: hoursAgo(1) },
      ],
      NOW,
    );
    assert.deepEqual(
      ranked.map((r) => r.arxivId),
      ["c", "a", "b"],
    );
  });
});
