import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { saveTopic } from "../../src/topics/commands.ts";
import { BASE_URL, seedPapers, TUESDAY } from "../email/fixture.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  // arXiv ids look like numbers; keep every value as the text it is
  parseTagValue: false,
  isArray: (name, jpath) =>
    ["item", "entry", "category", "dc:creator", "author"].includes(name) ||
    String(jpath).endsWith("entry.link") ||
    String(jpath) === "feed.link",
});

function parse(xml: string) {
  assert.equal(XMLValidator.validate(xml), true, "well-formed XML");
  return parser.parse(xml);
}

type RssItem = {
  title: string;
  link: string;
  guid: { "#text": string; "@_isPermaLink": string };
  pubDate: string;
  "dc:creator": string[];
  category: string[];
  description: string;
};
type AtomEntry = {
  id: string;
  title: string;
  updated: string;
  published: string;
  link: { "@_rel": string; "@_href": string }[];
  author: { name: string }[];
  category: { "@_term": string }[];
};

for (const backend of testBackends()) {
  describe(`RSS and Atom feeds on ${backend}`, () => {
    let t: TestApp;
    before(async () => {
      t = await openTestApp(backend, { env: { BASE_URL }, now: () => TUESDAY });
      await seedPapers(t.db);
      const topic = await saveTopic(t.db, { query: "medical AI", name: "Medical AI", featured: true });
      assert.ok(topic.ok);
    });
    after(async () => t.close());

    const rss = async (url: string) => {
      const res = await t.app.inject(url);
      assert.equal(res.statusCode, 200, url);
      assert.match(String(res.headers["content-type"]), /^application\/rss\+xml/);
      const doc = parse(res.body);
      assert.equal(doc.rss["@_version"], "2.0");
      return { res, channel: doc.rss.channel, items: (doc.rss.channel.item ?? []) as RssItem[] };
    };
    const atom = async (url: string) => {
      const res = await t.app.inject(url);
      assert.equal(res.statusCode, 200, url);
      assert.match(String(res.headers["content-type"]), /^application\/atom\+xml/);
      const doc = parse(res.body);
      assert.equal(doc.feed["@_xmlns"], "http://www.w3.org/2005/Atom");
      return { res, feed: doc.feed, entries: (doc.feed.entry ?? []) as AtomEntry[] };
    };

    test("the daily feed as RSS 2.0: GUIDs, dates, authors, categories, links", async () => {
      const { channel, items } = await rss("/papers.rss");
      assert.equal(channel.title, "Daily Papers");
      assert.equal(channel["atom:link"]["@_href"], `${BASE_URL}/papers.rss`);
      assert.deepEqual(
        items.map((i) => i.guid["#text"]),
        ["2611.00001", "2611.00002"],
        "most upvoted first",
      );
      const first = items[0];
      assert.equal(first.guid["@_isPermaLink"], "false");
      assert.equal(first.link, `${BASE_URL}/papers/2611.00001`);
      assert.equal(
        new Date(first.pubDate).toISOString(),
        "2026-11-23T13:00:00.000Z",
        "when it entered the feed",
      );
      assert.deepEqual(first["dc:creator"].slice(0, 2), ["Ada Lovelace", "Alan Turing"]);
      assert.deepEqual(first.category, ["cs.LG"]);
      assert.match(
        items[1].description,
        /&lt;script&gt;alert/,
        "escaped as HTML text, so a reader shows it, not runs it",
      );
      assert.equal(new Date(channel.lastBuildDate).toISOString(), "2026-11-23T14:00:00.000Z");
    });

    test("the daily feed as Atom", async () => {
      const { feed, entries } = await atom("/papers.atom");
      assert.equal(feed.id, `${BASE_URL}/papers.atom`);
      assert.equal(feed.updated, "2026-11-23T14:00:00.000Z");
      assert.equal(entries[0].id, "https://arxiv.org/abs/2611.00001");
      assert.equal(
        entries[0].link.find((l) => l["@_rel"] === "alternate")?.["@_href"],
        `${BASE_URL}/papers/2611.00001`,
      );
      assert.equal(
        entries[0].link.find((l) => l["@_rel"] === "enclosure")?.["@_href"],
        "https://arxiv.org/pdf/2611.00001",
      );
      assert.equal(entries[0].author.length, 6);
      assert.deepEqual(
        entries[1].category.map((c) => c["@_term"]),
        ["cs.CV", "cs.AI"],
      );
    });

    test("trending, topic and search feeds", async () => {
      const trending = await rss("/papers/trending.rss");
      assert.deepEqual(
        trending.items.map((i) => i.guid["#text"]),
        ["2611.00001", "2611.00002"],
      );
      await atom("/papers/trending.atom");

      const topic = await rss("/topics/medical-ai/feed.rss");
      assert.deepEqual(
        topic.items.map((i) => i.guid["#text"]),
        ["2611.00003", "2611.00002", "2501.00004"],
        "matches, newest first",
      );
      const topicAtom = await atom("/topics/medical-ai/feed.atom");
      assert.equal(topicAtom.entries.length, 3);

      const search = await rss(`/search.rss?q=${encodeURIComponent("category:cs.CV segmentation")}`);
      assert.deepEqual(
        search.items.map((i) => i.guid["#text"]),
        ["2611.00003"],
      );
      assert.equal(
        search.channel["atom:link"]["@_href"],
        `${BASE_URL}/search.rss?q=category%3Acs.CV%20segmentation`,
      );
      const searchAtom = await atom(`/search.atom?q=${encodeURIComponent('"radiology report"')}`);
      assert.deepEqual(
        searchAtom.entries.map((e) => e.id),
        ["https://arxiv.org/abs/2611.00002"],
      );

      assert.equal((await t.app.inject("/search.rss?q=")).statusCode, 400);
      assert.equal((await t.app.inject(`/search.rss?q=${"a".repeat(300)}`)).statusCode, 400);
      assert.equal((await t.app.inject("/topics/no-such-topic/feed.rss")).statusCode, 404);
    });

    test("conditional GET answers 304, and a change in the feed gives a new ETag", async () => {
      const first = await t.app.inject("/papers.rss");
      const etag = String(first.headers.etag);
      const lastModified = String(first.headers["last-modified"]);
      assert.match(etag, /^"[\w-]+"$/);
      assert.equal(lastModified, "Mon, 23 Nov 2026 14:00:00 GMT");

      const byTag = await t.app.inject({ url: "/papers.rss", headers: { "if-none-match": etag } });
      assert.equal(byTag.statusCode, 304);
      assert.equal(byTag.body, "");
      const byDate = await t.app.inject({
        url: "/papers.rss",
        headers: { "if-modified-since": lastModified },
      });
      assert.equal(byDate.statusCode, 304);
      const older = await t.app.inject({
        url: "/papers.rss",
        headers: { "if-modified-since": "Sun, 22 Nov 2026 00:00:00 GMT" },
      });
      assert.equal(older.statusCode, 200);
      const otherTag = await t.app.inject({
        url: "/papers.rss",
        headers: { "if-none-match": '"stale"', "if-modified-since": lastModified },
      });
      assert.equal(otherTag.statusCode, 200, "If-None-Match wins over If-Modified-Since");

      await t.db.query("update papers set local_upvotes = local_upvotes + 1 where arxiv_id = '2611.00002'");
      const changed = await t.app.inject({ url: "/papers.rss", headers: { "if-none-match": etag } });
      assert.equal(changed.statusCode, 200);
      assert.notEqual(changed.headers.etag, etag);
      const topic = await t.app.inject("/topics/medical-ai/feed.atom");
      const again = await t.app.inject({
        url: "/topics/medical-ai/feed.atom",
        headers: { "if-none-match": String(topic.headers.etag) },
      });
      assert.equal(again.statusCode, 304);
    });

    test("pages point to their feeds", async () => {
      const page = await t.app.inject("/topics/medical-ai");
      assert.equal(page.statusCode, 200);
      assert.match(
        page.body,
        /<link rel="alternate" type="application\/rss\+xml" title="Daily Papers · Medical AI \(RSS\)" href="\/topics\/medical-ai\/feed\.rss">/,
      );
      const order = [
        "Segmentation Benchmarks for Medical AI",
        "Medical AI for Radiology Report Generation",
        "An Old Survey of Medical AI",
      ].map((s) => page.body.indexOf(s));
      assert.ok(order[0] > 0 && order[0] < order[1] && order[1] < order[2], "newest first");
      // The feed and the topic keep the search's mode, so they list what the page found.
      const search = await t.app.inject(`/search?q=${encodeURIComponent("medical AI")}&mode=keyword`);
      assert.equal(search.statusCode, 200);
      assert.match(
        search.body,
        /<link rel="alternate" type="application\/rss\+xml" [^>]*href="\/search\.rss\?q=medical%20AI">/,
      );
      assert.match(search.body, /href="\/topics\/new\?q=medical%20AI">Save this search as a topic/);
    });
  });
}
