import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { subscriberByUser } from "../../src/email/subscribers-store.ts";
import { texHtml } from "../../src/web/views/tex.ts";
import { anonymous, cookiesAfter, makePaper, makeUser, post } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp.ts";

/** What a newcomer hit on the site (issue 15's broken list), checked on the served HTML. */
describe("the site as a newcomer sees it", () => {
  let t: TestApp;
  let smtp: TestSmtp;
  before(async () => {
    smtp = await startTestSmtp();
    t = await openTestApp("pglite", { env: { SMTP_URL: smtp.url } });
  });
  after(async () => {
    await t?.close();
    await smtp?.close();
  });
  const get = (url: string, cookie = "") => t.app.inject({ url, headers: cookie ? { cookie } : {} });

  test("comment counts count the comments shown; Hugging Face's count is a separate link", async () => {
    const paper = await makePaper(t.db, { importedComments: 1 });
    const page = await get(`/papers/${paper.arxivId}`);
    assert.match(page.body, /Discussion <span class="muted">\(0\)<\/span>/);
    assert.match(page.body, /No comments yet/);
    assert.match(page.body, /<span class="big">0<\/span> comments/);
    assert.match(
      page.body,
      /href="https:\/\/huggingface.co\/papers\/[^"]+#community"[^>]*>1 on Hugging Face</,
    );
    const u = await makeUser(t.db);
    for (const body of ["first", "second"])
      assert.equal((await post(t.app, u, "/comments", { arxiv_id: paper.arxivId, body })).statusCode, 303);
    const after2 = await get(`/papers/${paper.arxivId}`);
    assert.match(after2.body, /Discussion <span class="muted">\(2\)<\/span>/);
    assert.equal([...after2.body.matchAll(/<article class="comment"/g)].length, 2);
  });

  test("every text input has a type, so one style applies to all of them", async () => {
    const mod = await makeUser(t.db, { role: "admin" });
    const pages = [
      await get("/signup"),
      await get("/login"),
      await get("/submit", mod.cookie),
      await get("/topics/new"),
      await get("/mod", mod.cookie),
      await get("/settings/digest", mod.cookie),
    ];
    for (const p of pages) {
      assert.equal(p.statusCode, 200, p.body.slice(0, 200));
      const untyped = [...p.body.matchAll(/<input\b(?![^>]*\btype=)[^>]*>/g)].map((m) => m[0]);
      assert.deepEqual(untyped, []);
    }
  });

  test("digest settings are linked from the account menu and from one's own profile", async () => {
    const u = await makeUser(t.db, { username: "menuuser" });
    const home = await get("/search", u.cookie);
    assert.match(home.body, /<details class="menu-root">[\s\S]*href="\/settings\/digest"/);
    const profile = await get("/users/menuuser", u.cookie);
    assert.match(profile.body, /class="settings-links"[\s\S]*href="\/settings\/digest"/);
    const other = await get("/users/menuuser");
    assert.doesNotMatch(other.body, /class="settings-links"/);
  });

  test("a confirmed account follows a topic at once, sees it followed, and gets no mail", async () => {
    const u = await makeUser(t.db, { username: "follower", verified: true });
    const before = smtp.messages.length;
    const saved = await post(t.app, u, "/topics", { q: "medical benchmark", name: "Medical benchmark" });
    assert.equal(saved.statusCode, 303);
    const topicUrl = String(saved.headers.location);
    const topicPage = await get(topicUrl, u.cookie);
    assert.match(topicPage.body, /In your digest/);
    assert.doesNotMatch(topicPage.body, /Follow in my digest/);
    const settings = await get("/settings/digest", u.cookie);
    assert.match(
      settings.body,
      /<input type="checkbox" name="topic" value="\d+" checked> <a href="\/topics\/[^"]+">Medical benchmark<\/a>/,
    );
    assert.equal(smtp.messages.length, before, "no confirmation mail for a confirmed address");
    const sub = await subscriberByUser(t.db, u.userId);
    assert.equal(sub?.status, "confirmed");
  });

  test("an unconfirmed account's topic is listed as pending until the address is confirmed", async () => {
    const u = await makeUser(t.db, { username: "newcomer", verified: false });
    const saved = await post(t.app, u, "/topics", { q: "graph transformers", name: "Graph transformers" });
    assert.equal(saved.statusCode, 303);
    const topicPage = await get(String(saved.headers.location), u.cookie);
    assert.match(topicPage.body, /Saved to your digest \(pending\)/);
    const settings = await get("/settings/digest", u.cookie);
    assert.doesNotMatch(settings.body, /No topics yet/);
    assert.match(settings.body, /Graph transformers<\/a> <span class="chip">pending<\/span>/);
  });

  test("period links appear once, and the search page has one search box", async () => {
    await makePaper(t.db);
    const search = await get("/search?q=things");
    assert.equal([...search.body.matchAll(/<input type="search"/g)].length, 1);
    const trending = await get("/papers/trending");
    assert.equal([...trending.body.matchAll(/>Weekly<\/a>/g)].length, 1);
    assert.match(trending.body, /href="\/papers\/trending" aria-current="page"/);
  });

  test("theme and view choices are remembered in cookies by a plain form post", async () => {
    const anon = anonymous();
    const res = await post(t.app, anon, "/prefs", { theme: "dark", next: "/papers/trending" });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, "/papers/trending");
    const cookie = cookiesAfter(anon.cookie, res.headers["set-cookie"]);
    assert.match(cookie, /dp_theme=dark/);
    const dark = await get("/papers/trending", cookie);
    assert.match(dark.body, /<html lang="en" data-theme="dark">/);
    const list = await post(t.app, { cookie, csrf: anon.csrf }, "/prefs", {
      view: "list",
      next: "//evil.example",
    });
    assert.equal(list.headers.location, "/", "no open redirect");
    const listed = await get("/papers/trending", cookiesAfter(cookie, list.headers["set-cookie"]));
    assert.match(listed.body, /value="list" class="icon-button" aria-pressed="true"/);
    assert.equal((await post(t.app, anon, "/prefs", { theme: "purple" })).statusCode, 400);
    const plain = await get("/papers/trending");
    assert.match(plain.body, /<html lang="en">/);
  });

  test("search suggestions offer titles, authors and topics as one types", async () => {
    const paper = await makePaper(t.db, {
      title: "Élan: Graph Transformers at Scale",
      authors: [{ name: "Zoë Grapheme" }],
    });
    await post(t.app, anonymous(), "/topics", { q: "graph", name: "Graph learning" });
    const res = await get("/api/suggest?q=graph");
    assert.equal(res.statusCode, 200);
    const kinds = (res.json().suggestions as { kind: string; label: string; href: string }[]).map(
      (s) => `${s.kind}:${s.label}:${s.href}`,
    );
    assert.ok(
      kinds.includes(`paper:Élan: Graph Transformers at Scale:/papers/${paper.arxivId}`),
      kinds.join("\n"),
    );
    assert.ok(kinds.includes(`author:Zoë Grapheme:/search?q=${encodeURIComponent('author:"Zoë Grapheme"')}`));
    assert.ok(kinds.some((k) => k.startsWith("topic:Graph learning:/topics/")));
    const accents = await get("/api/suggest?q=elan");
    assert.equal(accents.json().suggestions[0]?.href, `/papers/${paper.arxivId}`, "accents fold");
    assert.deepEqual((await get("/api/suggest?q=g")).json().suggestions, []);
  });

  test("there is a skip link to the main content", async () => {
    const res = await get("/topics");
    assert.match(res.body, /<a class="skip-link" href="#main">Skip to content<\/a>/);
    assert.match(res.body, /<main id="main"/);
  });
});

describe("the site's name and tagline are the operator's", () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp("pglite", {
      env: { SITE_NAME: "Lab <Papers>", SITE_TAGLINE: "What our lab reads" },
    });
  });
  after(async () => t?.close());

  test("SITE_NAME and SITE_TAGLINE appear in the header, titles and footer, escaped", async () => {
    const res = await t.app.inject({ url: "/topics" });
    assert.match(res.body, /<title>Topics · Lab &lt;Papers&gt;<\/title>/);
    assert.match(res.body, /<span class="brand-name">Lab &lt;Papers&gt;<\/span>/);
    assert.match(res.body, /What our lab reads/);
    assert.doesNotMatch(res.body, /Daily Papers<\/span>/);
  });
});

describe("TeX renders as MathML on the server, and only math", () => {
  test("math spans become MathML; the text around them stays escaped", () => {
    const out = texHtml("Bounds of $O(n^2)$ for <b>all</b> & more").value;
    assert.match(out, /^Bounds of <math>/);
    assert.match(out, /<msup><mi>n<\/mi><mn[^>]*>2<\/mn><\/msup>/);
    assert.match(out, /for &lt;b&gt;all&lt;\/b&gt; &amp; more$/);
  });

  test("markup inside math cannot escape it, and no style or link attribute survives", () => {
    for (const tex of [
      "$<img src=x onerror=alert(1)>$",
      "$\\href{javascript:alert(1)}{x}$",
      "$\\textcolor{red}{x}\\htmlStyle{color:red}{y}$",
      '$x" onmouseover="alert(1)$',
      "$\\text{</math><script>alert(1)</script>}$",
    ]) {
      const out = texHtml(tex).value;
      assert.doesNotMatch(out, /<(img|script|a)\b/i, out);
      assert.doesNotMatch(out, /<[^>]*\s(style|href|on\w+|src)=/i, out);
    }
  });

  test("dollar amounts and broken TeX stay as written", () => {
    assert.equal(texHtml("costs $5 and $10").value, "costs $5 and $10");
    assert.equal(texHtml("bad $\\frac{$ here").value, "bad $\\frac{$ here");
  });
});
