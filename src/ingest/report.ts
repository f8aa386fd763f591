import type { UpsertCounts } from "../papers/types.ts";

/**
 * One skipped record. `where` is "FILE:LINE" for line-based input and "FILE[INDEX]" (0-based,
 * as in a JSON path) for an entry of a JSON array; the message reads "where: reason".
 */
export interface ImportIssue {
  where: string;
  reason: string;
}

export function issueText(issue: ImportIssue): string {
  return `${issue.where}: ${issue.reason}`;
}

export interface ImportCounts extends UpsertCounts {
  failed: number;
  /** Records imported with a change (a field cut, control characters removed, invalid UTF-8). */
  warnings: number;
}

export interface ImportOptions {
  /** Aborting stops after the batch in progress commits; running the import again resumes. */
  signal?: AbortSignal;
  /** Called for each skipped record, as it is found. */
  onIssue?: (issue: ImportIssue) => void;
  /** Called for each record imported with a change, saying what changed. */
  onWarning?: (issue: ImportIssue) => void;
  /** Called with the number of records handled, after each committed batch. */
  onProgress?: (records: number) => void;
  /** Called once the total number of records is known (hf-daily counts files first). */
  onTotal?: (total: number) => void;
  batchSize?: number;
}

/** At most this many issues are kept in the returned summary; all are counted and reported. */
const KEPT_ISSUES = 1000;

export function zeroCounts(): ImportCounts {
  return { inserted: 0, updated: 0, unchanged: 0, failed: 0, warnings: 0 };
}

export function addCounts<T extends object>(into: T, more: Partial<T>): T {
  const target = into as Record<string, number>;
  for (const [k, v] of Object.entries(more)) target[k] = (target[k] ?? 0) + (Number(v) || 0);
  return into;
}

/** Thrown when an import stops on its AbortSignal; what was committed stays and resumes. */
export class ImportInterrupted extends Error {
  constructor(
    readonly position: number,
    unit: "lines" | "files",
  ) {
    super(`stopped with the first ${position} ${unit} committed`);
  }
}

/** The input as a whole cannot be read (missing file, damaged gzip stream). */
export class ImportInputError extends Error {}

/** Collects skipped and changed records, counting all and keeping the first KEPT_ISSUES. */
export function issueReporter(counts: ImportCounts, options: ImportOptions) {
  const issues: ImportIssue[] = [];
  return {
    issues,
    skipped(issue: ImportIssue) {
      counts.failed++;
      if (issues.length < KEPT_ISSUES) issues.push(issue);
      options.onIssue?.(issue);
    },
    changed(where: string, warnings: string[]) {
      if (warnings.length === 0) return;
      counts.warnings++;
      options.onWarning?.({ where, reason: warnings.join("; ") });
    },
  };
}
