import fs from "node:fs";
import readline from "node:readline";
import { BACKUP_HEADER, END, STEP } from "./backup.ts";
import type { Db } from "./client.ts";
import { loadMigrations, migrate } from "./migrate.ts";

export class RestoreRefused extends Error {}

/**
 * `dailypapers restore FILE`: loads a backup (backup.ts) into an empty database, in one
 * transaction (a failure leaves it empty), then migrates it to this code's schema. A database
 * that has any table is refused: restoring never merges into or overwrites data.
 */
export async function restoreDatabase(
  db: Db,
  file: string,
): Promise<{ schemaVersion: number; statements: number }> {
  const header = firstLine(file);
  const version = Number(/schema version (\d+)/.exec(header)?.[1]);
  if (!header.startsWith(BACKUP_HEADER) || !Number.isInteger(version))
    throw new RestoreRefused(
      `${file} is not a Daily Papers backup (it does not start with "${BACKUP_HEADER}")`,
    );
  const known = loadMigrations().at(-1)?.version ?? 0;
  if (version > known)
    throw new RestoreRefused(
      `${file} has schema version ${version}, newer than this code knows (${known}): upgrade Daily Papers`,
    );
  const tables = await db.query<{ name: string }>(
    "select tablename::text as name from pg_tables where schemaname = 'public' order by 1",
  );
  if (tables.length > 0)
    throw new RestoreRefused(
      `the target database is not empty (${tables.length} tables: ${tables
        .slice(0, 5)
        .map((t) => t.name)
        .join(
          ", ",
        )}${tables.length > 5 ? ", …" : ""}); restore only into an empty data directory or database`,
    );
  let statements = 0;
  await db.transaction(async (tx) => {
    // As the backup's header does for psql: bookkeeping triggers leave the loaded rows alone.
    await tx.query("set local dailypapers.restoring = 'on'");
    let step: string[] | null = null;
    let ended = false;
    const run = async () => {
      if (step && step.length > 0) {
        await tx.exec(step.join("\n"));
        statements++;
      }
    };
    const lines = readline.createInterface({ input: fs.createReadStream(file, "utf8"), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line === STEP || line === END) {
        await run();
        step = [];
        if (line === END) ended = true;
      } else if (ended) {
        if (line.trim()) throw new RestoreRefused(`${file} has text after its end marker`);
      } else step?.push(line);
    }
    // A backup cut short (disk full, copied while written) must not restore as if whole.
    if (!ended) throw new RestoreRefused(`${file} is incomplete (no end marker): nothing was restored`);
  });
  await migrate(db);
  return { schemaVersion: version, statements };
}

function firstLine(file: string): string {
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(200);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString("utf8").split("\n")[0];
  } finally {
    fs.closeSync(fd);
  }
}
