import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { anonymous, makePaper, makeUser, post } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";

const json = { headers: { accept: "application/json" } };

for (const backend of testBackends()) {
  describe(`saves, collections, not-interested and authors on ${backend}`, () => {
    let t: TestApp;
    before(async () => {
      t = await openTestApp(backend);
    });
    after(async () => {
      await t.close();
    });

    test("a duplicate save is idempotent, unsave undoes it, an unknown paper is a 404", async () => {
      const u = await makeUser(t.db);
      const p = await makePaper(t.db);
      for (let i = 0; i < 3; i++)
        assert.equal((await post(t.app, u, "/save", { arxiv_id: p.arxivId, on: "1" }, json)).statusCode, 200);
      const rows = await t.db.query<{ n: number }>(
        "select count(*)::int as n from saves where user_id = $1",
        [u.userId],
      );
      assert.equal(rows[0].n, 1);
      const list = await t.app.inject({ url: "/saves", headers: { cookie: u.cookie } });
      assert.match(list.body, new RegExp(p.title));
      await post(t.app, u, "/save", { arxiv_id: p.arxivId, on: "0" });
      const after0 = await t.db.query<{ n: number }>(
        "select count(*)::int as n from saves where user_id = $1",
        [u.userId],
      );
      assert.equal(after0[0].n, 0);
      const unknown = await post(t.app, u, "/save", { arxiv_id: "2401.99999", on: "1" }, json);
      assert.equal(unknown.statusCode, 404);
      assert.equal((await post(t.app, u, "/save", { arxiv_id: "not an id", on: "1" }, json)).statusCode, 400);
      // without the CSRF token the form is refused
      const forged = await post(t.app, { cookie: u.cookie, csrf: "forged" }, "/save", {
        arxiv_id: p.arxivId,
        on: "1",
      });
      assert.equal(forged.statusCode, 403);
      // anonymous: log in first
      assert.equal(
        (await post(t.app, anonymous(), "/save", { arxiv_id: p.arxivId, on: "1" }, json)).statusCode,
        401,
      );
    });

    test("exports: BibTeX and JSON of the saves, with TeX kept and braces balanced", async () => {
      const u = await makeUser(t.db);
      const p = await makePaper(t.db, {
        title: "On $\\alpha$-Nets {unbalanced & 100% fast",
        authors: [{ name: "Bernhard Schölkopf" }, { name: "Yann LeCun" }],
        publishedAt: new Date("2024-08-09T00:00:00Z"),
      });
      await post(t.app, u, "/save", { arxiv_id: p.arxivId, on: "1" });
      const bib = await t.app.inject({ url: "/saves.bib", headers: { cookie: u.cookie } });
      assert.equal(bib.statusCode, 200);
      assert.match(bib.body, new RegExp(`@misc\\{arxiv:${p.arxivId.replace(".", "\\.")},`));
      assert.match(bib.body, /title = \{\{On \$\\alpha\$-Nets unbalanced \\& 100\\% fast\}\}/);
      assert.match(bib.body, /author = \{Bernhard Schölkopf and Yann LeCun\}/);
      assert.match(bib.body, /year = \{2024\}/);
      const js = await t.app.inject({ url: "/saves.json", headers: { cookie: u.cookie } });
      const body = JSON.parse(js.body);
      assert.equal(body.saves.length, 1);
      assert.equal(body.saves[0].arxivId, p.arxivId);
      assert.deepEqual(body.saves[0].authors, ["Bernhard Schölkopf", "Yann LeCun"]);
    });

    test("not interested is undoable", async () => {
      const u = await makeUser(t.db);
      const p = await makePaper(t.db);
      await post(t.app, u, "/dismiss", { arxiv_id: p.arxivId, on: "1" });
      const count = async () =>
        (
          await t.db.query<{ n: number }>("select count(*)::int as n from dismissals where user_id = $1", [
            u.userId,
          ])
        )[0].n;
      assert.equal(await count(), 1);
      await post(t.app, u, "/dismiss", { arxiv_id: p.arxivId, on: "0" });
      assert.equal(await count(), 0);
    });

    test("collections: a 10,000-character name is refused clearly; private ones are 404 to others; public ones have feeds", async () => {
      const owner = await makeUser(t.db, { username: `owner_${process.pid}` });
      const other = await makeUser(t.db);
      const p = await makePaper(t.db, { title: "A collected paper" });
      const long = await post(t.app, owner, "/collections", { name: "x".repeat(10_000) });
      assert.equal(long.statusCode, 400);
      assert.match(long.body, /too long \(at most 100 characters\)/);
      const made = await post(t.app, owner, "/collections", {
        name: "Über $\\alpha$ reading",
        arxiv_id: p.arxivId,
      });
      assert.equal(made.statusCode, 303);
      const path = made.headers.location as string;
      assert.equal(path, `/users/owner_${process.pid}/collections/uber-alpha-reading`);
      const mine = await t.app.inject({ url: path, headers: { cookie: owner.cookie } });
      assert.equal(mine.statusCode, 200);
      assert.match(mine.body, /A collected paper/);
      for (const who of [other.cookie, anonymous().cookie]) {
        const res = await t.app.inject({ url: path, headers: { cookie: who } });
        assert.equal(res.statusCode, 404);
        assert.doesNotMatch(res.body, /A collected paper/);
      }
      assert.equal((await t.app.inject({ url: `${path}/feed.atom` })).statusCode, 404);
      // the same name again gets its own slug
      const again = await post(t.app, owner, "/collections", { name: "Über $\\alpha$ reading" });
      assert.equal(again.headers.location, `${path}-2`);
      // made public: visible to all, with an Atom and an RSS feed
      await post(t.app, owner, "/collections/uber-alpha-reading/settings", {
        name: "Über α reading",
        public: "1",
      });
      const pub = await t.app.inject({ url: path, headers: { cookie: other.cookie } });
      assert.equal(pub.statusCode, 200);
      const atom = await t.app.inject({ url: `${path}/feed.atom` });
      assert.equal(atom.statusCode, 200);
      assert.match(atom.headers["content-type"] as string, /atom\+xml/);
      assert.match(atom.body, /<title>A collected paper<\/title>/);
      const rss = await t.app.inject({ url: `${path}/feed.rss` });
      assert.match(rss.body, /<rss/);
      // another person cannot add to it
      const foreign = await post(t.app, other, "/collections/uber-alpha-reading/papers", {
        arxiv_id: p.arxivId,
        on: "0",
      });
      assert.equal(foreign.statusCode, 404);
    });

    test("author pages: TeX and accented spellings reach one page, newest first, with a follow that undoes", async () => {
      const u = await makeUser(t.db);
      const older = await makePaper(t.db, {
        title: "Older kernel paper",
        authors: [{ name: 'B. Sch\\"olkopf' }],
        publishedAt: new Date("2020-01-01T00:00:00Z"),
      });
      const newer = await makePaper(t.db, {
        title: "Newer kernel paper",
        authors: [{ name: "B. Schölkopf" }, { name: "A. Smola" }],
        publishedAt: new Date("2023-01-01T00:00:00Z"),
      });
      for (const spelling of ["B. Schölkopf", 'B. Sch\\"olkopf', "b scholkopf"]) {
        const res = await t.app.inject({ url: `/authors/${encodeURIComponent(spelling)}` });
        assert.equal(res.statusCode, 200, spelling);
        assert.ok(res.body.indexOf(newer.title) < res.body.indexOf(older.title), "newest first");
      }
      // names on cards link to the author page
      const page = await t.app.inject({ url: `/authors/${encodeURIComponent("A. Smola")}` });
      assert.match(page.body, /href="\/authors\/B\.%20Sch%C3%B6lkopf"/);
      assert.equal((await t.app.inject({ url: "/authors/Nobody%20Here" })).statusCode, 404);
      assert.equal((await t.app.inject({ url: `/authors/${"x".repeat(300)}` })).statusCode, 400);
      await post(t.app, u, "/authors/follow", { name: 'B. Sch\\"olkopf', on: "1" });
      await post(t.app, u, "/authors/follow", { name: "B. Schölkopf", on: "1" });
      const rows = await t.db.query<{ author_key: string }>(
        "select author_key from author_follows where user_id = $1",
        [u.userId],
      );
      assert.deepEqual(
        rows.map((r) => r.author_key),
        ["b scholkopf"],
      );
      const followed = await t.app.inject({
        url: "/authors/B.%20Sch%C3%B6lkopf",
        headers: { cookie: u.cookie },
      });
      assert.match(followed.body, /Following ✓/);
      await post(t.app, u, "/authors/follow", { name: "b scholkopf", on: "0" });
      const none = await t.db.query("select 1 from author_follows where user_id = $1", [u.userId]);
      assert.equal(none.length, 0);
    });
  });
}
