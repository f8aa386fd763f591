import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { refreshAcronyms } from "../../src/search/acronyms/refresh.ts";
import { KeywordSearcher } from "../../src/search/keyword-searcher.ts";
import { summarizePending } from "../../src/summaries/jobs.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { insertPapers, makePaper } from "../helpers/factories.ts";

/**
 * Issue 9, point 8: under load, a node answered nothing, /healthz included, while background
 * work ran after an import. On PGlite a query's promise settles without the event loop turning,
 * so a job that loops over queries and CPU work never lets a request in unless it yields. Each
 * job here runs on a corpus big enough to take several slices while a client polls /healthz over
 * real HTTP: answers must arrive while the job is still running, not only after it. Counting
 * answers during the job (rather than timing them) holds on a busy machine too.
 */
const PAPERS = 3000;
const WORDS =
  "model training data transformer attention graph neural network diffusion policy reward agent vision language speech retrieval benchmark dataset robust sparse quantum protein molecule".split(
    " ",
  );

function abstract(i: number): string {
  const words = Array.from(
    { length: 120 },
    (_, k) => WORDS[(i * 7 + k * 13 + ((i * k) % 11)) % WORDS.length],
  );
  return `We study large language models (LLMs) and retrieval-augmented generation (RAG) for task ${i}. ${words.join(" ")}.`;
}

describe("background work leaves the event loop to requests (PGlite)", () => {
  let t: TestApp;
  let url: string;

  before(async () => {
    t = await openTestApp("pglite");
    const papers = Array.from({ length: PAPERS }, (_, i) =>
      makePaper({
        arxivId: `2402.${String(i).padStart(5, "0")}`,
        title: `Sparse attention study ${i}`,
        abstract: abstract(i),
      }),
    );
    for (let i = 0; i < papers.length; i += 500) await insertPapers(t.db, papers.slice(i, i + 500));
    url = await t.listen();
  });
  after(async () => {
    await t?.close();
  });

  /** Polls /healthz one request at a time while `job` runs; how many answers came before it ended. */
  async function answersDuring(job: () => Promise<unknown>): Promise<{ during: number; after: number }> {
    let running = true;
    let during = 0;
    let afterwards = 0;
    const poll = (async () => {
      while (running) {
        const res = await fetch(`${url}/healthz`);
        assert.equal(res.status, 200);
        await res.arrayBuffer();
        if (running) during++;
        else afterwards++;
      }
    })();
    // The first request is on its way (connected, sent) before the job takes the thread.
    await new Promise((r) => setTimeout(r, 20));
    await job();
    running = false;
    await poll;
    return { during, after: afterwards };
  }

  test("while the keyword index is built from the table", async () => {
    const searcher = new KeywordSearcher({ buildWaitMs: 60_000 });
    const r = await answersDuring(() => searcher.sync(t.db));
    assert.equal(searcher.status().docs, PAPERS);
    assert.ok(r.during >= 3, `answers during the build: ${r.during}`);
  });

  test("while acronyms are learned from every paper", async () => {
    let pairs = 0;
    const r = await answersDuring(async () => {
      pairs = (await refreshAcronyms(t.db))?.pairs ?? 0;
    });
    assert.ok(pairs >= 2, `pairs learned: ${pairs}`);
    assert.ok(r.during >= 3, `answers during the refresh: ${r.during}`);
  });

  test("while extracted summaries are written", async () => {
    let done = 0;
    const r = await answersDuring(async () => {
      done = await summarizePending(t.db);
    });
    assert.equal(done, PAPERS);
    assert.ok(r.during >= 3, `answers during the summaries: ${r.during}`);
  });
});
