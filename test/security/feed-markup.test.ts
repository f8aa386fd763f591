import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { XMLParser } from "fast-xml-parser";
import sanitizeHtml from "sanitize-html";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { paperOnFeed } from "../helpers/factories.ts";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/feed-markup.json", import.meta.url), "utf8"));
const abstracts: string[] = fixture.abstracts;

// A feed reader's first step: parse the XML into text values (entities decoded, CDATA unwrapped).
const reader = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  cdataPropName: false,
  isArray: (name) => ["item", "entry"].includes(name),
});

/** The elements an HTML parser finds in a string a reader renders as HTML. */
function elementsIn(htmlText: string): string[] {
  const seen: string[] = [];
  sanitizeHtml(htmlText, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    exclusiveFilter: (frame) => {
      seen.push(frame.tag);
      return false;
    },
  });
  return seen;
}

/** What the reader shows: the HTML's text with its entities decoded. */
const entities = new XMLParser({ htmlEntities: true, parseTagValue: false, trimValues: false });
const shownText = (htmlText: string): string => entities.parse(`<t>${htmlText}</t>`).t;

for (const backend of testBackends()) {
  describe(`feed descriptions are text, not markup, on ${backend}`, () => {
    let t: TestApp;
    before(async () => {
      t = await openTestApp(backend, { now: () => new Date("2024-08-09T12:00:00Z") });
      for (const [i, abstract] of abstracts.entries())
        await paperOnFeed(
          t.db,
          { arxivId: `2408.${String(20000 + i)}`, abstract, title: `Crafted ${i}` },
          { feedDate: "2024-08-09" },
        );
    });
    after(async () => t.close());

    test("RSS: no crafted abstract becomes an element in a reader", async () => {
      const res = await t.app.inject("/papers.rss");
      assert.equal(res.statusCode, 200);
      const items: { title: string; description: string }[] = reader.parse(res.body).rss.channel.item;
      assert.equal(items.length, abstracts.length);
      for (const item of items) {
        const abstract = abstracts[Number(item.title.replace("Crafted ", ""))];
        assert.deepEqual(elementsIn(item.description), [], `no element from ${JSON.stringify(abstract)}`);
        assert.equal(shownText(item.description), abstract, "shown as the abstract's own text");
      }
    });

    test("Atom: summaries are declared text (or escaped HTML with no element)", async () => {
      const res = await t.app.inject("/papers.atom");
      assert.equal(res.statusCode, 200);
      const entries: { summary: string | { "#text": string; "@_type"?: string } }[] = reader.parse(res.body)
        .feed.entry;
      assert.equal(entries.length, abstracts.length);
      for (const e of entries) {
        const type = typeof e.summary === "string" ? "text" : (e.summary["@_type"] ?? "text");
        const text = typeof e.summary === "string" ? e.summary : e.summary["#text"];
        if (type === "html") assert.deepEqual(elementsIn(text), []);
        else assert.equal(type, "text");
      }
    });
  });
}
