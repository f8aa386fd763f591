import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Db, Queryable } from "../db/client.ts";
import { upsertFeedEntries } from "../feed/store.ts";
import { upsertPapers } from "../papers/store.ts";
import type { UpsertCounts } from "../papers/types.ts";
import { upsertImportedUsers } from "../users/store.ts";
import { sumCounts, writeBatchOrEach } from "./batch-write.ts";
import { checkpointAdvance, checkpointFor, checkpointStart } from "./checkpoint-store.ts";
import { type HfItem, type HfResult, itemFromHfEntry } from "./hf-entry.ts";
import { checkPaper, cleanStrings } from "./limits.ts";
import {
  addCounts,
  type ImportCounts,
  ImportInputError,
  ImportInterrupted,
  type ImportIssue,
  type ImportOptions,
  issueReporter,
  zeroCounts,
} from "./report.ts";

export interface HfDailySummary {
  path: string;
  files: number;
  /** Entries read (imported or failed). */
  entries: number;
  /** Papers: one per arXiv id; failed counts skipped entries and unreadable files. */
  counts: ImportCounts;
  feedEntries: UpsertCounts;
  /** .json files in the folder that are not named YYYY-MM-DD.json and were left alone. */
  ignoredFiles: string[];
  resumedAfterFile: number | null;
  issues: ImportIssue[];
}

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.json$/i;

/** A real calendar day (2024-02-30 is not). */
function validDay(day: string): boolean {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

async function inputFiles(input: string): Promise<{ files: string[]; ignored: string[] }> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(input);
  } catch {
    throw new ImportInputError(`no such file or folder: ${input}`);
  }
  if (stat.isFile()) return { files: [input], ignored: [] };
  const names = (await fs.promises.readdir(input)).filter((n) => n.toLowerCase().endsWith(".json")).sort();
  const files = names.filter((n) => DAY_FILE.test(n)).map((n) => path.join(input, n));
  if (files.length === 0) throw new ImportInputError(`no YYYY-MM-DD.json files in ${input}`);
  return { files, ignored: names.filter((n) => !DAY_FILE.test(n)) };
}

async function fingerprintOf(files: string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const f of files) {
    const s = await fs.promises.stat(f);
    hash.update(`${path.basename(f)}:${s.size}:${Math.round(s.mtimeMs)}\n`);
  }
  return hash.digest("hex");
}

/** The entries of one response file, or why the whole file is unreadable. */
function entriesOf(text: string): { entries: unknown[]; date: string | null } | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return `invalid JSON (${(err as Error).message})`;
  }
  if (Array.isArray(json)) return { entries: json, date: null };
  // One collected file wraps the response: {"status", "date", "count", "data": [...]}.
  if (json && typeof json === "object" && Array.isArray((json as { data?: unknown }).data)) {
    const { data, date } = json as { data: unknown[]; date?: unknown };
    return { entries: data, date: typeof date === "string" && validDay(date) ? date : null };
  }
  return "expected a JSON array of entries or an object with a data array";
}

/** `where` is FILE[INDEX], for reporting a record the database refuses. */
type BatchItem = HfItem & { writePaper: boolean; where: string };

interface Batch {
  items: BatchItem[];
  filesDone: number;
}

interface ParsedFile {
  name: string;
  /** Why the whole file is unreadable. */
  error: string | null;
  results: (HfResult & { warnings?: string[] })[];
}

/** An entry checked against the field limits, its submitter's strings cleaned too. */
function checked(result: HfResult): HfResult & { warnings?: string[] } {
  if (!result.ok) return result;
  const paper = checkPaper(result.item.paper);
  if (!paper.ok) return paper;
  const user = result.item.user ? cleanStrings(result.item.user) : null;
  const warnings = user?.stripped
    ? [...paper.warnings, "control characters removed from the submitter"]
    : paper.warnings;
  return { ok: true, item: { ...result.item, paper: paper.paper, user: user?.value ?? null }, warnings };
}

async function parseFile(file: string): Promise<ParsedFile> {
  const name = path.basename(file);
  // A byte-order mark (some editors and Windows tools write one) is not part of the JSON.
  const parsed = entriesOf((await fs.promises.readFile(file, "utf8")).replace(/^\ufeff/, ""));
  if (typeof parsed === "string") return { name, error: parsed, results: [] };
  const day = DAY_FILE.exec(name)?.[1] ?? parsed.date;
  const feedDay = day && validDay(day) ? day : null;
  return { name, error: null, results: parsed.entries.map((raw) => checked(itemFromHfEntry(raw, feedDay))) };
}

/**
 * Imports Hugging Face /api/daily_papers responses: one file or a folder of YYYY-MM-DD.json
 * files, in name order. A file's feed day is the date in its name, else the wrapper's date,
 * else each entry's publishedAt day. Papers, submitters and feed entries of a batch of files
 * commit together with the checkpoint, so an interrupted import resumes at the next file.
 */
export async function importHfDaily(
  db: Db,
  input: string,
  options: ImportOptions = {},
): Promise<HfDailySummary> {
  const abs = path.resolve(input);
  const { files, ignored } = await inputFiles(abs);
  const fingerprint = await fingerprintOf(files);
  const batchSize = options.batchSize ?? 500;

  const saved = await checkpointFor(db, "hf-daily", abs);
  const resume = saved && !saved.finished && saved.fingerprint === fingerprint ? saved : null;
  if (!resume) await checkpointStart(db, "hf-daily", abs, fingerprint);
  const skip = resume?.position ?? 0;
  const saved0 = (resume?.counts ?? {}) as Record<string, number>;
  const counts: ImportCounts = { ...zeroCounts(), ...pick(saved0, "") };
  const feedEntries: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0, ...pick(saved0, "entries.") };
  let entries = saved0.entries ?? 0;
  const reporter = issueReporter(counts, options);
  const report = reporter.skipped;

  const commit = async (batch: Batch, finished: boolean) => {
    await db.transaction(async (tx) => {
      // A paper whose entries are all in this batch is written with them, so a record the
      // database refuses takes its paper, submitter and feed entries out together.
      const zero = { inserted: 0, updated: 0, unchanged: 0 };
      // Papers first: an entry from an earlier day of a paper written here needs the paper.
      const items = [...batch.items].sort((a, b) => Number(b.writePaper) - Number(a.writePaper));
      const written = await writeBatchOrEach(tx, items, writeItems, (i) => i.where, report);
      addCounts(
        counts,
        sumCounts(
          written.map((w) => w.papers),
          zero,
        ),
      );
      addCounts(
        feedEntries,
        sumCounts(
          written.map((w) => w.feed),
          zero,
        ),
      );
      const all = { ...counts, entries, ...prefixed(feedEntries, "entries.") };
      await checkpointAdvance(tx, "hf-daily", abs, batch.filesDone, all, finished);
    });
    options.onProgress?.(entries);
  };

  // Read every file first: a paper listed on several days is stored once, from its last day,
  // so a re-run cannot flip its fields between the days' values and the newest data wins.
  // Its feed entries are written in the same batch as it (the foreign key needs the paper).
  const parsed = await Promise.all(files.map((f) => parseFile(f)));
  const lastFile = new Map<string, number>();
  parsed.forEach((file, i) => {
    for (const r of file.results) if (r.ok) lastFile.set(r.item.paper.arxivId, i);
  });
  const byCommitFile: BatchItem[][] = parsed.map(() => []);
  parsed.forEach((file, i) => {
    for (const [index, r] of file.results.entries()) {
      if (!r.ok) continue;
      const last = lastFile.get(r.item.paper.arxivId) ?? i;
      byCommitFile[last].push({ ...r.item, writePaper: last === i, where: `${file.name}[${index}]` });
    }
  });
  options.onTotal?.(parsed.reduce((n, f) => n + f.results.length, 0));

  let batch: Batch = { items: [], filesDone: skip };
  for (let i = skip; i < files.length; i++) {
    const file = parsed[i];
    if (file.error) report({ where: file.name, reason: file.error });
    for (const [index, result] of file.results.entries()) {
      entries++;
      if (!result.ok) report({ where: `${file.name}[${index}]`, reason: result.reason });
      else reporter.changed(`${file.name}[${index}]`, result.warnings ?? []);
    }
    batch.items.push(...byCommitFile[i]);
    batch.filesDone = i + 1;
    if (batch.items.length >= batchSize && i + 1 < files.length) {
      await commit(batch, false);
      batch = { items: [], filesDone: i + 1 };
      if (options.signal?.aborted) throw new ImportInterrupted(i + 1, "files");
    }
  }
  options.onTotal?.(entries);
  await commit(batch, true);
  return {
    path: abs,
    files: files.length,
    entries,
    counts,
    feedEntries,
    ignoredFiles: ignored,
    resumedAfterFile: resume && skip > 0 ? skip : null,
    issues: reporter.issues,
  };
}

/** Papers, submitters and feed entries of some batch items. */
async function writeItems(tx: Queryable, items: BatchItem[]) {
  const papers = items.filter((i) => i.writePaper).map((i) => i.paper);
  const upserted = await upsertPapers(tx, papers);
  const users = items.flatMap((i) => (i.user ? [i.user] : []));
  const ids = await upsertImportedUsers(tx, users);
  const feed = items.map(({ feed: { submitter, ...rest } }) => ({
    ...rest,
    submittedBy: submitter ? (ids.get(submitter.toLowerCase()) ?? null) : null,
  }));
  // an entry whose paper is stored from a later day counts as that paper unchanged here
  const unchanged = upserted.unchanged + items.length - papers.length;
  return { papers: { ...upserted, unchanged }, feed: await upsertFeedEntries(tx, feed) };
}

function prefixed(counts: UpsertCounts, prefix: string): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [prefix + k, v]));
}

function pick(saved: Record<string, number>, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of ["inserted", "updated", "unchanged", "failed"]) {
    if (typeof saved[prefix + k] === "number") out[k] = saved[prefix + k];
  }
  return out;
}
