import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { EmbeddingError, embeddingsUrl, RemoteEmbeddingClient } from "../../src/search/embed/remote.ts";

/**
 * A local server speaking the OpenAI embeddings API. Each request pops the next behaviour from
 * `script` (default: answer properly), so a test can make it fail, hang or misbehave.
 */
type Behaviour = "ok" | "500" | "429" | "400" | "hang" | "garbage" | "short";
let script: Behaviour[] = [];
const seen: { auth?: string; input: string[]; model: string; url: string }[] = [];
let server: http.Server;
let base: string;

function vectorOf(text: string): number[] {
  return [text.length, 1, 0];
}

before(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const parsed = JSON.parse(body) as { input: string[]; model: string };
      seen.push({
        auth: req.headers.authorization,
        input: parsed.input,
        model: parsed.model,
        url: req.url ?? "",
      });
      const b = script.shift() ?? "ok";
      if (b === "hang") return; // never answers: the client's timeout must fire
      if (b === "500") return res.writeHead(500).end("upstream exploded");
      if (b === "429") return res.writeHead(429, { "retry-after": "0.01" }).end("slow down");
      if (b === "400") return res.writeHead(400).end('{"error":{"message":"model not found"}}');
      if (b === "garbage") return res.writeHead(200).end("<html>not json</html>");
      const data = parsed.input.map((t, index) => ({ object: "embedding", index, embedding: vectorOf(t) }));
      if (b === "short") data.pop();
      // Out of order on purpose: clients must sort by index.
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ data: data.reverse(), model: parsed.model }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const client = (opts: Partial<ConstructorParameters<typeof RemoteEmbeddingClient>[0]> = {}) =>
  new RemoteEmbeddingClient({
    url: base,
    model: "nomic-embed-text",
    apiKey: "sk-test",
    backoffMs: 1,
    ...opts,
  });

describe("OpenAI-compatible embeddings client", () => {
  test("resolves the endpoint from a base URL, a /v1 URL or the full address", () => {
    assert.equal(embeddingsUrl("http://h:11434"), "http://h:11434/v1/embeddings");
    assert.equal(embeddingsUrl("http://h/v1/"), "http://h/v1/embeddings");
    assert.equal(embeddingsUrl("http://h/v1/embeddings"), "http://h/v1/embeddings");
  });

  test("batches inputs, keeps their order, sends the model and key, returns unit vectors", async () => {
    script = [];
    seen.length = 0;
    const texts = ["a", "bbb", "cc", "dddd", "e"];
    const out = await client({ batchSize: 2 }).embed(texts);
    assert.equal(seen.length, 3);
    assert.deepEqual(
      seen.map((s) => s.input),
      [["a", "bbb"], ["cc", "dddd"], ["e"]],
    );
    assert.equal(seen[0].auth, "Bearer sk-test");
    assert.equal(seen[0].model, "nomic-embed-text");
    assert.equal(seen[0].url, "/v1/embeddings");
    out.forEach((v, i) => {
      const raw = vectorOf(texts[i]);
      const n = Math.hypot(...raw);
      assert.ok(Math.abs(v[0] - raw[0] / n) < 1e-6);
      assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-6);
    });
  });

  test("retries 5xx and 429 with backoff, then succeeds", async () => {
    script = ["500", "429", "ok"];
    seen.length = 0;
    const out = await client().embed(["x"]);
    assert.equal(out.length, 1);
    assert.equal(seen.length, 3);
  });

  test("gives up after the retries with the last error", async () => {
    script = ["500", "500", "500"];
    await assert.rejects(client({ retries: 2 }).embed(["x"]), (e: unknown) => {
      assert.ok(e instanceof EmbeddingError);
      assert.match(e.message, /answered HTTP 500: upstream exploded/);
      return true;
    });
    script = [];
  });

  test("does not retry a client error, and says what the server said", async () => {
    script = ["400"];
    seen.length = 0;
    await assert.rejects(client().embed(["x"]), /HTTP 400: .*model not found/);
    assert.equal(seen.length, 1);
  });

  test("times out a server that never answers", async () => {
    script = ["hang", "hang"];
    await assert.rejects(client({ timeoutMs: 100, retries: 1 }).embed(["x"]), /did not answer within 100 ms/);
    script = [];
  });

  test("rejects a response that is not an embeddings list, or has the wrong count", async () => {
    script = ["garbage"];
    await assert.rejects(client().embed(["x"]), /not an embeddings list/);
    script = ["short"];
    await assert.rejects(client().embed(["x", "y"]), /returned 1 embeddings for 2 inputs/);
  });

  test("reports an unreachable endpoint without leaking the key", async () => {
    const c = new RemoteEmbeddingClient({
      url: "http://127.0.0.1:1",
      model: "m",
      apiKey: "sk-secret",
      retries: 0,
    });
    await assert.rejects(c.embed(["x"]), (e: Error) => {
      assert.match(e.message, /is unreachable/);
      assert.doesNotMatch(e.message, /sk-secret/);
      return true;
    });
  });
});
