import type { Queryable } from "../db/client.ts";
import { addCounts, type ImportIssue } from "./report.ts";

/**
 * Writes a batch inside the caller's transaction; if the database refuses it, the batch is
 * rolled back to a savepoint and written again record by record, each under its own savepoint,
 * so that one record the database refuses (a value checks before it could not foresee) is
 * skipped and reported where it came from, and the rest of the batch, and the checkpoint
 * committed with it, still commit. Re-running the import then gets past the bad record.
 */
export async function writeBatchOrEach<T, C extends object>(
  tx: Queryable,
  records: T[],
  write: (tx: Queryable, records: T[]) => Promise<C>,
  where: (record: T) => string,
  onRefused: (issue: ImportIssue) => void,
): Promise<C[]> {
  if (records.length === 0) return [];
  await tx.query("savepoint import_batch");
  try {
    const counts = await write(tx, records);
    await tx.query("release savepoint import_batch");
    return [counts];
  } catch {
    await tx.query("rollback to savepoint import_batch");
  }
  const all: C[] = [];
  for (const record of records) {
    await tx.query("savepoint import_record");
    try {
      all.push(await write(tx, [record]));
      await tx.query("release savepoint import_record");
    } catch (err) {
      await tx.query("rollback to savepoint import_record");
      onRefused({ where: where(record), reason: `refused by the database (${firstLine(err)})` });
    }
  }
  return all;
}

/** The counts of several writes added up. */
export function sumCounts<C extends object>(parts: C[], zero: C): C {
  return parts.reduce((acc, c) => addCounts(acc, c), { ...zero });
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split("\n")[0];
}
