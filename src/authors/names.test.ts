import assert from "node:assert/strict";
import { test } from "node:test";
import { authorKeyCandidates } from "./names.ts";

test("other spellings of a name: umlauts both ways in the surname, never in given names", () => {
  assert.deepEqual(authorKeyCandidates("Thomas Müller"), ["thomas muller", "thomas mueller"]);
  assert.deepEqual(authorKeyCandidates("Thomas Mueller"), ["thomas mueller", "thomas muller"]);
  // "ae", "oe", "ue" in a given name are letters, not umlauts
  assert.deepEqual(authorKeyCandidates("Michael Schmidt"), ["michael schmidt"]);
  assert.ok(!authorKeyCandidates("Samuel Schroeder").includes("samul schroder"));
  assert.ok(authorKeyCandidates("Samuel Schroeder").includes("samuel schroder"));
});
