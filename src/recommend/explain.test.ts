import assert from "node:assert/strict";
import { test } from "node:test";
import { reasonText } from "./explain.ts";

const x = { id: "1", title: "X", kind: "saved" as const };
const y = { id: "2", title: "Y", kind: "upvoted" as const };

test("a close match's reason is a cause; a weaker match's names what it is nearest to", () => {
  assert.equal(reasonText({ kind: "similar", to: [x, y] }), "Because you saved “X” and upvoted “Y”");
  assert.equal(
    reasonText({ kind: "similar", to: [x, y] }, true),
    "Nearest to “X” and “Y”, of the papers you keep",
  );
  assert.equal(reasonText({ kind: "similar", to: [x] }, true), "Nearest to “X”, of the papers you keep");
  assert.equal(
    reasonText({ kind: "author", name: "Z", like: true }),
    "Like the papers of Z, whom you follow",
  );
  assert.equal(
    reasonText({ kind: "author", name: "Z", like: true }, true),
    "Nearest to the papers of Z, whom you follow",
  );
  assert.equal(reasonText({ kind: "topic", name: "T", like: true }, true), "Nearest to your topic T");
});

test("what the person follows is a fact, weak or not", () => {
  for (const weak of [false, true]) {
    assert.equal(reasonText({ kind: "author", name: "Z" }, weak), "Z, whom you follow");
    assert.equal(reasonText({ kind: "topic", name: "T" }, weak), "Your topic T");
  }
});
