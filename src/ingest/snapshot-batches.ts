import path from "node:path";
import { newestPerId, paperCopyRow } from "../papers/store.ts";
import type { PaperInput } from "../papers/types.ts";
import { checkPaper, textMayNeedCleaning } from "./limits.ts";
import { fileLineChunks, type LineChunk } from "./lines.ts";
import type { ImportIssue } from "./report.ts";
import { paperFromSnapshotLine } from "./snapshot-record.ts";

/** One paper ready for the database: its COPY row, and the paper itself when asked for. */
interface StagedRecord {
  where: string;
  arxivId: string;
  version: number | null;
  row: string;
  paper?: PaperInput;
}

/** The records of `batchSize` lines, parsed, checked and reduced to the newest per paper. */
export interface SnapshotBatch {
  type: "batch";
  /** The last line the batch covers: what the checkpoint records once it commits. */
  lastLine: number;
  bytesRead: number;
  records: StagedRecord[];
  /** Records dropped because a newer version of the same paper came later in the batch. */
  duplicates: number;
  skipped: ImportIssue[];
  warnings: ImportIssue[];
  /** The end of the file: the checkpoint is marked finished with this batch. */
  final: boolean;
}

export type SnapshotEvent =
  | SnapshotBatch
  /** Lines an earlier run committed, passed over without parsing (for progress only). */
  | { type: "skipping"; lineNo: number }
  /** Reading stopped (a damaged gzip stream) after the batch before this event. */
  | { type: "inputError"; message: string };

export interface BatchOptions {
  skip: number;
  batchSize: number;
  /** Keep each record's PaperInput, for a database that takes no COPY. */
  keepPapers: boolean;
  /**
   * Parse only batches index, index + count, index + 2·count, ... (counted from the first line
   * after `skip`): one of `count` parser threads, each reading the whole file and passing over
   * the others' lines unparsed. Each still ends with a final batch, empty if the last is not its.
   */
  shard?: { index: number; count: number };
}

/**
 * Reads arXiv's snapshot and turns every `batchSize` lines into one batch of COPY rows. All
 * the CPU work of an import happens here, so it can run on a worker thread while the database
 * writes the batch before (snapshot-worker.ts).
 */
export async function* snapshotBatches(file: string, options: BatchOptions): AsyncGenerator<SnapshotEvent> {
  const name = path.basename(file);
  const { index, count } = options.shard ?? { index: 0, count: 1 };
  let batch = emptyBatch();
  let lineNo = 0;
  let bytesRead = 0;
  // Lines read into the batch, blank and bad ones included: a batch spans batchSize lines.
  let pending = 0;
  const flush = (final: boolean): SnapshotBatch => {
    const unique = newestPerId(batch.records);
    const out = { ...batch, lastLine: lineNo, bytesRead, records: unique, final };
    out.duplicates = batch.records.length - unique.length;
    batch = emptyBatch();
    pending = 0;
    return out;
  };
  const mine = (n: number) => Math.floor((n - options.skip - 1) / options.batchSize) % count === index;
  const chunks = fileLineChunks(file);
  try {
    for (;;) {
      let next: IteratorResult<LineChunk>;
      try {
        next = await chunks.next();
      } catch (err) {
        // Keep what was read before the damage; the error then says where reading stopped.
        if (pending > 0) yield flush(false);
        yield {
          type: "inputError",
          message: `${name}: cannot read past line ${lineNo} (${(err as Error).message})`,
        };
        return;
      }
      if (next.done) break;
      const { lines, firstLineNo } = next.value;
      bytesRead = next.value.bytesRead;
      for (let i = 0; i < lines.length; i++) {
        lineNo = firstLineNo + i;
        if (lineNo <= options.skip) {
          if (lineNo % options.batchSize === 0 && index === 0) yield { type: "skipping", lineNo };
          continue;
        }
        if (!mine(lineNo)) continue;
        addLine(batch, lines[i], lineNo, `${name}:${lineNo}`, options.keepPapers);
        if (++pending >= options.batchSize) yield flush(false);
      }
    }
  } finally {
    await chunks.return(undefined);
  }
  yield flush(true);
}

function emptyBatch(): SnapshotBatch {
  return {
    type: "batch",
    lastLine: 0,
    bytesRead: 0,
    records: [],
    duplicates: 0,
    skipped: [],
    warnings: [],
    final: false,
  };
}

function addLine(batch: SnapshotBatch, line: string, lineNo: number, where: string, keepPaper: boolean) {
  if (line.trim() === "") return;
  // A byte-order mark on the first line is not part of the JSON.
  const json = lineNo === 1 ? line.replace(/^\ufeff/, "") : line;
  const result = paperFromSnapshotLine(json);
  const checked = result.ok ? checkPaper(result.paper, textMayNeedCleaning(json, "json")) : result;
  if (!checked.ok) {
    batch.skipped.push({ where, reason: checked.reason });
    return;
  }
  let row: string;
  try {
    row = paperCopyRow(checked.paper);
  } catch (err) {
    batch.skipped.push({ where, reason: `cannot be stored (${(err as Error).message})` });
    return;
  }
  if (checked.warnings.length > 0) batch.warnings.push({ where, reason: checked.warnings.join("; ") });
  const p = checked.paper;
  batch.records.push({
    where,
    arxivId: p.arxivId,
    version: p.version ?? null,
    row,
    ...(keepPaper ? { paper: p } : {}),
  });
}
