import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { upsertPapers } from "../../src/papers/store.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { hfDailyPapers, TEST_DAYS } from "./corpus.ts";

type Item = {
  paper: { id: string; title: string; authors: { name: string }[] };
  title: string;
  highlightedTitle: { type: string; text: string }[];
  highlightedSummary: { type: string; text: string }[];
};

for (const backend of testBackends()) {
  describe(`search on ${backend}`, () => {
    let t: TestApp;
    const papers = hfDailyPapers(TEST_DAYS);
    const api = async (qs: string) => {
      const res = await t.app.inject({ url: `/api/papers/search?${qs}` });
      return { status: res.statusCode, body: res.json() };
    };
    before(async () => {
      t = await openTestApp(backend);
      await upsertPapers(t.db, papers);
    });
    after(async () => {
      await t.close();
    });

    test('"medical benchmark" finds GMAI-MMBench first, with highlights', async () => {
      const { status, body } = await api("q=medical+benchmark&limit=5");
      assert.equal(status, 200);
      const items = body as Item[];
      assert.equal(items[0].paper.id, "2408.03361");
      assert.deepEqual(
        items[0].highlightedTitle.filter((s) => s.type === "highlight").map((s) => s.text),
        ["Benchmark", "Medical"],
      );
      assert.equal(items[0].highlightedTitle.map((s) => s.text).join(""), items[0].title);
      assert.ok(items[0].highlightedSummary.some((s) => s.type === "highlight" && /^medical$/i.test(s.text)));
      assert.ok(items.length <= 5);
    });

    test("the search page lists results with marks, a count and pagination", async () => {
      const res = await t.app.inject({ url: "/search?q=medical+benchmark" });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /class="result-count">18 papers · showing 1–18 · [\d.]+ ms/);
      assert.match(
        res.body,
        /<a href="\/papers\/2408\.03361">GMAI-MMBench: A Comprehensive Multimodal Evaluation <mark>Benchmark<\/mark> Towards General <mark>Medical<\/mark> AI<\/a>/,
      );
      assert.doesNotMatch(res.body, /rel="next"/);
      const p1 = await t.app.inject({ url: "/search?q=model" });
      assert.match(p1.body, /class="result-count">56 papers · showing 1–20/);
      assert.match(p1.body, /<a href="\/search\?q=model&amp;p=2" rel="next">/);
      const p3 = await t.app.inject({ url: "/search?q=model&p=3" });
      assert.match(p3.body, /showing 41–56/);
      assert.doesNotMatch(p3.body, /rel="next"/);
    });

    test("a phrase must appear as written", async () => {
      const items = (await api(`q=${encodeURIComponent('"general medical"')}`)).body as Item[];
      assert.deepEqual(
        items.map((i) => i.paper.id),
        ["2408.03361"],
      );
      const loose = (await api("q=general+medical")).body as Item[];
      assert.ok(loose.length > 1);
    });

    test("author, date and category filters", async () => {
      const byAuthor = (await api(`q=${encodeURIComponent('benchmark author:"Jin Ye"')}`)).body as Item[];
      assert.deepEqual(
        byAuthor.map((i) => i.paper.id),
        ["2408.03361"],
      );
      const r = await t.services.search.search({ q: "model after:2024-09 before:2025-01", limit: 120 });
      assert.ok(r.total > 0);
      const ids = new Set(
        papers
          .filter(
            (p) =>
              p.publishedAt &&
              p.publishedAt >= new Date("2024-09-01") &&
              p.publishedAt < new Date("2025-01-01"),
          )
          .map((p) => p.arxivId),
      );
      for (const h of r.hits) assert.ok(ids.has(h.arxivId), h.arxivId);
      // Hugging Face data has no categories; a snapshot import adds them and search follows.
      assert.equal((await t.services.search.search({ q: "category:cs.CV" })).total, 0);
      await upsertPapers(t.db, [
        {
          ...papers.find((p) => p.arxivId === "2408.03361")!,
          categories: ["cs.CV", "cs.AI"],
          source: "arxiv-snapshot",
        },
      ]);
      const cv = await t.services.search.search({ q: "category:cs.CV" });
      assert.deepEqual(
        cv.hits.map((h) => h.arxivId),
        ["2408.03361"],
      );
      assert.equal(
        (await t.services.search.search({ q: "benchmark category:cs" })).hits[0].arxivId,
        "2408.03361",
      );
    });

    test("the endpoint is described in the OpenAPI document", async () => {
      const doc = (await t.app.inject({ url: "/api/openapi.json" })).json();
      const op = doc.paths["/api/papers/search"].get;
      assert.deepEqual(
        op.parameters.map((p: { name: string }) => p.name),
        ["q", "limit", "mode", "expand"],
      );
      assert.ok(doc.components.schemas.HighlightSpan);
    });

    test("an arXiv id or URL goes to the paper", async () => {
      for (const q of [
        "2408.03361",
        "https://arxiv.org/abs/2408.03361v2",
        "https://huggingface.co/papers/2408.03361",
      ]) {
        const res = await t.app.inject({ url: `/search?q=${encodeURIComponent(q)}` });
        assert.equal(res.statusCode, 302);
        assert.equal(res.headers.location, "/papers/2408.03361");
      }
      const items = (await api("q=2408.03361")).body as Item[];
      assert.deepEqual(
        items.map((i) => i.paper.id),
        ["2408.03361"],
      );
    });

    test("bad queries get clear answers", async () => {
      const empty = await api("q=");
      assert.equal(empty.status, 400);
      assert.equal(empty.body.param, "q");
      assert.match(empty.body.error, /Type something to search for/);
      const long = await api(`q=${"a".repeat(251)}`);
      assert.equal(long.status, 400);
      assert.deepEqual(long.body, {
        error: 'Invalid parameter "q": must be at most 250 characters',
        param: "q",
        status: 400,
      });
      assert.equal((await api("limit=5")).body.param, "q");
      assert.equal((await api("q=x&limit=0")).body.param, "limit");
      assert.equal((await api("q=x&limit=121")).body.param, "limit");
      const ops = await api(`q=${encodeURIComponent('AND OR -"" author:')}`);
      assert.equal(ops.status, 400);
      assert.equal(ops.body.error, 'Invalid parameter "q": author: needs a value, for example author:lecun.');

      const page = await t.app.inject({ url: `/search?q=${encodeURIComponent("AND OR NOT")}` });
      assert.equal(page.statusCode, 400);
      assert.match(page.body, /role="alert">This query has only operators or very common words/);
      const blank = await t.app.inject({ url: "/search?q=" });
      assert.equal(blank.statusCode, 200);
      assert.match(blank.body, /Search tips/);
      const huge = await t.app.inject({ url: `/search?q=${"benchmark ".repeat(1000)}` });
      assert.equal(huge.statusCode, 200);
      assert.match(huge.body, /Your query was cut to its first 1000 characters/);
      const none = await t.app.inject({ url: "/search?q=qwertyuiopasdf" });
      assert.match(none.body, /No papers match “qwertyuiopasdf”/);
      const xss = await t.app.inject({ url: `/search?q=${encodeURIComponent("<script>alert(1)</script>")}` });
      assert.doesNotMatch(xss.body, /<script>alert/);
      assert.equal((await t.app.inject({ url: "/search?q=x&p=0" })).statusCode, 400);
      assert.equal((await t.app.inject({ url: "/search?q=x&mode=magic" })).statusCode, 400);
    });

    test("the index follows papers added and updated after it was built", async () => {
      assert.equal((await t.services.search.search({ q: "zorblax" })).total, 0);
      const paper = {
        arxivId: "2501.99999",
        title: "Zorblax networks",
        abstract: "We study zorblax.",
        authors: [{ name: "A. Tester" }],
        source: "arxiv-snapshot" as const,
        version: 1,
      };
      await upsertPapers(t.db, [paper]);
      const found = await t.services.search.search({ q: "zorblax" });
      assert.deepEqual(
        found.hits.map((h) => [h.arxivId, h.matchedTerms]),
        [["2501.99999", ["zorblax"]]],
      );
      await upsertPapers(t.db, [
        { ...paper, title: "Quuxified networks", abstract: "We study quux.", version: 2 },
      ]);
      assert.equal((await t.services.search.search({ q: "zorblax" })).total, 0);
      assert.deepEqual(
        (await t.services.search.search({ q: "quuxified" })).hits.map((h) => h.arxivId),
        ["2501.99999"],
      );
    });
  });
}
