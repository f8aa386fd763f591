import fs from "node:fs";
import path from "node:path";
import type { Db } from "../db/client.ts";
import { upsertPapers } from "../papers/store.ts";
import type { PaperInput, UpsertCounts } from "../papers/types.ts";
import { sumCounts, writeBatchOrEach } from "./batch-write.ts";
import { checkpointAdvance, checkpointFor, checkpointStart } from "./checkpoint-store.ts";
import { checkPaper } from "./limits.ts";
import { fileLines } from "./lines.ts";
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
import { paperFromSnapshotLine } from "./snapshot-record.ts";

export interface SnapshotSummary {
  file: string;
  /** Lines read, blank ones included. */
  lines: number;
  counts: ImportCounts;
  /** The line an interrupted earlier run had committed up to, when this run resumed it. */
  resumedAfterLine: number | null;
  /** The first KEPT_ISSUES skipped records (counts.failed has them all). */
  issues: ImportIssue[];
}

/** Size and modification time: a file that changed since an interrupted run starts over. */
export async function fileFingerprint(file: string): Promise<string> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch {
    throw new ImportInputError(`no such file: ${file}`);
  }
  if (!stat.isFile()) throw new ImportInputError(`not a file: ${file}`);
  return `${stat.size}:${Math.round(stat.mtimeMs)}`;
}

/**
 * Streams arXiv's metadata snapshot (JSON lines, plain or gzipped) into the papers table in
 * batches. Each batch commits together with the import's checkpoint, so an interrupted run
 * (abort, crash, kill) resumes after the last committed line, and the totals it reports at
 * the end are those of one uninterrupted run. Re-running a finished import starts over and
 * reports everything unchanged.
 */
export async function importSnapshot(
  db: Db,
  file: string,
  options: ImportOptions = {},
): Promise<SnapshotSummary> {
  const abs = path.resolve(file);
  const name = path.basename(abs);
  const fingerprint = await fileFingerprint(abs);
  const size = Number(fingerprint.split(":")[0]);
  const batchSize = options.batchSize ?? 1000;

  const saved = await checkpointFor(db, "arxiv-snapshot", abs);
  const resume = saved && !saved.finished && saved.fingerprint === fingerprint ? saved : null;
  if (!resume) await checkpointStart(db, "arxiv-snapshot", abs, fingerprint);
  const skip = resume?.position ?? 0;
  const counts: ImportCounts = { ...zeroCounts(), ...(resume?.counts ?? {}) };
  const report = issueReporter(counts, options);

  let batch: { paper: PaperInput; where: string }[] = [];
  let lineNo = 0;
  const commit = async (finished: boolean) => {
    await db.transaction(async (tx) => {
      const written = await writeBatchOrEach(
        tx,
        batch,
        (t, records) =>
          upsertPapers(
            t,
            records.map((r) => r.paper),
          ),
        (r) => r.where,
        report.skipped,
      );
      addCounts(counts, sumCounts<UpsertCounts>(written, { inserted: 0, updated: 0, unchanged: 0 }));
      await checkpointAdvance(tx, "arxiv-snapshot", abs, lineNo, { ...counts }, finished);
    });
    batch = [];
    options.onProgress?.(lineNo);
  };

  let pending = 0;
  const lines = fileLines(abs);
  try {
    for (;;) {
      const next = await readNext(lines, name, () => lineNo);
      if (next.done) break;
      const { line, lineNo: n, bytesRead } = next.value;
      lineNo = n;
      if (n <= skip) {
        if (n % batchSize === 0) options.onProgress?.(n);
        continue;
      }
      pending++;
      if (line.trim() !== "") {
        const where = `${name}:${n}`;
        // A byte-order mark on the first line is not part of the JSON.
        const result = paperFromSnapshotLine(n === 1 ? line.replace(/^\ufeff/, "") : line);
        const checked = result.ok ? checkPaper(result.paper) : result;
        if (checked.ok) {
          batch.push({ paper: checked.paper, where });
          report.changed(where, checked.warnings);
        } else report.skipped({ where, reason: checked.reason });
      }
      if (pending >= batchSize) {
        pending = 0;
        if (bytesRead > 0) options.onTotal?.(Math.round((n * size) / bytesRead));
        await commit(false);
        if (options.signal?.aborted) throw new ImportInterrupted(n, "lines");
      }
    }
  } catch (err) {
    // Keep what was read before the damage; the error then says where reading stopped.
    if (err instanceof ImportInputError && batch.length > 0) await commit(false);
    throw err;
  } finally {
    await lines.return(undefined);
  }
  options.onTotal?.(lineNo);
  await commit(true);
  return {
    file: abs,
    lines: lineNo,
    counts,
    resumedAfterLine: resume && skip > 0 ? skip : null,
    issues: report.issues,
  };
}

type Lines = ReturnType<typeof fileLines>;

/** The next line; a read or gunzip failure becomes an input error naming the last good line. */
async function readNext(lines: Lines, name: string, lastLine: () => number) {
  try {
    return await lines.next();
  } catch (err) {
    throw new ImportInputError(`${name}: cannot read past line ${lastLine()} (${(err as Error).message})`);
  }
}
