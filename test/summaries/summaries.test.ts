import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import pino from "pino";
import { loadConfig } from "../../src/config.ts";
import { type Db, openPglite } from "../../src/db/client.ts";
import { buildServices } from "../../src/services.ts";
import { LlmClient } from "../../src/summaries/llm.ts";
import { runLlmSummaries } from "../../src/summaries/llm-job.ts";
import { paperSummary } from "../../src/summaries/store.ts";
import { buildApp } from "../../src/web/app.ts";
import { fakeClock } from "../helpers/fake-clock.ts";

const SNAPSHOT = path.resolve("../shared/data/arxiv/snapshot/arxiv-metadata-oai-snapshot.head.jsonl");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-summaries-"));

/** A chat-completions server whose next answers the test chooses. */
function chatServer() {
  const plan: ((res: http.ServerResponse) => void)[] = [];
  const requests: { model: string; messages: { role: string; content: string }[] }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      requests.push(JSON.parse(body));
      const next = plan.shift();
      if (next) next(res);
      else res.writeHead(500).end("no plan");
    });
  });
  return { server, plan, requests };
}
const answer = (content: string) => (res: http.ServerResponse) =>
  res.writeHead(200, { "content-type": "application/json" }).end(
    JSON.stringify({
      id: "x",
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content } }],
    }),
  );

describe("summaries and keyphrases for every paper", () => {
  let db: Db;
  /** The paper page as the real app renders it from this database. */
  const pageOf = async (url: string) => {
    const config = loadConfig({ DATA_DIR: dir, SECRET: "test-secret-not-for-production" });
    const services = await buildServices(config, { db, log: pino({ level: "silent" }), indexDir: null });
    const app = await buildApp(services);
    try {
      return await app.inject({ url });
    } finally {
      await app.close();
      await services.close();
    }
  };
  const chat = chatServer();
  let url = "";
  before(async () => {
    // Thirty real snapshot lines, imported by the real CLI in its own process.
    const file = path.join(dir, "snapshot.jsonl");
    fs.writeFileSync(file, `${fs.readFileSync(SNAPSHOT, "utf8").split("\n").slice(0, 30).join("\n")}\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, LOG_LEVEL: "silent" };
    delete env.DATABASE_URL;
    const run = spawnSync(process.execPath, ["bin/dailypapers.js", "import", "arxiv-snapshot", file], {
      env,
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /summaries: 30 papers got an extracted summary and keyphrases/);
    db = await openPglite(path.join(dir, "pglite"));
    await new Promise<void>((resolve) => chat.server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(chat.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await db.close();
    chat.server.closeAllConnections();
    await new Promise((resolve) => chat.server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("a paper from a snapshot line has an extracted summary and 5-8 keyphrases", async () => {
    const [{ n }] = await db.query<{ n: number }>(
      "select count(*)::int as n from papers p join paper_summaries s using (arxiv_id) where s.kind = 'extracted'",
    );
    assert.equal(n, 30);
    const s = await paperSummary(db, "0704.0001");
    assert.ok(s);
    const [{ abstract }] = await db.query<{ abstract: string }>(
      "select abstract from papers where arxiv_id = '0704.0001'",
    );
    assert.ok(abstract.replace(/\s+/g, " ").includes(s.summary), "the summary is a sentence of the abstract");
    assert.ok(s.keyphrases.length >= 5 && s.keyphrases.length <= 8, s.keyphrases.join(" | "));
    assert.ok(
      s.keyphrases.some((k) => /diphoton/i.test(k)),
      s.keyphrases.join(" | "),
    );
  });

  test("the paper page labels it as extracted and its chips link to searches", async () => {
    const page = await pageOf("/papers/0704.0001");
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h2 id="summary-h">Extracted summary<\/h2>/);
    const s = await paperSummary(db, "0704.0001");
    assert.ok(page.body.includes(`href="/search?q=${encodeURIComponent(s?.keyphrases[0] ?? "")}"`));
  });

  test("an LLM endpoint writes summaries: success, 429 with Retry-After, timeout, malformed", async () => {
    const clock = fakeClock();
    // A generous timeout where the server answers (the machine may be busy), a short one where it hangs.
    const client = new LlmClient({ url, model: "tiny", timeoutMs: 10_000, retries: 1, clock });
    const impatient = new LlmClient({ url, model: "tiny", timeoutMs: 300, retries: 1, clock });
    // 1st paper: 429 (Retry-After: 7), then an answer.
    chat.plan.push(
      (res) => res.writeHead(429, { "retry-after": "7" }).end("slow down"),
      answer("The paper computes diphoton production cross sections at the Tevatron and the LHC."),
    );
    let r = await runLlmSummaries(db, client, { max: 1 });
    assert.deepEqual(r, { written: 1, failed: 0 });
    assert.deepEqual(clock.waits, [7000], "Retry-After was honoured");
    assert.equal(chat.requests[0].model, "tiny");
    assert.match(chat.requests[0].messages[1].content, /Title: /);
    const done = (
      await db.query<{ arxiv_id: string; kind: string }>(
        "select arxiv_id, kind from paper_summaries where kind = 'llm'",
      )
    )[0];
    assert.ok(done);
    // Malformed: an answer that is no chat completion. Not retried, recorded, summary kept.
    chat.plan.push((res) =>
      res.writeHead(200, { "content-type": "application/json" }).end('{"result": "ok"}'),
    );
    r = await runLlmSummaries(db, client, { max: 1 });
    assert.deepEqual(r, { written: 0, failed: 1 });
    const [bad] = await db.query<{ kind: string; llm_failures: number; llm_error: string }>(
      "select kind, llm_failures, llm_error from paper_summaries where llm_failures > 0",
    );
    assert.equal(bad.kind, "extracted");
    assert.match(bad.llm_error, /no usable summary/);
    // Timeout: the server never answers within 300 ms, twice (one retry), then the pass stops.
    const hang = () => {};
    chat.plan.push(hang, hang);
    r = await runLlmSummaries(db, impatient, { max: 5 });
    assert.deepEqual(r, { written: 0, failed: 1 }, "a down endpoint ends the pass");
    const [slow] = await db.query<{ llm_error: string }>(
      "select llm_error from paper_summaries where llm_error like '%did not answer%'",
    );
    assert.match(slow.llm_error, /did not answer within 300 ms/);
    // The page says which kind it shows.
    const page = await pageOf(`/papers/${done.arxiv_id}`);
    assert.match(page.body, /<h2 id="summary-h">AI-generated summary<\/h2>/);
  });
});
