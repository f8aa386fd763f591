import path from "node:path";
import type { Config } from "../config.ts";
import { createPglite, type Db, openPostgres } from "./client.ts";
import { acquireDataDirLock, holdingLock } from "./lock.ts";
import { migrate } from "./migrate.ts";
import { type DatabaseSocket, serveDatabaseSocket } from "./socket-server.ts";

/** The database as the server process holds it: the one owner of its files. */
export interface OwnedDatabase {
  db: Db;
  /** Where local CLI processes reach this PGlite; null on a Postgres server (they connect to it). */
  socket: DatabaseSocket | null;
  /**
   * Closes in this order: no new socket clients, a client transaction in progress may finish
   * (graceMs), PGlite closes cleanly, the lock goes.
   */
  close(graceMs?: number): Promise<void>;
}

export const PGLITE_DIR = "pglite";

/**
 * Takes the data directory's lock (refusing at once when another process owns it), opens and
 * migrates the database, and serves it on the Unix socket for the CLI. On Postgres there is no
 * lock to take: the server itself serialises its clients, and migrations take an advisory lock.
 */
export async function openServerDatabase(
  config: Pick<Config, "databaseUrl" | "dataDir">,
  opts: { command: string; signal?: AbortSignal; onSocketError?: (err: Error) => void },
): Promise<OwnedDatabase> {
  if (config.databaseUrl) {
    const db = await openPostgres(config.databaseUrl);
    try {
      await migrate(db, undefined, opts.signal);
    } catch (err) {
      await db.close();
      throw err;
    }
    return { db, socket: null, close: () => db.close() };
  }
  const lock = acquireDataDirLock(config.dataDir, { role: "server", command: opts.command });
  return holdingLock(lock, async () => {
    const { db, lite, gate } = await createPglite(path.join(config.dataDir, PGLITE_DIR));
    let socket: DatabaseSocket;
    try {
      await migrate(db, undefined, opts.signal);
      opts.signal?.throwIfAborted();
      socket = await serveDatabaseSocket(lite, gate, config.dataDir, { onError: opts.onSocketError });
      lock.setSocket(socket.dir);
    } catch (err) {
      await db.close();
      throw err;
    }
    return {
      db,
      socket,
      async close(graceMs?: number) {
        // New CLI processes now wait for us to go, then open the files themselves.
        lock.setSocket(undefined);
        await socket.close(graceMs);
        await db.close();
      },
    };
  });
}
