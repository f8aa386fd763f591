import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
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

    test("a vote or a comment leaves cached the pages that do not show its paper", async () => {
      const t = await openTestApp(backend, { env: { SECRET: TEST_SECRET } });
      try {
        const a = await makePaper(t.db, { title: "Capybaras in the wild", importedUpvotes: 3 });
        const b = await makePaper(t.db, {
          title: "Wombats at dusk",
          // Long enough for its API answer to be worth compressing.
          abstract: "Wombats dig burrows at night. ".repeat(100),
          importedUpvotes: 5,
        });
        await insertEntry(t.db, { arxivId: a.arxivId, feedDate: "2024-08-01", origin: "local" });
        await insertEntry(t.db, { arxivId: b.arxivId, feedDate: "2024-08-02", origin: "local" });
        // Made first: a new account is a change any page may show.
        const voter = await makeUser(t.db);
        const anon = { cookie: anonymous().cookie };
        const load = (url: string) => t.app.inject({ url, headers: anon });
        const pages = {
          paperA: `/papers/${a.arxivId}`,
          paperB: `/papers/${b.arxivId}`,
          dayA: "/papers/date/2024-08-01",
          dayB: "/papers/date/2024-08-02",
          monthBoth: "/papers/month/2024-08",
          searchB: "/search?q=wombats&mode=keyword",
          apiSearchB: "/api/papers/search?q=wombats",
          trending: "/papers/trending",
        };
        for (const url of Object.values(pages)) {
          assert.equal((await load(url)).statusCode, 200, url);
          assert.equal((await load(url)).headers["x-cache"], "hit", url);
        }
        const countOnPaperPage = async (url: string) => votes((await load(url)).body);
        const beforeA = votes((await load(pages.paperA)).body);

        const v = await post(t.app, voter, "/upvote", { arxiv_id: a.arxivId, vote: "1" });
        assert.ok(v.statusCode < 400, `vote: ${v.statusCode}`);
        const cacheOf = async (url: string) => (await load(url)).headers["x-cache"];
        // What shows paper A (its page, its day, the month, a ranking by votes) is rendered anew...
        for (const url of [pages.paperA, pages.dayA, pages.monthBoth, pages.trending])
          assert.equal(await cacheOf(url), "miss", url);
        assert.equal(await countOnPaperPage(pages.paperA), beforeA + 1);
        // ...and what does not stays in memory.
        for (const url of [pages.paperB, pages.dayB, pages.searchB, pages.apiSearchB])
          assert.equal(await cacheOf(url), "hit", url);

        const c = await post(t.app, voter, "/comments", { arxiv_id: b.arxivId, body: "Wombats, at last" });
        assert.ok(c.statusCode < 400, `comment: ${c.statusCode}`);
        const pageB = await load(pages.paperB);
        assert.equal(pageB.headers["x-cache"], "miss");
        assert.match(pageB.body, /Wombats, at last/);
        assert.equal(await cacheOf(pages.dayB), "miss", "the day's cards count comments");
        assert.equal(await cacheOf(pages.paperA), "hit");

        // An API answer (no form, no token in it) is kept compressed too, for clients that accept gzip.
        assert.equal(await cacheOf(pages.apiSearchB), "miss", "the comment was on B");
        const gz = await t.app.inject({
          url: pages.apiSearchB,
          headers: { ...anon, "accept-encoding": "gzip, br" },
        });
        assert.equal(gz.headers["x-cache"], "hit");
        assert.equal(gz.headers["content-encoding"], "gzip");
        const plain = await t.app.inject({ url: pages.apiSearchB, headers: anon });
        assert.equal(plain.headers["content-encoding"], undefined);
        assert.equal(gunzipSync(gz.rawPayload).toString(), plain.body);
        assert.match(plain.body, /Wombats at dusk/);

        // A change any page may show (here a paper's title) renders everything anew.
        await makePaper(t.db, { ...a, title: "Capybaras, renamed" });
        assert.equal(await cacheOf(pages.paperB), "miss");
        assert.match((await load(pages.dayA)).body, /Capybaras, renamed/);
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
