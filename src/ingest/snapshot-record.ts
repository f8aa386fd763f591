import { parseArxivId } from "../papers/arxiv-id.ts";
import type { Author, PaperInput, PaperVersion } from "../papers/types.ts";
import { cleanTitle, dateOrNull, unwrapAbstract } from "./text.ts";
import { typeProblem } from "./validation.ts";

/** One line of arXiv's metadata snapshot (arxiv-metadata-oai-snapshot.json). */
interface SnapshotRecord {
  id: string;
  submitter?: string | null;
  authors?: string | null;
  title: string;
  comments?: string | null;
  "journal-ref"?: string | null;
  doi?: string | null;
  "report-no"?: string | null;
  categories?: string | null;
  license?: string | null;
  abstract?: string | null;
  versions?: { version: string; created: string }[] | null;
  update_date?: string | null;
  /** [last, first, suffix]; a few real rows carry a fourth element, which is ignored. */
  authors_parsed?: (string | null)[][] | null;
}

/**
 * The record's fields in the order they are checked, so that the first problem named is always
 * the same one. Checked by hand rather than by a zod schema: the schema walk was a tenth of an
 * import's parse (a line is checked in about a microsecond now), with the same messages.
 */
const FIELDS: [keyof SnapshotRecord, "text" | "optional" | "versions" | "authors_parsed"][] = [
  ["id", "text"],
  ["submitter", "optional"],
  ["authors", "optional"],
  ["title", "text"],
  ["comments", "optional"],
  ["journal-ref", "optional"],
  ["doi", "optional"],
  ["report-no", "optional"],
  ["categories", "optional"],
  ["license", "optional"],
  ["abstract", "optional"],
  ["versions", "versions"],
  ["update_date", "optional"],
  ["authors_parsed", "authors_parsed"],
];

/** The first field that is missing or of the wrong type, in words; null when there is none. */
function recordProblem(r: Record<string, unknown>): string | null {
  for (const [key, kind] of FIELDS) {
    const problem = fieldProblem(key, kind, r[key]);
    if (problem !== null) return problem;
  }
  return null;
}

function fieldProblem(key: string, kind: (typeof FIELDS)[number][1], v: unknown): string | null {
  if (kind === "text") return typeof v === "string" ? null : typeProblem(key, v, "string");
  if (v === undefined || v === null) return null;
  if (kind === "optional") return typeof v === "string" ? null : typeProblem(key, v, "string");
  if (!Array.isArray(v)) return typeProblem(key, v, "array");
  for (const [i, x] of v.entries()) {
    const where = `${key}[${i}]`;
    if (kind === "versions") {
      if (x === null || typeof x !== "object" || Array.isArray(x)) return typeProblem(where, x, "object");
      for (const f of ["version", "created"])
        if (typeof x[f] !== "string") return typeProblem(`${where}.${f}`, x[f], "string");
    } else {
      if (!Array.isArray(x)) return typeProblem(where, x, "array");
      for (const [j, name] of x.entries())
        if (name !== null && typeof name !== "string") return typeProblem(`${where}[${j}]`, name, "string");
    }
  }
  return null;
}

export type RecordResult = { ok: true; paper: PaperInput } | { ok: false; reason: string };

/** Parses and maps one snapshot line; a bad line gets the reason it is skipped. */
export function paperFromSnapshotLine(line: string): RecordResult {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    return { ok: false, reason: `invalid JSON (${(err as Error).message})` };
  }
  if (json === null || typeof json !== "object" || Array.isArray(json))
    return { ok: false, reason: "not a JSON object" };
  const problem = recordProblem(json as Record<string, unknown>);
  if (problem !== null) return { ok: false, reason: problem };
  return paperFromSnapshotRecord(json as SnapshotRecord);
}

function text(value: string | null | undefined): string | null {
  const t = value?.replace(/\s+/g, " ").trim();
  return t ? t : null;
}

/** The versions in order, each with its Date, so the paper's own dates need no second parse. */
function versionsOf(r: SnapshotRecord): { versions: PaperVersion[]; dates: Date[] } | string {
  const parsed: { version: PaperVersion; date: Date }[] = [];
  for (const [i, v] of (r.versions ?? []).entries()) {
    const n = /^v(\d+)$/.exec(v.version.trim());
    if (!n) return `invalid versions[${i}].version: "${v.version}" is not like "v1"`;
    const created = dateOrNull(v.created);
    if (!created) return `invalid versions[${i}].created: "${v.created}" is not a date`;
    parsed.push({ version: { version: Number(n[1]), createdAt: created.toISOString() }, date: created });
  }
  parsed.sort((a, b) => a.version.version - b.version.version);
  return { versions: parsed.map((p) => p.version), dates: parsed.map((p) => p.date) };
}

function authorsOf(r: SnapshotRecord): Author[] {
  if (r.authors_parsed && r.authors_parsed.length > 0) {
    return r.authors_parsed
      .map(([last, first, suffix]) => {
        // The snapshot's parser splits "C.-P." into "C. -P."; put the hyphenated initials back.
        const given = (first ?? "").replace(/\.\s+-/g, ".-");
        return {
          name: [given, last, suffix]
            .map((s) => (s ?? "").trim())
            .filter(Boolean)
            .join(" "),
        };
      })
      .filter((a) => a.name !== "");
  }
  // No parsed list: split the raw "A, B and C" string.
  return (r.authors ?? "")
    .split(/,\s*|\s+and\s+/)
    .map((name) => name.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .map((name) => ({ name }));
}

function paperFromSnapshotRecord(r: SnapshotRecord): RecordResult {
  const id = parseArxivId(r.id);
  if (!id || id.version !== null || id.id !== r.id.trim())
    return { ok: false, reason: `impossible arXiv id "${r.id}"` };
  const title = cleanTitle(r.title);
  if (title === "") return { ok: false, reason: "empty title" };
  const history = versionsOf(r);
  if (typeof history === "string") return { ok: false, reason: history };
  const { versions, dates } = history;
  const categories = (r.categories ?? "").split(/\s+/).filter(Boolean);
  const updateDate = r.update_date ? dateOrNull(`${r.update_date}T00:00:00Z`) : null;
  const first = versions[0];
  const last = versions.at(-1);
  return {
    ok: true,
    paper: {
      arxivId: id.id,
      version: last ? last.version : null,
      title,
      abstract: unwrapAbstract(r.abstract ?? ""),
      authors: authorsOf(r),
      categories,
      primaryCategory: categories[0] ?? null,
      publishedAt: first ? dates[0] : updateDate,
      updatedAt: last ? (dates.at(-1) as Date) : updateDate,
      comments: text(r.comments),
      journalRef: text(r["journal-ref"]),
      doi: text(r.doi),
      reportNo: text(r["report-no"]),
      license: text(r.license),
      submitter: text(r.submitter),
      versions,
      source: "arxiv-snapshot",
    },
  };
}
