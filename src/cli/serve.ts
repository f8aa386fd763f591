import type { Command } from "commander";
import { type Config, loadConfig } from "../config.ts";
import { type RunningServer, startServer } from "../server.ts";
import { CliError } from "./main.ts";

export interface ListenOptions {
  port?: string;
  host?: string;
}

/** --port and --host over the environment, checked here so a typo is one clear line. */
export function listenConfig(opts: ListenOptions): Config {
  if (opts.port !== undefined && !/^\d{1,5}$/.test(opts.port))
    throw new CliError(`--port must be a port number from 0 to 65535, got "${opts.port}"`);
  if (opts.port !== undefined && Number(opts.port) > 65535)
    throw new CliError(`--port must be a port number from 0 to 65535, got ${opts.port}`);
  return loadConfig({
    ...process.env,
    ...(opts.port ? { PORT: opts.port } : {}),
    ...(opts.host ? { HOST: opts.host } : {}),
  });
}

/** Starts the server; a busy or forbidden address is a one-line error, not a stack trace. */
export async function listen(config: Config): Promise<RunningServer> {
  try {
    return await startServer(config);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const where = `${config.host}:${config.port}`;
    if (code === "EADDRINUSE")
      throw new CliError(`${where} is already in use: stop the other server or pick another --port`);
    if (code === "EACCES") throw new CliError(`not allowed to listen on ${where}: pick a port above 1023`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
      throw new CliError(`cannot listen on ${config.host}: no such address on this machine (--host)`);
    throw err;
  }
}

/** Stops cleanly on Ctrl-C or a service manager's SIGTERM. */
export function stopOnSignals(server: RunningServer): void {
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

export function registerServeCommands(program: Command): void {
  program
    .command("serve")
    .description("start the web server")
    .option("--port <n>", "port to listen on (default $PORT or 3000)")
    .option("--host <h>", "address to bind (default $HOST or 127.0.0.1)")
    .action(async (opts: ListenOptions) => {
      const server = await listen(listenConfig(opts));
      process.stdout.write(`Daily Papers is running at ${server.url}\n`);
      stopOnSignals(server);
    });
}
