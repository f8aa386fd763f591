import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { followAuthor } from "../../src/authors/store.ts";
import { loadConfig } from "../../src/config.ts";
import type { DeliveryDeps } from "../../src/email/deps.ts";
import { DigestSources } from "../../src/email/digest-sources.ts";
import { enqueueDueDigests } from "../../src/email/enqueue.ts";
import { ensureSubscriber } from "../../src/email/subscribers-store.ts";
import { runDigestWorker } from "../../src/email/worker.ts";
import { importSampleIfEmpty } from "../../src/ingest/sample.ts";
import { saveSet } from "../../src/library/store.ts";
import { upsertPapers } from "../../src/papers/store.ts";
import { CandidatePools } from "../../src/recommend/pools.ts";
import { DIGEST_SHARE_OF_BEST, LIKE_LINE, recommendFor } from "../../src/recommend/service.ts";
import { digestShownIds } from "../../src/recommend/store.ts";
import { runEmbedding } from "../../src/search/embed/jobs.ts";
import { createSearchService } from "../../src/search/service.ts";
import type { TopicSearch } from "../../src/topics/papers.ts";
import { makeUser } from "../community/helpers.ts";
import { seedPapers, TUESDAY, testDelivery } from "../email/fixture.ts";
import { screenshotMail } from "../helpers/browser.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp.ts";
import { subjectPaper } from "./corpus.ts";

for (const backend of testBackends()) {
  describe(`the For-you digest section on ${backend}`, () => {
    let db: TestDb;
    let smtp: TestSmtp;
    let d: DeliveryDeps;
    const clock = { now: TUESDAY };
    before(async () => {
      db = await openTestDb(backend);
      smtp = await startTestSmtp();
      d = testDelivery(db, smtp.url, clock);
    });
    after(async () => {
      await d.mailer.close();
      await smtp.close();
      await db.close();
    });

    test("comes after trending, says why, shows each paper once, and is not offered again", async () => {
      const seeded = await seedPapers(db);
      const u = await makeUser(db, { now: new Date("2026-11-01T00:00:00Z") });
      const old = new Date("2026-10-01T00:00:00Z");
      const monday = new Date("2026-11-23T12:00:00Z");
      const saved = [0, 1, 2].map(() => subjectPaper("speech", { publishedAt: old }));
      const fresh = [0, 1, 2].map(() => subjectPaper("speech", { publishedAt: monday }));
      const filler = [0, 1, 2, 3].map(() => subjectPaper("filler", { publishedAt: monday }));
      await upsertPapers(db, [...saved, ...fresh, ...filler]);
      for (const p of saved) await saveSet(db, u.userId, p.arxivId, true);
      // the trending paper is also like the saves: it must appear once, in trending
      await saveSet(db, u.userId, seeded.medicalOld.arxivId, true);
      const sub = await ensureSubscriber(db, `foryou_${process.pid}@example.com`, {
        userId: u.userId,
        confirmed: true,
        now: new Date("2026-11-01T00:00:00Z"),
      });
      assert.ok(sub.userId === u.userId);
      assert.equal(await enqueueDueDigests(db, clock.now), 1);
      const stats = await runDigestWorker(d, {});
      assert.equal(stats.sent, 1);
      const mail = await smtp.nextMessage();
      const text = mail.text ?? "";
      const html = typeof mail.html === "string" ? mail.html : "";
      const trendingAt = text.indexOf("Trending today");
      const forYouAt = text.indexOf("For you (");
      assert.ok(trendingAt >= 0 && forYouAt > trendingAt, "For you comes after trending");
      const forYouText = text.slice(forYouAt);
      assert.ok(
        fresh.some((p) => forYouText.includes(p.title)),
        "a new speech paper is recommended",
      );
      assert.match(forYouText, /Because you saved “/);
      assert.match(html, />For you</);
      assert.match(html, /Because you saved/);
      if (backend === "pglite") await screenshotMail("digest-for-you", html);
      for (const p of [...fresh, seeded.trending, seeded.medicalOnFeed]) {
        const n = text.split(`/papers/${p.arxivId}\n`).length - 1;
        assert.ok(n <= 1, `${p.arxivId} appears ${n} times`);
      }
      for (const p of saved)
        assert.ok(!text.includes(`/papers/${p.arxivId}\n`), "saved papers are not recommended");
      for (const p of filler)
        assert.ok(
          !forYouText.includes(`/papers/${p.arxivId}\n`),
          "a paper unlike anything saved does not pad the section",
        );
      // what the digest showed is recorded and never recommended again
      const shownIds = new Set(await digestShownIds(db, u.userId));
      assert.ok(fresh.some((p) => shownIds.has(p.arxivId)));
      assert.ok(shownIds.has(seeded.trending.arxivId));
      const again = await recommendFor(db, new CandidatePools(db), u.userId, {
        now: clock.now,
        since: new Date("2026-11-20T00:00:00Z"),
        limit: 20,
        search: createSearchService({ db }),
      });
      assert.ok(again.items.every((i) => !shownIds.has(i.paper.arxivId)));
    });

    test("a batch records what each person's digest showed, also when sending stops midway", async () => {
      const tuesday = new Date("2026-11-24T12:00:00Z");
      const old = new Date("2026-10-01T00:00:00Z");
      const fresh = [0, 1, 2].map(() => subjectPaper("speech", { publishedAt: tuesday }));
      const saved = [0, 1].map(() => subjectPaper("speech", { publishedAt: old }));
      await upsertPapers(db, [...fresh, ...saved]);
      const people = [];
      for (let i = 0; i < 3; i++) {
        const u = await makeUser(db, { now: new Date("2026-11-01T00:00:00Z") });
        for (const p of saved) await saveSet(db, u.userId, p.arxivId, true);
        await ensureSubscriber(db, `batch${i}_${process.pid}@example.com`, {
          userId: u.userId,
          confirmed: true,
          now: new Date("2026-11-01T00:00:00Z"),
        });
        people.push(u.userId);
      }
      clock.now = new Date("2026-11-25T09:00:00Z");
      assert.equal(await enqueueDueDigests(db, clock.now), 4, "three new subscribers and the first test's");
      const stop = new Error("stopped");
      await assert.rejects(
        runDigestWorker(d, {
          batchSize: 10,
          beforeSend: (_row, i) => {
            if (i === 3) throw stop;
          },
        }),
        stop,
      );
      const mails = [0, 1, 2].map(() => smtp.nextMessage());
      const shownOf = (userId: number) => digestShownIds(db, userId);
      const recorded = await Promise.all(people.map(shownOf));
      const texts = await Promise.all(mails);
      // Rows go out in id order: the first test's subscriber, then two of the three new ones.
      assert.ok(recorded[0].length > 0 && recorded[1].length > 0, "both sent digests are recorded");
      for (const ids of recorded.slice(0, 2))
        for (const id of ids)
          assert.ok(
            texts.some((m) => (m.text ?? "").includes(`/papers/${id}\n`)),
            `${id} was in a sent digest`,
          );
      assert.deepEqual(recorded[2], [], "the digest never sent records nothing");
    });
  });
}

for (const backend of testBackends()) {
  describe(`the For-you digest section mails only clear matches, on ${backend}`, () => {
    let db: TestDb;
    before(async () => {
      db = await openTestDb(backend);
      await importSampleIfEmpty(db);
    });
    after(async () => {
      await db.close();
    });

    test("papers barely above the model’s line are left out; a followed author’s paper stays", async () => {
      // The sample's real papers: three 2007 quark papers saved, then seven weeks of 2026 papers
      // (machine learning: a few the model scores 0.19, then a tail from 0.023 down).
      const u = await makeUser(db, { now: new Date("2026-08-01T00:00:00Z") });
      const saves = await db.query<{ arxiv_id: string }>(
        "select arxiv_id from papers where title ilike '%quark%' order by arxiv_id limit 3",
      );
      assert.equal(saves.length, 3);
      for (const s of saves) await saveSet(db, u.userId, s.arxiv_id, true);
      const window = {
        windowStart: new Date("2026-06-30T00:00:00Z"),
        windowEnd: new Date("2026-08-21T00:00:00Z"),
      };
      const search = createSearchService({ db });
      const digest = await new DigestSources(db, search).digestFor({
        frequency: "weekly",
        ...window,
        topicIds: [],
        userId: u.userId,
      });
      const above = new Set(digest.trending.map((p) => p.arxivId));
      const ranked = await recommendFor(db, new CandidatePools(db), u.userId, {
        now: window.windowEnd,
        since: window.windowStart,
        limit: 200,
        exclude: above,
        search,
      });
      const score = new Map(ranked.items.map((i) => [i.paper.arxivId, i.score]));
      const best = Math.max(...ranked.items.map((i) => i.score));
      const bar = Math.max(LIKE_LINE, best * DIGEST_SHARE_OF_BEST);
      // what the digest took before: the eight best on the model's side of its line, tail and all
      const before = await recommendFor(db, new CandidatePools(db), u.userId, {
        now: window.windowEnd,
        since: window.windowStart,
        limit: 8,
        minScore: LIKE_LINE,
        exclude: above,
        search,
      });
      assert.ok(
        before.items.some((i) => i.score > LIKE_LINE && i.score < bar),
        `the old digest took papers just above the line: ${before.items.map((i) => i.score.toFixed(3))}`,
      );
      assert.ok(digest.forYou.length > 0);
      for (const p of digest.forYou)
        assert.ok((score.get(p.arxivId) ?? 0) >= bar, `${p.arxivId} scored ${score.get(p.arxivId)} < ${bar}`);
      // a followed author's paper is a fact, not a guess: mailed whatever its score
      const faint = ranked.items.find((i) => i.score > LIKE_LINE && i.score < bar);
      assert.ok(faint);
      await followAuthor(db, u.userId, faint.paper.authors[0].name);
      const followed = await new DigestSources(db, search).digestFor({
        frequency: "weekly",
        ...window,
        topicIds: [],
        userId: u.userId,
      });
      assert.ok(followed.forYou.some((p) => p.arxivId === faint.paper.arxivId));
    });
  });
}

for (const backend of testBackends()) {
  describe(`the For-you digest section mails only papers like those it names, on ${backend}`, () => {
    let db: TestDb;
    const window = {
      windowStart: new Date("2026-08-13T00:00:00Z"),
      windowEnd: new Date("2026-08-21T00:00:00Z"),
    };
    before(async () => {
      db = await openTestDb(backend);
      // The site as a first start leaves it: the sample, and the built-in model embedding it.
      await importSampleIfEmpty(db);
      await runEmbedding(db, loadConfig({}));
    });
    after(async () => {
      await db.close();
    });

    const readerOf = async (titleLike: string) => {
      const u = await makeUser(db, { now: new Date("2026-08-01T00:00:00Z") });
      const saves = await db.query<{ arxiv_id: string }>(
        "select arxiv_id from papers where title ilike $1 order by arxiv_id limit 3",
        [`%${titleLike}%`],
      );
      assert.equal(saves.length, 3);
      for (const s of saves) await saveSet(db, u.userId, s.arxiv_id, true);
      return u.userId;
    };
    const digestOf = (userId: number, search: TopicSearch) =>
      new DigestSources(db, search).digestFor({ frequency: "weekly", ...window, topicIds: [], userId });

    test("a week with nothing like a quark physicist's papers mails them no For-you paper", async () => {
      const userId = await readerOf("quark");
      const search = createSearchService({ db });
      // The page's list: the week's best papers score on the model's side of its line, but are
      // like no saved paper, so they are all weaker matches there, and none is mailed.
      const page = await recommendFor(db, new CandidatePools(db), userId, {
        now: window.windowEnd,
        since: window.windowStart,
        limit: 30,
        search,
      });
      assert.ok(
        page.items.some((i) => i.score > LIKE_LINE),
        `the week has papers above the model's line: ${page.items.map((i) => i.score.toFixed(3))}`,
      );
      assert.deepEqual(
        page.items.filter((i) => !i.weak).map((i) => i.paper.title),
        [],
        "shown as close matches of quark papers",
      );
      // and their reason names the nearest saved papers, not a cause
      for (const i of page.items) assert.match(i.why.join(" · "), /^Nearest to /);
      const digest = await digestOf(userId, search);
      assert.deepEqual(
        digest.forYou.map((p) => p.title),
        [],
        `mailed as like quark papers: ${digest.forYou.map((p) => p.title).join(" · ")}`,
      );
    });

    test("a reinforcement-learning reader's week still mails its papers, each with its reason", async () => {
      const userId = await readerOf("reinforcement learning");
      const search = createSearchService({ db });
      const digest = await digestOf(userId, search);
      assert.ok(digest.forYou.length > 0);
      const page = await recommendFor(db, new CandidatePools(db), userId, {
        now: window.windowEnd,
        since: window.windowStart,
        limit: 30,
        search,
      });
      // The close matches come first on the page, the mailed ones among them.
      const firstWeak = page.items.findIndex((i) => i.weak);
      assert.ok(firstWeak !== 0, "the page has close matches");
      if (firstWeak > 0) assert.ok(page.items.slice(firstWeak).every((i) => i.weak));
      const close = new Set(page.items.filter((i) => !i.weak).map((i) => i.paper.arxivId));
      for (const p of digest.forYou)
        assert.ok(close.has(p.arxivId), `${p.title} mailed, not close on the page`);
      for (const p of digest.forYou) assert.match(digest.forYouWhy?.[p.arxivId] ?? "", /^Because you saved/);
    });
  });
}
