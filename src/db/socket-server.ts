import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from "@electric-sql/pglite-socket";
import type { SessionGate } from "./gate.ts";

/**
 * The running server's database for local processes: the Postgres wire protocol on a Unix socket
 * inside DATA_DIR, in a directory only its user can enter. pglite-socket frames the protocol;
 * what is ours is the queue that hands each message to PGlite. Its own queue only keeps socket
 * clients apart while a transaction is open, and lets the server's in-process queries run in the
 * middle of a client's transaction (and a client's statements in the middle of the server's).
 * Here a client takes the SessionGate with its first message and keeps it until PGlite answers
 * ReadyForQuery "idle": a CLI transaction runs alone, and so does each of the server's.
 */
export interface DatabaseSocket {
  /** The directory to give a Postgres client as its host (the socket is `.s.PGSQL.5432` in it). */
  readonly dir: string;
  readonly path: string;
  /**
   * Stops taking connections, lets a client transaction in progress end (up to graceMs), then
   * disconnects every client (an open transaction is rolled back) and removes the socket.
   */
  close(graceMs?: number): Promise<void>;
}

const SOCKET_DIR = "run";
const SOCKET_NAME = ".s.PGSQL.5432";
// sockaddr_un holds 108 bytes with the terminating NUL.
const MAX_SOCKET_PATH = 107;
const READY_FOR_QUERY = 0x5a; // 'Z'
const TERMINATE = 0x58; // 'X'
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

interface Session {
  owner: symbol;
  handler: PGLiteSocketHandler;
  chain: Promise<unknown>;
  closed: boolean;
  holdTimer?: NodeJS.Timeout;
}

export async function serveDatabaseSocket(
  lite: PGlite,
  gate: SessionGate,
  dataDir: string,
  // A client that holds the session and sends nothing for this long (stopped, hung) is cut off,
  // so it cannot hold the site's database hostage.
  opts: { holdTimeoutMs?: number; onError?: (err: Error) => void } = {},
): Promise<DatabaseSocket> {
  const dir = path.join(dataDir, SOCKET_DIR);
  const socketPath = path.join(dir, SOCKET_NAME);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH)
    throw new Error(
      `DATA_DIR is too long for a Unix socket (${socketPath} is over ${MAX_SOCKET_PATH} bytes); use a shorter path`,
    );
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  // We hold the data directory's lock, so a socket file left here is from a dead owner.
  fs.rmSync(socketPath, { force: true });

  const holdTimeoutMs = opts.holdTimeoutMs ?? 30_000;
  const sessions = new Map<number, Session>();
  let accepting = true;

  const endSession = async (s: Session) => {
    if (s.closed) return;
    s.closed = true;
    clearTimeout(s.holdTimer);
    gate.cancel(s.owner, new Error("client disconnected"));
    if (gate.holder === s.owner) {
      try {
        // Finish a half-sent extended-protocol exchange, then undo what it left open.
        await lite.runExclusive(() => lite.execProtocolRaw(SYNC));
        if (lite.isInTransaction()) await lite.runExclusive(() => lite.execProtocolRaw(query("ROLLBACK")));
      } catch (err) {
        opts.onError?.(err as Error);
      } finally {
        gate.release(s.owner);
      }
    }
  };

  const execute = async (s: Session, message: Uint8Array, onData: (d: Uint8Array) => void) => {
    if (s.closed) throw new Error("client disconnected");
    if (message[0] === TERMINATE) {
      // Not for PGlite: its one session outlives every client.
      await endSession(s);
      return 0;
    }
    await gate.acquire(s.owner);
    clearTimeout(s.holdTimer);
    let tail: Uint8Array = new Uint8Array(0);
    let bytes = 0;
    try {
      await lite.runExclusive(() =>
        lite.execProtocolRawStream(message, {
          onRawData: (d: Uint8Array) => {
            bytes += d.length;
            tail = lastBytes(tail, d, 6);
            onData(d);
          },
        }),
      );
    } catch (err) {
      await endSession(s);
      throw err;
    }
    if (s.closed) return bytes;
    if (idleReady(tail)) gate.release(s.owner);
    else {
      s.holdTimer = setTimeout(() => void s.handler.detach(true), holdTimeoutMs);
      s.holdTimer.unref();
    }
    return bytes;
  };

  const sessionOf = (id: number) => {
    const s = sessions.get(id);
    if (!s) throw new Error(`unknown socket session ${id}`);
    return s;
  };
  // The queue interface pglite-socket's handler drives (enqueue per message, clean-up on detach).
  const queue = {
    enqueue(id: number, message: Uint8Array, onData: (d: Uint8Array) => void): Promise<number> {
      const s = sessionOf(id);
      // The handler may hand over the next message before the last one ran: keep their order.
      const run = s.chain.catch(() => {}).then(() => execute(s, message, onData));
      s.chain = run;
      return run;
    },
    clearQueueForHandler(id: number) {
      const s = sessions.get(id);
      if (s) gate.cancel(s.owner, new Error("client disconnected"));
    },
    async clearTransactionIfNeeded(id: number) {
      const s = sessions.get(id);
      if (!s) return;
      sessions.delete(id);
      await endSession(s);
    },
  } as unknown as PGLiteSocketHandlerOptions["queryQueue"];

  const server = net.createServer((socket) => {
    if (!accepting) return void socket.destroy();
    const handler = new PGLiteSocketHandler({ queryQueue: queue, closeOnDetach: true });
    sessions.set(handler.handlerId, {
      owner: Symbol(`socket ${handler.handlerId}`),
      handler,
      chain: Promise.resolve(),
      closed: false,
    });
    handler.attach(socket).catch((err: Error) => {
      opts.onError?.(err);
      socket.destroy();
    });
  });
  server.maxConnections = 64;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });
  fs.chmodSync(socketPath, 0o600);

  return {
    dir,
    path: socketPath,
    async close(graceMs = 5_000) {
      accepting = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const deadline = Date.now() + graceMs;
      const holding = () => [...sessions.values()].some((s) => gate.holder === s.owner);
      while (holding() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await Promise.all([...sessions.values()].map((s) => s.handler.detach(true)));
      await closed;
      fs.rmSync(socketPath, { force: true });
    },
  };
}

/** A simple-protocol Query message. */
function query(sql: string): Uint8Array {
  const body = Buffer.from(`${sql}\0`);
  const msg = Buffer.alloc(5 + body.length);
  msg[0] = 0x51; // 'Q'
  msg.writeInt32BE(4 + body.length, 1);
  body.copy(msg, 5);
  return msg;
}

function lastBytes(prev: Uint8Array, next: Uint8Array, n: number): Uint8Array {
  if (next.length >= n) return next.slice(next.length - n);
  const joined = new Uint8Array(prev.length + next.length);
  joined.set(prev);
  joined.set(next, prev.length);
  return joined.slice(Math.max(0, joined.length - n));
}

/**
 * Whether a response ends with ReadyForQuery "idle". Only ReadyForQuery ends in I, T or E after a
 * length of 5 (CommandComplete, ErrorResponse and the rest end in a NUL), so the tail decides it.
 */
function idleReady(tail: Uint8Array): boolean {
  return (
    tail.length === 6 &&
    tail[0] === READY_FOR_QUERY &&
    tail[1] === 0 &&
    tail[2] === 0 &&
    tail[3] === 0 &&
    tail[4] === 5 &&
    tail[5] === 0x49 // 'I'
  );
}
