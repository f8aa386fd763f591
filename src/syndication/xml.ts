import { XMLBuilder } from "fast-xml-parser";
import { escapeHtml } from "../render/html.ts";

/** A feed, independent of its format. */
export interface FeedMeta {
  title: string;
  description: string;
  /** The HTML page this feed mirrors. */
  pageUrl: string;
  /** The feed's own URL (RSS atom:link rel=self, Atom id). */
  selfUrl: string;
  updated: Date;
}

export interface FeedItem {
  arxivId: string;
  title: string;
  url: string;
  summary: string;
  authors: string[];
  categories: string[];
  published: Date;
  updated: Date;
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  format: true,
  suppressEmptyNode: true,
  processEntities: true,
});

const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const clean = (s: string) => s.replace(INVALID_XML, "");

function xml(doc: object): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(doc)}`;
}

/** RSS 2.0; the GUID is the arXiv id (not a URL, hence isPermaLink=false), authors as dc:creator. */
export function renderRss(meta: FeedMeta, items: FeedItem[]): string {
  return xml({
    rss: {
      "@_version": "2.0",
      "@_xmlns:atom": "http://www.w3.org/2005/Atom",
      "@_xmlns:dc": "http://purl.org/dc/elements/1.1/",
      channel: {
        title: clean(meta.title),
        link: meta.pageUrl,
        description: clean(meta.description),
        language: "en",
        lastBuildDate: meta.updated.toUTCString(),
        "atom:link": { "@_href": meta.selfUrl, "@_rel": "self", "@_type": "application/rss+xml" },
        item: items.map((i) => ({
          title: clean(i.title),
          link: i.url,
          guid: { "#text": i.arxivId, "@_isPermaLink": "false" },
          pubDate: i.published.toUTCString(),
          // Readers render <description> as HTML, so the text is escaped as HTML before the XML
          // builder escapes it again: a reader then shows "<img …>" instead of running it.
          description: escapeHtml(clean(i.summary)),
          "dc:creator": i.authors.map(clean),
          category: i.categories,
        })),
      },
    },
  });
}

/** Atom (RFC 4287); an entry's id is the paper's canonical arXiv URL. */
export function renderAtom(meta: FeedMeta, items: FeedItem[]): string {
  return xml({
    feed: {
      "@_xmlns": "http://www.w3.org/2005/Atom",
      id: meta.selfUrl,
      title: clean(meta.title),
      subtitle: clean(meta.description),
      updated: meta.updated.toISOString(),
      link: [
        { "@_rel": "self", "@_href": meta.selfUrl, "@_type": "application/atom+xml" },
        { "@_rel": "alternate", "@_href": meta.pageUrl, "@_type": "text/html" },
      ],
      author: { name: "Daily Papers" },
      generator: "Daily Papers",
      entry: items.map((i) => ({
        id: `https://arxiv.org/abs/${i.arxivId}`,
        title: clean(i.title),
        link: [
          { "@_rel": "alternate", "@_href": i.url, "@_type": "text/html" },
          { "@_rel": "related", "@_href": `https://arxiv.org/abs/${i.arxivId}`, "@_title": "arXiv" },
          {
            "@_rel": "enclosure",
            "@_href": `https://arxiv.org/pdf/${i.arxivId}`,
            "@_type": "application/pdf",
          },
        ],
        published: i.published.toISOString(),
        updated: i.updated.toISOString(),
        author: i.authors.map((a) => ({ name: clean(a) })),
        category: i.categories.map((c) => ({ "@_term": c })),
        // Atom says what the text is: type="text" (the default, written out) is shown as text.
        summary: { "#text": clean(i.summary), "@_type": "text" },
      })),
    },
  });
}
