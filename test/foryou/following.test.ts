import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { followAuthor, syncPaperAuthors } from "../../src/authors/store.ts";
import { onboardingDone, topicsFollowedByUser } from "../../src/recommend/store.ts";
import { saveTopic } from "../../src/topics/commands.ts";
import type { Topic } from "../../src/topics/store.ts";
import { makePaper, makeUser, post } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { formOf, setField, submit, tick } from "./forms.ts";

let seq = 0;

for (const backend of testBackends()) {
  describe(`following topics and authors, as a person does it, on ${backend}`, () => {
    let t: TestApp;
    before(async () => {
      t = await openTestApp(backend);
    });
    after(async () => {
      await t.close();
    });

    const get = (url: string, cookie: string) => t.app.inject({ url, headers: { cookie } });
    /** Follows "NAME 1" … "NAME n" straight in the table (keys as authorKey makes them). */
    const followNumbered = (userId: number, name: string, n: number) =>
      t.db.query(
        `insert into author_follows (user_id, author_key, author_name)
         select $1, lower($2) || ' ' || i, $2 || ' ' || i from generate_series(1, $3) i`,
        [userId, name, n],
      );
    const newTopic = async (): Promise<Topic> => {
      seq += 1;
      const saved = await saveTopic(t.db, {
        query: `followtopic${seq}${process.pid}`,
        name: `Follow topic ${seq}`,
      });
      assert.ok(saved.ok);
      return saved.topic;
    };
    const forYouTopics = async (userId: number) =>
      (await topicsFollowedByUser(t.db, userId)).map((r) => r.id);
    const digestTopics = async (userId: number) =>
      (
        await t.db.query<{ topic_id: number }>(
          `select st.topic_id from subscriber_topics st join subscribers s on s.id = st.subscriber_id where s.user_id = $1`,
          [userId],
        )
      ).map((r) => r.topic_id);

    test("a topic followed in onboarding shows as followed on its page, and Unfollow there removes it from For you", async () => {
      const u = await makeUser(t.db);
      const topic = await newTopic();
      const start = await get("/for-you/start", u.cookie);
      const form = tick(formOf(start.body, "/for-you/start"), String(topic.id), true);
      assert.equal((await submit(t.app, u.cookie, form)).statusCode, 303);
      assert.deepEqual(await forYouTopics(u.userId), [topic.id]);

      const page = await get(`/topics/${topic.slug}`, u.cookie);
      assert.match(page.body, /✓ Following in <a href="\/for-you">For you<\/a>/);
      assert.doesNotMatch(page.body, /Follow in my digest/);
      const unfollow = formOf(page.body, `/topics/${topic.slug}/unfollow`);
      assert.equal((await submit(t.app, u.cookie, unfollow)).statusCode, 303);
      assert.deepEqual(await forYouTopics(u.userId), []);
      const again = await get(`/topics/${topic.slug}`, u.cookie);
      assert.match(again.body, /Follow in my digest/);
      assert.doesNotMatch(again.body, /Unfollow/);
      const restart = await get("/for-you/start", u.cookie);
      assert.equal(
        formOf(restart.body, "/for-you/start").boxes.find((b) => b.value === String(topic.id))?.checked,
        false,
      );
    });

    test("Follow then Unfollow on the topic page leaves no For-you interest; the digest follow still works", async () => {
      const u = await makeUser(t.db);
      const topic = await newTopic();
      const page = await get(`/topics/${topic.slug}`, u.cookie);
      assert.equal(
        (await submit(t.app, u.cookie, formOf(page.body, `/topics/${topic.slug}/follow`))).statusCode,
        303,
      );
      assert.deepEqual(await digestTopics(u.userId), [topic.id]);
      assert.deepEqual(await forYouTopics(u.userId), [topic.id]);
      const followed = await get(`/topics/${topic.slug}`, u.cookie);
      assert.match(followed.body, /✓ Following. In your digest/);
      // onboarding shows it ticked
      const start = await get("/for-you/start", u.cookie);
      assert.equal(
        formOf(start.body, "/for-you/start").boxes.find((b) => b.value === String(topic.id))?.checked,
        true,
      );
      await submit(t.app, u.cookie, formOf(followed.body, `/topics/${topic.slug}/unfollow`));
      assert.deepEqual(await digestTopics(u.userId), []);
      assert.deepEqual(await forYouTopics(u.userId), []);
    });

    test("unticking a topic on /for-you/start unfollows it, in For you and in the digest", async () => {
      const u = await makeUser(t.db);
      const [a, b, c] = [await newTopic(), await newTopic(), await newTopic()];
      // c is followed in the digest from its page
      const cPage = await get(`/topics/${c.slug}`, u.cookie);
      await submit(t.app, u.cookie, formOf(cPage.body, `/topics/${c.slug}/follow`));
      const start = await get("/for-you/start", u.cookie);
      const form = formOf(start.body, "/for-you/start");
      tick(form, String(a.id), true);
      tick(form, String(b.id), true);
      await submit(t.app, u.cookie, form);
      assert.deepEqual((await forYouTopics(u.userId)).sort(), [a.id, b.id, c.id].sort());

      const back = formOf((await get("/for-you/start", u.cookie)).body, "/for-you/start");
      for (const x of [a, b, c])
        assert.equal(back.boxes.find((box) => box.value === String(x.id))?.checked, true);
      tick(back, String(a.id), false);
      tick(back, String(c.id), false);
      assert.equal((await submit(t.app, u.cookie, back)).statusCode, 303);
      assert.deepEqual(await forYouTopics(u.userId), [b.id]);
      assert.deepEqual(await digestTopics(u.userId), []);
      assert.match((await get(`/topics/${a.slug}`, u.cookie)).body, /Follow in my digest/);
      assert.match((await get(`/topics/${b.slug}`, u.cookie)).body, /✓ Following in/);
    });
    test("a stale /for-you/start tab keeps a topic followed elsewhere after it was opened", async () => {
      const u = await makeUser(t.db);
      const [kept, dropped, picked] = [await newTopic(), await newTopic(), await newTopic()];
      const first = await get("/for-you/start", u.cookie);
      await submit(t.app, u.cookie, tick(formOf(first.body, "/for-you/start"), String(dropped.id), true));
      // the tab is opened: dropped is ticked, kept and picked are not
      const stale = formOf((await get("/for-you/start", u.cookie)).body, "/for-you/start");
      // then, in another tab, kept is followed from its page
      const keptPage = await get(`/topics/${kept.slug}`, u.cookie);
      await submit(t.app, u.cookie, formOf(keptPage.body, `/topics/${kept.slug}/follow`));
      assert.deepEqual((await forYouTopics(u.userId)).sort(), [kept.id, dropped.id].sort());
      // the stale tab unticks dropped and ticks picked: kept, which it showed unticked, stays
      tick(stale, String(dropped.id), false);
      tick(stale, String(picked.id), true);
      assert.equal((await submit(t.app, u.cookie, stale)).statusCode, 303);
      assert.deepEqual((await forYouTopics(u.userId)).sort(), [kept.id, picked.id].sort());
      assert.deepEqual(await digestTopics(u.userId), [kept.id]);
    });
    test("an author with no papers, followed, has a page to unfollow from, and followed authors are listed on /for-you/start", async () => {
      const u = await makeUser(t.db);
      assert.equal((await get("/authors/Nobody%20Atall", u.cookie)).statusCode, 404);
      const followed = await post(t.app, u, "/authors/follow", { name: "Nobody Atall", on: "1" });
      assert.equal(followed.headers.location, "/authors/Nobody%20Atall");
      const page = await get("/authors/Nobody%20Atall", u.cookie);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Nobody Atall<\/h1>/);
      assert.match(page.body, /No papers yet/);
      assert.match(page.body, /Following ✓ \(unfollow\)/);
      // named in onboarding's textarea, too
      const start = await get("/for-you/start", u.cookie);
      assert.match(start.body, /<a href="\/authors\/Nobody%20Atall">Nobody Atall<\/a>/);
      const form = setField(
        formOf(start.body, "/for-you/start"),
        "authors",
        "Ada Lovelace\nSomeone Else Entirely",
      );
      await submit(t.app, u.cookie, form);
      const listed = await get("/for-you/start", u.cookie);
      const again = formOf(listed.body, "/for-you/start");
      assert.deepEqual(
        again.boxes
          .filter((b) => b.name === "followed_author" && b.checked)
          .map((b) => b.value)
          .sort(),
        ["Ada Lovelace", "Nobody Atall", "Someone Else Entirely"],
      );
      assert.equal((await get("/authors/Someone%20Else%20Entirely", u.cookie)).statusCode, 200);
      // unticked on /for-you/start: unfollowed
      tick(again, "Someone Else Entirely", false);
      await submit(t.app, u.cookie, again);
      assert.equal((await get("/authors/Someone%20Else%20Entirely", u.cookie)).statusCode, 404);
      // Unfollow on the page: back to the list, and the page is a 404 again
      const unfollow = formOf((await get("/authors/Nobody%20Atall", u.cookie)).body, "/authors/follow");
      const res = await submit(t.app, u.cookie, unfollow);
      assert.equal(res.headers.location, "/for-you/start");
      assert.equal((await get("/authors/Nobody%20Atall", u.cookie)).statusCode, 404);
      const left = formOf((await get("/for-you/start", u.cookie)).body, "/for-you/start");
      assert.deepEqual(
        left.boxes.filter((b) => b.name === "followed_author").map((b) => b.value),
        ["Ada Lovelace"],
      );
      // an author with papers is unfollowed back to their page
      await makePaper(t.db, { authors: [{ name: "Ada Lovelace" }] });
      const ada = formOf((await get("/authors/Ada%20Lovelace", u.cookie)).body, "/authors/follow");
      assert.equal((await submit(t.app, u.cookie, ada)).headers.location, "/authors/Ada%20Lovelace");
    });
    test("follows at once cannot step past the cap", async () => {
      const u = await makeUser(t.db);
      await followNumbered(u.userId, "Burst Author", 490);
      const tries = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => followAuthor(t.db, u.userId, `Burst Newcomer ${i}`)),
      );
      const [{ n }] = await t.db.query<{ n: number }>(
        "select count(*)::int as n from author_follows where user_id = $1",
        [u.userId],
      );
      assert.equal(n, 500);
      assert.equal(tries.filter((r) => r.status === "rejected").length, 30);
    });

    test("author follows stop at 500, with one message on the author page and on onboarding; a swap at the cap fits", async () => {
      const u = await makeUser(t.db);
      await followNumbered(u.userId, "Capped Author", 500);
      const full = /You follow 500 authors, the most one person can\. Unfollow one to follow another\./;
      const refused = await post(t.app, u, "/authors/follow", { name: "One Too Many", on: "1" });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, full);
      // following one already followed is no new follow, and is not refused
      const again = await post(t.app, u, "/authors/follow", { name: "Capped Author 7", on: "1" });
      assert.equal(again.statusCode, 303);
      const topic = await newTopic();
      const start = formOf((await get("/for-you/start", u.cookie)).body, "/for-you/start");
      setField(tick(start, String(topic.id), true), "authors", "One Too Many");
      const named = await submit(t.app, u.cookie, start);
      assert.equal(named.statusCode, 400);
      assert.match(named.body, full);
      // refused before anything was written: the ticked topic is not followed either
      assert.deepEqual(await forYouTopics(u.userId), []);
      tick(start, "Capped Author 3", false);
      assert.equal((await submit(t.app, u.cookie, start)).statusCode, 303);
      const keys = await t.db.query<{ author_key: string }>(
        "select author_key from author_follows where user_id = $1",
        [u.userId],
      );
      assert.equal(keys.length, 500);
      assert.ok(keys.some((k) => k.author_key === "one too many"));
      assert.ok(!keys.some((k) => k.author_key === "capped author 3"));
    });
    test("at the cap, onboarding counts a follow not yet re-keyed (an older key) as the author it is", async () => {
      const u = await makeUser(t.db);
      await followNumbered(u.userId, "Rekey Author", 499);
      // Ada's follow as an older authorKey stored it, before the author-index job re-keys it.
      await t.db.query(
        "insert into author_follows (user_id, author_key, author_name) values ($1, 'ada lovelace (old key)', 'Ada Lovelace')",
        [u.userId],
      );
      const start = formOf((await get("/for-you/start", u.cookie)).body, "/for-you/start");
      setField(start, "authors", "Ada Lovelace");
      const named = await submit(t.app, u.cookie, start);
      assert.equal(named.statusCode, 303, "Ada is followed already: 500 follows, not 501");
      const [{ n }] = await t.db.query<{ n: number }>(
        "select count(*)::int as n from author_follows where user_id = $1 and author_name = 'Ada Lovelace'",
        [u.userId],
      );
      assert.ok(n >= 1);
    });
    test("TeX and unaccented spellings of names reach the author's page, and a TeX follow is shown decoded", async () => {
      const u = await makeUser(t.db);
      const tag = process.pid;
      const names = {
        gahler: await makePaper(t.db, { title: `Gähler paper ${tag}`, authors: [{ name: "Franz Gähler" }] }),
        balazs: await makePaper(t.db, { title: `Balázs paper ${tag}`, authors: [{ name: "C. Balázs" }] }),
        obro: await makePaper(t.db, { title: `Øbro paper ${tag}`, authors: [{ name: "Mikkel Øbro" }] }),
        muller: await makePaper(t.db, { title: `Müller paper ${tag}`, authors: [{ name: "Thomas Müller" }] }),
        strasse: await makePaper(t.db, {
          title: `Straße paper ${tag}`,
          authors: [{ name: "Hans Stra\\ss{}e" }],
        }),
      };
      const spellings: [keyof typeof names, string][] = [
        ["gahler", 'Franz G{\\"a}hler'],
        ["gahler", 'Franz G\\"{a}hler'],
        ["balazs", "C. Bal{\\'a}zs"],
        ["balazs", "C. Balazs"],
        ["obro", "Mikkel {\\O}bro"],
        ["obro", "Mikkel Obro"],
        ["muller", 'Thomas M\\"uller'],
        ["strasse", "Hans Straße"],
        ["strasse", "Hans Strasse"],
      ];
      for (const [who, spelling] of spellings) {
        const res = await get(`/authors/${encodeURIComponent(spelling)}`, u.cookie);
        assert.equal(res.statusCode, 200, spelling);
        assert.match(res.body, new RegExp(names[who].title), spelling);
      }
      assert.match((await get("/authors/Mikkel%20Obro", u.cookie)).body, /<h1>Mikkel Øbro<\/h1>/);
      // spellings that only look alike are other people: no guess between them
      assert.equal((await get("/authors/Thomas%20Mueller", u.cookie)).statusCode, 404);
      // followed as typed in TeX: listed and labelled as read, with the papers' key
      const start = await get("/for-you/start", u.cookie);
      await submit(
        t.app,
        u.cookie,
        setField(formOf(start.body, "/for-you/start"), "authors", 'Franz G\\"ahler\nThomas M{\\"u}ller'),
      );
      const follows = await t.db.query<{ author_key: string; author_name: string }>(
        "select author_key, author_name from author_follows where user_id = $1 order by author_key",
        [u.userId],
      );
      assert.deepEqual(follows, [
        { author_key: "franz gahler", author_name: "Franz Gähler" },
        { author_key: "thomas muller", author_name: "Thomas Müller" },
      ]);
      const listed = (await get("/for-you/start", u.cookie)).body;
      assert.match(listed, />Franz Gähler<\/a>/);
      assert.match((await get("/authors/Thomas%20M%C3%BCller", u.cookie)).body, /Following ✓/);
    });

    test("keys stored by the older authorKey are rebuilt by the author-index job, not in a page", async () => {
      const u = await makeUser(t.db);
      const p = await makePaper(t.db, {
        title: `Old key paper ${process.pid}`,
        authors: [{ name: "Jens {\\O}lgaard" }],
      });
      await get("/authors/Jens%20Olgaard", u.cookie);
      // as the previous key made them: braces and \O split the word
      await t.db.query("update paper_authors set author_key = 'jens o lgaard' where arxiv_id = $1", [
        p.arxivId,
      ]);
      await t.db.query(
        "insert into author_follows (user_id, author_key, author_name) values ($1, 'jens o lgaard', $2)",
        [u.userId, "Jens {\\O}lgaard"],
      );
      await t.db.query("update paper_authors_sync set key_version = 0");
      // a page does not wait for the re-key (on all of arXiv, a scan of every paper): it reads the
      // keys as they are
      await get("/authors/Jens%20Olgaard", u.cookie);
      const [{ key_version }] = await t.db.query<{ key_version: number }>(
        "select key_version from paper_authors_sync",
      );
      assert.equal(key_version, 0);
      const [stale] = await t.db.query<{ author_key: string }>(
        "select author_key from author_follows where user_id = $1",
        [u.userId],
      );
      assert.equal(stale.author_key, "jens o lgaard");
      // the job's sync, several at once (as two nodes after a deploy): one re-key per process
      await Promise.all([1, 2, 3].map(() => syncPaperAuthors(t.db)));
      const pages = await Promise.all([1, 2, 3].map(() => get("/authors/Jens%20Olgaard", u.cookie)));
      for (const other of pages.slice(1)) assert.equal(other.body.includes("Old key paper"), true);
      const page = pages[0];
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Old key paper/);
      assert.match(page.body, /Following ✓/);
      const [row] = await t.db.query<{ author_key: string }>(
        "select author_key from author_follows where user_id = $1",
        [u.userId],
      );
      assert.equal(row.author_key, "jens olgaard");
    });
    test("unfollowing finds a follow the re-key has not moved yet", async () => {
      const u = await makeUser(t.db);
      await t.db.query(
        "insert into author_follows (user_id, author_key, author_name) values ($1, 'kai o berg', $2)",
        [u.userId, "Kai {\\O}berg"],
      );
      const res = await post(t.app, u, "/authors/follow", { name: "Kai Øberg", on: "0" });
      assert.equal(res.statusCode, 303);
      const rows = await t.db.query("select 1 from author_follows where user_id = $1", [u.userId]);
      assert.equal(rows.length, 0);
    });

    test("a page catches up a small backlog itself and leaves an import's to the job", async () => {
      await syncPaperAuthors(t.db);
      const names = [1, 2, 3].map((i) => `Backlog Author${i} ${process.pid}`);
      for (const name of names) await makePaper(t.db, { title: `Backlog ${name}`, authors: [{ name }] });
      // three papers to catch up, more than a page's share of 2: nothing is read
      assert.equal(await syncPaperAuthors(t.db, { inlineMax: 2 }), 0);
      const keyed = async () =>
        (
          await t.db.query("select 1 from paper_authors where author_key = any($1::text[])", [
            names.map((n) => n.toLowerCase()),
          ])
        ).length;
      assert.equal(await keyed(), 0);
      assert.ok((await syncPaperAuthors(t.db, { inlineMax: 10_000 })) >= 3);
      assert.equal(await keyed(), 3);
    });

    test("a quiet store re-reads nothing: the sync restarts from its own clock, not the newest paper", async () => {
      const p = await makePaper(t.db, { title: `Quiet ${process.pid}`, authors: [{ name: "Quiet Author" }] });
      // every paper written an hour ago (beyond the overlap), then a first, full sync: the next
      // reads nothing (measured from the newest paper seen, it re-read every one of them)
      await t.db.query("update papers set modified_at = now() - interval '1 hour'");
      await t.db.query("delete from paper_authors_sync");
      assert.ok((await syncPaperAuthors(t.db)) > 0);
      assert.equal(await syncPaperAuthors(t.db), 0);
      const [{ n }] = await t.db.query<{ n: number }>(
        "select count(*)::int as n from paper_authors where arxiv_id = $1",
        [p.arxivId],
      );
      assert.equal(n, 1);
    });

    test("a confirmed new account is offered onboarding until it picks something; an empty pick does not count", async () => {
      const u = await makeUser(t.db);
      const offer = /<a href="\/for-you\/start">Pick topics, authors or papers for your For-you feed<\/a>/;
      assert.match((await get("/verify-email/done", u.cookie)).body, offer);
      assert.match(
        (await t.app.inject({ url: "/signup/done" })).body,
        /pick topics, authors or papers for your For-you feed/,
      );
      const start = await get("/for-you/start", u.cookie);
      const empty = await submit(t.app, u.cookie, formOf(start.body, "/for-you/start"));
      assert.equal(empty.headers.location, "/for-you/start?empty=1");
      assert.match((await get("/for-you/start?empty=1", u.cookie)).body, /Nothing was picked/);
      assert.equal(await onboardingDone(t.db, u.userId), false);
      assert.match((await get("/for-you", u.cookie)).body, /Pick a few topics, authors or papers/);
      const named = setField(formOf(start.body, "/for-you/start"), "authors", "Ada Lovelace");
      assert.equal((await submit(t.app, u.cookie, named)).headers.location, "/for-you");
      assert.equal(await onboardingDone(t.db, u.userId), true);
      assert.doesNotMatch((await get("/verify-email/done", u.cookie)).body, offer);
    });
    test("author names up to 200 characters work in the page, the follow and onboarding alike; longer ones get one clear message", async () => {
      const u = await makeUser(t.db);
      const long = `Ann ${"Ö".repeat(146)}`; // 150 characters, 880 once percent-encoded
      assert.equal((await get(`/authors/${encodeURIComponent(long)}`, u.cookie)).statusCode, 404);
      const start = await get("/for-you/start", u.cookie);
      await submit(t.app, u.cookie, setField(formOf(start.body, "/for-you/start"), "authors", long));
      const page = await get(`/authors/${encodeURIComponent(long)}`, u.cookie);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /No papers yet/);
      const tooLong = `Ann ${"Ö".repeat(197)}`; // 201
      const res = await get(`/authors/${encodeURIComponent(tooLong)}`, u.cookie);
      assert.equal(res.statusCode, 400);
      assert.match(String(res.headers["content-type"]), /text\/html/);
      assert.match(res.body, /An author name has at most 200 characters/);
      const follow = await post(t.app, u, "/authors/follow", { name: tooLong, on: "1" });
      assert.equal(follow.statusCode, 400);
      assert.match(follow.body, /An author name has at most 200 characters/);
      const named = await submit(
        t.app,
        u.cookie,
        setField(formOf(start.body, "/for-you/start"), "authors", tooLong),
      );
      assert.equal(named.statusCode, 400);
      assert.match(named.body, /An author name has at most 200 characters/);
    });
  });
}
