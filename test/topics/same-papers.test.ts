import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DigestSources } from "../../src/email/digest-sources.ts";
import { upsertPapers } from "../../src/papers/store.ts";
import { saveTopic } from "../../src/topics/commands.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { hfDailyPapers, TEST_DAYS } from "../search/corpus.ts";

const cards = (body: string) =>
  [...body.matchAll(/<li class="paper-card" data-arxiv-id="([^"]+)"/g)].map((m) => m[1]);
const guids = (xml: string) => [...xml.matchAll(/<guid[^>]*>([^<]+)<\/guid>/g)].map((m) => m[1]);
const sorted = (xs: string[]) => [...xs].sort();

for (const backend of testBackends()) {
  describe(`a topic and the same search show the same papers (${backend})`, () => {
    let t: TestApp;
    const papers = hfDailyPapers(TEST_DAYS);
    const published = new Map(papers.map((p) => [p.arxivId, p.publishedAt?.getTime() ?? 0]));
    before(async () => {
      t = await openTestApp(backend);
      await upsertPapers(t.db, papers);
    });
    after(async () => {
      await t.close();
    });

    for (const q of ["medical benchmark", "diffusion -video", "segmentation -medical"]) {
      test(`"${q}": topic page, topic feed, search page and search feed agree`, async () => {
        const saved = await saveTopic(t.db, { query: q, mode: "keyword" });
        assert.ok(saved.ok);
        const search = await t.app.inject(`/search?q=${encodeURIComponent(q)}&mode=keyword`);
        const found = cards(search.body);
        assert.ok(found.length > 0 && found.length < 20, `${found.length} results fit one page`);

        const topicPage = cards((await t.app.inject(`/topics/${saved.topic.slug}`)).body);
        assert.deepEqual(sorted(topicPage), sorted(found));
        const times = topicPage.map((id) => published.get(id) ?? 0);
        assert.deepEqual(
          times,
          [...times].sort((a, b) => b - a),
          "the topic lists them newest first",
        );
        const topicFeed = guids((await t.app.inject(`/topics/${saved.topic.slug}/feed.rss`)).body);
        assert.deepEqual(topicFeed, topicPage);
        const searchFeed = guids((await t.app.inject(`/search.rss?q=${encodeURIComponent(q)}`)).body);
        assert.deepEqual(searchFeed, topicPage);
      });
    }

    test("a digest's topic section is the topic's papers within the digest's window", async () => {
      const saved = await saveTopic(t.db, { query: "model", mode: "keyword" });
      assert.ok(saved.ok);
      const start = new Date("2024-08-08T00:00:00Z");
      const end = new Date("2024-08-09T00:00:00Z");
      const section = await new DigestSources(t.db, t.services.search).topicIn(saved.topic, start, end);
      const all = await t.services.search.search({ q: "model", mode: "keyword", limit: 120 });
      assert.ok(all.total < 120, "every match is in one answer");
      const at = (id: string) => published.get(id) ?? 0;
      const expected = all.hits
        .map((h) => h.arxivId)
        .filter((id) => at(id) >= start.getTime() && at(id) < end.getTime())
        .sort((a, b) => at(b) - at(a) || (a < b ? 1 : -1));
      assert.ok(expected.length > 1);
      assert.deepEqual(
        section.map((p) => p.arxivId),
        expected.slice(0, section.length),
      );
      assert.equal(section.length, Math.min(expected.length, 28), "as many as a digest section asks for");
    });
  });
}
