import fs from "node:fs";
import type { Db, Queryable } from "./client.ts";
import { loadMigrations, MIGRATIONS_TABLE } from "./migrate.ts";

/**
 * `dailypapers backup FILE`: a plain SQL file that psql accepts into an empty Postgres database
 * and `dailypapers restore` into an empty PGlite directory or Postgres database, so it also moves
 * an installation between the two. It holds the schema as the migrations that made it (up to the
 * database's version) and every row as JSON that Postgres itself wrote and parses back
 * (json_populate_recordset), so every type round-trips exactly on both backends.
 *
 * It is read in one REPEATABLE READ transaction: a consistent snapshot on a live server. On the
 * embedded database that transaction holds PGlite's one session, so the site waits while a backup
 * runs (measured in bench/results/ops-socket.md); on Postgres nothing waits.
 */
export const BACKUP_HEADER = "-- Daily Papers backup";
/** Separates the statements dailypapers restore runs one by one; psql reads it as a comment. */
export const STEP = "-- dailypapers:step";
export const END = "-- dailypapers:end";
const ROWS_PER_STATEMENT = 500;

export interface BackupReport {
  schemaVersion: number;
  tables: { name: string; rows: number }[];
}

interface Table {
  name: string;
  columns: string[];
  /** Identity columns that are GENERATED ALWAYS need OVERRIDING SYSTEM VALUE to take our ids. */
  alwaysIdentity: boolean;
  orderBy: string;
  dependsOn: string[];
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function tablesOf(q: Queryable): Promise<Table[]> {
  const rows = await q.query<{
    name: string;
    columns: string[];
    always: boolean;
    pk: string[] | null;
    deps: string[] | null;
  }>(
    `select c.relname as name,
       array(select a.attname::text from pg_attribute a
             where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
             order by a.attnum) as columns,
       exists(select 1 from pg_attribute a where a.attrelid = c.oid and a.attidentity = 'a') as always,
       (select array(select a.attname::text from unnest(i.indkey) with ordinality k(attnum, n)
                     join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum order by k.n)
          from pg_index i where i.indrelid = c.oid and i.indisprimary) as pk,
       array(select distinct f.relname::text from pg_constraint fk join pg_class f on f.oid = fk.confrelid
             where fk.conrelid = c.oid and fk.contype = 'f' and fk.confrelid <> c.oid) as deps
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'r'
     order by c.relname`,
  );
  const tables = rows.map((r) => ({
    name: r.name,
    columns: r.columns,
    alwaysIdentity: r.always,
    // Parents before children within a table too (comments reply to earlier comments).
    orderBy: (r.pk?.length ? r.pk : r.columns).map(ident).join(", "),
    dependsOn: r.deps ?? [],
  }));
  return inDependencyOrder(tables);
}

/** Referenced tables first, so that rows load with every foreign key checked. */
function inDependencyOrder(tables: Table[]): Table[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const out: Table[] = [];
  const visit = (t: Table, path: Set<string>) => {
    if (done.has(t.name)) return;
    if (path.has(t.name)) throw new Error(`foreign keys form a cycle through ${t.name}`);
    path.add(t.name);
    for (const d of t.dependsOn) {
      const dep = byName.get(d);
      if (dep) visit(dep, path);
    }
    path.delete(t.name);
    done.add(t.name);
    out.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return out;
}

function dollarQuoted(text: string): string {
  let tag = "$dp$";
  for (let i = 0; text.includes(tag); i++) tag = `$dp${i}$`;
  return `${tag}${text}${tag}`;
}

/** Writes the backup to FILE (through FILE.partial, renamed at the end: a cut-off backup never looks whole). */
export async function backupDatabase(db: Db, file: string, now = new Date()): Promise<BackupReport> {
  const partial = `${file}.partial`;
  const fd = fs.openSync(partial, "w", 0o600);
  const write = (s: string) => fs.writeSync(fd, s);
  try {
    const report = await db.transaction(async (tx) => {
      await tx.query("set transaction isolation level repeatable read, read only");
      const [{ version }] = await tx.query<{ version: number }>(
        "select coalesce(max(version), 0)::int as version from schema_migrations",
      );
      const tables = await tablesOf(tx);
      write(
        `${BACKUP_HEADER}: schema version ${version}, taken ${now.toISOString()}\n` +
          "-- Into an empty Postgres database: psql -v ON_ERROR_STOP=1 --single-transaction -f FILE\n" +
          "-- Into an empty data directory or database: dailypapers restore FILE\n" +
          "set client_encoding = 'UTF8';\nset standard_conforming_strings = on;\n" +
          // Derived bookkeeping (site_version, the deletion log) comes from the rows, not from
          // replaying them: triggers that keep it skip this transaction.
          "set local dailypapers.restoring = 'on';\n",
      );
      write(`${STEP}\n${MIGRATIONS_TABLE};\n`);
      for (const m of loadMigrations().filter((m) => m.version <= version))
        write(`${STEP}\n-- migration ${m.name}\n${m.sql.trim()}\n`);
      // Migrations may seed rows; the backup's rows replace them.
      write(`${STEP}\ntruncate ${tables.map((t) => ident(t.name)).join(", ")};\n`);
      const counts: BackupReport["tables"] = [];
      for (const t of tables) counts.push({ name: t.name, rows: await writeRows(tx, t, write) });
      for (const s of await tx.query<{ name: string }>(
        "select sequencename::text as name from pg_sequences where schemaname = 'public' order by 1",
      )) {
        const [v] = await tx.query<{ last_value: number; is_called: boolean }>(
          `select last_value, is_called from ${ident(s.name)}`,
        );
        write(`${STEP}\nselect setval('${ident(s.name)}', ${v.last_value}, ${v.is_called});\n`);
      }
      write(`${END}\n`);
      return { schemaVersion: version, tables: counts };
    });
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(partial, file);
    return report;
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(partial, { force: true });
    throw err;
  }
}

async function writeRows(tx: Queryable, t: Table, write: (s: string) => void): Promise<number> {
  const cols = t.columns.map(ident).join(", ");
  await tx.query(
    `declare backup_rows no scroll cursor for select row_to_json(r)::text as j from (select ${cols} from ${ident(t.name)} order by ${t.orderBy}) r`,
  );
  let total = 0;
  for (;;) {
    const rows = await tx.query<{ j: string }>(`fetch ${ROWS_PER_STATEMENT} from backup_rows`);
    if (rows.length === 0) break;
    total += rows.length;
    const json = `[${rows.map((r) => r.j).join(",\n")}]`;
    write(
      `${STEP}\ninsert into ${ident(t.name)} (${cols})${t.alwaysIdentity ? " overriding system value" : ""}\n` +
        `select ${cols} from json_populate_recordset(null::${ident(t.name)}, ${dollarQuoted(json)});\n`,
    );
  }
  await tx.query("close backup_rows");
  return total;
}
