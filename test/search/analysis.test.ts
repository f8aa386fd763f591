import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { upsertPapers } from "../../src/papers/store.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { hfDailyPapers } from "./corpus.ts";

// The example: "ComBodied Agents" mentions medication (never "medical") and a benchmark.
const COMBODIED = "2608.10915";

for (const backend of testBackends()) {
  describe(`analysis on ${backend}`, () => {
    let t: TestApp;
    before(async () => {
      t = await openTestApp(backend);
      await upsertPapers(t.db, hfDailyPapers(["2024-08-09", "2026-08-12"]));
    });
    after(async () => {
      await t.close();
    });

    test('"medical benchmark" does not match "medication"', async () => {
      const r = await t.services.search.search({ q: "medical benchmark", mode: "keyword", limit: 120 });
      assert.equal(r.hits[0].arxivId, "2408.03361");
      const combodied = r.hits.findIndex((h) => h.arxivId === COMBODIED);
      assert.ok(combodied >= 0, "it does say benchmark");
      assert.deepEqual(r.hits[combodied].matchedTerms, ["benchmark"]);
      // Every paper that says "medical" and "benchmark" ranks above it.
      const both = r.hits.findIndex((h) => h.matchedTerms.length === 2 && h.arxivId !== "2408.03361");
      assert.ok(both === -1 || both < combodied);
      const medication = await t.services.search.search({ q: "medication", mode: "keyword", limit: 10 });
      assert.deepEqual(
        medication.hits.map((h) => h.arxivId),
        [COMBODIED],
      );
    });
  });
}
