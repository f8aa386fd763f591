import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { makePaper, makeUser, post } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { formsOf, type PageForm } from "./forms.ts";

for (const backend of testBackends()) {
  describe(`collections from the paper page on ${backend}`, () => {
    let t: TestApp;
    before(async () => {
      t = await openTestApp(backend);
    });
    after(async () => {
      await t.close();
    });

    const paperPage = async (cookie: string, arxivId: string) => {
      const res = await t.app.inject({ url: `/papers/${arxivId}`, headers: { cookie } });
      assert.equal(res.statusCode, 200);
      return res.body;
    };
    /** Submits a form as the browser would, from the page it is on. */
    const submit = (cookie: string, form: PageForm, from: string, change: Record<string, string> = {}) =>
      t.app.inject({
        method: form.method.toUpperCase() as "POST",
        url: form.action,
        headers: {
          cookie,
          "content-type": "application/x-www-form-urlencoded",
          referer: `http://localhost:80${from}`,
        },
        payload: new URLSearchParams({ ...form.fields, ...change }).toString(),
      });
    const inCollection = async (slug: string, userId: number) =>
      (
        await t.db.query<{ arxiv_id: string }>(
          `select cp.arxiv_id from collection_papers cp join collections c on c.id = cp.collection_id
           where c.user_id = $1 and c.slug = $2 order by cp.arxiv_id`,
          [userId, slug],
        )
      ).map((r) => r.arxiv_id);

    test("the paper page's Add to collection form adds the paper, back on the paper, which then lists it with a Remove", async () => {
      const u = await makeUser(t.db);
      const p = await makePaper(t.db, { title: "A paper to collect" });
      for (const name of ["Reading", "Reading", "Kernels"])
        assert.equal((await post(t.app, u, "/collections", { name })).statusCode, 303);
      const from = `/papers/${p.arxivId}`;
      // the /collections list tells the namesakes apart too
      const list = (await t.app.inject({ url: "/collections", headers: { cookie: u.cookie } })).body;
      const notes = [...list.matchAll(/>Reading<\/a> <span class="muted">([^<]*)</g)].map((m) => m[1]);
      assert.equal(notes.length, 2);
      assert.notEqual(notes[0], notes[1]);
      const page = await paperPage(u.cookie, p.arxivId);
      const add = formsOf(page).find((f) => /Add to collection/.test(f.text));
      assert.ok(add, "an Add to collection form");
      assert.equal(add.method, "post");
      // the two collections named Reading are told apart
      const labels = add.options.slug.map((o) => o.label);
      assert.equal(labels.length, 3);
      assert.equal(new Set(labels).size, 3, `distinct labels: ${labels}`);
      const res = await submit(u.cookie, add, from, { slug: "reading-2" });
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, from);
      assert.deepEqual(await inCollection("reading-2", u.userId), [p.arxivId]);
      assert.deepEqual(await inCollection("reading", u.userId), []);
      // untouched, the select submits its first option
      const first = add.options.slug[0].value;
      assert.equal((await submit(u.cookie, add, from)).statusCode, 303);
      assert.deepEqual(await inCollection(first, u.userId), [p.arxivId]);

      // The page now shows the collections that hold it, each with a Remove, and offers only the rest.
      const again = await paperPage(u.cookie, p.arxivId);
      const removes = formsOf(again).filter((f) => f.fields.on === "0" && /Remove/.test(f.text));
      assert.deepEqual(
        removes.map((f) => f.action).sort(),
        [`/collections/${first}/papers`, "/collections/reading-2/papers"].sort(),
      );
      assert.match(again, /href="\/users\/[^"]+\/collections\/reading-2"/);
      const rest = formsOf(again).find((f) => /Add to collection/.test(f.text));
      assert.equal(rest?.options.slug.length, 1);
      const gone = await submit(
        u.cookie,
        removes.find((f) => f.action.includes("reading-2")) as PageForm,
        from,
      );
      assert.equal(gone.statusCode, 303);
      assert.equal(gone.headers.location, from);
      assert.deepEqual(await inCollection("reading-2", u.userId), []);
      assert.equal(
        formsOf(await paperPage(u.cookie, p.arxivId)).filter(
          (f) => f.fields.on === "0" && /Remove/.test(f.text),
        ).length,
        1,
      );
    });

    test("Add to collection: someone else's slug or an unknown one is a 404 and adds nothing", async () => {
      const owner = await makeUser(t.db);
      const other = await makeUser(t.db);
      const p = await makePaper(t.db);
      await post(t.app, owner, "/collections", { name: "Mine" });
      await post(t.app, other, "/collections", { name: "Theirs" });
      const add = formsOf(await paperPage(other.cookie, p.arxivId)).find((f) =>
        /Add to collection/.test(f.text),
      );
      assert.ok(add);
      for (const slug of ["mine", "nope"]) {
        const res = await submit(other.cookie, add, `/papers/${p.arxivId}`, { slug });
        assert.equal(res.statusCode, 404);
      }
      assert.deepEqual(await inCollection("mine", owner.userId), []);
      // the form's own CSRF token is required
      const forged = await submit(other.cookie, add, `/papers/${p.arxivId}`, { _csrf: "forged" });
      assert.equal(forged.statusCode, 403);
    });

    test("New collection on the paper page makes it and adds the paper; for an unknown paper it makes nothing", async () => {
      const u = await makeUser(t.db);
      const p = await makePaper(t.db);
      const from = `/papers/${p.arxivId}`;
      const make = formsOf(await paperPage(u.cookie, p.arxivId)).find((f) => /Create and add/.test(f.text));
      assert.ok(make);
      const made = await submit(u.cookie, make, from, { name: "Fresh" });
      assert.equal(made.statusCode, 303);
      assert.deepEqual(await inCollection("fresh", u.userId), [p.arxivId]);
      const ghost = await submit(u.cookie, make, from, { name: "ghost2", arxiv_id: "2608.99999" });
      assert.equal(ghost.statusCode, 404);
      assert.match(ghost.body, /no such paper/);
      const rows = await t.db.query("select 1 from collections where user_id = $1 and name = 'ghost2'", [
        u.userId,
      ]);
      assert.equal(rows.length, 0, "no collection made for a missing paper");
      const list = await t.app.inject({ url: "/collections", headers: { cookie: u.cookie } });
      assert.doesNotMatch(list.body, /ghost2/);
    });

    test("a profile lists the public collections, namesakes told apart; the owner also sees the private ones", async () => {
      const username = `profiled_${process.pid}`;
      const owner = await makeUser(t.db, { username });
      const other = await makeUser(t.db, { username: `visitor_${process.pid}` });
      const p = await makePaper(t.db);
      await post(t.app, owner, "/collections", { name: "Reading", public: "1", arxiv_id: p.arxivId });
      await post(t.app, owner, "/collections", { name: "Reading", public: "1" });
      await post(t.app, owner, "/collections", { name: "Secret plans" });
      const items = (body: string) =>
        [...body.matchAll(/<ul class="collections">([\s\S]*?)<\/ul>/g)]
          .flatMap((m) => [...m[1].matchAll(/<li>([\s\S]*?)<\/li>/g)])
          .map((m) =>
            m[1]
              .replace(/<[^>]+>/g, "")
              .replace(/\s+/g, " ")
              .trim(),
          );
      for (const cookie of [other.cookie, ""]) {
        const res = await t.app.inject({ url: `/users/${username}`, headers: { cookie } });
        assert.equal(res.statusCode, 200);
        const listed = items(res.body);
        assert.equal(listed.length, 2, `${listed}`);
        assert.equal(new Set(listed).size, 2, `namesakes told apart: ${listed}`);
        assert.ok(listed.every((l) => l.startsWith("Reading")));
        assert.ok(listed.some((l) => /1 paper\b/.test(l)));
        assert.doesNotMatch(res.body, /Secret plans/);
        assert.match(res.body, new RegExp(`href="/users/${username}/collections/reading-2"`));
      }
      const own = await t.app.inject({ url: `/users/${username}`, headers: { cookie: owner.cookie } });
      const mine = items(own.body);
      assert.equal(mine.length, 3);
      assert.ok(
        mine.some((l) => /^Secret plans .*private/.test(l)),
        `${mine}`,
      );
      // someone with none shows no Collections heading to others
      const empty = await t.app.inject({
        url: `/users/visitor_${process.pid}`,
        headers: { cookie: owner.cookie },
      });
      assert.equal(empty.statusCode, 200);
      assert.doesNotMatch(empty.body, /<h2>Collections/);
    });
  });
}
