import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { from as copyFromStdin } from "pg-copy-streams";
import { SessionGate } from "./gate.ts";

/**
 * The one database interface the application uses. Both backends speak the same Postgres
 * dialect; this only papers over how each client is driven.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Loads rows in COPY's text format (tab-separated, `\N` for NULL, one row a line) into
   * `table`: the database's bulk path, several times faster than INSERT statements.
   */
  copyFrom(table: string, columns: readonly string[], rows: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: "pglite" | "postgres";
  /**
   * A running server's PGlite reached through its socket: each statement holds the one session
   * the site also needs, so long jobs use smaller transactions.
   */
  readonly sharedWithServer?: boolean;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * PGlite in this process only: a number that moves after every statement or transaction by
   * anyone (SessionGate.turns). A Postgres server has other clients it cannot count.
   */
  turns?(): number;
}

// Postgres `date` stays a YYYY-MM-DD string (pg would shift it into the local time zone),
// and int8/numeric come back as numbers: counts here never approach 2^53.
const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const BYTEA_OID = 17;
/**
 * PGlite's own bytea parser decodes hex two characters at a time in JavaScript: a 17 MB model
 * took 4 s of one core with the event loop blocked. Node's native hex decoder takes
 * milliseconds; the copy gives the bytes their own buffer (Float32Array views need alignment).
 */
const parseBytea = (v: string) => new Uint8Array(Buffer.from(v.slice(2), "hex"));
pg.types.setTypeParser(DATE_OID, (v) => v);
pg.types.setTypeParser(INT8_OID, (v) => Number(v));
pg.types.setTypeParser(NUMERIC_OID, (v) => Number(v));

/** A PGlite instance with the gate that keeps its one session to one user at a time. */
export interface OpenPglite {
  db: Db;
  lite: PGlite;
  gate: SessionGate;
}

/**
 * Opens PGlite files (or memory, without a directory). Every query and transaction goes through
 * the gate, so that a socket client (socket-server.ts) never shares the session mid-transaction.
 * Only the data directory's owner may call this with a directory (owner.ts, open.ts).
 */
export async function createPglite(dataDir: string | undefined): Promise<OpenPglite> {
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const lite = await PGlite.create(dataDir, {
    parsers: {
      [DATE_OID]: (v: string) => v,
      [INT8_OID]: (v: string) => Number(v),
      [NUMERIC_OID]: (v: string) => Number(v),
      [BYTEA_OID]: parseBytea,
    },
  });
  const gate = new SessionGate();
  const wrap = (q: { query: PGlite["query"]; exec: PGlite["exec"] }): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      const res = await q.query<T>(sql, params as unknown[] | undefined);
      return res.rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
    async copyFrom(table, columns, rows) {
      // PGlite has no COPY FROM STDIN; it reads a query's attached blob as the file /dev/blob.
      await q.query(`copy ${table} (${columns.join(", ")}) from '/dev/blob'`, [], { blob: new Blob([rows]) });
    },
  });
  const direct = wrap(lite);
  const db: Db = {
    kind: "pglite",
    query: (sql, params) => gate.run(() => direct.query(sql, params)),
    exec: (sql) => gate.run(() => direct.exec(sql)),
    copyFrom: (table, columns, rows) => gate.run(() => direct.copyFrom(table, columns, rows)),
    // Statements inside run on `tx`, under the gate taken once for the whole transaction.
    transaction: (fn) => gate.run(() => lite.transaction((tx) => fn(wrap(tx)))),
    close: () => gate.run(() => lite.close()),
    turns: () => gate.turns,
  };
  return { db, lite, gate };
}

export async function openPglite(dataDir: string | undefined): Promise<Db> {
  return (await createPglite(dataDir)).db;
}

/** A Postgres server, or a running Daily Papers server's PGlite through its socket (pg.PoolConfig). */
export async function openPostgres(target: string | pg.PoolConfig, poolSize = 10): Promise<Db> {
  const pool = new pg.Pool({
    max: poolSize,
    ...(typeof target === "string" ? { connectionString: target } : target),
  });
  pool.on("error", () => {
    // An idle client lost its connection; the pool replaces it on the next checkout.
  });
  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      const res = await c.query(sql, params);
      return res.rows as T[];
    },
    async exec(sql: string) {
      await c.query(sql);
    },
    async copyFrom(table, columns, rows) {
      const client = c instanceof pg.Pool ? await c.connect() : c;
      try {
        await copyInto(client, `copy ${table} (${columns.join(", ")}) from stdin`, rows);
      } finally {
        if (client !== c) (client as pg.PoolClient).release();
      }
    },
  });
  return {
    kind: "postgres",
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(wrap(client));
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** One COPY FROM STDIN on a connection; settles once the server has the rows, or refused them. */
function copyInto(client: pg.PoolClient, sql: string, rows: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFromStdin(sql));
    stream.on("finish", () => resolve());
    stream.on("error", reject);
    stream.end(rows);
  });
}
