import assert from "node:assert/strict";
import { describe, test } from "node:test";
import pino from "pino";
import { loadConfig } from "../../src/config.ts";
import { openPostgres } from "../../src/db/client.ts";
import { buildServices } from "../../src/services.ts";
import { buildApp } from "../../src/web/app.ts";
import { anonymous, makePaper, makeUser, post, TEST_SECRET } from "../community/helpers.ts";
import { openTestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { insertEntry } from "../helpers/factories.ts";

const votes = (body: string) => Number(/class="votes[^"]*"[^>]*>[\s\S]*?(\d+)/.exec(body)?.[1] ?? Number.NaN);

for (const backend of testBackends()) {
  describe(`anonymous page cache (${backend})`, () => {
    test("serves a page from memory until a vote changes it, with each visitor's own CSRF token", async () => {
      const t = await openTestApp(backend, { env: { SECRET: TEST_SECRET } });
      try {
        const paper = await makePaper(t.db, { title: "Cached capybaras", importedUpvotes: 3 });
        const url = `/papers/${paper.arxivId}`;
        const alice = { cookie: "dp_csrf=alice-nonce-abcdefghijklmnopqrstuvwxyz" };
        const bob = anonymous();

        const first = await t.app.inject({ url, headers: alice });
        assert.equal(first.statusCode, 200);
        assert.equal(first.headers["x-cache"], "miss");
        const second = await t.app.inject({ url, headers: { cookie: bob.cookie } });
        assert.equal(second.headers["x-cache"], "hit");
        assert.match(second.body, /Cached capybaras/);
        // Bob's forms carry Bob's token, not Alice's: his subscribe form still works.
        const tokens = (b: string) => [...b.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]);
        assert.ok(tokens(second.body).length > 0, "the page has forms");
        assert.ok(
          tokens(second.body).every((v) => v === bob.csrf),
          "every form carries the visitor's token",
        );
        assert.ok(!tokens(first.body).includes(bob.csrf));

        // Revalidation: the ETag of an unchanged page gives 304.
        const etag = String(second.headers.etag);
        const same = await t.app.inject({ url, headers: { cookie: bob.cookie, "if-none-match": etag } });
        assert.equal(same.statusCode, 304);

        // A vote commits; the next anonymous load shows it.
        const before = votes(second.body);
        const voter = await makeUser(t.db);
        const v = await post(t.app, voter, "/upvote", { arxiv_id: paper.arxivId, vote: "1" });
        assert.ok(v.statusCode < 400, `vote: ${v.statusCode}`);
        const after = await t.app.inject({ url, headers: { cookie: bob.cookie, "if-none-match": etag } });
        assert.equal(after.statusCode, 200, "the old ETag no longer matches");
        assert.equal(after.headers["x-cache"], "miss");
        assert.equal(votes(after.body), before + 1);

        // A signed-in visitor is never served or stored: their page shows their own vote state.
        const mine = await t.app.inject({ url, headers: { cookie: voter.cookie } });
        assert.equal(mine.headers["x-cache"], undefined);
        assert.match(mine.body, /upvoted/);
      } finally {
        await t.close();
      }
    });

    if (backend === "postgres")
      test("a comment made through one web node shows on the next anonymous load of another", async () => {
        const a = await openTestApp(backend, { env: { SECRET: TEST_SECRET } });
        const dbB = await openPostgres(a.db.url as string, 4);
        const servicesB = await buildServices(loadConfig({ SECRET: TEST_SECRET }), {
          db: dbB,
          log: pino({ level: "silent" }),
          indexDir: null,
        });
        const b = await buildApp(servicesB);
        try {
          const paper = await makePaper(a.db, { title: "Two nodes" });
          const today = new Date().toISOString().slice(0, 10);
          await insertEntry(a.db, { arxivId: paper.arxivId, feedDate: today, origin: "local" });
          const url = `/papers/${paper.arxivId}`;
          const anon = anonymous();
          await b.inject({ url, headers: { cookie: anon.cookie } });
          assert.equal((await b.inject({ url, headers: { cookie: anon.cookie } })).headers["x-cache"], "hit");
          const user = await makeUser(a.db);
          const c = await post(a.app, user, "/comments", {
            arxiv_id: paper.arxivId,
            body: "Seen from node B?",
          });
          assert.ok(c.statusCode < 400, `comment: ${c.statusCode} ${c.body.slice(0, 200)}`);
          const fresh = await b.inject({ url, headers: { cookie: anon.cookie } });
          assert.equal(fresh.headers["x-cache"], "miss");
          assert.match(fresh.body, /Seen from node B\?/);
        } finally {
          await b.close();
          await servicesB.close();
          await dbB.close();
          await a.close();
        }
      });
  });
}
