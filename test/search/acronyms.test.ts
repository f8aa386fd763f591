import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { upsertPapers } from "../../src/papers/store.ts";
import { acronymTable, expandAcronyms } from "../../src/search/acronyms/expand.ts";
import { acronymPairs } from "../../src/search/acronyms/extract.ts";
import { AcronymLearner, isReliable } from "../../src/search/acronyms/learn.ts";
import { refreshAcronyms, refreshAcronymsIfGrown } from "../../src/search/acronyms/refresh.ts";
import { storedAcronyms } from "../../src/search/acronyms/store.ts";
import { parseQuery } from "../../src/search/query.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { hfDailyPapers } from "./corpus.ts";

test("definitions are found as Schwartz and Hearst describe them", () => {
  assert.deepEqual(
    acronymPairs(
      "We study large language models (LLMs), proximal policy optimization (PPO) and the chain-of-thought (CoT) (see Fig. 2) in 2024 (2024).",
    ),
    [
      { short: "llm", long: "large language models" },
      { short: "ppo", long: "proximal policy optimization" },
      { short: "cot", long: "chain-of-thought" },
    ],
  );
  assert.deepEqual(acronymPairs("results (e.g. accuracy) and speed (ms)"), []);
});

test("only reliable pairs are used: enough papers, one dominant meaning", () => {
  const l = new AcronymLearner();
  for (let i = 0; i < 3; i++) l.add(`Retrieval-augmented generation (RAG) paper ${i}.`);
  l.add("Retrieval augmented generation (RAG) without the hyphen.");
  for (let i = 0; i < 2; i++) l.add(`Speech recognition (SR) ${i}. Super-resolution (SR) ${i}.`);
  l.add("Mean average precision (MAP). We map the map of every map to a map.");
  l.add("Mean average precision (MAP) again, a map.");
  l.add("A map of the city, and a map of the roads.");
  const pairs = l.pairs(1);
  const rag = pairs.find((p) => p.short === "rag");
  assert.equal(rag?.papers, 4, "spellings that differ in a hyphen count together");
  assert.ok(rag && isReliable(rag));
  assert.ok(
    pairs.filter((p) => p.short === "sr").every((p) => !isReliable(p)),
    "ambiguous",
  );
  const table = acronymTable(pairs.map((p) => ({ ...p, papers: Math.max(p.papers, 3) })));
  const lower = parseQuery("map of cities");
  expandAcronyms(lower, table);
  assert.deepEqual(lower.expansions, [], "'map' typed in lower case is the word");
  const upper = parseQuery("MAP estimates");
  expandAcronyms(upper, table);
  assert.deepEqual(
    upper.expansions.map(({ typed, added }) => ({ typed, added })),
    [{ typed: "MAP", added: "mean average precision" }],
  );
});

const defining = (i: number) => ({
  arxivId: `2501.0000${i}`,
  title: `Retrieval-augmented generation for domain ${i}`,
  abstract: `Retrieval-augmented generation (RAG) grounds answers in documents of domain ${i}.`,
  source: "arxiv-api" as const,
});
// Each says one form only.
const LONG_ONLY = {
  arxivId: "2501.00010",
  title: "Grounding chatbots in documents",
  abstract: "We ground a chatbot with retrieval augmented generation over a wiki.",
  source: "arxiv-api" as const,
};
const SHORT_ONLY = {
  arxivId: "2501.00011",
  title: "A faster RAG pipeline",
  abstract: "Our RAG pipeline halves latency on question answering.",
  source: "arxiv-api" as const,
};

for (const backend of testBackends()) {
  describe(`acronyms on ${backend}`, () => {
    let t: TestApp;
    before(async () => {
      t = await openTestApp(backend);
      await upsertPapers(t.db, [
        ...hfDailyPapers(["2024-05-28"]),
        defining(1),
        defining(2),
        defining(3),
        LONG_ONLY,
        SHORT_ONLY,
      ]);
      const r = await refreshAcronyms(t.db);
      assert.ok(r && r.pairs > 0);
    });
    after(async () => {
      await t.close();
    });

    test("pairs are stored with their counts", async () => {
      const rag = (await storedAcronyms(t.db)).find((a) => a.short === "rag");
      assert.equal(rag?.long, "retrieval-augmented generation");
      assert.equal(rag?.papers, 3);
      assert.equal(rag?.share, 1);
    });

    test("an acronym finds the paper that only spells it out, and the other way round", async () => {
      const short = await t.services.search.search({ q: "RAG", mode: "keyword" });
      assert.ok(short.hits.some((h) => h.arxivId === LONG_ONLY.arxivId));
      assert.deepEqual(
        short.query.expansions.map(({ typed, added }) => ({ typed, added })),
        [{ typed: "RAG", added: "retrieval-augmented generation" }],
      );
      const long = await t.services.search.search({ q: "retrieval augmented generation", mode: "keyword" });
      assert.ok(long.hits.some((h) => h.arxivId === SHORT_ONLY.arxivId));
      assert.deepEqual(
        long.query.expansions.map(({ typed, added }) => ({ typed, added })),
        [{ typed: "retrieval-augmented generation", added: "RAG" }],
      );
      const off = await t.services.search.search({ q: "RAG", mode: "keyword", expand: false });
      assert.ok(!off.hits.some((h) => h.arxivId === LONG_ONLY.arxivId));
      assert.deepEqual(off.query.expansions, []);
      const longOff = await t.services.search.search({ q: "retrieval augmented generation", expand: false });
      assert.ok(!longOff.hits.some((h) => h.arxivId === SHORT_ONLY.arxivId));
    });

    test("the page says what was added and links to the search without it; the API takes expand=0", async () => {
      const page = await t.app.inject({ url: "/search?q=RAG&mode=keyword" });
      assert.match(
        page.body,
        /Also searched: <strong>retrieval-augmented generation<\/strong> \(for “RAG”\)/,
      );
      assert.match(
        page.body,
        /href="\/search\?q=RAG&amp;mode=keyword&amp;expand=0"[^>]*>Search only for what you typed/,
      );
      const off = await t.app.inject({ url: "/search?q=RAG&mode=keyword&expand=0" });
      assert.doesNotMatch(off.body, /Also searched/);
      assert.doesNotMatch(off.body, /Grounding chatbots in documents/);
      assert.match(page.body, /Grounding chatbots in documents/);
      const api = await t.app.inject({ url: "/api/papers/search?q=RAG&expand=0" });
      assert.ok(!(api.json() as { paper: { id: string } }[]).some((i) => i.paper.id === LONG_ONLY.arxivId));
      const apiOn = await t.app.inject({ url: "/api/papers/search?q=RAG" });
      assert.ok((apiOn.json() as { paper: { id: string } }[]).some((i) => i.paper.id === LONG_ONLY.arxivId));
    });

    test("pairs are learned again once the corpus has grown", async () => {
      assert.equal(await refreshAcronymsIfGrown(t.db), null, "nothing new: no refresh");
      const more = [1, 2, 3, 4, 5, 6].map((i) => ({
        arxivId: `2502.0000${i}`,
        title: `Graph neural networks study ${i}`,
        abstract: `Graph neural networks (GNNs) on molecules, part ${i}.`,
        source: "arxiv-api" as const,
      }));
      await upsertPapers(t.db, more);
      const r = await refreshAcronymsIfGrown(t.db);
      assert.ok(r, "a tenth more papers: refreshed");
      assert.ok(
        (await storedAcronyms(t.db)).some((a) => a.short === "gnn" && a.long === "graph neural networks"),
      );
    });
  });
}
