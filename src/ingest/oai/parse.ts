import { parseArxivId } from "../../papers/arxiv-id.ts";
import type { Author, PaperInput, PaperVersion } from "../../papers/types.ts";
import { arxivXmlParser, type XmlNode, xmlText } from "../xml.ts";

export type OaiFormat = "arXiv" | "arXivRaw";

interface OaiRecord {
  id: string;
  datestamp: string;
  setSpecs: string[];
  /** OAI-PMH marks withdrawn items `status="deleted"`; they carry no metadata. */
  deleted: boolean;
  paper: PaperInput | null;
}

export interface OaiPage {
  records: OaiRecord[];
  /** null when the list is complete (no token, or an empty one). */
  token: string | null;
  cursor: number | null;
  completeListSize: number | null;
  error: { code: string; message: string } | null;
}

/** The body was not an OAI-PMH answer: an HTML page, a cut-off or malformed document. */
export class OaiParseError extends Error {}

const parser = arxivXmlParser(["record", "setSpec", "author", "version"]);

type Node = XmlNode;
const text = xmlText;

export function parseOaiPage(xml: string): OaiPage {
  // A full validation pass halves the parse rate; a cut-off page is caught by its missing
  // closing tag instead (a page that lost its tail would also lose its resumptionToken and end
  // the harvest early, silently).
  let root: Node | undefined;
  try {
    root = (parser.parse(xml) as Node)["OAI-PMH"] as Node | undefined;
  } catch (err) {
    throw new OaiParseError(`the answer is not well-formed XML (${(err as Error).message})`);
  }
  if (root && !/<\/(?:\w+:)?OAI-PMH>\s*$/.test(xml))
    throw new OaiParseError("the answer was cut off before </OAI-PMH>");
  if (!root || typeof root !== "object") {
    const start = xml.replace(/\s+/g, " ").trim().slice(0, 60);
    throw new OaiParseError(`the answer is not an OAI-PMH document (it starts "${start}")`);
  }
  const err = root.error as Node | string | undefined;
  if (err !== undefined) {
    const code = typeof err === "object" ? String(err["@_code"] ?? "unknown") : "unknown";
    return {
      records: [],
      token: null,
      cursor: null,
      completeListSize: null,
      error: { code, message: text(err) ?? "" },
    };
  }
  const list = (root.ListRecords ?? root.GetRecord) as Node | undefined;
  if (!list || typeof list !== "object")
    return { records: [], token: null, cursor: null, completeListSize: null, error: null };
  const records = ((list.record as Node[] | undefined) ?? []).map(recordOf);
  const tok = list.resumptionToken as Node | string | undefined;
  const tokNode: Node = typeof tok === "object" ? tok : { "#text": tok };
  const num = (v: unknown) => (v === undefined || v === "" ? null : Number(v));
  return {
    records,
    token: tok === undefined ? null : text(tokNode["#text"]),
    cursor: num(tokNode["@_cursor"]),
    completeListSize: num(tokNode["@_completeListSize"]),
    error: null,
  };
}

function recordOf(r: Node): OaiRecord {
  const header = (r.header ?? {}) as Node;
  const oaiId = text(header.identifier) ?? "";
  const id = oaiId.replace(/^oai:arXiv\.org:/, "");
  const deleted = header["@_status"] === "deleted";
  const setSpecs = ((header.setSpec as unknown[] | undefined) ?? []).map((s) => text(s) ?? "");
  const meta = (r.metadata ?? {}) as Node;
  let paper: PaperInput | null = null;
  if (!deleted && meta.arXiv) paper = arxivFormat(meta.arXiv as Node);
  else if (!deleted && meta.arXivRaw) paper = arxivRawFormat(meta.arXivRaw as Node);
  return { id, datestamp: text(header.datestamp) ?? "", setSpecs, deleted, paper };
}

function common(m: Node) {
  const categories = (text(m.categories) ?? "").split(" ").filter(Boolean);
  const parsed = parseArxivId(text(m.id) ?? "");
  return {
    arxivId: parsed?.id ?? text(m.id) ?? "",
    title: text(m.title) ?? "",
    abstract: abstractOf(m.abstract),
    categories,
    primaryCategory: categories[0] ?? null,
    comments: text(m.comments),
    journalRef: text(m["journal-ref"]),
    doi: text(m.doi),
    reportNo: text(m["report-no"]),
    license: text(m.license),
  };
}

/** Abstracts keep their paragraphs; only the hard line wrapping of the source goes. */
function abstractOf(v: unknown): string {
  const raw = typeof v === "object" && v !== null ? String((v as Node)["#text"] ?? "") : String(v ?? "");
  return raw
    .split(/\n\s*\n|\n {2,}(?=\S)/)
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .join("\n\n");
}

function arxivFormat(m: Node): PaperInput {
  const authors: Author[] = (((m.authors as Node | undefined)?.author as Node[] | undefined) ?? []).map(
    (a) => {
      const name = [text(a.forenames), text(a.keyname), text(a.suffix)].filter(Boolean).join(" ");
      const affiliation = text(a.affiliation);
      return affiliation ? { name, affiliation } : { name };
    },
  );
  const created = text(m.created);
  const updated = text(m.updated);
  return {
    ...common(m),
    authors,
    publishedAt: created ? new Date(`${created}T00:00:00Z`) : null,
    updatedAt: updated ? new Date(`${updated}T00:00:00Z`) : created ? new Date(`${created}T00:00:00Z`) : null,
    source: "oai-pmh",
  };
}

function arxivRawFormat(m: Node): PaperInput {
  const versions: PaperVersion[] = ((m.version as Node[] | undefined) ?? []).map((v) => {
    const date = text(v.date);
    const version: PaperVersion = {
      version: Number(String(v["@_version"] ?? "v0").replace(/^v/, "")),
      createdAt: date ? new Date(date).toISOString() : "",
    };
    const size = text(v.size);
    if (size) version.size = size;
    return version;
  });
  versions.sort((a, b) => a.version - b.version);
  const first = versions[0]?.createdAt;
  const last = versions.at(-1)?.createdAt;
  return {
    ...common(m),
    version: versions.at(-1)?.version ?? null,
    versions,
    authors: splitAuthors(text(m.authors) ?? "").map((name) => ({ name })),
    submitter: text(m.submitter),
    publishedAt: first ? new Date(first) : null,
    updatedAt: last ? new Date(last) : null,
    source: "oai-pmh",
  };
}

/**
 * arXivRaw gives authors as one string: "A. One, B. Two, and C. Three". Parenthesised
 * affiliations may contain commas, so they are cut out before splitting.
 */
function splitAuthors(raw: string): string[] {
  let depth = 0;
  let flat = "";
  for (const ch of raw) {
    if (ch === "(") depth++;
    if (depth === 0) flat += ch;
    if (ch === ")" && depth > 0) depth--;
  }
  return flat
    .split(/\s*,\s*(?:and\s+)?|\s+and\s+/)
    .map((s) => s.replace(/\s+/g, " ").trim())
    .filter(Boolean);
}
