import type { Queryable } from "../db/client.ts";
import {
  MERGED_FIELDS,
  type Merge,
  type MergedField,
  type PaperRow,
  paperColumns,
  paperFromRow,
  type SqlType,
  type StoredValue,
  storedValues,
} from "./columns.ts";
import type { Paper, PaperInput, UpsertCounts } from "./types.ts";

const EMPTY: Partial<Record<SqlType, string>> = {
  text: "''",
  jsonb: "'[]'::jsonb",
  "text[]": "'{}'::text[]",
};

/** True when the incoming row has no version but the stored paper has one from arXiv. */
const VERSIONLESS_OVER_VERSIONED = "(excluded.version is null and papers.version is not null)";

function mergedValue(column: string, type: SqlType, merge: Merge): string {
  const incoming = `excluded.${column}`;
  const stored = `papers.${column}`;
  switch (merge) {
    case "max":
      return `greatest(${incoming}, ${stored})`;
    case "latest":
      return `coalesce(${incoming}, ${stored})`;
    case "set":
      return `case when ${VERSIONLESS_OVER_VERSIONED} then ${stored} else ${incoming} end`;
    case "nonEmpty":
      return `case when ${incoming} = ${EMPTY[type]} or (${VERSIONLESS_OVER_VERSIONED} and ${stored} <> ${EMPTY[type]}) then ${stored} else ${incoming} end`;
    case "keep":
      return `case when ${VERSIONLESS_OVER_VERSIONED} then coalesce(${stored}, ${incoming}) else coalesce(${incoming}, ${stored}) end`;
  }
}

/** Where the rows of a merge come from: a JSON parameter, or the import's staging table. */
type Source = "json" | "staging";

function recordColumn(column: string, type: SqlType, merge: Merge, source: Source): string {
  // text[] travels as a JSON array, since jsonb_to_recordset cannot produce Postgres arrays.
  const value =
    type === "text[]" && source === "json"
      ? `case when x.${column} is null then null else array(select jsonb_array_elements_text(x.${column})) end`
      : `x.${column}`;
  if (merge === "nonEmpty") return `coalesce(${value}, ${EMPTY[type]})`;
  if (merge === "max") return `coalesce(${value}, 0)`;
  return value;
}

/**
 * The one merge both write paths run: insert what is new, and update a stored paper only where
 * the merge table changes something and the incoming version is not older. `rows` is a CTE named
 * x with arxiv_id, the merged columns and authors_text. Answers how many rows it wrote and
 * inserted.
 */
function mergeSql(rows: string, source: Source): string {
  const cols = MERGED_FIELDS.map((f) => f.column);
  const merged = MERGED_FIELDS.map((f) => mergedValue(f.column, f.type, f.merge));
  const authors = merged[cols.indexOf("authors")];
  return `
    with x as (${rows}),
    written as (
      insert into papers (arxiv_id, ${cols.join(", ")}, authors_text)
      select x.arxiv_id, ${MERGED_FIELDS.map((f) => recordColumn(f.column, f.type, f.merge, source)).join(", ")}, coalesce(x.authors_text, '')
      from x
      on conflict (arxiv_id) do update set
        ${cols.map((c, i) => `${c} = ${merged[i]}`).join(",\n        ")},
        authors_text = case when (${authors}) = excluded.authors
          and excluded.authors <> '[]'::jsonb then excluded.authors_text else papers.authors_text end,
        modified_at = now()
      where coalesce(excluded.version, papers.version, 0) >= coalesce(papers.version, 0)
        and (${merged.join(", ")}) is distinct from (${cols.map((c) => `papers.${c}`).join(", ")})
      returning (xmax = 0) as inserted
    )
    select count(*)::int as written, (count(*) filter (where inserted))::int as inserted from written`;
}

const jsonType = (type: SqlType) => (type === "text[]" ? "jsonb" : type);
const UPSERT_SQL = mergeSql(
  `select * from jsonb_to_recordset($1::jsonb) as r(arxiv_id text, ${MERGED_FIELDS.map((f) => `${f.column} ${jsonType(f.type)}`).join(", ")}, authors_text text)`,
  "json",
);

function toRecord(p: PaperInput): Record<string, unknown> {
  const rec: Record<string, unknown> = { arxiv_id: p.arxivId };
  const { values, authorsText } = storedValues(p);
  MERGED_FIELDS.forEach((f, i) => {
    const v = values[i];
    if (v !== undefined) rec[f.column] = v instanceof Date ? v.toISOString() : v;
  });
  rec.authors_text = authorsText;
  return rec;
}

/** Within one batch the same paper may come twice; the newer version, or the later line, wins. */
export function newestPerId<T extends Pick<PaperInput, "arxivId" | "version">>(papers: T[]): T[] {
  const byId = new Map<string, T>();
  for (const p of papers) {
    const prev = byId.get(p.arxivId);
    if (!prev || (p.version ?? 0) >= (prev.version ?? 0)) byId.set(p.arxivId, p);
  }
  return [...byId.values()];
}

async function runMerge(db: Queryable, sql: string, params: unknown[], rows: number): Promise<UpsertCounts> {
  const [{ written, inserted }] = await db.query<{ written: number; inserted: number }>(sql, params);
  return { inserted, updated: written - inserted, unchanged: rows - written };
}

/**
 * Inserts or merges a batch of papers in one statement. Re-importing the same data changes
 * nothing; an older version never overwrites a newer one.
 */
export async function upsertPapers(db: Queryable, papers: PaperInput[]): Promise<UpsertCounts> {
  if (papers.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const unique = newestPerId(papers);
  return runMerge(db, UPSERT_SQL, [JSON.stringify(unique.map(toRecord))], papers.length);
}

// ---- The bulk path: COPY into a staging table, then the same merge ----

/**
 * Per session (each Postgres connection has its own), emptied at every commit, so a batch's
 * rows never outlive its transaction and a rolled-back batch leaves nothing behind.
 */
const STAGING = "paper_staging";
const STAGING_COLUMNS = ["arxiv_id", ...MERGED_FIELDS.map((f) => f.column), "authors_text"];
const STAGING_DDL = `do $$ begin
  if to_regclass('pg_temp.${STAGING}') is null then
    create temp table ${STAGING} (arxiv_id text, ${MERGED_FIELDS.map((f) => `${f.column} ${f.type}`).join(", ")}, authors_text text)
      on commit delete rows;
  end if;
end $$`;
// The merge empties the staging table as it reads it, so a batch written again record by
// record (batch-write.ts) stages each record alone within the same transaction.
const STAGED_MERGE_SQL = mergeSql(`delete from ${STAGING} returning *`, "staging");

const COPY_ESCAPE = /[\\\t\n\r]/g;
const COPY_ESCAPED: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
const copyText = (s: string) => s.replace(COPY_ESCAPE, (c) => COPY_ESCAPED[c]);
/** A Postgres array literal with every element quoted, so commas and braces stay text. */
const arrayLiteral = (xs: string[]) => `{${xs.map((x) => `"${x.replace(/[\\"]/g, "\\$&")}"`).join(",")}}`;

function copyValue(v: StoredValue, type: SqlType): string {
  if (v === undefined) return "\\N";
  switch (type) {
    case "integer":
      return String(v);
    case "timestamptz":
      return (v as Date).toISOString();
    case "jsonb":
      return copyText(JSON.stringify(v));
    case "text[]":
      return copyText(arrayLiteral(v as string[]));
    case "text":
      return copyText(v as string);
  }
}

/**
 * What an unknown value is written as: the empty value of a NOT NULL column, which the merge
 * reads as unknown just as it reads NULL, so that a staged row is also a complete papers row.
 */
function unknownValue(f: MergedField): StoredValue {
  if (f.merge === "max") return 0;
  if (f.merge === "nonEmpty") return f.type === "text" ? "" : [];
  return undefined;
}

/** One paper as a line of COPY text for the staging table; a bad value (an invalid date) throws. */
export function paperCopyRow(p: PaperInput): string {
  const { values, authorsText } = storedValues(p);
  const fields = [
    copyText(p.arxivId),
    ...MERGED_FIELDS.map((f, i) => copyValue(values[i] ?? unknownValue(f), f.type)),
    copyText(authorsText),
  ];
  return `${fields.join("\t")}\n`;
}

/** A staged row's paper id: the text before its first tab (ids hold no escapes). */
const rowId = (row: string) => row.slice(0, row.indexOf("\t"));

/**
 * Merges papers given as COPY rows (paperCopyRow), one row per paper id: the bulk path of an
 * import, which runs inside the caller's transaction. Same result as upsertPapers.
 *
 * A staged row is also a complete papers row, so papers the table does not have yet are COPied
 * straight into it, and only those it has go through staging and the merge: a first import
 * writes each row once, at COPY's own speed. Should another writer insert one of those papers
 * in between, the COPY fails on the primary key and the caller writes the batch again record by
 * record (batch-write.ts), where the paper is then found and merged.
 */
export async function mergePaperRows(tx: Queryable, rows: string[]): Promise<UpsertCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const stored = await tx.query<{ arxiv_id: string }>(
    "select arxiv_id from papers where arxiv_id = any($1::text[])",
    [rows.map(rowId)],
  );
  const known = new Set(stored.map((r) => r.arxiv_id));
  const fresh = known.size === 0 ? rows : rows.filter((r) => !known.has(rowId(r)));
  if (fresh.length > 0) await tx.copyFrom("papers", STAGING_COLUMNS, fresh.join(""));
  if (known.size === 0) return { inserted: fresh.length, updated: 0, unchanged: 0 };
  await tx.query(STAGING_DDL);
  await tx.copyFrom(STAGING, STAGING_COLUMNS, rows.filter((r) => known.has(rowId(r))).join(""));
  const merged = await runMerge(tx, STAGED_MERGE_SQL, [], known.size);
  return { ...merged, inserted: merged.inserted + fresh.length };
}

/**
 * upsertPapers through the bulk path (COPY rows and one merge), for a page of papers in hand
 * (the OAI-PMH harvest) rather than rows a parser thread made. A value COPY text cannot carry
 * (an invalid date) throws, as upsertPapers does.
 */
export async function mergePapers(tx: Queryable, papers: PaperInput[]): Promise<UpsertCounts> {
  const unique = newestPerId(papers);
  const counts = await mergePaperRows(tx, unique.map(paperCopyRow));
  return { ...counts, unchanged: counts.unchanged + papers.length - unique.length };
}

/** Every column of papers that an import writes, for a COPY straight into the table. */
export const PAPER_COPY_COLUMNS = STAGING_COLUMNS;

const PAPER_COLUMNS = paperColumns();

export async function paperById(db: Queryable, arxivId: string): Promise<Paper | null> {
  const rows = await db.query<PaperRow>(`select ${PAPER_COLUMNS} from papers where arxiv_id = $1`, [arxivId]);
  return rows[0] ? paperFromRow(rows[0]) : null;
}

export async function papersByIds(db: Queryable, arxivIds: string[]): Promise<Map<string, Paper>> {
  if (arxivIds.length === 0) return new Map();
  const rows = await db.query<PaperRow>(
    `select ${PAPER_COLUMNS} from papers where arxiv_id = any($1::text[])`,
    [arxivIds],
  );
  return new Map(rows.map((r) => [r.arxiv_id, paperFromRow(r)]));
}

export async function paperCount(db: Queryable): Promise<number> {
  const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from papers");
  return n;
}

/** Adds to a paper's counts of local upvotes and comments; its upvotes in all, or null if unknown. */
export async function paperLocalCountsAdd(
  db: Queryable,
  arxivId: string,
  delta: { upvotes?: number; comments?: number },
): Promise<number | null> {
  const rows = await db.query<{ upvotes: number }>(
    `update papers set local_upvotes = local_upvotes + $2, local_comments = local_comments + $3
      where arxiv_id = $1 returning imported_upvotes + local_upvotes as upvotes`,
    [arxivId, delta.upvotes ?? 0, delta.comments ?? 0],
  );
  return rows[0]?.upvotes ?? null;
}

/** Takes counts away from many papers at once, never below zero: an account's votes and comments going. */
export async function papersLocalCountsDrop(
  db: Queryable,
  drops: { arxivId: string; upvotes: number; comments: number }[],
): Promise<void> {
  if (drops.length === 0) return;
  await db.query(
    `update papers p set local_upvotes = greatest(0, p.local_upvotes - d.upvotes),
        local_comments = greatest(0, p.local_comments - d.comments)
       from unnest($1::text[], $2::int[], $3::int[]) as d(arxiv_id, upvotes, comments)
      where p.arxiv_id = d.arxiv_id`,
    [drops.map((d) => d.arxivId), drops.map((d) => d.upvotes), drops.map((d) => d.comments)],
  );
}
