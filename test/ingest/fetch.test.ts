import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ArxivApiError, fetchArxivPapers, queryArxivApi } from "../../src/ingest/arxiv-api/client.ts";
import { createPoliteClient } from "../../src/ingest/polite-http.ts";
import { type ArxivReplay, startArxivReplay } from "../helpers/arxiv-replay.ts";
import { fakeClock } from "../helpers/fake-clock.ts";

describe("arXiv API client against the Atom recordings", () => {
  let replay: ArxivReplay;
  before(async () => {
    replay = await startArxivReplay();
  });
  after(async () => {
    await replay.close();
  });
  const deps = () => ({ apiUrl: replay.apiUrl, delayMs: 3000, clock: fakeClock() });

  test("new-style, old-style and versioned ids, with every Atom field", async () => {
    const clock = fakeClock();
    const before = replay.requests.length;
    const r = await fetchArxivPapers(
      ["1605.08386", "arXiv:astro-ph/0601001", "https://arxiv.org/abs/2104.12255v1"],
      {
        apiUrl: replay.apiUrl,
        delayMs: 3000,
        clock,
      },
    );
    assert.deepEqual(r.missing, []);
    assert.deepEqual(
      r.found.map((p) => [p.arxivId, p.version]),
      [
        ["1605.08386", 1],
        ["astro-ph/0601001", 1],
        ["2104.12255", 1],
      ],
    );
    const [heat, hot, zero] = r.found;
    assert.equal(heat.title, "Heat-bath random walks with Markov bases");
    assert.deepEqual(heat.categories, ["math.CO", "math.ST"]);
    assert.equal(heat.primaryCategory, "math.CO");
    assert.equal(heat.comments, "20 pages, 3 figures");
    assert.deepEqual(heat.authors, [{ name: "Caprice Stanley" }, { name: "Tobias Windisch" }]);
    assert.equal(heat.publishedAt?.toISOString(), "2016-05-26T17:59:46.000Z");
    assert.equal(hot.journalRef, "ActaAstron.56:1-50,2006");
    assert.deepEqual(hot.authors?.[2], { name: "B. Scott Gaudi", affiliation: "CfA" });
    assert.equal(zero.title, "0");
    assert.equal(heat.source, "arxiv-api");
    // one batched id_list request on one connection, none of it slept for real
    const mine = replay.requests.slice(before);
    assert.equal(mine.length, 1);
    assert.equal(mine[0].query.id_list, "1605.08386,astro-ph/0601001,2104.12255v1");
    assert.deepEqual(clock.waits, []);
  });

  test("batches are paced: one request per delay, on one connection", async () => {
    const clock = fakeClock();
    const before = replay.requests.length;
    const r = await fetchArxivPapers(["1605.08386", "1707.08567", "quant-ph/0201082v1"], {
      apiUrl: replay.apiUrl,
      delayMs: 3000,
      clock,
      batchSize: 1,
    });
    assert.equal(r.found.length, 3);
    assert.equal(r.found[2].arxivId, "quant-ph/0201082");
    assert.deepEqual(clock.waits, [3000, 3000]);
    const conns = new Set(replay.requests.slice(before).map((q) => q.connection));
    assert.equal(conns.size, 1);
  });

  test("an unknown id is reported not found; the rest are still returned", async () => {
    const r = await fetchArxivPapers(["2408.03361", "1605.08386", "2408.03361"], deps());
    assert.deepEqual(r.missing, ["2408.03361"]);
    assert.deepEqual(
      r.found.map((p) => p.arxivId),
      ["1605.08386"],
    );
    const v = await fetchArxivPapers(["1605.08386v7"], deps());
    assert.deepEqual(v, { found: [], missing: ["1605.08386v7"] });
  });

  test("a malformed id is a clear error before any request is made", async () => {
    const before = replay.requests.length;
    await assert.rejects(fetchArxivPapers(["1605.08386", "abc", "hep-th/99"], deps()), {
      name: "Error",
      message:
        '"abc", "hep-th/99" are not arXiv ids (expected e.g. 2408.03361, 2408.03361v2, hep-th/9901001 or https://arxiv.org/abs/2408.03361)',
    });
    await assert.rejects(fetchArxivPapers(["0000.0000"], deps()), ArxivApiError);
    assert.equal(replay.requests.length, before);
  });

  test("the API's HTTP 400 comes back in the API's own words", async () => {
    const client = createPoliteClient({ delayMs: 0 });
    try {
      await assert.rejects(queryArxivApi(client, replay.apiUrl, { id_list: "abc" }), {
        message: "arXiv API answered HTTP 400: incorrect id format for abc",
      });
    } finally {
      client.close();
    }
  });

  test("opensearch totals and the empty result", async () => {
    const client = createPoliteClient({ delayMs: 0 });
    try {
      const page = await queryArxivApi(client, replay.apiUrl, {
        search_query: "testing",
        start: "10",
        max_results: "10",
      });
      assert.equal(page.totalResults > 100_000, true);
      assert.equal(page.startIndex, 10);
      assert.equal(page.itemsPerPage, 10);
      assert.equal(page.papers.length, 10);
      const empty = await queryArxivApi(client, replay.apiUrl, { id_list: "0000.0000" });
      assert.deepEqual([empty.totalResults, empty.papers.length], [0, 0]);
    } finally {
      client.close();
    }
  });

  test("a maintenance page instead of a feed is retried, then fails clearly", async () => {
    const clock = fakeClock();
    replay.script({ kind: "notXml", on: "api" });
    const r = await fetchArxivPapers(["1605.08386"], { ...deps(), clock, backoffBaseMs: 1000 });
    assert.equal(r.found.length, 1);
    assert.deepEqual(clock.waits, [3000]);
    replay.script(
      { kind: "503", retryAfter: 2, on: "api" },
      { kind: "drop", on: "api" },
      { kind: "500", on: "api" },
    );
    await assert.rejects(fetchArxivPapers(["1605.08386"], { ...deps(), maxTries: 3, backoffBaseMs: 1000 }), {
      message: /failed 3 times in a row; last error: HTTP 500/,
    });
  });
});
