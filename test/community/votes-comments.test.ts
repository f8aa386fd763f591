import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { paperById } from "../../src/papers/store.ts";
import { totalComments, totalUpvotes } from "../../src/papers/types.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { anonymous, makePaper, makeUser, post } from "./helpers.ts";

const ip = (i: number) => `10.9.${Math.floor(i / 250)}.${i % 250}`;

for (const backend of testBackends()) {
  describe(`upvotes and comments on ${backend}`, () => {
    let t: TestApp;
    before(async () => {
      t = await openTestApp(backend);
    });
    after(async () => {
      await t.close();
    });

    test("100 parallel upvotes from 100 users give exactly 100, on top of imported ones", async () => {
      const paper = await makePaper(t.db, { importedUpvotes: 7 });
      const users = await Promise.all(Array.from({ length: 100 }, () => makeUser(t.db)));
      const results = await Promise.all(
        users.map((u, i) =>
          post(
            t.app,
            u,
            "/upvote",
            { arxiv_id: paper.arxivId, vote: "1" },
            { ip: ip(i), headers: { accept: "application/json" } },
          ),
        ),
      );
      assert.deepEqual([...new Set(results.map((r) => r.statusCode))], [200]);
      const stored = await paperById(t.db, paper.arxivId);
      assert.equal(stored?.localUpvotes, 100);
      assert.equal(stored?.importedUpvotes, 7);
      assert.equal(totalUpvotes(stored as NonNullable<typeof stored>), 107);
      const rows = await t.db.query<{ n: number }>(
        `select count(*)::int as n from upvotes where arxiv_id = $1`,
        [paper.arxivId],
      );
      assert.equal(rows[0].n, 100);
      assert.equal(Math.max(...results.map((r) => r.json().upvotes)), 107);
    });

    test("one vote per user: parallel repeats count once, undo takes it back, repeat undo is a no-op", async () => {
      const paper = await makePaper(t.db);
      const u = await makeUser(t.db);
      const same = await Promise.all(
        Array.from({ length: 10 }, () =>
          post(
            t.app,
            u,
            "/upvote",
            { arxiv_id: paper.arxivId, vote: "1" },
            { headers: { accept: "application/json" } },
          ),
        ),
      );
      assert.deepEqual(
        same.map((r) => r.json()),
        Array.from({ length: 10 }, () => ({ arxivId: paper.arxivId, upvoted: true, upvotes: 1 })),
      );
      const undo = await post(
        t.app,
        u,
        "/upvote",
        { arxiv_id: paper.arxivId, vote: "0" },
        { headers: { accept: "application/json" } },
      );
      assert.deepEqual(undo.json(), { arxivId: paper.arxivId, upvoted: false, upvotes: 0 });
      const again = await post(
        t.app,
        u,
        "/upvote",
        { arxiv_id: paper.arxivId, vote: "0" },
        { headers: { accept: "application/json" } },
      );
      assert.equal(again.json().upvotes, 0);
      assert.equal((await paperById(t.db, paper.arxivId))?.localUpvotes, 0);
    });

    test("the JSON API takes the CSRF token in a header", async () => {
      const paper = await makePaper(t.db, { importedUpvotes: 2 });
      const u = await makeUser(t.db);
      const res = await t.app.inject({
        method: "POST",
        url: "/api/upvote",
        headers: { cookie: u.cookie, "x-csrf-token": u.csrf, "content-type": "application/json" },
        payload: { arxiv_id: paper.arxivId, vote: "1" },
      });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { arxivId: paper.arxivId, upvoted: true, upvotes: 3 });
      const api = await t.app.inject({ url: `/api/papers/${paper.arxivId}` });
      assert.equal(api.json().upvotes, 3);
    });

    test("without JavaScript a vote is a form post that returns to the page it came from", async () => {
      const paper = await makePaper(t.db);
      const u = await makeUser(t.db);
      const res = await post(
        t.app,
        u,
        "/upvote",
        { arxiv_id: paper.arxivId, vote: "1" },
        { headers: { referer: "http://localhost:80/papers/trending?page=2", host: "localhost:80" } },
      );
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, "/papers/trending?page=2");
      const evil = await post(
        t.app,
        u,
        "/upvote",
        { arxiv_id: paper.arxivId, vote: "1" },
        { headers: { referer: "https://evil.example/x" } },
      );
      assert.equal(evil.headers.location, `/papers/${paper.arxivId}`);
    });

    test("votes need an account, a real paper and a valid value; nothing is stored otherwise", async () => {
      const paper = await makePaper(t.db);
      const anon = await post(t.app, anonymous(), "/upvote", { arxiv_id: paper.arxivId, vote: "1" });
      assert.equal(anon.statusCode, 401);
      const u = await makeUser(t.db);
      assert.equal((await post(t.app, u, "/upvote", { arxiv_id: "2401.99999", vote: "1" })).statusCode, 404);
      assert.equal((await post(t.app, u, "/upvote", { arxiv_id: "' or 1=1 --", vote: "1" })).statusCode, 400);
      assert.equal((await post(t.app, u, "/upvote", { arxiv_id: paper.arxivId, vote: "2" })).statusCode, 400);
      const rows = await t.db.query<{ n: number }>(
        `select count(*)::int as n from upvotes where user_id = $1`,
        [u.userId],
      );
      assert.equal(rows[0].n, 0);
    });

    test("parallel comments from many users are all counted", async () => {
      const paper = await makePaper(t.db, { importedComments: 3 });
      const users = await Promise.all(Array.from({ length: 40 }, () => makeUser(t.db)));
      const res = await Promise.all(
        users.map((u, i) =>
          post(t.app, u, "/comments", { arxiv_id: paper.arxivId, body: `comment ${i}` }, { ip: ip(i) }),
        ),
      );
      assert.deepEqual([...new Set(res.map((r) => r.statusCode))], [303]);
      const stored = await paperById(t.db, paper.arxivId);
      assert.equal(stored?.localComments, 40);
      assert.equal(totalComments(stored as NonNullable<typeof stored>), 43);
      const page = await t.app.inject({ url: `/papers/${paper.arxivId}` });
      // The page counts what it shows; Hugging Face's own count is a separate link.
      assert.match(page.body, /Discussion <span class="muted">\(40\)<\/span>/);
      assert.match(
        page.body,
        /href="https:\/\/huggingface.co\/papers\/[^"]+#community"[^>]*>3 on Hugging Face</,
      );
      const api = await t.app.inject({ url: `/api/papers/${paper.arxivId}` });
      assert.equal(api.json().numComments, 43);
    });

    test("threads: reply, edit, delete; a deleted comment with replies stays as [deleted]", async () => {
      const paper = await makePaper(t.db);
      const a = await makeUser(t.db, { username: "threadA" });
      const b = await makeUser(t.db, { username: "threadB" });
      const top = await post(t.app, a, "/comments", {
        arxiv_id: paper.arxivId,
        body: "Top *level* with $a_1 * b_1$",
      });
      const topId = Number(/comment-(\d+)/.exec(String(top.headers.location))?.[1]);
      const reply = await post(t.app, b, "/comments", {
        arxiv_id: paper.arxivId,
        parent_id: String(topId),
        body: "A reply",
      });
      assert.equal(reply.statusCode, 303);
      const lone = await post(t.app, b, "/comments", { arxiv_id: paper.arxivId, body: "Soon gone" });
      const loneId = Number(/comment-(\d+)/.exec(String(lone.headers.location))?.[1]);

      let html = (await t.app.inject({ url: `/papers/${paper.arxivId}`, headers: { cookie: a.cookie } }))
        .body;
      // TeX is rendered on the server as MathML, untouched by Markdown (underscores, stars).
      assert.match(
        html,
        /Top <em>level<\/em> with <math><semantics><mrow><msub><mi>a<\/mi><mn>1<\/mn><\/msub><mo>∗<\/mo>/,
      );
      assert.match(html, new RegExp(`id="comment-${topId}"[\\s\\S]*class="replies"[\\s\\S]*A reply`));

      assert.equal((await post(t.app, b, `/comments/${topId}/edit`, { body: "hijack" })).statusCode, 403);
      assert.equal((await post(t.app, a, `/comments/${topId}/edit`, { body: "Edited top" })).statusCode, 303);
      assert.equal((await post(t.app, a, `/comments/${topId}/delete`, {})).statusCode, 303);
      assert.equal((await post(t.app, b, `/comments/${loneId}/delete`, {})).statusCode, 303);
      html = (await t.app.inject({ url: `/papers/${paper.arxivId}` })).body;
      assert.match(html, /\[deleted\]/);
      assert.match(html, /A reply/);
      assert.doesNotMatch(html, /Edited top|Soon gone/);
      assert.equal(
        html.includes(`id="comment-${loneId}"`),
        false,
        "a deleted comment without replies disappears",
      );
      assert.equal((await paperById(t.db, paper.arxivId))?.localComments, 1);

      const toDeleted = await post(t.app, b, "/comments", {
        arxiv_id: paper.arxivId,
        parent_id: String(topId),
        body: "late",
      });
      assert.equal(toDeleted.statusCode, 400);
      assert.match(toDeleted.body, /was removed; replies are closed/);
    });

    test("bad comments get a clear message and store nothing", async () => {
      const paper = await makePaper(t.db);
      const other = await makePaper(t.db);
      const u = await makeUser(t.db);
      const elsewhere = await post(t.app, u, "/comments", {
        arxiv_id: other.arxivId,
        body: "on the other paper",
      });
      const otherId = /comment-(\d+)/.exec(String(elsewhere.headers.location))?.[1] ?? "";
      const cases: [Record<string, string>, number, RegExp][] = [
        [{ arxiv_id: paper.arxivId, body: "   " }, 400, /Write something/],
        [{ arxiv_id: paper.arxivId, body: "x".repeat(10_001) }, 400, /at most 10000/],
        [{ arxiv_id: paper.arxivId, body: "x".repeat(30_000) }, 400, /too long/],
        [{ arxiv_id: paper.arxivId, parent_id: "999999", body: "hi" }, 400, /does not exist/],
        [{ arxiv_id: paper.arxivId, parent_id: otherId, body: "hi" }, 400, /does not exist/],
        [{ arxiv_id: paper.arxivId, parent_id: "1; drop table comments", body: "hi" }, 400, /does not exist/],
        [{ arxiv_id: "2401.99999", body: "hi" }, 404, /no such paper/],
      ];
      for (const [fields, status, message] of cases) {
        const res = await post(t.app, u, "/comments", fields);
        assert.equal(res.statusCode, status, JSON.stringify(fields).slice(0, 80));
        assert.match(res.body, message);
      }
      const rows = await t.db.query<{ n: number }>(
        `select count(*)::int as n from comments where arxiv_id = $1`,
        [paper.arxivId],
      );
      assert.equal(rows[0].n, 0);
      assert.equal((await paperById(t.db, paper.arxivId))?.localComments, 0);
    });

    test("comments are rate limited per user with Retry-After", async () => {
      const paper = await makePaper(t.db);
      const u = await makeUser(t.db);
      const codes: number[] = [];
      for (let i = 0; i < 11; i++)
        codes.push(
          (await post(t.app, u, "/comments", { arxiv_id: paper.arxivId, body: `n${i}` }, { ip: "10.8.0.1" }))
            .statusCode,
        );
      assert.deepEqual(codes, [...Array(10).fill(303), 429]);
      const last = await post(
        t.app,
        u,
        "/comments",
        { arxiv_id: paper.arxivId, body: "again" },
        { ip: "10.8.0.1" },
      );
      assert.ok(Number(last.headers["retry-after"]) > 0);
      assert.match(last.body, /429 · Too many requests/);
      // The route's limit applies before its body is read: a body the parser refuses still gets 429.
      const unparsed = await t.app.inject({
        method: "POST",
        url: "/comments",
        headers: { cookie: u.cookie, "content-type": "application/json" },
        payload: "{not json",
        remoteAddress: "10.8.0.1",
      });
      assert.equal(unparsed.statusCode, 429);
    });

    test("the profile lists submissions, comments and upvoted papers", async () => {
      const paper = await makePaper(t.db, { title: "Profiled paper" });
      const u = await makeUser(t.db, { username: "profiled" });
      await post(t.app, u, "/upvote", { arxiv_id: paper.arxivId, vote: "1" });
      await post(t.app, u, "/comments", { arxiv_id: paper.arxivId, body: "My profile comment" });
      await t.db.query(
        `insert into feed_entries (arxiv_id, feed_date, submitted_by, origin) values ($1, '2024-08-09', $2, 'local')`,
        [paper.arxivId, u.userId],
      );
      const res = await t.app.inject({ url: "/users/PROFILED" });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Submissions \(1\)[\s\S]*Profiled paper/);
      assert.match(res.body, /Comments \(1\)[\s\S]*My profile comment/);
      assert.match(res.body, /Upvoted papers \(1\)[\s\S]*Profiled paper/);
      assert.equal((await t.app.inject({ url: "/users/nobody-here" })).statusCode, 404);
    });
  });
}
