import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { makePaper, makeUser, post } from "./helpers.ts";

/** Vectors from the OWASP XSS filter evasion cheat sheet, plus Markdown-specific ones. */
export const XSS_VECTORS = [
  "<script>alert(1)</script>",
  '"><script>alert(1)</script>',
  "<IMG SRC=x onerror=alert(1)>",
  "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
  "<IMG SRC=javascript:alert(&quot;XSS&quot;)>",
  "<svg/onload=alert(1)>",
  "<BODY ONLOAD=alert('XSS')>",
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">click</a>',
  '<div style="background-image: url(javascript:alert(1))">x</div>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(1);">',
  '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
  "[click](javascript:alert(1))",
  "[click](JaVaScRiPt:alert(1))",
  "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "![x](javascript:alert(1))",
  '[x](https://example.org "onmouseover=alert(1)")',
  "$<img src=x onerror=alert(1)>$",
  "`<script>alert(1)</script>`",
];

/** Markup that would run script if it reached the browser unescaped. */
const DANGEROUS = [
  /<script/i,
  /<(img|svg|iframe|body|meta|object|embed|style|div)\b/i,
  // MathML comes only from the server's TeX renderer, and never with links or styles.
  /<m\w*[^>]*\s(href|xlink:href|style|src)\s*=/i,
  /<[^>]+\son\w+\s*=/i,
  /<[^>]*\b(href|src)\s*=\s*["']?\s*(javascript|data|vbscript):/i,
];

function assertInert(fragment: string, label: string) {
  for (const re of DANGEROUS) assert.doesNotMatch(fragment, re, `${label}: ${fragment.slice(0, 200)}`);
}

for (const backend of testBackends()) {
  describe(`stored XSS renders inert on ${backend}`, () => {
    let t: TestApp;
    before(async () => {
      t = await openTestApp(backend);
    });
    after(async () => {
      await t.close();
    });

    test("OWASP vectors in comments", async () => {
      const paper = await makePaper(t.db);
      const users = await Promise.all(XSS_VECTORS.map(() => makeUser(t.db)));
      for (const [i, body] of XSS_VECTORS.entries()) {
        const res = await post(t.app, users[i], "/comments", { arxiv_id: paper.arxivId, body });
        assert.equal(res.statusCode, 303, body);
      }
      const html = (await t.app.inject({ url: `/papers/${paper.arxivId}` })).body;
      const bodies = [...html.matchAll(/<div class="comment-body">([\s\S]*?)<\/div>/g)].map((m) => m[1]);
      assert.equal(bodies.length, XSS_VECTORS.length);
      for (const [i, b] of bodies.entries()) assertInert(b, XSS_VECTORS[i]);
      // The text is still there for people to read.
      assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
    });

    test("hostile imported usernames and paper titles are escaped everywhere they appear", async () => {
      const evilName = '<script>alert("name")</script>';
      const evilTitle = '<img src=x onerror=alert("title")>';
      const paper = await makePaper(t.db, { title: evilTitle });
      const rows = await t.db.query<{ id: number }>(
        `insert into users (username, display_name, origin) values ($1, $1, 'hf') returning id`,
        [evilName],
      );
      await t.db.query(
        `insert into feed_entries (arxiv_id, feed_date, submitted_by, origin) values ($1, current_date, $2, 'hf')`,
        [paper.arxivId, rows[0].id],
      );
      await t.db.query(`insert into comments (arxiv_id, user_id, body) values ($1, $2, 'hello')`, [
        paper.arxivId,
        rows[0].id,
      ]);
      const mod = await makeUser(t.db, { role: "moderator" });
      await post(t.app, mod, "/mod/feed/hide", {
        arxiv_id: paper.arxivId,
        reason: '<svg onload=alert("reason")>',
      });
      const pages = [`/papers/${paper.arxivId}`, `/users/${encodeURIComponent(evilName)}`, "/moderation"];
      for (const url of pages) {
        const res = await t.app.inject({ url, headers: { cookie: mod.cookie } });
        assert.equal(res.statusCode, 200, url);
        assert.equal(res.body.includes(evilName), false, `${url} shows the raw name`);
        assert.equal(res.body.includes(evilTitle), false, `${url} shows the raw title`);
        assert.equal(res.body.includes('<svg onload=alert("reason")>'), false, `${url} shows the raw reason`);
      }
      const profile = await t.app.inject({ url: `/users/${encodeURIComponent(evilName)}` });
      assert.ok(profile.body.includes("&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;"));
      assert.ok(profile.body.includes("&lt;img src=x onerror=alert(&quot;title&quot;)&gt;"));
    });
  });
}
