import assert from "node:assert/strict";
import { test } from "node:test";
import { light, porter } from "./stemmers.ts";
import { analyze } from "./text.ts";

const term = (w: string) => analyze(w)[0];

test("words of different meaning stay apart", () => {
  for (const group of [
    ["medical", "medication", "medicine", "medic"],
    ["university", "universe"],
    ["organ", "organization"],
  ]) {
    const terms = group.map(term);
    assert.equal(new Set(terms).size, group.length, `${group.join("/")} -> ${terms.join("/")}`);
  }
  // The library's full Porter stemmer is what merged them.
  assert.equal(porter("medication"), porter("medical"));
});

test("inflections and meaning-keeping derivations still meet", () => {
  for (const group of [
    ["model", "models"],
    ["train", "trained", "training", "trains"],
    ["study", "studies", "studied"],
    ["medication", "medications"],
    ["organization", "organizations", "organize", "organized"],
    ["infection", "infect", "infected"],
    ["medical", "medically"],
  ])
    assert.equal(new Set(group.map(term)).size, 1, `${group.join("/")} -> ${group.map(term).join("/")}`);
  assert.equal(light("university"), light("universities"));
});
