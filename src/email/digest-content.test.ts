import assert from "node:assert/strict";
import { test } from "node:test";
import type { Paper } from "../papers/types.ts";
import { assembleDigest, digestIsEmpty, PER_TOPIC_IN_DIGEST } from "./digest-content.ts";

const paper = (id: string) => ({ arxivId: id }) as Paper;
const window = { frequency: "daily" as const, windowStart: new Date(0), windowEnd: new Date(1) };

test("each paper is listed once, in the first section that has it; empty topics are dropped", () => {
  const d = assembleDigest({
    ...window,
    trending: [paper("a"), paper("b")],
    topics: [
      { topic: { name: "Medical AI", slug: "medical-ai" }, papers: [paper("b"), paper("c"), paper("d")] },
      { topic: { name: "Segmentation", slug: "segmentation" }, papers: [paper("c"), paper("a")] },
      { topic: { name: "Vision", slug: "vision" }, papers: [paper("d"), paper("e")] },
    ],
  });
  assert.deepEqual(
    d.trending.map((p) => p.arxivId),
    ["a", "b"],
  );
  assert.deepEqual(
    d.topics.map((s) => [s.topic.name, s.papers.map((p) => p.arxivId)]),
    [
      ["Medical AI", ["c", "d"]],
      ["Vision", ["e"]],
    ],
  );
  assert.equal(digestIsEmpty(d), false);
});

test("a topic shows at most its share of papers; nothing at all is an empty digest", () => {
  const many = Array.from({ length: 20 }, (_, i) => paper(`p${i}`));
  const d = assembleDigest({
    ...window,
    trending: [],
    topics: [{ topic: { name: "T", slug: "t" }, papers: many }],
  });
  assert.equal(d.topics[0].papers.length, PER_TOPIC_IN_DIGEST);
  assert.equal(digestIsEmpty(assembleDigest({ ...window, trending: [], topics: [] })), true);
});
