import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { html } from "../../src/web/html.ts";
import { defaultPageParts } from "../../src/web/page-parts.ts";
import type { PaperSection } from "../../src/web/paper-sections.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { insertEntry, insertPapers, makePaper } from "../helpers/factories.ts";
import { IDS, seedFeed } from "../helpers/feed-fixture.ts";

/** The arXiv ids of the listed paper cards, in page order. */
function listed(body: string): string[] {
  return [...body.matchAll(/<li class="paper-card" data-arxiv-id="([^"]+)"/g)].map((m) => m[1]);
}

/** Extra sections given to the app, beside the default ones, in scrambled order. */
const testSections: PaperSection[] = [
  { id: "test-b", order: 20, place: "main", render: async () => html`<p>section B</p>` },
  {
    id: "test-a",
    order: 10,
    place: "main",
    render: async (paper) => html`<p>section A of ${paper.arxivId}</p>`,
  },
  { id: "test-side", order: 1, place: "side", render: async () => html`<p>side note</p>` },
];

for (const backend of testBackends()) {
  describe(`feed and paper pages on ${backend}`, () => {
    let t: TestApp;
    before(async () => {
      const parts = defaultPageParts();
      parts.paperSections.push(...testSections);
      t = await openTestApp(backend, { now: () => new Date("2024-08-12T12:00:00Z"), parts });
      await seedFeed(t.db);
    });
    after(async () => {
      await t?.close();
    });
    const get = (url: string) => t.app.inject({ method: "GET", url });

    test("/ shows the newest feed day under the site's name and neutral default tagline", async () => {
      const res = await get("/");
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<h1>Daily Papers · 12 Aug 2024<\/h1>/);
      assert.match(res.body, /New research papers, ranked by the people who read them/);
      assert.doesNotMatch(res.body, /by AK and the research community/);
      assert.match(res.body, /12 Aug 2024/);
      assert.deepEqual(listed(res.body), [IDS.G]);
    });

    test("a day lists its papers by upvotes, then comments, then date, without hidden entries", async () => {
      const res = await get("/papers/date/2024-08-09");
      assert.equal(res.statusCode, 200);
      assert.deepEqual(listed(res.body), [IDS.A, IDS.E, IDS.B, IDS.D, IDS.C]);
      assert.doesNotMatch(res.body, /Paper H hidden/);
      assert.match(res.body, /<span class="count">57<\/span>/);
      assert.match(res.body, /<span class="count">53<\/span>/, "imported and local upvotes add up");
      assert.match(res.body, /Submitted by AK on 9 Aug 2024/);
      assert.match(res.body, /5 papers, ordered by upvotes/);
      assert.match(res.body, /Paper D newer &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      assert.doesNotMatch(res.body, /<script>alert/);
      // previous and next skip days without papers
      assert.match(res.body, /href="\/papers\/date\/2024-08-07" rel="prev"/);
      assert.match(res.body, /href="\/papers\/date\/2024-08-12" rel="next"/);
      // the tabs open the week and month around the day
      assert.match(res.body, /href="\/papers\/week\/2024-W32"/);
      assert.match(res.body, /href="\/papers\/month\/2024-08"/);
    });

    test("a day without papers is a friendly empty page that links onwards", async () => {
      const res = await get("/papers/date/2024-08-10");
      assert.equal(res.statusCode, 200);
      assert.deepEqual(listed(res.body), []);
      assert.match(res.body, /No papers were submitted for 10 Aug 2024/);
      assert.match(res.body, /href="\/papers\/date\/2024-08-09" rel="prev"/);
      assert.match(res.body, /href="\/papers\/date\/2024-08-12" rel="next"/);
    });

    test("a week lists a paper submitted twice once, and its neighbours skip empty weeks", async () => {
      const res = await get("/papers/week/2024-W32");
      assert.equal(res.statusCode, 200);
      assert.deepEqual(listed(res.body), [IDS.A, IDS.E, IDS.B, IDS.D, IDS.C, IDS.F]);
      assert.match(res.body, /Week 32, 2024 \(5 Aug – 11 Aug\)/);
      assert.match(res.body, /href="\/papers\/week\/2024-W27" rel="prev"/);
      assert.match(res.body, /href="\/papers\/week\/2024-W33" rel="next"/);
    });

    test("a month, and the newest month has no next link", async () => {
      const res = await get("/papers/month/2024-08");
      assert.equal(res.statusCode, 200);
      assert.deepEqual(listed(res.body), [IDS.A, IDS.E, IDS.B, IDS.D, IDS.C, IDS.F, IDS.G]);
      assert.match(res.body, /August 2024/);
      assert.match(res.body, /href="\/papers\/month\/2024-07" rel="prev"/);
      assert.match(res.body, /<span class="disabled" aria-disabled="true">Next →<\/span>/);
    });

    test("/papers/week and /papers/month open the newest ones", async () => {
      assert.equal((await get("/papers/week")).headers.location, "/papers/week/2024-W33");
      assert.equal((await get("/papers/month")).headers.location, "/papers/month/2024-08");
    });

    test("the Go to form's ?date=, ?week= and ?month= redirect to the period's page", async () => {
      assert.equal((await get("/papers/date?date=2024-08-07")).headers.location, "/papers/date/2024-08-07");
      assert.equal((await get("/papers/week?week=2024-W30")).headers.location, "/papers/week/2024-W30");
      assert.equal((await get("/papers/month?month=2024-07")).headers.location, "/papers/month/2024-07");
      assert.equal((await get("/papers/date")).headers.location, "/");
      const bad = await get("/papers/month?month=2024-13");
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /month 13 does not exist/);
      assert.match(
        (await get("/papers/date/2024-08-09")).body,
        /<input id="jump-date" type="date" name="date" value="2024-08-09" required>/,
      );
    });

    test("invalid periods are 400 pages that say why", async () => {
      for (const [url, why] of [
        ["/papers/date/2024-02-30", /2024-02 has no day 30/],
        ["/papers/date/yesterday", /expected YYYY-MM-DD/],
        ["/papers/week/2024-W53", /2024 has ISO weeks 01 to 52/],
        ["/papers/month/2024-13", /month 13 does not exist/],
        ["/papers/date/2024-08-09?page=0", /Invalid parameter &quot;page&quot;/],
      ] as const) {
        const res = await get(url);
        assert.equal(res.statusCode, 400, url);
        assert.match(res.headers["content-type"] as string, /text\/html/);
        assert.match(res.body, why, url);
      }
    });

    test("the paper page shows what a reader needs", async () => {
      const res = await get(`/papers/${IDS.A}`);
      assert.equal(res.statusCode, 200);
      const b = res.body;
      assert.match(
        b,
        /<h1>GMAI-MMBench: A Comprehensive Multimodal Evaluation Benchmark Towards General Medical AI<\/h1>/,
      );
      for (const name of ["Pengcheng Chen", "Jin Ye", "Tianbin Li"]) assert.ok(b.includes(name), name);
      assert.match(b, /We introduce GMAI-MMBench/);
      assert.match(b, /href="https:\/\/arxiv.org\/abs\/2408.03361"/);
      assert.match(b, /href="https:\/\/arxiv.org\/pdf\/2408.03361"/);
      assert.match(
        b,
        /href="https:\/\/github.com\/uni-medical\/GMAI-MMBench"[^>]*>GitHub <span class="stars">★ 88<\/span>/,
      );
      assert.match(b, /Project page/);
      assert.match(b, /Published on 6 Aug 2024/);
      assert.match(b, /Submitted by <strong>AK<\/strong> on 9 Aug 2024/);
      assert.match(b, /<span class="big">57<\/span> upvotes/);
      // Two comments on Hugging Face, none here: the page counts what it shows and links to HF's.
      assert.match(b, /<span class="big">0<\/span> comments/);
      assert.match(b, />2 on Hugging Face<\/a>/);
      assert.match(b, /href="https:\/\/doi.org\/10.48550\/arXiv.2408.03361"/);
      assert.match(b, /NeurIPS 2024 Datasets and Benchmarks/);
      assert.match(b, /v2: 21 Oct 2024/);
      assert.match(b, /creativecommons.org\/licenses\/by\/4.0/);
      assert.match(b, /href="\/search\?q=category%3Aeess.IV"/);
    });

    test("the app's paper sections render in order, in their place", async () => {
      // A URL of its own: the page as rendered before the test's sections exists in the page cache.
      const b = (await get(`/papers/${IDS.A}?with-sections`)).body;
      const a = b.indexOf(`section A of ${IDS.A}`);
      assert.ok(a > b.indexOf("Abstract") && a < b.indexOf("section B"));
      assert.ok(b.indexOf("side note") > b.indexOf('<aside class="paper-side">'));
    });

    test("old-style ids, versions and pasted URLs reach the one canonical page", async () => {
      const old = await get("/papers/hep-th/9901001");
      assert.equal(old.statusCode, 200);
      assert.match(old.body, /An old-style paper/);
      for (const [from, to] of [
        ["/papers/hep-th/9901001v2", "/papers/hep-th/9901001"],
        ["/papers/2408.03361v3", "/papers/2408.03361"],
        ["/papers/arXiv:2408.03361", "/papers/2408.03361"],
        ["/papers/2408.03361v1.md", "/papers/2408.03361.md"],
      ]) {
        const res = await get(from);
        assert.equal(res.statusCode, 301, from);
        assert.equal(res.headers.location, to, from);
      }
    });

    test("unknown papers and non-ids are 404 pages", async () => {
      const unknown = await get("/papers/2408.99999");
      assert.equal(unknown.statusCode, 404);
      assert.match(unknown.body, /no paper 2408.99999/);
      assert.match(unknown.body, /href="https:\/\/arxiv.org\/abs\/2408.99999"/);
      const junk = await get("/papers/not-a-paper");
      assert.equal(junk.statusCode, 404);
      assert.match(junk.body, /is not an arXiv id/);
    });

    test("the paper as Markdown, and its card image", async () => {
      const md = await get(`/papers/${IDS.A}.md`);
      assert.equal(md.statusCode, 200);
      assert.match(md.headers["content-type"] as string, /text\/markdown/);
      assert.match(md.body, /^# GMAI-MMBench: A Comprehensive/);
      assert.match(md.body, /- \*\*Upvotes:\*\* 57/);
      assert.match(
        md.body,
        /## Abstract\n\nLarge Vision-Language Models \(LVLMs\) are capable of handling diverse data types\. We introduce/,
      );
      const escaped = await get(`/papers/${IDS.D}.md`);
      assert.match(escaped.body, /^# Paper D newer \\<script\\>alert\(1\)\\<\/script\\>/);
      const svg = await get(`/papers/${IDS.A}/thumbnail.svg`);
      assert.equal(svg.statusCode, 200);
      assert.equal(svg.headers["content-type"], "image/svg+xml");
      assert.match(svg.body, /GMAI-MMBench/);
      const badSvg = await get(`/papers/${IDS.D}/thumbnail.svg`);
      assert.doesNotMatch(badSvg.body, /<script>/);
    });

    test("title cards follow the theme: dark when chosen, both for the media query otherwise", async () => {
      const background = (svg: string) =>
        /<rect width="1200" height="630" fill="(#[0-9a-f]{6})"/.exec(svg)?.[1];
      const light = await get(`/papers/${IDS.A}/thumbnail.svg`);
      const dark = await get(`/papers/${IDS.A}/thumbnail.svg?theme=dark`);
      assert.equal(dark.statusCode, 200);
      assert.match(dark.body, /fill="#e5e7eb"/, "light text on the dark card");
      assert.notEqual(background(dark.body), background(light.body));
      const junk = await get(`/papers/${IDS.A}/thumbnail.svg?theme=<x>`);
      assert.equal(junk.statusCode, 400, "an unknown theme is refused");
      assert.doesNotMatch(junk.body, /<x>/);

      const img = (body: string) => /<a class="thumb"[^>]*>(.*?)<\/a>/s.exec(body)?.[1] ?? "";
      const system = img((await get("/")).body);
      assert.match(
        system,
        /<source srcset="\/papers\/[^"]+\/thumbnail\.svg\?theme=dark" media="\(prefers-color-scheme: dark\)">/,
      );
      const chosen = await t.app.inject({ url: "/", cookies: { dp_theme: "dark" } });
      assert.match(img(chosen.body), /^<img src="\/papers\/[^"]+\/thumbnail\.svg\?theme=dark"/);
      const chosenLight = await t.app.inject({ url: "/", cookies: { dp_theme: "light" } });
      assert.doesNotMatch(img(chosenLight.body), /theme=dark|<source/);
    });

    test("trending ranks the last week's papers by the documented rule and explains it", async () => {
      const res = await get("/papers/trending");
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /How trending works/);
      assert.match(res.body, /score = upvotes \/ \(hours since it entered the feed \+ 2\)<sup>1.5<\/sup>/);
      // at 2024-08-12 12:00: A 57/(76+2)^1.5 = 0.0827, E 53/78^1.5 = 0.0769, G 1/(4+2)^1.5 = 0.068,
      // B 10/(124+2)^1.5 = 0.0071 (first on the 7th), D 10/(74+2)^1.5 = 0.0151, C 10/(75+2)^1.5 = 0.0148;
      // F entered on the 5th at 08:00, more than 7 days before, and is out.
      assert.deepEqual(listed(res.body), [IDS.A, IDS.E, IDS.G, IDS.D, IDS.C, IDS.B]);
      assert.match(res.body, /<span class="rank">#1<\/span>/);
      assert.doesNotMatch(res.body, /this is the ranking as of/);
    });
  });
}

describe("pages of a site without papers", () => {
  test("/ says how to load papers; trending is empty, not an error", async () => {
    const t = await openTestApp("pglite");
    try {
      const home = await t.app.inject("/");
      assert.equal(home.statusCode, 200);
      assert.match(home.body, /no papers on its feed yet/);
      assert.match(home.body, /dailypapers import hf-daily/);
      const trending = await t.app.inject("/papers/trending");
      assert.equal(trending.statusCode, 200);
      assert.match(trending.body, /Nothing is trending yet/);
      assert.equal((await t.app.inject("/papers/week")).headers.location, "/");
    } finally {
      await t.close();
    }
  });

  test("a day with more papers than a page pages with ?page=", async () => {
    const t = await openTestApp("pglite");
    try {
      await insertPapers(
        t.db,
        Array.from({ length: 51 }, (_, i) =>
          makePaper({ arxivId: `2409.${String(i).padStart(5, "0")}`, importedUpvotes: 100 - i }),
        ),
      );
      for (let i = 0; i < 51; i++)
        await insertEntry(t.db, { arxivId: `2409.${String(i).padStart(5, "0")}`, feedDate: "2024-09-02" });
      const first = await t.app.inject("/papers/date/2024-09-02");
      assert.equal(listed(first.body).length, 50);
      assert.equal(listed(first.body)[0], "2409.00000");
      assert.match(first.body, /51 papers, ordered by upvotes/);
      assert.match(first.body, /href="\/papers\/date\/2024-09-02\?page=2" rel="next">Next page/);
      const second = await t.app.inject("/papers/date/2024-09-02?page=2");
      assert.deepEqual(listed(second.body), ["2409.00050"]);
      assert.match(second.body, /href="\/papers\/date\/2024-09-02" rel="prev">← Previous page/);
      const beyond = await t.app.inject("/papers/date/2024-09-02?page=9");
      assert.match(beyond.body, /no more papers in this period/);
    } finally {
      await t.close();
    }
  });

  test("trending on a feed that stopped ranks its last week and says so", async () => {
    const t = await openTestApp("pglite", { now: () => new Date("2025-03-01T00:00:00Z") });
    try {
      await seedFeed(t.db);
      const res = await t.app.inject("/papers/trending");
      assert.match(res.body, /this is the ranking as of 12 Aug 2024/);
      // as of G's entry (2024-08-12 08:00), G is brand new: 1/2^1.5 = 0.354 beats A's 57/74^1.5 = 0.0895;
      // the week back reaches 2024-08-05 08:00, so F is in
      assert.deepEqual(listed(res.body).slice(0, 3), [IDS.G, IDS.A, IDS.E]);
      assert.ok(listed(res.body).includes(IDS.F));
    } finally {
      await t.close();
    }
  });
});
