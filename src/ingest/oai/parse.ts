import { parseArxivId } from "../../papers/arxiv-id.ts";
import type { Author, PaperInput, PaperVersion } from "../../papers/types.ts";
import { parseXml, type XmlNode, XmlSyntaxError, xmlText } from "../xml.ts";

export type OaiFormat = "arXiv" | "arXivRaw";

interface OaiRecord {
  id: string;
  datestamp: string;
  setSpecs: string[];
  /** OAI-PMH marks withdrawn items `status="deleted"`; they carry no metadata. */
  deleted: boolean;
  paper: PaperInput | null;
  /** Why the record's metadata cannot be stored (a date that is none): it is reported and skipped. */
  problem: string | null;
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

const ARRAYS = new Set(["record", "setSpec", "author", "version"]);

type Node = XmlNode;
const text = xmlText;

export function parseOaiPage(xml: string): OaiPage {
  let doc: Node;
  try {
    doc = parseXml(xml, ARRAYS);
  } catch (err) {
    // A page cut off in transit fails here too ("unclosed tag: ListRecords"),
    // rather than losing its resumptionToken and ending the harvest early, silently.
    if (!(err instanceof XmlSyntaxError)) throw err;
    throw new OaiParseError(`the answer is not well-formed XML (${err.message})`);
  }
  return oaiPageFromDocument(doc, xml);
}

/** The page a parsed document holds; `xml` is only quoted when the document is no OAI-PMH answer. */
export function oaiPageFromDocument(doc: Node, xml: string): OaiPage {
  const root = doc["OAI-PMH"] as Node | undefined;
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
  let problem: string | null = null;
  try {
    if (!deleted && meta.arXiv) paper = arxivFormat(meta.arXiv as Node);
    else if (!deleted && meta.arXivRaw) paper = arxivRawFormat(meta.arXivRaw as Node);
  } catch (err) {
    if (!(err instanceof RecordProblem)) throw err;
    problem = err.message;
  }
  return { id, datestamp: text(header.datestamp) ?? "", setSpecs, deleted, paper, problem };
}

/** Thrown while mapping one record; the record is skipped, the page goes on. */
class RecordProblem extends Error {}

/** A date element's value (with `suffix`, such as a time of day, appended) as a Date. */
function dateOf(value: string | null, what: string, suffix = ""): Date | null {
  if (!value) return null;
  const d = new Date(`${value}${suffix}`);
  if (Number.isNaN(d.getTime())) throw new RecordProblem(`invalid ${what}: "${value}" is not a date`);
  return d;
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
  const created = dateOf(text(m.created), "created", "T00:00:00Z");
  const updated = dateOf(text(m.updated), "updated", "T00:00:00Z");
  return {
    ...common(m),
    authors,
    publishedAt: created,
    updatedAt: updated ?? created,
    source: "oai-pmh",
  };
}

function arxivRawFormat(m: Node): PaperInput {
  const versions: PaperVersion[] = ((m.version as Node[] | undefined) ?? []).map((v) => {
    const name = String(v["@_version"] ?? "v0");
    const version: PaperVersion = {
      version: Number(name.replace(/^v/, "")),
      createdAt: dateOf(text(v.date), `date of ${name}`)?.toISOString() ?? "",
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
  // Most lists have no parentheses: then there is nothing to cut, character by character.
  return (raw.includes("(") ? withoutParentheses(raw) : raw)
    .split(/\s*,\s*(?:and\s+)?|\s+and\s+/)
    .map((s) => s.replace(/\s+/g, " ").trim())
    .filter(Boolean);
}

function withoutParentheses(raw: string): string {
  let depth = 0;
  let flat = "";
  for (const ch of raw) {
    if (ch === "(") depth++;
    if (depth === 0) flat += ch;
    if (ch === ")" && depth > 0) depth--;
  }
  return flat;
}
