import { z } from "zod";
import { parseArxivId } from "../papers/arxiv-id.ts";
import type { Author, PaperInput, PaperVersion } from "../papers/types.ts";
import { cleanTitle, dateOrNull, unwrapAbstract } from "./text.ts";
import { describeIssue } from "./validation.ts";

/** One line of arXiv's metadata snapshot (arxiv-metadata-oai-snapshot.json). */
const SnapshotRecord = z.object({
  id: z.string(),
  submitter: z.string().nullish(),
  authors: z.string().nullish(),
  title: z.string(),
  comments: z.string().nullish(),
  "journal-ref": z.string().nullish(),
  doi: z.string().nullish(),
  "report-no": z.string().nullish(),
  categories: z.string().nullish(),
  license: z.string().nullish(),
  abstract: z.string().nullish(),
  versions: z.array(z.object({ version: z.string(), created: z.string() })).nullish(),
  update_date: z.string().nullish(),
  // [last, first, suffix]; a few real rows carry a fourth element, which is ignored
  authors_parsed: z.array(z.array(z.string().nullable())).nullish(),
});
type SnapshotRecord = z.infer<typeof SnapshotRecord>;

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
  const parsed = SnapshotRecord.safeParse(json);
  if (!parsed.success) return { ok: false, reason: describeIssue(parsed.error, json) };
  return paperFromSnapshotRecord(parsed.data);
}

function text(value: string | null | undefined): string | null {
  const t = value?.replace(/\s+/g, " ").trim();
  return t ? t : null;
}

function versionsOf(r: SnapshotRecord): PaperVersion[] | string {
  const out: PaperVersion[] = [];
  for (const [i, v] of (r.versions ?? []).entries()) {
    const n = /^v(\d+)$/.exec(v.version.trim());
    if (!n) return `invalid versions[${i}].version: "${v.version}" is not like "v1"`;
    const created = dateOrNull(v.created);
    if (!created) return `invalid versions[${i}].created: "${v.created}" is not a date`;
    out.push({ version: Number(n[1]), createdAt: created.toISOString() });
  }
  return out.sort((a, b) => a.version - b.version);
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
  const versions = versionsOf(r);
  if (typeof versions === "string") return { ok: false, reason: versions };
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
      publishedAt: first ? new Date(first.createdAt) : updateDate,
      updatedAt: last ? new Date(last.createdAt) : updateDate,
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
