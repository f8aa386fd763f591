import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Db } from "../db/client.ts";
import { mergePaperRows, upsertPapers } from "../papers/store.ts";
import type { PaperInput, UpsertCounts } from "../papers/types.ts";
import { sumCounts, writeBatchOrEach } from "./batch-write.ts";
import { checkpointAdvance, checkpointFor, checkpointStart } from "./checkpoint-store.ts";
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
import type { SnapshotBatch } from "./snapshot-batches.ts";
import { inThreadSource, workerSource } from "./snapshot-source.ts";

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
async function fileFingerprint(file: string): Promise<string> {
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
 * Lines a batch (one transaction with its checkpoint). Each commit, checkpoint update and
 * hand-over between the parser and the writer costs the same whatever the batch, so larger
 * batches leave more of the cores to COPY: 5,000 lines (about 10 MB of COPY text) took a tenth
 * less server time than 1,000 for the same 100k rows (2026-12-02, 17.2 against 19.2 s), and
 * memory stays flat: at most a few batches are in flight.
 */
const BATCH_LINES = 5000;

/** Files at least this large are parsed on a worker thread; below, starting one costs more. */
const WORKER_FROM_BYTES = 8 << 20;

/**
 * Parser threads unless told otherwise. A second one needs a core of its own beside the one
 * that writes (with PGlite, the database itself) and a Postgres server's: on 2 cores it gained
 * nothing (bench/results/import.md, 2026-12-02: 4,271 against 4,056 papers/s on PGlite, 6,693
 * against 6,890 on Postgres), so it is used from 4 cores on.
 */
const PARSE_THREADS = os.availableParallelism() >= 4 ? 2 : 1;

export interface SnapshotOptions extends ImportOptions {
  /** Where lines are parsed: by default a worker thread for large files, unless shared. */
  parseOn?: "worker" | "main";
  /** How many worker threads parse (default PARSE_THREADS). */
  parseThreads?: number;
}

/**
 * Streams arXiv's metadata snapshot (JSON lines, plain or gzipped) into the papers table in
 * batches written with COPY (papers/store.ts mergePaperRows: new papers straight into the
 * table, known ones through a staging table and one merge). Each batch commits together with
 * the import's checkpoint, so an interrupted run
 * (abort, crash, kill) resumes after the last committed line, and the totals it reports at
 * the end are those of one uninterrupted run. Re-running a finished import starts over and
 * reports everything unchanged. Parsing runs on a worker thread for large files, a batch or
 * two ahead of the database.
 */
export async function importSnapshot(
  db: Db,
  file: string,
  options: SnapshotOptions = {},
): Promise<SnapshotSummary> {
  const abs = path.resolve(file);
  const fingerprint = await fileFingerprint(abs);
  const size = Number(fingerprint.split(":")[0]);
  const batchSize = options.batchSize ?? BATCH_LINES;

  const saved = await checkpointFor(db, "arxiv-snapshot", abs);
  const resume = saved && !saved.finished && saved.fingerprint === fingerprint ? saved : null;
  if (!resume) await checkpointStart(db, "arxiv-snapshot", abs, fingerprint);
  const skip = resume?.position ?? 0;
  const counts: ImportCounts = { ...zeroCounts(), ...(resume?.counts ?? {}) };
  const report = issueReporter(counts, options);

  // A running server's PGlite, reached through its socket, takes no COPY: merge from JSON there.
  const keepPapers = db.sharedWithServer === true;
  const onWorker = (options.parseOn ?? (size >= WORKER_FROM_BYTES ? "worker" : "main")) === "worker";
  const batchOptions = { skip, batchSize, keepPapers };
  const source =
    onWorker && !keepPapers
      ? workerSource(abs, batchOptions, options.parseThreads ?? PARSE_THREADS)
      : inThreadSource(abs, batchOptions);

  const commit = async (batch: SnapshotBatch) => {
    for (const issue of batch.skipped) report.skipped(issue);
    for (const w of batch.warnings) report.changed(w.where, [w.reason]);
    await db.transaction(async (tx) => {
      const written = await writeBatchOrEach(
        tx,
        batch.records,
        (t, records) =>
          keepPapers
            ? upsertPapers(
                t,
                records.map((r) => r.paper as PaperInput),
              )
            : mergePaperRows(
                t,
                records.map((r) => r.row),
              ),
        (r) => r.where,
        report.skipped,
      );
      const zero = { inserted: 0, updated: 0, unchanged: batch.duplicates };
      addCounts(counts, sumCounts<UpsertCounts>(written, zero));
      await checkpointAdvance(tx, "arxiv-snapshot", abs, batch.lastLine, { ...counts }, batch.final);
    });
    source.written();
    options.onProgress?.(batch.lastLine);
  };

  let lines = skip;
  try {
    for (;;) {
      const next = await source.next();
      if (next.done) break;
      const event = next.value;
      if (event.type === "skipping") {
        options.onProgress?.(event.lineNo);
        continue;
      }
      if (event.type === "inputError") throw new ImportInputError(event.message);
      lines = event.lastLine;
      if (event.final) options.onTotal?.(lines);
      else if (event.bytesRead > 0) options.onTotal?.(Math.round((lines * size) / event.bytesRead));
      await commit(event);
      if (event.final) break;
      if (options.signal?.aborted) throw new ImportInterrupted(lines, "lines");
    }
  } finally {
    await source.close();
  }
  return {
    file: abs,
    lines,
    counts,
    resumedAfterLine: resume && skip > 0 ? skip : null,
    issues: report.issues,
  };
}
