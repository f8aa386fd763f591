import { parseArxivId } from "../../papers/arxiv-id.ts";
import type { Author, PaperInput } from "../../papers/types.ts";
import { parseXml, type XmlNode, XmlSyntaxError, xmlText } from "../xml.ts";

/** One arXiv API answer: the opensearch totals and its entries as papers. */
export interface AtomFeed {
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  papers: AtomPaper[];
}

interface AtomPaper extends PaperInput {
  absUrl: string;
  pdfUrl: string | null;
}

/** The body was not an arXiv Atom feed at all (an HTML error page, a cut-off body). */
export class AtomParseError extends Error {}

const ARRAYS = new Set(["entry", "author", "link", "category"]);

type Node = XmlNode;
const text = xmlText;

export function parseAtomFeed(xml: string): AtomFeed {
  let doc: Node;
  try {
    doc = parseXml(xml, ARRAYS);
  } catch (err) {
    if (!(err instanceof XmlSyntaxError)) throw err;
    throw new AtomParseError(`the arXiv API answer is not valid XML (${(err as Error).message})`);
  }
  const feed = doc.feed as Node | undefined;
  if (!feed || typeof feed !== "object") throw new AtomParseError("the arXiv API answer is not an Atom feed");
  const entries = (feed.entry as Node[] | undefined) ?? [];
  return {
    totalResults: Number(text(feed.totalResults) ?? entries.length),
    startIndex: Number(text(feed.startIndex) ?? 0),
    itemsPerPage: Number(text(feed.itemsPerPage) ?? entries.length),
    papers: entries.map(entryToPaper).filter((p): p is AtomPaper => p !== null),
  };
}

/** The API reports errors as a single entry whose id points at its errors page. */
export function atomErrorMessage(xml: string): string | null {
  try {
    const feed = parseXml(xml, ARRAYS).feed as Node | undefined;
    const entry = (feed?.entry as Node[] | undefined)?.[0];
    if (entry && /\/api\/errors/.test(text(entry.id) ?? "")) return text(entry.summary);
  } catch {
    // not XML: the caller reports the status alone
  }
  return null;
}

function entryToPaper(e: Node): AtomPaper | null {
  const absUrl = text(e.id) ?? "";
  const parsed = parseArxivId(absUrl.replace(/^http:/, "https:"));
  if (!parsed) return null;
  const links = (e.link as Node[] | undefined) ?? [];
  const pdf = links.find((l) => l["@_title"] === "pdf" || l["@_type"] === "application/pdf");
  const authors: Author[] = ((e.author as Node[] | undefined) ?? []).map((a) => {
    const affiliation = text(a.affiliation);
    return affiliation ? { name: text(a.name) ?? "", affiliation } : { name: text(a.name) ?? "" };
  });
  const categories = ((e.category as Node[] | undefined) ?? [])
    .map((c) => String(c["@_term"] ?? ""))
    .filter(Boolean);
  const primary = (e.primary_category as Node | undefined)?.["@_term"];
  const published = text(e.published);
  const updated = text(e.updated);
  return {
    arxivId: parsed.id,
    version: parsed.version,
    title: text(e.title) ?? "",
    abstract: (typeof e.summary === "string" ? e.summary : (text(e.summary) ?? "")).trim(),
    authors,
    categories,
    primaryCategory: primary ? String(primary) : (categories[0] ?? null),
    publishedAt: published ? new Date(published) : null,
    updatedAt: updated ? new Date(updated) : null,
    comments: text(e.comment),
    journalRef: text(e.journal_ref),
    doi: text(e.doi),
    source: "arxiv-api",
    absUrl: absUrl.replace(/^http:/, "https:"),
    pdfUrl: pdf ? String(pdf["@_href"]) : null,
  };
}
