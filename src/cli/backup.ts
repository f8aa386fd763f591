import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../config.ts";
import { backupDatabase } from "../db/backup.ts";
import { readOwner } from "../db/lock.ts";
import { openDatabase } from "../db/open.ts";
import { RestoreRefused, restoreDatabase } from "../db/restore.ts";
import { CliError } from "./errors.ts";

/** `backup FILE` and `restore FILE`: see src/db/backup.ts for the format. */
export function registerBackupCommands(program: Command): void {
  program
    .command("backup")
    .description("write a consistent backup (plain SQL; psql accepts it too), also while the server runs")
    .argument("<file>", "where to write it, e.g. dailypapers-2026-12-01.sql")
    .action(async (file: string) => {
      if (!fs.existsSync(path.dirname(path.resolve(file))))
        throw new CliError(`no such folder: ${path.dirname(path.resolve(file))}`);
      const db = await openDatabase(loadConfig());
      try {
        const started = Date.now();
        const r = await backupDatabase(db, file);
        const rows = r.tables.reduce((n, t) => n + t.rows, 0);
        process.stdout.write(
          `wrote ${file}: schema version ${r.schemaVersion}, ${r.tables.length} tables, ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
        );
      } finally {
        await db.close();
      }
    });

  program
    .command("restore")
    .description(
      "load a backup into an empty data directory (DATA_DIR) or an empty Postgres database (DATABASE_URL)",
    )
    .argument("<file>", "a file written by dailypapers backup")
    .action(async (file: string) => {
      if (!fs.existsSync(file)) throw new CliError(`no such file: ${path.resolve(file)}`);
      const config = loadConfig();
      const owner = config.databaseUrl ? null : readOwner(config.dataDir);
      if (owner)
        throw new CliError(
          `pid ${owner.pid} (${owner.command}) is using ${config.dataDir}: restore goes into an empty data directory; stop it, or point DATA_DIR elsewhere`,
        );
      const db = await openDatabase(config, { migrate: false });
      try {
        const r = await restoreDatabase(db, file);
        process.stdout.write(
          `restored ${file} (schema version ${r.schemaVersion}, ${r.statements} statements) into ${config.databaseUrl ? "the Postgres database" : config.dataDir}\n`,
        );
      } catch (err) {
        if (err instanceof RestoreRefused) throw new CliError(err.message);
        throw err;
      } finally {
        await db.close();
      }
    });
}
