import { XMLParser } from "fast-xml-parser";

/** One parsed XML element: child elements by local name, attributes as "@_name", text as "#text". */
export type XmlNode = Record<string, unknown>;

/**
 * arXiv's XML (OAI-PMH and Atom) parsed the same way: namespace prefixes dropped (one of the
 * recorded OAI documents has none), values kept as strings (ids like 0704.0001 must not become
 * numbers), and the named elements always arrays, even when a record has only one.
 */
export function arxivXmlParser(arrayElements: readonly string[]): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: true,
    isArray: (name) => arrayElements.includes(name),
  });
}

/** An element's text with its white space folded (titles and abstracts carry hard line breaks), or null. */
export function xmlText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "object") return xmlText((v as XmlNode)["#text"]);
  const s = String(v).replace(/\s+/g, " ").trim();
  return s === "" ? null : s;
}
