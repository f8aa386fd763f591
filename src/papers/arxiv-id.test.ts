import assert from "node:assert/strict";
import { test } from "node:test";
import { parseArxivId } from "./arxiv-id.ts";

test("parses new-style, versioned, old-style ids and URLs", () => {
  assert.deepEqual(parseArxivId("2408.03361"), { id: "2408.03361", version: null });
  assert.deepEqual(parseArxivId("0704.0001v2"), { id: "0704.0001", version: 2 });
  assert.deepEqual(parseArxivId("hep-th/9901001"), { id: "hep-th/9901001", version: null });
  assert.deepEqual(parseArxivId("math.GT/0309136v1"), { id: "math.GT/0309136", version: 1 });
  assert.deepEqual(parseArxivId("https://arxiv.org/abs/2408.03361v3"), { id: "2408.03361", version: 3 });
  assert.deepEqual(parseArxivId("arxiv.org/pdf/2408.03361.pdf"), { id: "2408.03361", version: null });
  assert.deepEqual(parseArxivId("https://huggingface.co/papers/2408.03361"), {
    id: "2408.03361",
    version: null,
  });
  assert.deepEqual(parseArxivId("arXiv:2101.00001"), { id: "2101.00001", version: null });
});

test("rejects impossible ids", () => {
  for (const bad of [
    "",
    "abc",
    "2413.00001",
    "2408.0336",
    "1412.12345",
    "2408.1234",
    "hep-th/9913001",
    "12345.6789",
  ]) {
    assert.equal(parseArxivId(bad), null, bad);
  }
});
