import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { DataDirBusy } from "../db/lock.ts";
import { type RunningServer, startServer } from "../server.ts";
import { CliError } from "./errors.ts";

// Past every bound of a graceful shutdown (server.ts SHUTDOWN_BOUNDS) something is stuck.
const HARD_EXIT_MS = 30_000;

/**
 * `serve` and `start`: SIGTERM or SIGINT at any moment, start-up and migrations included, stops
 * the server gracefully and exits 0. The handlers are installed before anything is opened; a
 * signal during start-up stops it at the next safe point.
 */
export async function runServer(
  config: Config,
  opts: { command: string; prepare?: (db: Db) => Promise<void>; banner: (server: RunningServer) => string },
): Promise<void> {
  const controller = new AbortController();
  let server: RunningServer | undefined;
  let stopping = false;
  const stop = async () => {
    setTimeout(() => {
      process.stderr.write("shutdown took too long; exiting\n");
      process.exit(1);
    }, HARD_EXIT_MS).unref();
    await server?.close();
    process.exit(0);
  };
  const onSignal = () => {
    if (stopping) return; // The first signal's shutdown is under way, with its own bounds.
    stopping = true;
    controller.abort(new Error("stopped by a signal"));
    if (server) void stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    server = await startServer(config, {
      signal: controller.signal,
      command: opts.command,
      prepare: opts.prepare,
    });
  } catch (err) {
    if (controller.signal.aborted) process.exit(0);
    if (err instanceof DataDirBusy) throw new CliError(err.message);
    throw listenError(err, config);
  }
  if (stopping) return stop();
  process.stdout.write(opts.banner(server));
}

/** A busy or forbidden address is a one-line error, not a stack trace. */
function listenError(err: unknown, config: Config): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  const where = `${config.host}:${config.port}`;
  if (code === "EADDRINUSE")
    return new CliError(`${where} is already in use: stop the other server or pick another --port`);
  if (code === "EACCES") return new CliError(`not allowed to listen on ${where}: pick a port above 1023`);
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
    return new CliError(`cannot listen on ${config.host}: no such address on this machine (--host)`);
  return err;
}
