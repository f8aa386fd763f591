import assert from "node:assert/strict";
import { test } from "node:test";
import Fastify from "fastify";
import { registerRenderGate } from "../../src/web/render-gate.ts";
import { waitFor } from "../helpers/processes.ts";

test("renders take turns, and a request whose client left while waiting is never rendered", {
  timeout: 30_000,
}, async () => {
  const app = Fastify();
  registerRenderGate(app, { routes: ["/page/:n"], concurrency: 1 });
  const rendered: string[] = [];
  let finishFirst: () => void = () => {};
  const firstHeld = new Promise<void>((r) => {
    finishFirst = r;
  });
  app.get("/page/:n", async (req) => {
    const { n } = req.params as { n: string };
    rendered.push(n);
    if (n === "1") await firstHeld;
    return `page ${n}`;
  });
  app.get("/other", async () => "not gated");
  const base = await app.listen({ port: 0, host: "127.0.0.1" });
  try {
    const first = fetch(`${base}/page/1`).then((r) => r.text());
    await waitFor(() => (rendered.includes("1") ? true : undefined));
    // The second waits behind the first; its client gives up.
    const gaveUp = new AbortController();
    const second = fetch(`${base}/page/2`, { signal: gaveUp.signal }).catch((e: Error) => e.name);
    const third = fetch(`${base}/page/3`).then((r) => r.text());
    // Routes outside the gate do not wait.
    assert.equal(await (await fetch(`${base}/other`)).text(), "not gated");
    await new Promise((r) => setTimeout(r, 100));
    gaveUp.abort();
    assert.equal(await second, "AbortError");
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(rendered, ["1"], "nothing else renders while the first holds the turn");
    finishFirst();
    assert.equal(await first, "page 1");
    assert.equal(await third, "page 3");
    assert.deepEqual(rendered, ["1", "3"], "the abandoned request was dropped");
    // Every turn came back: more requests than the concurrency still pass one by one.
    const more = await Promise.all([4, 5, 6].map((n) => fetch(`${base}/page/${n}`).then((r) => r.text())));
    assert.deepEqual(more, ["page 4", "page 5", "page 6"]);
  } finally {
    await app.close();
  }
});
